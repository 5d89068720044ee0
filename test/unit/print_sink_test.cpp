// The console sink: Spark's show() table per committed batch, or JSON lines.
#include <gtest/gtest.h>

#include <sstream>

#include "connector/print/print_sink.h"
#include "test_columns.h"

namespace sluice {
namespace {

class PrintSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<Sink> Make(std::map<std::string, std::string> options, const Schema& schema) {
    auto s = PrintSink::Make(ConnectorOptions("console", std::move(options)), schema, &out_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Open().ok());
    return std::move(s).value();
  }
  std::ostringstream out_;
};

const std::string kRule = "-------------------------------------------\n";

Schema OrderSchema() {
  return Schema({{"id", DataType::Int32(), true},
                 {"name", DataType::String(), true},
                 {"amount", DataType::Decimal(10, 2), true}});
}

TEST_F(PrintSinkTest, ExactTableForASmallBatch) {
  auto sink = Make({}, OrderSchema());
  Batch batch = test::MakeBatch({test::Ints({1, 22}), test::Strings({"alice", std::nullopt}),
                                 test::Decimals(10, 2, {9900, 550})});
  ASSERT_TRUE(sink->Write(batch).ok());
  EXPECT_EQ(out_.str(), "") << "nothing before the commit";
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), kRule + "Batch: 0\n" + kRule +
                            "+---+-----+------+\n"
                            "| id| name|amount|\n"
                            "+---+-----+------+\n"
                            "|  1|alice| 99.00|\n"
                            "| 22| NULL|  5.50|\n"
                            "+---+-----+------+\n"
                            "\n");
  EXPECT_EQ(sink->rows_written(), 2u);
}

TEST_F(PrintSinkTest, LongValuesAreTruncatedTo20Characters) {
  Schema schema({{"s", DataType::String(), true}});
  auto sink = Make({}, schema);
  Batch batch = test::MakeBatch(
      {test::Strings({"abcdefghijklmnopqrstuvwxyz", "exactly twenty chars", "\xc3\xa9t\xc3\xa9"})});
  ASSERT_TRUE(sink->Write(batch).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), kRule + "Batch: 0\n" + kRule +
                            "+--------------------+\n"
                            "|                   s|\n"
                            "+--------------------+\n"
                            "|abcdefghijklmnopq...|\n"
                            "|exactly twenty chars|\n"
                            "|                 \xc3\xa9t\xc3\xa9|\n"
                            "+--------------------+\n"
                            "\n");
}

TEST_F(PrintSinkTest, TruncateFalseShowsEverythingLeftAligned) {
  Schema schema({{"s", DataType::String(), true}, {"n", DataType::Int32(), true}});
  auto sink = Make({{"truncate", "false"}}, schema);
  Batch batch =
      test::MakeBatch({test::Strings({"abcdefghijklmnopqrstuvwxyz"}), test::Ints({7})});
  ASSERT_TRUE(sink->Write(batch).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), kRule + "Batch: 0\n" + kRule +
                            "+--------------------------+---+\n"
                            "|s                         |n  |\n"
                            "+--------------------------+---+\n"
                            "|abcdefghijklmnopqrstuvwxyz|7  |\n"
                            "+--------------------------+---+\n"
                            "\n");
}

TEST_F(PrintSinkTest, NumRowsLimitsTheRowsShown) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto sink = Make({{"numRows", "2"}}, schema);
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({1, 2})})).ok());
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({3})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), kRule + "Batch: 0\n" + kRule +
                            "+---+\n"
                            "|  n|\n"
                            "+---+\n"
                            "|  1|\n"
                            "|  2|\n"
                            "+---+\n"
                            "only showing top 2 rows\n"
                            "\n");
  EXPECT_EQ(sink->rows_written(), 3u);
}

TEST_F(PrintSinkTest, DefaultShowsTwentyRows) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto sink = Make({}, schema);
  std::vector<std::optional<int32_t>> values;
  for (int i = 0; i < 25; ++i) values.push_back(i);
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints(values)})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  const std::string text = out_.str();
  EXPECT_NE(text.find("| 19|\n+---+\nonly showing top 20 rows\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("| 20|"), std::string::npos);
}

TEST_F(PrintSinkTest, BatchesAreNumberedAndEmptyCommitsPrintNothing) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto sink = Make({}, schema);
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), "");
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({1})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  ASSERT_TRUE(sink->Commit().ok());
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({2})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  const std::string text = out_.str();
  EXPECT_NE(text.find("Batch: 0\n"), std::string::npos);
  EXPECT_NE(text.find("Batch: 1\n"), std::string::npos);
  EXPECT_EQ(text.find("Batch: 2\n"), std::string::npos);
  EXPECT_LT(text.find("|  1|"), text.find("Batch: 1"));
}

TEST_F(PrintSinkTest, JsonFormatWithIdentifier) {
  Schema schema({{"id", DataType::Int32(), true}, {"name", DataType::String(), true}});
  auto sink = Make({{"format", "json"}, {"print-identifier", "orders"}}, schema);
  Batch batch = test::MakeBatch({test::Ints({1, 2}), test::Strings({"a", std::nullopt})});
  batch.set_selection(SelectionVector::Of({1}));
  ASSERT_TRUE(sink->Write(batch).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), "orders> {\"id\":2,\"name\":null}\n");
}

TEST_F(PrintSinkTest, IdentifierPrefixesTableLines) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto sink = Make({{"print-identifier", "p"}}, schema);
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({5})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(out_.str(), "p> " + kRule + "p> Batch: 0\np> " + kRule +
                            "p> +---+\np> |  n|\np> +---+\np> |  5|\np> +---+\np> \n");
}

TEST_F(PrintSinkTest, OptionsAreValidated) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto typo = PrintSink::Make(ConnectorOptions("c", {{"num-rows", "5"}}), schema);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("numRows"), std::string::npos)
      << typo.status().ToString();
  EXPECT_FALSE(PrintSink::Make(ConnectorOptions("c", {{"numRows", "0"}}), schema).ok());
  EXPECT_FALSE(PrintSink::Make(ConnectorOptions("c", {{"format", "xml"}}), schema).ok());
  EXPECT_FALSE(PrintSink::Make(ConnectorOptions("c", {{"truncate", "maybe"}}), schema).ok());
}

}  // namespace
}  // namespace sluice
