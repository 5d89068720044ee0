// Rows a sink cannot store: the value checks sinks declare (value_limits), and what the sink
// operator does with such rows and with an INSERT's implicit conversion that does not fit —
// dead letters naming the sink and column, skipped rows, or a data error.
#include <gtest/gtest.h>

#include "capture_sink.h"
#include "connector/raw_record.h"
#include "connector/value_limits.h"
#include "exec/dead_letter_writer.h"
#include "exec/sink_operator.h"
#include "test_columns.h"

namespace sluice {
namespace {

using test::MakeBatch;

const ValueLimits kTextLimits{.target = "the test target",
                              .text_must_be_utf8 = true,
                              .text_may_contain_nul = false,
                              .min_timestamp_micros = kMinTimestampMicros,
                              .max_timestamp_micros = kMaxTimestampMicros,
                              .min_date_days = kMinDateDays,
                              .max_date_days = kMaxDateDays};

TEST(ValueLimitsTest, TextProblemsSayWhatAndWhere) {
  EXPECT_EQ(TextProblem("plain café ✓ 𝄞", true, false), "");
  EXPECT_EQ(TextProblem(std::string("c\0d", 3), true, false), "a NUL byte at byte 1");
  EXPECT_EQ(TextProblem(std::string("c\0d", 3), true, true), "");
  EXPECT_EQ(TextProblem("c\xff", true, false), "bytes that are not UTF-8 (0xFF at byte 1)");
  EXPECT_EQ(TextProblem("ab\xC0\x80", true, false), "bytes that are not UTF-8 (0xC0 at byte 2)")
      << "overlong NUL";
  EXPECT_EQ(TextProblem("\xED\xA0\x80", true, false), "bytes that are not UTF-8 (0xED at byte 0)")
      << "surrogate";
  EXPECT_EQ(TextProblem("\xF4\x90\x80\x80", true, false),
            "bytes that are not UTF-8 (0xF4 at byte 0)")
      << "above U+10FFFF";
  EXPECT_EQ(TextProblem("caf\xC3", true, false), "bytes that are not UTF-8 (0xC3 at byte 3)")
      << "truncated sequence";
  EXPECT_EQ(TextProblem("c\xff", false, true), "");
}

TEST(ValueLimitsTest, UnstorableBytesAreEscaped) {
  EXPECT_EQ(EscapeUnstorableText("café"), "café");
  EXPECT_EQ(EscapeUnstorableText(std::string("c\xff" "d\0", 4)), "c\\xFFd\\x00");
  EXPECT_EQ(EscapeUnstorableText("\xEF\xBB\xBF{}"), "\xEF\xBB\xBF{}") << "a BOM is valid UTF-8";
  EXPECT_EQ(EscapeUnstorableText("a\\b\xC3"), "a\\b\\xC3");
}

TEST(ValueLimitsTest, OneRejectPerRowWithItsFirstColumn) {
  Schema schema({Field{"name", DataType::String(), true}, Field{"at", DataType::Timestamp(), true},
                 Field{"day", DataType::Date(), true}});
  Batch batch = MakeBatch({test::Strings({"ok", std::string("n\0", 2), "ok", "x\xff", std::nullopt}),
                           test::Timestamps({"2024-01-01 00:00:00", "2024-01-01 00:00:00",
                                             "0000-06-01 00:00:00", "0000-06-01 00:00:00",
                                             std::nullopt}),
                           test::Dates({"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01",
                                        "0000-12-31"})});
  std::vector<RowReject> rejects;
  FindValuesOutsideLimits(schema, batch, kTextLimits, rejects);
  ASSERT_EQ(rejects.size(), 4u);
  EXPECT_EQ(rejects[0].row, 1u);
  EXPECT_EQ(rejects[0].column, "name");
  EXPECT_EQ(rejects[0].reason, "text with a NUL byte at byte 1, which the test target cannot store");
  EXPECT_EQ(rejects[1].row, 2u);
  EXPECT_EQ(rejects[1].column, "at");
  EXPECT_EQ(rejects[1].reason.substr(0, 30), "timestamp 0000-06-01 00:00:00 ");
  EXPECT_EQ(rejects[2].row, 3u);
  EXPECT_EQ(rejects[2].column, "name") << "the first offending column of the row";
  EXPECT_EQ(rejects[3].row, 4u);
  EXPECT_EQ(rejects[3].column, "day");
  EXPECT_EQ(rejects[3].reason,
            "date 0000-12-31 is outside the range the test target can store (0001-01-01 to "
            "9999-12-31)");
}

// A capture sink that stores no text with NUL, like PostgreSQL.
class StrictSink final : public Sink {
 public:
  StrictSink(Schema schema, std::vector<std::vector<std::string>>* rows)
      : schema_(std::move(schema)), capture_(rows) {}
  Status Open() override { return Status::OK(); }
  void FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) override {
    FindValuesOutsideLimits(schema_, batch, kTextLimits, out);
  }
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions*) override {
    CountWritten(batch.num_live_rows());
    return capture_.Write(batch);
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "strict"; }

 protected:
  Status CommitEpoch(uint64_t, const SourceOffsets&) override { return Status::OK(); }

 private:
  Schema schema_;
  CaptureSink capture_;
};

class SinkRejectsTest : public ::testing::Test {
 protected:
  SinkRejectsTest()
      : schema_({Field{"customer", DataType::String(), true},
                 Field{"cashback", DataType::Decimal(10, 2), true}}) {
    sink_ = std::make_unique<SinkOperator>("payouts", std::make_unique<StrictSink>(schema_, &rows_));
    // cashback arrives as DECIMAL(14, 2) and is converted at the INSERT.
    sink_->set_insert_casts({{1, DataType::Decimal(10, 2)}}, schema_);
    Schema letters({Field{"value", DataType::String(), true}, Field{"reason", DataType::String(), true},
                    Field{"offset", DataType::Int64(), true}});
    auto writer = DeadLetterWriter::Make(
        letters, std::make_unique<SinkOperator>("errors", std::make_unique<CaptureSink>(&letters_)),
        "test");
    EXPECT_TRUE(writer.ok());
    dead_letters_ = std::move(*writer);
  }

  // Four rows: fine, a NUL, a cashback of 100000000.00 (too large), fine.
  Batch Input() const {
    return MakeBatch({test::Strings({"a", std::string("b\0", 2), "c", "d"}),
                      test::Decimals(14, 2, {150, 250, 10'000'000'000, 99'999'999'99})});
  }

  Schema schema_;
  std::vector<std::vector<std::string>> rows_, letters_;
  std::unique_ptr<SinkOperator> sink_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;
};

TEST_F(SinkRejectsTest, RowsItCannotStoreBecomeDeadLettersOfTheirRecords) {
  RejectPolicy policy;
  policy.policy = ErrorPolicy::kDeadLetter;
  policy.dead_letters = dead_letters_.get();
  policy.source_table = "payments";
  policy.rows_are_records = true;
  sink_->set_reject_policy(policy);
  RawBatch raw;
  raw.set_origin("payments_topic");
  for (int i = 0; i < 4; ++i) raw.Add("record " + std::to_string(i), 0, 2, 100 + i);
  std::vector<uint32_t> record_of_row = {0, 1, 2, 3};
  EvalContext context;
  context.raw = &raw;
  context.record_of_row = &record_of_row;
  ASSERT_TRUE(sink_->Push(Input(), context).ok());
  ASSERT_EQ(rows_.size(), 2u);
  EXPECT_EQ(rows_[0], (std::vector<std::string>{"a", "1.50"}));
  EXPECT_EQ(rows_[1], (std::vector<std::string>{"d", "99999999.99"}));
  ASSERT_EQ(letters_.size(), 2u);
  EXPECT_EQ(letters_[0][0], "record 1");
  EXPECT_EQ(letters_[0][1],
            "sink 'payouts' cannot store column 'customer': text with a NUL byte at byte 1, "
            "which the test target cannot store");
  EXPECT_EQ(letters_[0][2], "101");
  EXPECT_EQ(letters_[1][0], "record 2");
  EXPECT_EQ(letters_[1][1],
            "sink 'payouts' cannot store column 'cashback': DECIMAL(14,2) 100000000.00 does not "
            "fit the column's type DECIMAL(10,2) (CAST it in the query to get NULL instead)");
  EXPECT_EQ(sink_->rows_rejected(), 2u);
  EXPECT_EQ(sink_->counters(), "2 rows it cannot store dead-lettered");
}

TEST_F(SinkRejectsTest, ComputedRowsAreDeadLetteredAsJson) {
  RejectPolicy policy;
  policy.policy = ErrorPolicy::kDeadLetter;
  policy.dead_letters = dead_letters_.get();
  policy.source_table = "payments";
  policy.rows_are_records = false;  // e.g. after an aggregation
  sink_->set_reject_policy(policy);
  EvalContext context;
  ASSERT_TRUE(sink_->Push(Input(), context).ok());
  ASSERT_EQ(letters_.size(), 2u);
  EXPECT_EQ(letters_[0][0], R"({"customer":"b\u0000","cashback":2.50})");
  EXPECT_EQ(letters_[0][2], "-1");
  EXPECT_EQ(letters_[1][0].substr(0, 16), R"({"customer":"c",)");
}

TEST_F(SinkRejectsTest, SkipLeavesThemOutAndCounts) {
  RejectPolicy policy;
  policy.policy = ErrorPolicy::kSkip;
  sink_->set_reject_policy(policy);
  EvalContext context;
  ASSERT_TRUE(sink_->Push(Input(), context).ok());
  EXPECT_EQ(rows_.size(), 2u);
  EXPECT_TRUE(letters_.empty());
  EXPECT_EQ(sink_->counters(), "2 rows it cannot store skipped");
}

TEST_F(SinkRejectsTest, FailIsADataErrorNamingTheRecordSinkAndColumn) {
  RejectPolicy policy;
  policy.policy = ErrorPolicy::kFail;
  policy.source_table = "payments";
  policy.rows_are_records = true;
  sink_->set_reject_policy(policy);
  RawBatch raw;
  raw.set_origin("payments_topic");
  for (int i = 0; i < 4; ++i) raw.Add("r", 0, 2, 100 + i);
  std::vector<uint32_t> record_of_row = {0, 1, 2, 3};
  EvalContext context;
  context.raw = &raw;
  context.record_of_row = &record_of_row;
  Status s = sink_->Push(Input(), context);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  EXPECT_FALSE(s.IsRetryable());
  EXPECT_EQ(s.message(),
            "sink 'payouts' cannot store column 'customer': text with a NUL byte at byte 1, which "
            "the test target cannot store (record at payments_topic partition 2 offset 101); set "
            "'errors' = 'dead-letter' or 'skip' on table 'payments' to keep going");
  EXPECT_TRUE(rows_.empty());
}

TEST(DeadLetterWriterTest, RawBytesReachATextColumnEscaped) {
  std::vector<std::vector<std::string>> rows;
  Schema schema({Field{"value", DataType::String(), true}, Field{"key", DataType::Bytes(), true},
                 Field{"event_timestamp", DataType::Timestamp(), true}});
  auto writer = DeadLetterWriter::Make(
      schema, std::make_unique<SinkOperator>("errors", std::make_unique<CaptureSink>(&rows)), "t");
  ASSERT_TRUE(writer.ok());
  DeadLetter letter;
  letter.value = std::string("{\"c\":\"\xff\"}\0", 10);
  letter.key = "k\xff";
  letter.timestamp_ms = 400'000'000'000'000;  // year 14645: no sink stores it
  EvalContext context;
  ASSERT_TRUE((*writer)->Write({letter}, DeadLetterKind::kMalformed, "src", 0, context).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "{\"c\":\"\\xFF\"}\\x00");
  EXPECT_EQ(rows[0][1].size(), 2u) << "BYTES keep the raw key";
  EXPECT_EQ(rows[0][2], "NULL");
}

}  // namespace
}  // namespace sluice
