#include "exec/dead_letter_writer.h"

#include <chrono>

#include <fmt/format.h>

#include "connector/value_limits.h"
#include "function/cast.h"
#include "types/timestamp.h"

namespace sluice {

const std::vector<std::string>& DeadLetterWriter::KnownColumns() {
  static const std::vector<std::string> kColumns = {
      "value", "key", "reason", "topic", "partition", "offset", "event_timestamp",
      "error_time", "batch_id", "pipeline"};
  return kColumns;
}

Result<std::unique_ptr<DeadLetterWriter>> DeadLetterWriter::Make(
    const Schema& table_schema, std::unique_ptr<SinkOperator> sink, std::string pipeline_name) {
  const auto& known = KnownColumns();
  for (const Field& f : table_schema.fields()) {
    bool ok = false;
    for (const auto& k : known) ok |= k == f.name;
    if (!ok) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      // The caller names the table.
      return Status::Invalid("it has a column '{}' sluice cannot fill; its columns may be: {}",
                             f.name, list);
    }
  }
  std::unique_ptr<DeadLetterWriter> w(new DeadLetterWriter());
  w->schema_ = table_schema;
  w->sink_ = std::move(sink);
  w->pipeline_ = std::move(pipeline_name);
  return w;
}

Status DeadLetterWriter::Write(const std::vector<DeadLetter>& letters, DeadLetterKind kind,
                               std::string_view source_table, int64_t batch_id,
                               EvalContext& context) {
  if (letters.empty()) return Status::OK();
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  // The metrics: a count by source and kind, and the latest letters (cut) for the web UI.
  auto counts = counts_by_source_.find(source_table);
  if (counts == counts_by_source_.end()) {
    counts = counts_by_source_.emplace(std::string(source_table), std::array<uint64_t, 4>{}).first;
  }
  counts->second[static_cast<size_t>(kind)] += letters.size();
  const size_t first_recent = letters.size() > kRecent ? letters.size() - kRecent : 0;
  for (size_t i = first_recent; i < letters.size(); ++i) {
    const DeadLetter& d = letters[i];
    DeadLetterSample sample{.time_unix_ms = now / 1000,
                            .source = std::string(source_table),
                            .kind = kind,
                            .origin = d.origin,
                            .partition = d.partition,
                            .offset = d.offset,
                            .reason = d.reason,
                            .value = {},
                            .value_cut = false};
    sample.value_cut = d.value.size() > DeadLetterSample::kMaxValueBytes;
    sample.value = d.value.substr(0, DeadLetterSample::kMaxValueBytes);
    if (recent_.size() == kRecent) recent_.pop_front();
    recent_.push_back(std::move(sample));
  }
  // A record too large for the dead-letter table (a 5 MB value for a Kafka topic) is cut to fit:
  // a dead letter that cannot be written would stop the pipeline. Each byte may become a 6-byte
  // JSON escape, and the other columns get room of their own.
  std::vector<DeadLetter> cut;
  const std::vector<DeadLetter>* rows = &letters;
  if (auto limit = sink_->sink().max_record_bytes()) {
    for (size_t i = 0; i < letters.size(); ++i) {
      const DeadLetter& d = letters[i];
      const size_t others = 6 * (d.key.size() + d.reason.size() + d.origin.size()) + 4096;
      const size_t room = *limit > others ? (*limit - others) / 6 : 0;
      if (d.value.size() <= room) continue;
      if (cut.empty()) cut = letters;
      size_t keep = room;
      // Not in the middle of a UTF-8 sequence.
      while (keep > 0 && (static_cast<unsigned char>(d.value[keep]) & 0xC0) == 0x80) --keep;
      cut[i].value.resize(keep);
      cut[i].reason += fmt::format(" (value cut to its first {} of {} bytes to fit the dead-letter "
                                   "table's record limit)",
                                   keep, d.value.size());
    }
    if (!cut.empty()) rows = &cut;
  }
  std::vector<VectorPtr> columns;
  for (const Field& f : schema_.fields()) {
    // Build the natural column, then cast it to the declared type if that differs.
    const std::string& n = f.name;
    DataType natural = DataType::String();
    if (n == "partition") natural = DataType::Int32();
    if (n == "offset" || n == "batch_id") natural = DataType::Int64();
    if (n == "event_timestamp" || n == "error_time") natural = DataType::Timestamp();
    auto v = std::make_shared<Vector>(natural);
    // Raw bytes go into a BYTES column as they are; into text, bytes that are not UTF-8 (and
    // NUL) are written as \xNN, so a record that is not text still reaches the table.
    const bool as_text = f.type.id() == TypeId::kString;
    auto text = [&](const std::string& raw) {
      as_text ? v->AppendString(EscapeUnstorableText(raw)) : v->AppendString(raw);
    };
    for (const DeadLetter& d : *rows) {
      if (n == "value") text(d.value);
      else if (n == "key") d.key.empty() ? v->AppendNull() : text(d.key);
      else if (n == "reason") text(d.reason);
      else if (n == "topic") v->AppendString(d.origin);
      else if (n == "pipeline") v->AppendString(pipeline_);
      else if (n == "partition") v->Append<int32_t>(d.partition);
      else if (n == "offset") v->Append<int64_t>(d.offset);
      else if (n == "batch_id") v->Append<int64_t>(batch_id);
      else if (n == "event_timestamp") {
        // A producer may set any time; one no sink can store is left out rather than failing.
        if (d.timestamp_ms < kMinTimestampMicros / 1000 || d.timestamp_ms > kMaxTimestampMicros / 1000) {
          v->AppendNull();
        } else {
          v->Append<int64_t>(d.timestamp_ms * 1000);  // in range: no overflow
        }
      }
      else if (n == "error_time") v->Append<int64_t>(now);
    }
    if (natural != f.type) {
      auto cast = std::make_shared<Vector>(f.type);
      SelectionVector all;
      KernelContext ctx{all, letters.size(), context};
      SLUICE_RETURN_NOT_OK(CastVector(*v, f.type, ctx, *cast));
      v = cast;
    }
    columns.push_back(std::move(v));
  }
  Batch batch(std::move(columns), letters.size());
  return sink_->Push(batch, context);
}

}  // namespace sluice
