#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"
#include "types/value.h"
#include "vector/vector.h"

namespace sluice {

// The running states of one aggregate call (sum(price), count(DISTINCT x), ...) for every group
// of one group table, stored column-wise by group id so an update is a tight loop over a batch.
class AggregateStates {
 public:
  virtual ~AggregateStates() = default;

  // Makes room for groups [0, count); new groups start empty.
  virtual void Resize(size_t count) = 0;
  // Folds row rows[i] of the argument columns into group groups[i], for i < n.
  virtual void Update(const std::vector<const Vector*>& args, const uint32_t* rows,
                      const uint32_t* groups, size_t n) = 0;
  // Takes rows back out: row rows[i] was folded into group groups[i] before and is now
  // withdrawn (the input is the changing result of another aggregation). Only called when the
  // function is `retractable`.
  virtual void Retract(const std::vector<const Vector*>& args, const uint32_t* rows,
                       const uint32_t* groups, size_t n) {
    (void)args, (void)rows, (void)groups, (void)n;
  }
  // Appends the result of each of `groups` to `out` (a vector of the call's result type).
  virtual void Finalize(const uint32_t* groups, size_t n, Vector& out) const = 0;
  // A group's state as bytes, for checkpoints, and back.
  virtual void Serialize(uint32_t group, std::string& out) const = 0;
  virtual bool Deserialize(uint32_t group, std::string_view& in) = 0;
  // Bytes held, for the state's memory budget.
  virtual size_t MemoryUsage() const = 0;
};

// An aggregate call resolved against its argument types.
struct AggregateFunction {
  std::string name;  // as written, lower-case: "sum", "count"
  DataType result_type;
  // The leading arguments that are fed to the states, and the types they are cast to first;
  // later arguments are constant parameters (approx_count_distinct's rsd).
  std::vector<DataType> input_types;
  // Whether its states can take rows back out (AggregateStates::Retract): count, sum, avg,
  // bool_and/bool_or, bit_xor.
  bool retractable = false;
  // Creates empty states for a new group table.
  std::function<std::unique_ptr<AggregateStates>()> make_states;
  // Values of the first input the function raises for, as Spark's does (bitmap_construct_agg: a
  // position outside the bitmap): the reason for the non-NULL value at `row`, empty to take it.
  // The operator makes such rows dead letters before any state sees them. Null: takes all.
  std::function<std::string(const Vector& input, uint32_t row)> refuse;
};

// Resolves `name(args)` (`distinct` for name(DISTINCT ...)); `constants` holds the value of each
// argument that is a literal (null where it is not), for parameters such as
// approx_count_distinct's relative error or first()'s ignoreNulls. Errors say what was
// expected. The aggregates: count, sum, avg/mean, min, max, first/first_value, last/last_value,
// collect_list/array_agg, collect_set, approx_count_distinct, stddev/stddev_samp/stddev_pop,
// variance/var_samp/var_pop, skewness, kurtosis, bool_and/every, bool_or/some, bit_and, bit_or,
// bit_xor, corr, covar_pop, covar_samp, regr_count, median, percentile,
// percentile_approx/approx_percentile, mode, string_agg/listagg, try_sum, try_avg, max_by,
// min_by, count_if, any_value, collect_union, histogram_numeric, bitmap_construct_agg,
// bitmap_or_agg, bitmap_and_agg, count_min_sketch; DISTINCT with count.
Result<AggregateFunction> ResolveAggregate(const std::string& name, bool distinct,
                                           const std::vector<DataType>& arg_types,
                                           const std::vector<const Value*>& constants);

// Whether `name` is an aggregate function.
bool IsAggregateName(std::string_view name);
// Every aggregate function's name, for listings and "did you mean".
const std::vector<std::string_view>& AggregateNames();

}  // namespace sluice
