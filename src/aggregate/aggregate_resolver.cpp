#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"
#include "types/decimal.h"

namespace sluice {

using aggregate::BitOp;
using aggregate::Moment;
using aggregate::PairStat;
using aggregate::ValuePick;

const std::vector<std::string_view>& AggregateNames() {
  static const std::vector<std::string_view> names = {
      "count",        "count_if",    "sum",         "avg",         "mean",        "min",
      "max",          "first",       "first_value", "last",        "last_value",
      "collect_list", "collect_set", "approx_count_distinct",      "stddev",
      "stddev_samp",  "stddev_pop",  "variance",    "var_samp",    "var_pop",
      "max_by",       "min_by",      "any_value",   "bool_and",    "every",       "bool_or",
      "some",         "bit_and",     "bit_or",      "bit_xor",     "corr",        "covar_pop",
      "covar_samp",   "regr_count",  "skewness",    "kurtosis",    "median",      "percentile",
      "percentile_approx",           "approx_percentile",          "mode",        "array_agg",
      "string_agg",   "listagg",     "try_sum",     "try_avg",     "std",         "any",
      "regr_avgx",    "regr_avgy",   "regr_sxx",    "regr_syy",    "regr_sxy",    "regr_slope",
      "regr_intercept", "regr_r2",  "percentile_cont", "percentile_disc", "collect_union", "histogram_numeric",
      "bitmap_construct_agg", "bitmap_or_agg", "bitmap_and_agg", "count_min_sketch"};
  return names;
}

namespace {

bool ContainsMap(const DataType& t) {
  if (t.IsMap()) return true;
  if (t.id() == TypeId::kList) return ContainsMap(t.element());
  if (t.id() == TypeId::kStruct) {
    for (const Field& f : t.fields()) {
      if (ContainsMap(f.type)) return true;
    }
  }
  return false;
}

Status Expect(const std::string& name, const std::vector<DataType>& args, size_t min, size_t max,
              std::string_view signature) {
  if (args.size() < min || args.size() > max) {
    return Status::Invalid("{}() takes {}; {} argument{} given", name, signature, args.size(),
                           args.size() == 1 ? " was" : "s were");
  }
  return Status::OK();
}

// The value of a numeric literal argument, or nullopt (not a literal, NULL, not a number).
std::optional<double> NumberConstant(const Value* v) {
  if (!v || v->is_null() || !v->type().IsNumeric()) return std::nullopt;
  switch (v->type().id()) {
    case TypeId::kFloat64: return v->float64();
    case TypeId::kDecimal: return DecimalToDouble(v->decimal(), v->type().scale());
    default: return static_cast<double>(v->int64());
  }
}

// Checks that args[0] is a number (or a string or NULL, cast to DOUBLE as Spark does).
Status ExpectNumber(const std::string& name, const DataType& arg, std::string_view what) {
  if (arg.IsNumeric() || arg.IsStringLike() || arg.id() == TypeId::kNull) return Status::OK();
  return Status::Invalid("{}() expects {}, not {}", name, what, arg.ToString());
}

// The percentage p of percentile(x, p) and percentile_approx(x, p): a number literal in [0, 1].
Result<double> Percentage(const std::string& name, const Value* constant) {
  std::optional<double> p = NumberConstant(constant);
  if (!p || !(*p >= 0 && *p <= 1)) {
    return Status::Invalid("{}(x, p): p must be a number literal between 0 and 1{}", name,
                           p ? fmt::format(", not {}", *p) : std::string());
  }
  return *p;
}

// The families added for Spark's remaining aggregates; nullopt when `name` is none of them.
std::optional<Result<AggregateFunction>> ResolveSparkAggregate(
    AggregateFunction f, const std::vector<DataType>& args,
    const std::vector<const Value*>& constants) {
  const std::string& name = f.name;
  if (name == "bool_and" || name == "every" || name == "bool_or" || name == "some" || name == "any") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one BOOLEAN argument"));
    if (args[0].id() != TypeId::kBoolean && args[0].id() != TypeId::kNull) {
      return Status::Invalid("{}() expects a BOOLEAN, not {}", name, args[0].ToString());
    }
    f.input_types = {DataType::Boolean()};
    f.result_type = DataType::Boolean();
    const bool all = name == "bool_and" || name == "every";
    f.make_states = [all] { return aggregate::MakeBoolStates(all); };
    f.retractable = true;
    return f;
  }
  if (name == "bit_and" || name == "bit_or" || name == "bit_xor") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one INT or BIGINT argument"));
    if (!args[0].IsInteger() && args[0].id() != TypeId::kNull) {
      return Status::Invalid("{}() expects an INT or BIGINT, not {}", name, args[0].ToString());
    }
    const DataType input = args[0].id() == TypeId::kNull ? DataType::Int64() : args[0];
    f.input_types = {input};
    f.result_type = input;
    const BitOp op = name == "bit_and" ? BitOp::kAnd : name == "bit_or" ? BitOp::kOr : BitOp::kXor;
    f.make_states = [op] { return aggregate::MakeBitwiseStates(op); };
    f.retractable = op == BitOp::kXor;
    return f;
  }
  if (name == "bitmap_construct_agg") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one bit position (bitmap_bit_position(x))"));
    if (!args[0].IsNumeric() && !args[0].IsStringLike() && args[0].id() != TypeId::kNull) {
      return Status::Invalid("bitmap_construct_agg() expects a BIGINT bit position, not {}",
                             args[0].ToString());
    }
    f.input_types = {DataType::Int64()};
    f.result_type = DataType::Bytes();
    f.make_states = [] { return aggregate::MakeBitmapStates(aggregate::BitmapFold::kConstruct); };
    f.refuse = aggregate::BitmapPositionRefused;
    return f;
  }
  if (name == "bitmap_or_agg" || name == "bitmap_and_agg") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one BINARY bitmap"));
    if (args[0].id() != TypeId::kBytes && args[0].id() != TypeId::kNull) {
      return Status::Invalid("{}() expects a BINARY bitmap (bitmap_construct_agg's result), not {}",
                             name, args[0].ToString());
    }
    f.input_types = {DataType::Bytes()};
    f.result_type = DataType::Bytes();
    const auto fold = name == "bitmap_or_agg" ? aggregate::BitmapFold::kOr : aggregate::BitmapFold::kAnd;
    f.make_states = [fold] { return aggregate::MakeBitmapStates(fold); };
    return f;
  }
  if (name == "corr" || name == "covar_pop" || name == "covar_samp" || name == "regr_count") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "two numeric arguments"));
    for (const auto& t : args) SLUICE_RETURN_NOT_OK(ExpectNumber(name, t, "numbers"));
    f.input_types = {DataType::Float64(), DataType::Float64()};
    const PairStat stat = name == "corr"         ? PairStat::kCorr
                          : name == "covar_pop"  ? PairStat::kCovarPopulation
                          : name == "covar_samp" ? PairStat::kCovarSample
                                                 : PairStat::kRegrCount;
    f.result_type = stat == PairStat::kRegrCount ? DataType::Int64() : DataType::Float64();
    f.make_states = [stat] { return aggregate::MakeCovarianceStates(stat); };
    return f;
  }
  if (name == "regr_avgx" || name == "regr_avgy") {
    // avg of x (or y) over the rows where neither is NULL, typed as avg types it (a DECIMAL stays
    // one), as Spark's Average of the pair-filtered column.
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "two numeric arguments, y and x"));
    for (const auto& t : args) SLUICE_RETURN_NOT_OK(ExpectNumber(name, t, "numbers"));
    const size_t fed = name == "regr_avgx" ? 1 : 0;
    SLUICE_ASSIGN_OR_RETURN(AggregateFunction avg, ResolveAggregate("avg", false, {args[fed]}, {nullptr}));
    f.input_types = args;
    f.input_types[fed] = avg.input_types[0];
    f.result_type = avg.result_type;
    f.make_states = [inner = avg.make_states, fed] { return aggregate::MakePairFilterStates(inner(), fed); };
    return f;
  }
  if (name.starts_with("regr_")) {  // regr_count is above, with the covariances
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "two numeric arguments, y and x"));
    for (const auto& t : args) SLUICE_RETURN_NOT_OK(ExpectNumber(name, t, "numbers"));
    static const std::vector<std::pair<std::string_view, aggregate::Regression>> kKinds = {
        {"regr_sxx", aggregate::Regression::kSxx},   {"regr_syy", aggregate::Regression::kSyy},
        {"regr_sxy", aggregate::Regression::kSxy},   {"regr_slope", aggregate::Regression::kSlope},
        {"regr_intercept", aggregate::Regression::kIntercept}, {"regr_r2", aggregate::Regression::kR2}};
    for (const auto& [kind_name, kind] : kKinds) {
      if (name != kind_name) continue;
      f.input_types = {DataType::Float64(), DataType::Float64()};
      f.result_type = DataType::Float64();
      f.make_states = [kind = kind] { return aggregate::MakeRegressionStates(kind); };
      return f;
    }
  }
  if (name == "skewness" || name == "kurtosis") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one numeric argument"));
    SLUICE_RETURN_NOT_OK(ExpectNumber(name, args[0], "a number"));
    f.input_types = {DataType::Float64()};
    f.result_type = DataType::Float64();
    const bool kurtosis = name == "kurtosis";
    f.make_states = [kurtosis] { return aggregate::MakeCentralMomentStates(kurtosis); };
    return f;
  }
  if (name == "median" || name == "percentile") {
    const bool median = name == "median";
    SLUICE_RETURN_NOT_OK(Expect(name, args, median ? 1 : 2, median ? 1 : 2,
                                median ? "one numeric argument"
                                       : "a numeric value and a percentage literal between 0 and 1"));
    SLUICE_RETURN_NOT_OK(ExpectNumber(name, args[0], "a number"));
    double p = 0.5;
    if (!median) {
      SLUICE_ASSIGN_OR_RETURN(p, Percentage(name, constants[1]));
    }
    f.input_types = {DataType::Float64()};
    f.result_type = DataType::Float64();
    f.make_states = [p] { return aggregate::MakePercentileStates(p); };
    return f;
  }
  if (name == "percentile_cont" || name == "percentile_disc") {
    // The parser turns percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC]) into (x, p, desc).
    if (args.size() != 3 || !constants[2] || constants[2]->type().id() != TypeId::kBoolean) {
      return Status::Invalid("{}(p) WITHIN GROUP (ORDER BY x [ASC | DESC]): the percentage goes in "
                             "the call, the value in WITHIN GROUP",
                             name);
    }
    SLUICE_RETURN_NOT_OK(ExpectNumber(name, args[0], "a number to order by"));
    SLUICE_ASSIGN_OR_RETURN(double p, Percentage(name, constants[1]));
    const bool descending = constants[2]->boolean(), discrete = name == "percentile_disc";
    f.input_types = {DataType::Float64()};
    f.result_type = DataType::Float64();
    f.make_states = [p, descending, discrete] {
      return aggregate::MakePercentileStates(p, descending, discrete);
    };
    return f;
  }
  if (name == "percentile_approx" || name == "approx_percentile") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 3,
                                "a value, a percentage literal between 0 and 1 and an optional "
                                "accuracy"));
    DataType input = args[0];
    if (input.IsStringLike() || input.id() == TypeId::kNull) input = DataType::Float64();  // as Spark
    if (!input.IsNumeric() && input.id() != TypeId::kDate && input.id() != TypeId::kTimestamp &&
        input.id() != TypeId::kInterval) {
      return Status::Invalid("{}() expects a number, DATE, TIMESTAMP or INTERVAL, not {}", name,
                             args[0].ToString());
    }
    SLUICE_ASSIGN_OR_RETURN(double p, Percentage(name, constants[1]));
    int64_t accuracy = 10000;
    if (args.size() == 3) {
      std::optional<double> a = NumberConstant(constants[2]);
      if (!a || !(*a > 0 && *a <= 2147483647.0) || *a != std::floor(*a)) {
        return Status::Invalid("{}(x, p, accuracy): accuracy must be an integer literal from 1 to "
                               "2147483647",
                               name);
      }
      accuracy = static_cast<int64_t>(*a);
    }
    f.input_types = {input};
    f.result_type = input;
    f.make_states = [p, accuracy, input] {
      return aggregate::MakeApproxPercentileStates(p, accuracy, input);
    };
    return f;
  }
  if (name == "mode") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 2, "a value and an optional deterministic BOOLEAN"));
    if (args.size() == 2 && (!constants[1] || constants[1]->type().id() != TypeId::kBoolean ||
                             constants[1]->is_null())) {
      return Status::Invalid("mode(x, deterministic): deterministic must be TRUE or FALSE");
    }
    const DataType input = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    f.input_types = {input};
    f.result_type = input;
    f.make_states = [] { return aggregate::MakeModeStates(); };
    return f;
  }
  if (name == "string_agg" || name == "listagg") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 2, "a value and an optional delimiter literal"));
    const bool bytes = args[0].id() == TypeId::kBytes;
    std::string delimiter;
    if (args.size() == 2) {
      const Value* d = constants[1];
      const bool matches = d && (d->is_null() || d->type().id() == TypeId::kNull ||
                                 d->type().id() == (bytes ? TypeId::kBytes : TypeId::kString));
      if (!matches) {
        return Status::Invalid("{}(x, delimiter): the delimiter must be a {} literal (or NULL)", name,
                               bytes ? "BINARY, like x," : "STRING");
      }
      if (!d->is_null()) delimiter = d->string();
    }
    const DataType input = bytes ? DataType::Bytes() : DataType::String();  // others as strings
    f.input_types = {input};
    f.result_type = input;
    f.make_states = [delimiter] { return aggregate::MakeStringAggStates(delimiter); };
    return f;
  }
  return std::nullopt;
}

}  // namespace

bool IsAggregateName(std::string_view name) {
  const auto& names = AggregateNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<AggregateFunction> ResolveAggregate(const std::string& name, bool distinct,
                                           const std::vector<DataType>& args,
                                           const std::vector<const Value*>& constants) {
  if (distinct && name != "count") {
    // f(DISTINCT x): f over each group's distinct argument values.
    SLUICE_ASSIGN_OR_RETURN(AggregateFunction f, ResolveAggregate(name, false, args, constants));
    f.make_states = [inner = f.make_states, types = f.input_types] {
      return aggregate::MakeDistinctStates(inner, types);
    };
    f.retractable = false;
    return f;
  }
  AggregateFunction f;
  f.name = name;
  // These keep or collect whole values, so they take arrays, maps and rows too (min and max not
  // maps, which Spark cannot order).
  static const std::vector<std::string_view> kWholeValues = {
      "count", "collect_list", "collect_set", "collect_union", "array_agg", "first", "first_value", "last",
      "last_value", "any_value", "min", "max", "mode", "max_by", "min_by"};
  const bool whole_values = std::find(kWholeValues.begin(), kWholeValues.end(), name) != kWholeValues.end();
  for (const auto& t : args) {
    if (whole_values && (name == "min" || name == "max") && ContainsMap(t)) {
      return Status::Invalid("{}() of {} is not supported: Spark cannot order a MAP", name,
                             t.ToString());
    }
    if (t.IsNested() && !whole_values) {
      return Status::Invalid("{}() of {} is not supported: aggregate a scalar column or field",
                             name, t.ToString());
    }
  }
  if (name == "count") {
    f.result_type = DataType::Int64();
    if (args.empty()) {  // count(*)
      f.make_states = [] { return aggregate::MakeCountStates(true); };
      f.retractable = true;
      return f;
    }
    f.input_types = args;
    if (distinct) {
      f.make_states = [] { return aggregate::MakeCountDistinctStates(); };
      return f;
    }
    f.make_states = [] { return aggregate::MakeCountStates(false); };
    f.retractable = true;
    return f;
  }
  if (name == "max_by" || name == "min_by") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "a value and the ordering it is picked by"));
    const DataType value = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    const DataType order = args[1].id() == TypeId::kNull ? DataType::Int64() : args[1];
    if (order.IsNested()) {
      return Status::Invalid("{}() orders by a scalar value, not {}", name, args[1].ToString());
    }
    f.input_types = {value, order};
    f.result_type = value;
    const bool max = name == "max_by";
    f.make_states = [max] { return aggregate::MakeExtremeByStates(max); };
    return f;
  }
  if (name == "count_if") {  // Spark's: the rows where the condition is TRUE (0 for none)
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one BOOLEAN condition"));
    if (args[0].id() != TypeId::kBoolean && args[0].id() != TypeId::kNull) {
      return Status::Invalid("count_if() expects a BOOLEAN condition, not {}", args[0].ToString());
    }
    f.input_types = {DataType::Boolean()};
    f.result_type = DataType::Int64();
    f.make_states = [] { return aggregate::MakeCountIfStates(); };
    f.retractable = true;
    return f;
  }
  if (auto spark = ResolveSparkAggregate(f, args, constants)) return std::move(*spark);
  if (name == "sum" || name == "avg" || name == "mean" || name == "try_sum" || name == "try_avg") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one numeric argument"));
    DataType input = args[0];
    if (input.IsStringLike() || input.id() == TypeId::kNull) input = DataType::Float64();  // as Spark
    if (input.IsInterval() && name != "try_sum" && name != "try_avg") {
      // Spark's: the sum keeps the interval's type, the average has every field.
      f.input_types = {input};
      const bool sum = name == "sum";
      f.result_type = sum ? input
                          : input.id() == TypeId::kInterval ? DataType::Interval()
                                                            : DataType::YearMonthInterval();
      f.make_states = [input, sum, result = f.result_type] {
        return sum ? aggregate::MakeSumStates(input, result) : aggregate::MakeAvgStates(input, result);
      };
      f.retractable = true;
      return f;
    }
    if (!input.IsNumeric()) {
      return Status::Invalid("{}() expects a number{}, not {}", name,
                             name.starts_with("try_") ? "" : " or an interval", args[0].ToString());
    }
    if (input.id() == TypeId::kInt32) input = DataType::Int64();
    f.input_types = {input};
    if (name == "sum" || name == "try_sum") {
      f.result_type = input.id() == TypeId::kDecimal
                          ? DataType::Decimal(std::min(kMaxDecimalPrecision, input.precision() + 10),
                                              input.scale())
                          : input;
      if (name == "try_sum") {
        f.make_states = [input, result = f.result_type] {
          return aggregate::MakeTrySumStates(input, result);
        };
        return f;  // not retractable: an overflow stays NULL
      }
      f.make_states = [input, result = f.result_type] { return aggregate::MakeSumStates(input, result); };
    } else {
      // avg, and try_avg alike: Spark's avg of integers sums in DOUBLE; of DECIMAL(p, s) it is
      // DECIMAL(p + 4, s + 4), each bounded by 38 (an average beyond it is NULL).
      f.result_type = input.id() == TypeId::kDecimal
                          ? DataType::Decimal(std::min(kMaxDecimalPrecision, input.precision() + 4),
                                              std::min(kMaxDecimalPrecision, input.scale() + 4))
                          : DataType::Float64();
      f.make_states = [input, result = f.result_type] { return aggregate::MakeAvgStates(input, result); };
    }
    f.retractable = true;
    return f;
  }
  if (name == "min" || name == "max" || name == "first" || name == "first_value" ||
      name == "last" || name == "last_value" || name == "any_value") {  // any_value: first's
    bool pick_value = name != "min" && name != "max";
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, pick_value ? 2 : 1,
                                pick_value ? "a value and an optional ignoreNulls BOOLEAN" : "one argument"));
    bool ignore_nulls = false;
    if (args.size() == 2) {
      if (!constants[1] || constants[1]->type().id() != TypeId::kBoolean || constants[1]->is_null()) {
        return Status::Invalid("{}(x, ignoreNulls): ignoreNulls must be TRUE or FALSE", name);
      }
      ignore_nulls = constants[1]->boolean();
    }
    DataType input = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    f.input_types = {input};
    f.result_type = input;
    ValuePick pick = name == "min"   ? ValuePick::kMin
                     : name == "max" ? ValuePick::kMax
                     : name.starts_with("first") || name == "any_value" ? ValuePick::kFirst
                                                 : ValuePick::kLast;
    f.make_states = [input, pick, ignore_nulls] {
      return aggregate::MakeValueStates(input, pick, ignore_nulls);
    };
    return f;
  }
  if (name == "collect_list" || name == "collect_set" || name == "array_agg") {  // array_agg: the list
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one argument"));
    DataType element = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    f.input_types = {element};
    f.result_type = DataType::List(element);
    bool set = name == "collect_set";
    f.make_states = [element, set] { return aggregate::MakeCollectStates(element, set); };
    return f;
  }
  if (name == "collect_union") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one array"));
    if (args[0].id() != TypeId::kList || args[0].IsMap()) {
      return Status::Invalid("collect_union(array) takes an ARRAY, found {}", args[0].ToString());
    }
    const DataType element = args[0].element();
    f.input_types = {args[0]};
    f.result_type = DataType::List(element);
    f.make_states = [element] { return aggregate::MakeCollectStates(element, true, true); };
    return f;
  }
  if (name == "histogram_numeric") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "a value and the number of bins"));
    const DataType& x = args[0];
    const bool histogrammable = x.IsNumeric() || x.IsInterval() || x.id() == TypeId::kDate ||
                                x.id() == TypeId::kTimestamp || x.id() == TypeId::kNull;
    if (!histogrammable) {
      return Status::Invalid("histogram_numeric(x, nb): x must be a number, a date, a timestamp or an "
                             "interval, found {}",
                             x.ToString());
    }
    if (!constants[1] || constants[1]->is_null() || !constants[1]->type().IsInteger() ||
        constants[1]->int64() < 2 || constants[1]->int64() > 100000) {
      return Status::Invalid("histogram_numeric(x, nb): nb must be an integer literal from 2 to 100000");
    }
    const DataType input = x.id() == TypeId::kNull ? DataType::Float64() : x;
    const size_t bins = static_cast<size_t>(constants[1]->int64());
    f.input_types = {input};
    f.result_type = DataType::List(DataType::Struct({Field{"x", input}, Field{"y", DataType::Float64()}}));
    f.make_states = [input, bins] { return aggregate::MakeHistogramStates(input, bins); };
    return f;
  }
  if (name == "count_min_sketch") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 4, 4, "a column, eps, confidence and seed"));
    const DataType& x = args[0];
    if (!x.IsInteger() && !x.IsStringLike() && x.id() != TypeId::kNull) {
      return Status::Invalid("count_min_sketch() counts integers, strings or binaries, not {}",
                             x.ToString());
    }
    const std::optional<double> eps = NumberConstant(constants[1]);
    const std::optional<double> confidence = NumberConstant(constants[2]);
    if (!eps || !confidence) {
      return Status::Invalid("count_min_sketch(x, eps, confidence, seed): eps and confidence must be "
                             "number literals");
    }
    if (!constants[3] || constants[3]->is_null() || !constants[3]->type().IsInteger()) {
      return Status::Invalid("count_min_sketch(x, eps, confidence, seed): seed must be an integer literal");
    }
    // An INT seed as Java's intValue() takes a BIGINT: its low 32 bits.
    SLUICE_ASSIGN_OR_RETURN(aggregate::CountMinSketchShape shape,
                            aggregate::CountMinSketchShape::Make(
                                *eps, *confidence, static_cast<int32_t>(constants[3]->int64())));
    f.input_types = {x.IsStringLike() ? x : DataType::Int64()};
    f.result_type = DataType::Bytes();
    f.make_states = [shape] { return aggregate::MakeCountMinSketchStates(shape); };
    return f;
  }
  if (name == "approx_count_distinct") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 2, "a value and an optional relative standard deviation"));
    double rsd = 0.05;
    if (args.size() == 2) {
      if (!constants[1] || constants[1]->is_null() || !constants[1]->type().IsNumeric()) {
        return Status::Invalid("approx_count_distinct(x, rsd): rsd must be a number literal");
      }
      rsd = *NumberConstant(constants[1]);
    }
    int p = static_cast<int>(std::ceil(2.0 * std::log2(1.106 / rsd)));
    if (!(rsd > 0) || p < 4 || p > 18) {
      return Status::Invalid("approx_count_distinct: rsd {} is out of range: use 0.001 to 0.39", rsd);
    }
    f.input_types = {args[0].id() == TypeId::kNull ? DataType::String() : args[0]};
    f.result_type = DataType::Int64();
    f.make_states = [p] { return aggregate::MakeApproxDistinctStates(p); };
    return f;
  }
  // Second moments (std is stddev's other name).
  SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one numeric argument"));
  if (!args[0].IsNumeric() && !args[0].IsStringLike() && args[0].id() != TypeId::kNull) {
    return Status::Invalid("{}() expects a number, not {}", name, args[0].ToString());
  }
  Moment moment = name == "var_pop"                              ? Moment::kVariancePopulation
                  : name == "variance" || name == "var_samp"     ? Moment::kVarianceSample
                  : name == "stddev_pop"                         ? Moment::kStddevPopulation
                                                                 : Moment::kStddevSample;
  f.input_types = {DataType::Float64()};
  f.result_type = DataType::Float64();
  f.make_states = [moment] { return aggregate::MakeMomentStates(moment); };
  return f;
}

}  // namespace sluice
