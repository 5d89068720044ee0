// collect_list and collect_set: the non-null values of a group, as an ARRAY; collect_union: the
// distinct non-null elements of a group's arrays.
#include <cstring>

#include <absl/container/flat_hash_set.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice::aggregate {
namespace {

class CollectStates final : public AggregateStates {
 public:
  CollectStates(DataType element, bool distinct, bool elements_of_arrays)
      : element_(std::move(element)), distinct_(distinct), elements_of_arrays_(elements_of_arrays) {}

  void Resize(size_t count) override {
    values_.resize(count);
    if (distinct_) seen_.resize(count);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (x.IsNull(rows[i])) continue;  // Spark's collect_* skip NULLs
      if (!elements_of_arrays_) {
        Add(x, rows[i], groups[i]);
        continue;
      }
      const uint32_t* offsets = x.offsets();
      const Vector& elements = x.list_child();
      for (uint32_t e = offsets[rows[i]]; e < offsets[rows[i] + 1]; ++e) {
        if (!elements.IsNull(e)) Add(elements, e, groups[i]);
      }
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    Vector& elements = out.list_child();
    for (size_t i = 0; i < n; ++i) {
      std::string_view in = values_[groups[i]];
      while (!in.empty() && DecodeValue(in, elements)) {
      }
      out.AppendListEnd();
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    WriteBytes(out, values_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    std::string_view bytes;
    if (!ReadBytes(in, &bytes)) return false;
    values_[group].assign(bytes);
    if (distinct_) {
      std::string_view rest = values_[group];
      while (!rest.empty()) {
        std::string_view before = rest;
        if (!SkipValue(rest, element_)) return false;
        seen_[group].insert(std::string(before.substr(0, before.size() - rest.size())));
      }
    }
    bytes_ += bytes.size();
    return true;
  }
  size_t MemoryUsage() const override {
    return values_.capacity() * sizeof(std::string) + seen_.capacity() * sizeof(seen_[0]) + bytes_;
  }

 private:
  void Add(const Vector& x, size_t row, uint32_t group) {
    std::string& list = values_[group];
    const size_t start = list.size();
    EncodeValue(x, row, list);
    if (distinct_) {
      std::string value = list.substr(start);
      if (!seen_[group].insert(value).second) {
        list.resize(start);
        return;
      }
      bytes_ += value.size() + 32;
    }
    bytes_ += list.size() - start;
  }

  DataType element_;
  bool distinct_;
  bool elements_of_arrays_;  // collect_union: the argument is an array of the values
  std::vector<std::string> values_;  // encoded values, one after the other
  std::vector<absl::flat_hash_set<std::string>> seen_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeCollectStates(const DataType& element, bool distinct,
                                                   bool elements_of_arrays) {
  return std::make_unique<CollectStates>(element, distinct, elements_of_arrays);
}

}  // namespace sluice::aggregate
