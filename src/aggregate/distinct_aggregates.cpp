// f(DISTINCT x): any aggregate over the distinct values of its arguments (Spark allows DISTINCT
// in every aggregate; count(DISTINCT) has its own states in count_aggregates.cpp).
#include <absl/container/flat_hash_set.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice::aggregate {
namespace {

class DistinctStates final : public AggregateStates {
 public:
  DistinctStates(std::function<std::unique_ptr<AggregateStates>()> inner,
                 std::vector<DataType> input_types)
      : inner_(std::move(inner)), input_types_(std::move(input_types)) {}

  void Resize(size_t count) override {
    sets_.resize(count);
    orders_.resize(count);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      key_.clear();
      // -0.0 and 0.0 (and every NaN) are one value, as in Spark's DISTINCT.
      for (const Vector* a : args) EncodeKeyValue(*a, rows[i], key_);
      Add(groups[i], key_);
    }
  }
  // Decodes a group's distinct tuples into argument columns and folds them into fresh states of
  // the inner aggregate, whose result is the group's.
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      std::vector<VectorPtr> columns;
      for (const DataType& t : input_types_) columns.push_back(std::make_shared<Vector>(t));
      // In the order the values first came, so a result whose last bits depend on the order
      // (a floating-point sum) is the same on every run.
      for (const std::string& tuple : orders_[groups[i]]) {
        std::string_view in = tuple;
        for (auto& column : columns) DecodeValue(in, *column);
      }
      const size_t count = orders_[groups[i]].size();
      std::vector<const Vector*> args;
      for (const auto& column : columns) args.push_back(column.get());
      std::vector<uint32_t> rows(count);
      for (size_t r = 0; r < count; ++r) rows[r] = static_cast<uint32_t>(r);
      const std::vector<uint32_t> zeros(count, 0);
      std::unique_ptr<AggregateStates> states = inner_();
      states->Resize(1);
      states->Update(args, rows.data(), zeros.data(), count);
      const uint32_t group = 0;
      states->Finalize(&group, 1, out);
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteRaw(out, static_cast<uint32_t>(orders_[group].size()));
    for (const auto& tuple : orders_[group]) WriteBytes(out, tuple);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    uint32_t size;
    if (!ReadRaw(in, &size)) return false;
    for (uint32_t i = 0; i < size; ++i) {
      std::string_view tuple;
      if (!ReadBytes(in, &tuple)) return false;
      // A tuple must decode into the argument types, or Finalize would read past it.
      std::string_view check = tuple;
      for (const DataType& t : input_types_) {
        if (!SkipValue(check, t)) return false;
      }
      if (!check.empty()) return false;
      Add(group, tuple);
    }
    return true;
  }
  size_t MemoryUsage() const override {
    return bytes_ + sets_.capacity() * sizeof(sets_[0]) + orders_.capacity() * sizeof(orders_[0]);
  }

 private:
  void Add(uint32_t group, std::string_view tuple) {
    if (!sets_[group].emplace(tuple).second) return;
    orders_[group].emplace_back(tuple);
    bytes_ += 2 * tuple.size() + 64;
  }

  std::function<std::unique_ptr<AggregateStates>()> inner_;
  std::vector<DataType> input_types_;
  std::vector<absl::flat_hash_set<std::string>> sets_;  // membership
  std::vector<std::vector<std::string>> orders_;        // the same tuples, first seen first
  std::string key_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeDistinctStates(
    std::function<std::unique_ptr<AggregateStates>()> inner, std::vector<DataType> input_types) {
  return std::make_unique<DistinctStates>(std::move(inner), std::move(input_types));
}

}  // namespace sluice::aggregate
