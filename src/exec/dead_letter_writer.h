#pragma once

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/dead_letter.h"
#include "exec/pipeline_metrics.h"
#include "exec/sink_operator.h"

namespace sluice {

// Writes dead letters into a sink table declared in SQL, filling its columns by name:
//   value, key, reason, topic, partition, offset, event_timestamp (the record's time),
//   error_time (when it failed), batch_id, pipeline.
// A column may be declared with another type than the natural one (e.g. event_timestamp
// STRING); the value is cast to it.
class DeadLetterWriter {
 public:
  static Result<std::unique_ptr<DeadLetterWriter>> Make(const Schema& table_schema,
                                                        std::unique_ptr<SinkOperator> sink,
                                                        std::string pipeline_name);
  // The column names a dead-letter table may have.
  static const std::vector<std::string>& KnownColumns();

  Status Open() { return sink_->Open(); }
  // `kind` and `source_table` (the table the records came from) are for the metrics.
  Status Write(const std::vector<DeadLetter>& letters, DeadLetterKind kind,
               std::string_view source_table, int64_t batch_id, EvalContext& context);
  Status Finish() { return sink_->Finish(); }
  SinkOperator& sink() { return *sink_; }
  const SinkOperator& sink() const { return *sink_; }
  uint64_t rows_written() const { return sink_->rows_written(); }
  // For the metrics: dead letters written per source table and kind, and the latest few.
  const std::map<std::string, std::array<uint64_t, kDeadLetterKindNames.size()>, std::less<>>&
  counts_by_source() const {
    return counts_by_source_;
  }
  const std::deque<DeadLetterSample>& recent() const { return recent_; }
  static constexpr size_t kRecent = 50;

 private:
  DeadLetterWriter() = default;
  Schema schema_;
  std::unique_ptr<SinkOperator> sink_;
  std::string pipeline_;
  std::map<std::string, std::array<uint64_t, kDeadLetterKindNames.size()>, std::less<>>
      counts_by_source_;
  std::deque<DeadLetterSample> recent_;
};

}  // namespace sluice
