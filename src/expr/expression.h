#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/dead_letter.h"
#include "types/data_type.h"
#include "vector/batch.h"

namespace sluice {

// What an evaluation may need beyond its input batch.
struct RecordPositions;
class RawBatch;
class DeadLetterWriter;

// A row whose expression raised an error in Spark's ANSI mode ('spark.sql.ansi.enabled'): an
// overflow, a value that does not cast, a division by zero, an index out of range.
struct RowError {
  uint32_t row;
  std::string reason;
  // Raised only because of ANSI mode (most are); false for what Spark raises in either mode
  // (an interval overflow).
  bool ansi = true;
};

struct EvalContext {
  int64_t now_micros = 0;  // current_timestamp(): fixed per batch so a batch sees one time
  // Where each row of the batch a source just decoded came from (partition, offset); set by
  // the pipeline for the operators at the head of each INSERT.
  const RecordPositions* positions = nullptr;
  // The raw records of that batch and, per row, the index of its record (for dead letters
  // raised after decoding, such as late records); null elsewhere.
  const RawBatch* raw = nullptr;
  const std::vector<uint32_t>* record_of_row = nullptr;
  int64_t batch_id = 0;  // the checkpoint epoch rows are written in
  // The partitions the current source reads (event time waits for each); null when unknown.
  const std::vector<int32_t>* source_partitions = nullptr;
  // Whether the source holds records of a partition it has not delivered yet (such a partition
  // is never idle); empty where no source is polled.
  std::function<bool(int32_t partition)> has_unread_records;
  // Set by an operator whose trigger just emitted a result (an update or complete table): the
  // pipeline commits at once, so each trigger reaches the sinks as its own commit (one console
  // "Batch: N" per trigger, as in Spark) instead of sharing one with the next trigger.
  bool commit_requested = false;
  // ANSI mode: the rows the expressions just evaluated raised on (kernels append; the operator
  // that evaluated them takes them out of its batch, see Operator::DivertRaisedRows), and what
  // the batch's source does with a bad record: its 'errors' policy and dead letters.
  std::vector<RowError> row_errors;
  ErrorPolicy source_errors = ErrorPolicy::kFail;
  DeadLetterWriter* source_dead_letters = nullptr;
  std::string_view source_table;
};

// A bound, typed expression. Evaluate computes a whole column at once over the batch's live
// rows: the result has input.num_rows() rows and is defined at the live ones. Expressions never
// fail per row — like Spark (non-ANSI), invalid input yields NULL — so Evaluate's error is only
// for resource or internal failures.
class Expression {
 public:
  explicit Expression(DataType type) : type_(std::move(type)) {}
  virtual ~Expression() = default;
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  const DataType& type() const { return type_; }
  virtual Result<VectorPtr> Evaluate(const Batch& input, EvalContext& context) const = 0;
  // SQL-like text for `sluice explain`.
  virtual std::string ToString() const = 0;
  // The input columns this expression reads (for projection push-down and explain).
  virtual void CollectColumns(std::vector<int>& /*columns*/) const {}

 private:
  DataType type_;
};

using ExpressionPtr = std::shared_ptr<const Expression>;

}  // namespace sluice
