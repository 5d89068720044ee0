#pragma once

#include <functional>

// Factories of the aggregate families, one file each; ResolveAggregate picks among them.

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate/aggregate_function.h"

namespace sluice::aggregate {

// The integer value of a row of an integer-like column (BOOLEAN, INT, DATE, BIGINT, DECIMAL's
// unscaled value, TIMESTAMP, INTERVAL), widened to 64 bits.
inline int64_t ReadInteger(const Vector& v, size_t row) {
  switch (v.type().FixedWidth()) {
    case 1: return v.data<uint8_t>()[row];
    case 4: return v.data<int32_t>()[row];
    default: return v.data<int64_t>()[row];
  }
}

// Appends a 64-bit integer to a vector of an integer-like type, narrowing to its width.
inline void AppendInteger(Vector& out, int64_t value) {
  switch (out.type().FixedWidth()) {
    case 1: out.Append(static_cast<uint8_t>(value)); break;
    case 4: out.Append(static_cast<int32_t>(value)); break;
    default: out.Append(value); break;
  }
}

// Calls fn(row, group) for each of the n rows whose value in `x` is not NULL.
template <typename Fn>
inline void ForEachValid(const Vector& x, const uint32_t* rows, const uint32_t* groups, size_t n,
                         Fn&& fn) {
  const bool nulls = x.MayHaveNulls();
  for (size_t i = 0; i < n; ++i) {
    if (nulls && x.IsNull(rows[i])) continue;
    fn(rows[i], groups[i]);
  }
}

// State snapshots: fixed-size values as raw bytes, byte strings with a 4-byte length.
template <typename T>
void WriteRaw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
template <typename T>
bool ReadRaw(std::string_view& in, T* value) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(value, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}
inline void WriteBytes(std::string& out, std::string_view bytes) {
  WriteRaw(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}
inline bool ReadBytes(std::string_view& in, std::string_view* bytes) {
  uint32_t size;
  if (!ReadRaw(in, &size) || in.size() < size) return false;
  *bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

std::unique_ptr<AggregateStates> MakeCountStates(bool count_star);
// max_by(x, y) / min_by(x, y): x at the largest / smallest y.
std::unique_ptr<AggregateStates> MakeExtremeByStates(bool max);
// count_if(b): the rows where the BOOLEAN b is TRUE.
std::unique_ptr<AggregateStates> MakeCountIfStates();
std::unique_ptr<AggregateStates> MakeCountDistinctStates();
// f(DISTINCT x, ...) for any aggregate f but count: the distinct argument tuples of each group
// are kept, and f's states made by `inner` are fed them when a result is asked for.
std::unique_ptr<AggregateStates> MakeDistinctStates(
    std::function<std::unique_ptr<AggregateStates>()> inner, std::vector<DataType> input_types);
// sum: integers and decimals in 64 bits, doubles in double.
std::unique_ptr<AggregateStates> MakeSumStates(const DataType& input, const DataType& result);
// avg: DOUBLE result, or DECIMAL for a DECIMAL input.
std::unique_ptr<AggregateStates> MakeAvgStates(const DataType& input, const DataType& result);
enum class ValuePick { kMin, kMax, kFirst, kLast };
std::unique_ptr<AggregateStates> MakeValueStates(const DataType& type, ValuePick pick,
                                                 bool ignore_nulls);
// histogram_numeric(x, nb): at most max_bins {x, y} bins of the input's values, as Spark's.
std::unique_ptr<AggregateStates> MakeHistogramStates(const DataType& input, size_t max_bins);
// collect_list / collect_set (distinct); with elements_of_arrays, collect_union: the argument is
// an ARRAY<element> whose elements are collected.
std::unique_ptr<AggregateStates> MakeCollectStates(const DataType& element, bool distinct,
                                                   bool elements_of_arrays = false);
std::unique_ptr<AggregateStates> MakeApproxDistinctStates(int precision_bits);
enum class Moment { kVarianceSample, kVariancePopulation, kStddevSample, kStddevPopulation };
std::unique_ptr<AggregateStates> MakeMomentStates(Moment moment);
// skewness (kurtosis false) and kurtosis over DOUBLE.
std::unique_ptr<AggregateStates> MakeCentralMomentStates(bool kurtosis);
// bool_and / every (all true) and bool_or / some (all false) over BOOLEAN.
std::unique_ptr<AggregateStates> MakeBoolStates(bool all);
enum class BitOp { kAnd, kOr, kXor };
std::unique_ptr<AggregateStates> MakeBitwiseStates(BitOp op);
// Spark's 4096-byte bitmaps: bitmap_construct_agg over BIGINT bit positions, bitmap_or_agg and
// bitmap_and_agg over BINARY bitmaps.
enum class BitmapFold { kConstruct, kOr, kAnd };
std::unique_ptr<AggregateStates> MakeBitmapStates(BitmapFold fold);
// bitmap_construct_agg's refusal of a position outside the bitmap (Spark raises for it).
std::string BitmapPositionRefused(const Vector& positions, uint32_t row);
// count_min_sketch's table: depth rows of width counters and a hash factor per row, derived from
// eps, confidence and seed as Spark derives them.
struct CountMinSketchShape {
  int32_t depth = 0;
  int32_t width = 0;
  std::vector<int64_t> hash_factors;
  size_t Counters() const { return static_cast<size_t>(depth) * static_cast<size_t>(width); }
  static Result<CountMinSketchShape> Make(double eps, double confidence, int32_t seed);
};
// count_min_sketch over BIGINT, STRING or BINARY values.
std::unique_ptr<AggregateStates> MakeCountMinSketchStates(CountMinSketchShape shape);
// Statistics of (x, y) DOUBLE pairs.
enum class PairStat { kCorr, kCovarPopulation, kCovarSample, kRegrCount };
std::unique_ptr<AggregateStates> MakeCovarianceStates(PairStat stat);
// regr_sxx, regr_syy, regr_sxy, regr_slope, regr_intercept, regr_r2 of (y, x) pairs.
enum class Regression { kSxx, kSyy, kSxy, kSlope, kIntercept, kR2 };
std::unique_ptr<AggregateStates> MakeRegressionStates(Regression what);
// `inner` fed argument `fed` of the rows where neither of two arguments is NULL (regr_avgx and
// regr_avgy: avg of x or y over the pairs).
std::unique_ptr<AggregateStates> MakePairFilterStates(std::unique_ptr<AggregateStates> inner,
                                                      size_t fed);
// percentile(x, p) over DOUBLE, p in [0, 1], interpolated between the two nearest ranks
// (percentile_cont); `discrete`: the first value whose cumulative share reaches p
// (percentile_disc); `descending`: ranks counted from the largest value.
std::unique_ptr<AggregateStates> MakePercentileStates(double p, bool descending = false,
                                                      bool discrete = false);
// percentile_approx(x, p, accuracy): a value of x's type (`result`).
std::unique_ptr<AggregateStates> MakeApproxPercentileStates(double p, int64_t accuracy,
                                                            const DataType& result);
std::unique_ptr<AggregateStates> MakeModeStates();
// string_agg / listagg over STRING or BYTES.
std::unique_ptr<AggregateStates> MakeStringAggStates(std::string delimiter);
// try_sum: sum, NULL on overflow.
std::unique_ptr<AggregateStates> MakeTrySumStates(const DataType& input, const DataType& result);

}  // namespace sluice::aggregate
