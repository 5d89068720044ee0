// collect_list and collect_set: the non-null values of a group, as an ARRAY.
#include <cstring>

#include <absl/container/flat_hash_set.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice::aggregate {
namespace {

class CollectStates final : public AggregateStates {
 public:
  CollectStates(DataType element, bool distinct) : element_(std::move(element)), distinct_(distinct) {}

  void Resize(size_t count) override {
    values_.resize(count);
    if (distinct_) seen_.resize(count);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (x.IsNull(rows[i])) continue;  // Spark's collect_list and collect_set skip NULLs
      std::string& list = values_[groups[i]];
      size_t start = list.size();
      EncodeValue(x, rows[i], list);
      if (distinct_) {
        std::string value = list.substr(start);
        if (!seen_[groups[i]].insert(value).second) {
          list.resize(start);
          continue;
        }
        bytes_ += value.size() + 32;
      }
      bytes_ += list.size() - start;
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
  DataType element_;
  bool distinct_;
  std::vector<std::string> values_;  // encoded values, one after the other
  std::vector<absl::flat_hash_set<std::string>> seen_;
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeCollectStates(const DataType& element, bool distinct) {
  return std::make_unique<CollectStates>(element, distinct);
}

}  // namespace sluice::aggregate
