#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "aggregate/aggregate_families.h"
#include "aggregate/value_codec.h"

namespace sluice {

using aggregate::Moment;
using aggregate::ValuePick;

const std::vector<std::string_view>& AggregateNames() {
  static const std::vector<std::string_view> names = {
      "count",        "count_if",    "sum",         "avg",         "mean",        "min",
      "max",          "first",       "first_value", "last",        "last_value",
      "collect_list", "collect_set", "approx_count_distinct",      "stddev",
      "stddev_samp",  "stddev_pop",  "variance",    "var_samp",    "var_pop",
      "max_by",       "min_by",      "any_value"};
  return names;
}

namespace {

Status Expect(const std::string& name, const std::vector<DataType>& args, size_t min, size_t max,
              std::string_view signature) {
  if (args.size() < min || args.size() > max) {
    return Status::Invalid("{}() takes {}; {} argument{} given", name, signature, args.size(),
                           args.size() == 1 ? " was" : "s were");
  }
  return Status::OK();
}

}  // namespace

bool IsAggregateName(std::string_view name) {
  const auto& names = AggregateNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<AggregateFunction> ResolveAggregate(const std::string& name, bool distinct,
                                           const std::vector<DataType>& args,
                                           const std::vector<const Value*>& constants) {
  AggregateFunction f;
  f.name = name;
  if (distinct && name != "count") {
    return Status::Invalid("DISTINCT is supported in count() only, e.g. count(DISTINCT x); "
                           "for {}(DISTINCT x) use collect_set or a subquery",
                           name);
  }
  for (const auto& t : args) {
    if (t.IsNested() && name != "count") {
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
      for (const auto& t : args) {
        if (!IsEncodableType(t)) {
          return Status::Invalid("count(DISTINCT) of {} is not supported", t.ToString());
        }
      }
      f.make_states = [] { return aggregate::MakeCountDistinctStates(); };
      return f;
    }
    if (args.size() != 1) return Status::Invalid("count() takes * or one argument (or DISTINCT a, b)");
    f.make_states = [] { return aggregate::MakeCountStates(false); };
    f.retractable = true;
    return f;
  }
  if (name == "max_by" || name == "min_by") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 2, 2, "a value and the ordering it is picked by"));
    const DataType value = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    const DataType order = args[1].id() == TypeId::kNull ? DataType::Int64() : args[1];
    if (!IsEncodableType(value) || order.IsNested()) {
      return Status::Invalid("{}() takes scalar values, not {} and {}", name, args[0].ToString(),
                             args[1].ToString());
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
  if (name == "sum" || name == "avg" || name == "mean") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one numeric argument"));
    DataType input = args[0];
    if (input.IsStringLike() || input.id() == TypeId::kNull) input = DataType::Float64();  // as Spark
    if (!input.IsNumeric()) {
      return Status::Invalid("{}() expects a number, not {}", name, args[0].ToString());
    }
    if (input.id() == TypeId::kInt32) input = DataType::Int64();
    f.input_types = {input};
    if (name == "sum") {
      f.result_type = input.id() == TypeId::kDecimal
                          ? DataType::Decimal(std::min(18, input.precision() + 10), input.scale())
                          : input;
      f.make_states = [input, result = f.result_type] { return aggregate::MakeSumStates(input, result); };
    } else {
      // Spark's DECIMAL(p + 4, s + 4); above sluice's 18 digits the scale gives way, so the
      // integer digits always fit (DECIMAL(18, 3) averages as DECIMAL(18, 3), not (22, 7)).
      f.result_type = input.id() == TypeId::kDecimal
                          ? DataType::Decimal(std::min(18, input.precision() + 4),
                                              std::min(input.scale() + 4,
                                                       18 - (input.precision() - input.scale())))
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
  if (name == "collect_list" || name == "collect_set") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 1, "one argument"));
    DataType element = args[0].id() == TypeId::kNull ? DataType::String() : args[0];
    f.input_types = {element};
    f.result_type = DataType::List(element);
    bool set = name == "collect_set";
    f.make_states = [element, set] { return aggregate::MakeCollectStates(element, set); };
    return f;
  }
  if (name == "approx_count_distinct") {
    SLUICE_RETURN_NOT_OK(Expect(name, args, 1, 2, "a value and an optional relative standard deviation"));
    double rsd = 0.05;
    if (args.size() == 2) {
      if (!constants[1] || constants[1]->is_null() || !constants[1]->type().IsNumeric()) {
        return Status::Invalid("approx_count_distinct(x, rsd): rsd must be a number literal");
      }
      const Value& v = *constants[1];
      rsd = v.type().id() == TypeId::kFloat64 ? v.float64()
            : v.type().id() == TypeId::kDecimal
                ? static_cast<double>(v.int64()) / std::pow(10.0, v.type().scale())
                : static_cast<double>(v.int64());
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
  // Second moments.
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
