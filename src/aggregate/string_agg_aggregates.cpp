// string_agg(x[, delimiter]) / listagg: the group's non-null values joined in arrival order with
// the delimiter ('' when omitted or NULL); NULL when there are none, as Spark. STRING or BYTES.
#include "aggregate/aggregate_families.h"

namespace sluice::aggregate {
namespace {

class StringAggStates final : public AggregateStates {
 public:
  explicit StringAggStates(std::string delimiter) : delimiter_(std::move(delimiter)) {}

  void Resize(size_t count) override {
    joined_.resize(count);
    any_.resize(count, 0);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    ForEachValid(x, rows, groups, n, [&](uint32_t row, uint32_t g) {
      std::string& joined = joined_[g];
      const size_t before = joined.size();
      if (any_[g]) joined += delimiter_;
      joined += x.data<std::string_view>()[row];
      any_[g] = 1;
      bytes_ += joined.size() - before;
    });
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      if (!any_[groups[i]]) {
        out.AppendNull();
      } else {
        out.AppendString(joined_[groups[i]]);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.push_back(static_cast<char>(any_[group]));
    WriteBytes(out, joined_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    std::string_view bytes;
    if (in.empty()) return false;
    any_[group] = in[0] != 0;
    in.remove_prefix(1);
    if (!ReadBytes(in, &bytes)) return false;
    bytes_ += bytes.size() - joined_[group].size();
    joined_[group].assign(bytes);
    return true;
  }
  size_t MemoryUsage() const override {
    return joined_.capacity() * sizeof(std::string) + any_.capacity() + bytes_;
  }

 private:
  std::string delimiter_;
  std::vector<std::string> joined_;
  std::vector<uint8_t> any_;  // whether a value was joined (an empty string is one)
  size_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeStringAggStates(std::string delimiter) {
  return std::make_unique<StringAggStates>(std::move(delimiter));
}

}  // namespace sluice::aggregate
