#pragma once

#include <memory>
#include <string>

#include "connector/sink.h"
#include "exec/operator.h"

namespace sluice {

// The end of an INSERT: hands batches to a connector's Sink.
class SinkOperator final : public Operator {
 public:
  SinkOperator(std::string table_name, std::unique_ptr<Sink> sink)
      : table_(std::move(table_name)), sink_(std::move(sink)) {}

  Status Open() { return sink_->Open().WithContext("opening sink '" + table_ + "'"); }
  Status Push(const Batch& batch, EvalContext& context) override;
  Status Commit() override;
  Status Finish() override;
  std::string Describe() const override { return "Sink " + table_ + ": " + sink_->Describe(); }

  const std::string& table_name() const { return table_; }
  uint64_t rows_written() const { return sink_->rows_written(); }

 private:
  std::string table_;
  std::unique_ptr<Sink> sink_;
  bool closed_ = false;
};

}  // namespace sluice
