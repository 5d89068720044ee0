// min, max, first and last: one kept value per group (of any type).
#include <cmath>
#include <cstring>
#include <string>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "vector/sort_key.h"
#include "types/decimal.h"

namespace sluice::aggregate {
namespace {

// A group's state: nothing seen, a NULL kept (first/last), or a value kept.
constexpr uint8_t kEmpty = 0, kNull = 1, kValue = 2;

// first/last without ignoreNulls keep a NULL like any value; min/max skip it.
void NoteNull(ValuePick pick, bool ignore_nulls, uint8_t& state) {
  if ((pick == ValuePick::kFirst && !ignore_nulls && state == kEmpty) ||
      (pick == ValuePick::kLast && !ignore_nulls)) {
    state = kNull;
  }
}

// Storage: int64_t for integer-like types, Int128 for DECIMAL, double, or std::string for
// STRING/BYTES.
template <typename T>
class ValueStates final : public AggregateStates {
  using View = std::conditional_t<std::is_same_v<T, std::string>, std::string_view, T>;

 public:
  ValueStates(ValuePick pick, bool ignore_nulls) : pick_(pick), ignore_nulls_(ignore_nulls) {}

  void Resize(size_t count) override {
    values_.resize(count, T{});
    state_.resize(count, kEmpty);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows[i];
      const uint32_t g = groups[i];
      if (x.IsNull(row)) {
        NoteNull(pick_, ignore_nulls_, state_[g]);
        continue;
      }
      View value = Read(x, row);
      bool take = false;
      switch (pick_) {
        case ValuePick::kMin: take = state_[g] != kValue || Less(value, View(values_[g])); break;
        case ValuePick::kMax: take = state_[g] != kValue || Less(View(values_[g]), value); break;
        case ValuePick::kFirst: take = state_[g] == kEmpty; break;
        case ValuePick::kLast: take = true; break;
      }
      if (take) {
        values_[g] = T(value);
        state_[g] = kValue;
      }
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      const uint32_t g = groups[i];
      if (state_[g] != kValue) {
        out.AppendNull();
      } else if constexpr (std::is_same_v<T, std::string>) {
        out.AppendString(values_[g]);
      } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, Int128>) {
        out.Append(values_[g]);
      } else {
        AppendInteger(out, values_[g]);
      }
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.push_back(static_cast<char>(state_[group]));
    if (state_[group] != kValue) return;
    if constexpr (std::is_same_v<T, std::string>) {
      WriteBytes(out, values_[group]);
    } else {
      WriteRaw(out, values_[group]);
    }
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.empty()) return false;
    state_[group] = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (state_[group] != kValue) return true;
    if constexpr (std::is_same_v<T, std::string>) {
      std::string_view bytes;
      if (!ReadBytes(in, &bytes)) return false;
      values_[group].assign(bytes);
      return true;
    } else {
      return ReadRaw(in, &values_[group]);
    }
  }
  size_t MemoryUsage() const override {
    size_t bytes = values_.capacity() * sizeof(T) + state_.capacity();
    if constexpr (std::is_same_v<T, std::string>) {
      for (const auto& v : values_) bytes += v.capacity() > 15 ? v.capacity() : 0;
    }
    return bytes;
  }

 private:
  // Spark's order: a NaN is above every other double (and equal to another NaN).
  static bool Less(View a, View b) {
    if constexpr (std::is_same_v<T, double>) {
      if (std::isnan(a)) return false;
      if (std::isnan(b)) return true;
    }
    return a < b;
  }

  static View Read(const Vector& x, size_t row) {
    if constexpr (std::is_same_v<T, std::string>) {
      return x.data<std::string_view>()[row];
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, Int128>) {
      return x.data<T>()[row];
    } else {
      return ReadInteger(x, row);
    }
  }

  ValuePick pick_;
  bool ignore_nulls_;
  std::vector<T> values_;
  std::vector<uint8_t> state_;
};

// min, max, first and last of an ARRAY, MAP or ROW: the kept value in EncodeValue's bytes, and
// for min/max its sort key too, whose byte order is Spark's order of such values.
class NestedValueStates final : public AggregateStates {
 public:
  NestedValueStates(ValuePick pick, bool ignore_nulls) : pick_(pick), ignore_nulls_(ignore_nulls) {}

  void Resize(size_t count) override {
    values_.resize(count);
    keys_.resize(count);
    state_.resize(count, kEmpty);
  }
  void Update(const std::vector<const Vector*>& args, const uint32_t* rows, const uint32_t* groups,
              size_t n) override {
    const Vector& x = *args[0];
    const bool ordered = pick_ == ValuePick::kMin || pick_ == ValuePick::kMax;
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows[i];
      const uint32_t g = groups[i];
      if (x.IsNull(row)) {
        NoteNull(pick_, ignore_nulls_, state_[g]);
        continue;
      }
      bool take = false;
      if (ordered) {
        key_.clear();
        AppendSortKey(x, row, false, key_);
        take = state_[g] != kValue || (pick_ == ValuePick::kMin ? key_ < keys_[g] : keys_[g] < key_);
        if (take) keys_[g] = key_;
      } else {
        take = pick_ == ValuePick::kLast || state_[g] == kEmpty;
      }
      if (take) {
        values_[g].clear();
        EncodeValue(x, row, values_[g]);
        state_[g] = kValue;
      }
    }
  }
  void Finalize(const uint32_t* groups, size_t n, Vector& out) const override {
    for (size_t i = 0; i < n; ++i) {
      std::string_view encoded = values_[groups[i]];
      if (state_[groups[i]] != kValue || !DecodeValue(encoded, out)) out.AppendNull();
    }
  }
  void Serialize(uint32_t group, std::string& out) const override {
    out.push_back(static_cast<char>(state_[group]));
    if (state_[group] != kValue) return;
    WriteBytes(out, values_[group]);
    WriteBytes(out, keys_[group]);
  }
  bool Deserialize(uint32_t group, std::string_view& in) override {
    if (in.empty()) return false;
    state_[group] = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (state_[group] != kValue) return true;
    std::string_view value, key;
    if (!ReadBytes(in, &value) || !ReadBytes(in, &key)) return false;
    values_[group].assign(value);
    keys_[group].assign(key);
    return true;
  }
  size_t MemoryUsage() const override {
    size_t bytes = (values_.capacity() + keys_.capacity()) * sizeof(std::string) + state_.capacity();
    for (size_t g = 0; g < values_.size(); ++g) bytes += values_[g].capacity() + keys_[g].capacity();
    return bytes;
  }

 private:
  ValuePick pick_;
  bool ignore_nulls_;
  std::vector<std::string> values_;
  std::vector<std::string> keys_;
  std::vector<uint8_t> state_;
  std::string key_;
};

}  // namespace

std::unique_ptr<AggregateStates> MakeValueStates(const DataType& type, ValuePick pick,
                                                 bool ignore_nulls) {
  if (type.IsNested()) return std::make_unique<NestedValueStates>(pick, ignore_nulls);
  if (type.IsStringLike()) return std::make_unique<ValueStates<std::string>>(pick, ignore_nulls);
  if (type.id() == TypeId::kFloat64) return std::make_unique<ValueStates<double>>(pick, ignore_nulls);
  if (type.id() == TypeId::kDecimal) return std::make_unique<ValueStates<Int128>>(pick, ignore_nulls);
  return std::make_unique<ValueStates<int64_t>>(pick, ignore_nulls);
}

}  // namespace sluice::aggregate
