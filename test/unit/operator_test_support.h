// Helpers for tests that drive one operator by hand: batches of (string key, BIGINT value) rows
// and a downstream operator that turns what reaches it into text lines.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "exec/operator.h"

namespace sluice::test {

// Rows of (k STRING, v BIGINT).
inline Batch KeyValueRows(const std::vector<std::pair<std::string, int64_t>>& rows) {
  auto k = std::make_shared<Vector>(DataType::String());
  auto v = std::make_shared<Vector>(DataType::Int64());
  for (const auto& [key, value] : rows) {
    k->AppendString(key);
    v->Append(value);
  }
  return Batch({k, v}, rows.size());
}

// Appends one line per live row it is given, as `format` writes it.
class CollectLines final : public Operator {
 public:
  using Format = std::function<std::string(const Batch&, uint32_t row)>;
  CollectLines(std::vector<std::string>* lines, Format format)
      : lines_(lines), format_(std::move(format)) {}
  Status Push(const Batch& batch, EvalContext&) override {
    for (size_t i = 0; i < batch.num_live_rows(); ++i) {
      lines_->push_back(format_(batch, batch.selection()[i]));
    }
    return Status::OK();
  }
  std::string Describe() const override { return "CollectLines"; }

 private:
  std::vector<std::string>* lines_;
  Format format_;
};

}  // namespace sluice::test
