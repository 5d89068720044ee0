#include "plan/expression_binder.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "expr/cast_expression.h"
#include "expr/column_reference.h"
#include "expr/lambda_function.h"
#include "function/type_coercion.h"
#include "function/array_functions.h"
#include "function/interval_functions.h"
#include "expr/function_call.h"
#include "types/decimal.h"
#include "common/closest_name.h"
#include "expr/literal.h"
#include "expr/struct_field.h"
#include "function/cast.h"
#include "aggregate/aggregate_function.h"
#include "plan/call_binder.h"
#include "types/interval_text.h"
#include "types/timestamp.h"

namespace sluice {

using sql::ExprKind;
using sql::ParsedExpr;

namespace {

// The function a Spark date_part/EXTRACT unit names (YEAR, YRS, DOY, H, ...), if any.
std::optional<std::string> DatePartFunction(std::string unit) {
  std::transform(unit.begin(), unit.end(), unit.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, const char*> kUnits[] = {
      {"year", "year"}, {"y", "year"}, {"years", "year"}, {"yr", "year"}, {"yrs", "year"},
      {"quarter", "quarter"}, {"qtr", "quarter"},
      {"month", "month"}, {"mon", "month"}, {"mons", "month"}, {"months", "month"},
      {"week", "weekofyear"}, {"w", "weekofyear"}, {"weeks", "weekofyear"},
      {"day", "day"}, {"d", "day"}, {"days", "day"}, {"dayofmonth", "day"},
      {"dayofweek", "dayofweek"}, {"dow", "dayofweek"}, {"doy", "dayofyear"},
      {"dayofyear", "dayofyear"},
      {"hour", "hour"}, {"h", "hour"}, {"hours", "hour"}, {"hr", "hour"}, {"hrs", "hour"},
      {"minute", "minute"}, {"m", "minute"}, {"min", "minute"}, {"mins", "minute"},
      {"minutes", "minute"},
      {"second", "second"}, {"s", "second"}, {"sec", "second"}, {"seconds", "second"},
      {"secs", "second"}};
  for (const auto& [name, function] : kUnits) {
    if (unit == name) return std::string(function);
  }
  return std::nullopt;
}

const std::map<std::string, std::string, std::less<>>& BinaryOperatorFunctions() {
  static const std::map<std::string, std::string, std::less<>> ops = {
      {"+", "add"},      {"-", "subtract"},      {"*", "multiply"}, {"/", "divide"},
      {"%", "modulo"},   {"||", "concat"},       {"=", "equal"},    {"<>", "not_equal"},
      {"<", "less"},     {"<=", "less_equal"},   {">", "greater"},  {">=", "greater_equal"},
      {"AND", "and"},    {"OR", "or"},           {"DIV", "div"},
  };
  return ops;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Micros per unit; plural and singular spellings, SQL and Spark style.
std::optional<int64_t> UnitMicros(std::string unit) {
  unit = Upper(std::move(unit));
  if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
  static const std::map<std::string, int64_t> units = {
      {"MICROSECOND", 1},          {"MILLISECOND", 1000},
      {"SECOND", 1'000'000},       {"MINUTE", 60'000'000},
      {"HOUR", 3'600'000'000},     {"DAY", 86'400'000'000},
      {"WEEK", 7 * 86'400'000'000}};
  auto it = units.find(unit);
  if (it == units.end()) return std::nullopt;
  return it->second;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}


}  // namespace

Result<int64_t> ParseIntervalMicros(const std::string& text, const std::string& unit) {
  std::string number = Trim(text);
  std::string unit_text = unit;
  if (unit_text.empty()) {  // '10 minutes': the unit is inside the text
    size_t space = number.find_first_of(" \t");
    if (space == std::string::npos) {
      return Status::Invalid("INTERVAL '{}' needs a unit, e.g. INTERVAL '{}' SECOND", text, text);
    }
    unit_text = Trim(number.substr(space));
    number = number.substr(0, space);
  }
  auto micros = UnitMicros(unit_text);
  if (!micros) {
    return Status::Invalid(
        "unknown INTERVAL unit '{}': expected MILLISECOND, SECOND, MINUTE, HOUR, DAY or WEEK",
        unit_text);
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(value)) {
    return Status::Invalid("INTERVAL '{}': expected a number of {}s", text, Upper(unit_text));
  }
  return static_cast<int64_t>(std::llround(value * static_cast<double>(*micros)));
}

constexpr int64_t kMaxIntervalYears = 600000;

// The months of a YEAR/MONTH interval literal (INTERVAL 2 MONTH, INTERVAL '1-6' YEAR TO MONTH,
// INTERVAL '3 years'), or nullopt.
// The months of a YEAR/MONTH interval literal. A literal that is a value may span the type's
// whole range (INT months, as Spark's); one added to a date stays within kMaxIntervalYears.
static std::optional<int64_t> IntervalMonths(const ParsedExpr& e, bool whole_range = false) {
  const int64_t max_years = whole_range ? std::numeric_limits<int32_t>::max() / 12 + 1 : kMaxIntervalYears;
  if (e.kind != ExprKind::kInterval) return std::nullopt;
  std::string number = Trim(e.text);
  std::string unit = e.name;
  if (unit.empty()) {  // '2 months'
    const size_t space = number.find_first_of(" \t");
    if (space == std::string::npos) return std::nullopt;
    unit = Upper(Trim(number.substr(space)));
    number = number.substr(0, space);
    if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
  }
  int64_t years = 0, months = 0;
  if (unit == "YEAR TO MONTH") {  // '1-2', '-1-2'
    const bool negative = !number.empty() && number[0] == '-';
    const std::string body = negative ? number.substr(1) : number;
    const size_t dash = body.find('-');
    // Digits on both sides of the dash ('1--5' and '-0--9...' are no intervals, as in Spark).
    if (dash == std::string::npos || dash == 0 || dash + 1 >= body.size() ||
        !std::isdigit(static_cast<unsigned char>(body[0])) ||
        !std::isdigit(static_cast<unsigned char>(body[dash + 1]))) {
      return std::nullopt;
    }
    char* end = nullptr;
    years = std::strtoll(body.c_str(), &end, 10);
    if (end != body.c_str() + dash) return std::nullopt;
    months = std::strtoll(body.c_str() + dash + 1, &end, 10);
    if (*end != '\0' || months > 11 || years > max_years) return std::nullopt;
    const int64_t total = (negative ? -1 : 1) * (years * 12 + months);
    if (whole_range && (total < std::numeric_limits<int32_t>::min() || total > std::numeric_limits<int32_t>::max())) {
      return std::nullopt;
    }
    return total;
  }
  if (unit != "YEAR" && unit != "MONTH") return std::nullopt;
  char* end = nullptr;
  const int64_t n = std::strtoll(number.c_str(), &end, 10);
  if (number.empty() || *end != '\0') return std::nullopt;
  // Beyond any date's range (and so never an overflow below).
  if (n > max_years * 12 || n < -max_years * 12) return std::nullopt;
  const int64_t total = unit == "YEAR" ? n * 12 : n;
  if (whole_range && (total < std::numeric_limits<int32_t>::min() || total > std::numeric_limits<int32_t>::max())) {
    return std::nullopt;
  }
  return total;
}

// The unit of an interval literal, upper-case and singular: DAY, YEAR TO MONTH ('3 days': DAY).
static std::string IntervalUnit(const ParsedExpr& e) {
  if (!e.name.empty()) return e.name;
  const std::string text = Trim(e.text);
  const size_t space = text.find_first_of(" \t");
  if (space == std::string::npos) return "";
  std::string unit = Upper(Trim(text.substr(space)));
  if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
  return unit;
}

// The fields of a multi-field day-time unit ("DAY TO SECOND"), or nullopt.
static std::optional<std::pair<int, int>> DayTimeFields(std::string_view unit) {
  const size_t to = unit.find(" TO ");
  if (to == std::string_view::npos) return std::nullopt;
  auto field = [](std::string_view name) {
    for (int f = DataType::kDay; f <= DataType::kSecond; ++f) {
      if (IntervalFieldName(false, f) == name) return f;
    }
    return -1;
  };
  const int start = field(unit.substr(0, to));
  const int end = field(unit.substr(to + 4));
  if (start < 0 || end < 0) return std::nullopt;
  return std::pair{start, end};
}

// Spark's type of an interval literal: its unit is its one field (a WEEK counts in days, a
// MILLISECOND in seconds).
static DataType IntervalLiteralType(const ParsedExpr& e) {
  const std::string unit = IntervalUnit(e);
  if (const auto fields = DayTimeFields(unit)) return DataType::Interval(fields->first, fields->second);
  if (unit == "YEAR TO MONTH") return DataType::YearMonthInterval();
  if (unit == "YEAR") return DataType::YearMonthInterval(DataType::kYear, DataType::kYear);
  if (unit == "MONTH") return DataType::YearMonthInterval(DataType::kMonth, DataType::kMonth);
  if (unit == "DAY" || unit == "WEEK") return DataType::Interval(DataType::kDay, DataType::kDay);
  if (unit == "HOUR") return DataType::Interval(DataType::kHour, DataType::kHour);
  if (unit == "MINUTE") return DataType::Interval(DataType::kMinute, DataType::kMinute);
  return DataType::Interval(DataType::kSecond, DataType::kSecond);
}

static bool IsMonthInterval(const ParsedExpr& e) {
  if (e.kind != ExprKind::kInterval) return false;
  if (e.name == "YEAR" || e.name == "MONTH" || e.name == "YEAR TO MONTH") return true;
  const std::string lower = Upper(e.text);
  return e.name.empty() && (lower.find("MONTH") != std::string::npos || lower.find("YEAR") != std::string::npos);
}

Result<ExpressionPtr> ExpressionBinder::BindCondition(const ParsedExpr& e,
                                                      std::string_view clause) const {
  SLUICE_ASSIGN_OR_RETURN(ExpressionPtr bound, Bind(e));
  if (bound->type().id() == TypeId::kNull) return CastIfNeeded(bound, DataType::Boolean());
  if (bound->type().id() != TypeId::kBoolean) {
    return source_.Error(e.location, fmt::format("{} expects a BOOLEAN condition, but '{}' is {}",
                                                 clause, e.ToString(), bound->type().ToString()));
  }
  return bound;
}

Result<std::vector<ExpressionPtr>> ExpressionBinder::BindChildren(const ParsedExpr& e,
                                                                  size_t from) const {
  std::vector<ExpressionPtr> args;
  for (size_t i = from; i < e.children.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr a, Bind(*e.children[i]));
    args.push_back(std::move(a));
  }
  return args;
}

Result<ExpressionPtr> ExpressionBinder::Call(const ParsedExpr& e, const std::string& name,
                                             std::vector<ExpressionPtr> args) const {
  auto bound = BindCall(registry_, name, std::move(args));
  if (!bound.ok()) return source_.Error(e.location, bound.status().message());
  return bound;
}

Result<ExpressionPtr> ExpressionBinder::Bind(const ParsedExpr& e) const {
  if (substitutions_ && e.kind != ExprKind::kLiteral) {
    auto it = substitutions_->find(e.ToString());
    if (it != substitutions_->end()) {
      const ScopeColumn& c = scope_.columns()[static_cast<size_t>(it->second)];
      return ExpressionPtr(std::make_shared<ColumnReference>(it->second, c.name, c.type));
    }
  }
  switch (e.kind) {
    case ExprKind::kColumn:
      return BindColumn(e);
    case ExprKind::kLiteral:
      return ExpressionPtr(std::make_shared<Literal>(e.value));
    case ExprKind::kTypedLiteral: {
      if (e.type.id() == TypeId::kDate) {
        auto days = ParseDate(e.text);
        if (!days) {
          return source_.Error(e.location,
                               fmt::format("DATE '{}' is not a date: expected 'YYYY-MM-DD'", e.text));
        }
        return ExpressionPtr(std::make_shared<Literal>(Value::Date(*days)));
      }
      if (e.type.id() == TypeId::kTimestamp) {
        auto micros = ParseTimestamp(e.text);
        if (!micros) {
          return source_.Error(
              e.location,
              fmt::format("TIMESTAMP '{}' is not a timestamp: expected 'YYYY-MM-DD HH:MM:SS[.f]'",
                          e.text));
        }
        return ExpressionPtr(std::make_shared<Literal>(Value::Timestamp(*micros)));
      }
      return source_.Error(e.location,
                           fmt::format("{} literals are not supported", e.type.ToString()));
    }
    case ExprKind::kInterval: {
      if (IsMonthInterval(e)) {
        auto months = IntervalMonths(e, /*whole_range=*/true);
        if (!months) {
          return source_.Error(e.location,
                               fmt::format("{} is not a YEAR/MONTH interval: expected e.g. "
                                           "INTERVAL 2 MONTH, INTERVAL '1' YEAR or "
                                           "INTERVAL '1-6' YEAR TO MONTH",
                                           e.ToString()));
        }
        return ExpressionPtr(std::make_shared<Literal>(
            Value::YearMonthInterval(static_cast<int32_t>(*months), IntervalLiteralType(e))));
      }
      if (const auto fields = DayTimeFields(e.name)) {
        const std::optional<int64_t> value = ParseDayTimeIntervalText(e.text, fields->first, fields->second);
        if (!value) {
          static constexpr std::string_view kShape[4][4] = {
              {"d", "d h", "d h:m", "d h:m:s[.f]"}, {"", "h", "h:m", "h:m:s[.f]"},
              {"", "", "m", "m:s[.f]"}, {"", "", "", "s[.f]"}};
          return source_.Error(e.location,
                               fmt::format("INTERVAL '{}' {}: expected '[-]{}' (hours 0-23, minutes and "
                                           "seconds 0-59 after the first field)",
                                           e.text, e.name, kShape[fields->first][fields->second]));
        }
        return ExpressionPtr(std::make_shared<Literal>(Value::Interval(*value, IntervalLiteralType(e))));
      }
      auto micros = ParseIntervalMicros(e.text, e.name);
      if (!micros.ok()) return source_.Error(e.location, micros.status().message());
      return ExpressionPtr(
          std::make_shared<Literal>(Value::Interval(*micros, IntervalLiteralType(e))));
    }
    case ExprKind::kStar:
      return source_.Error(e.location, "'*' is only allowed in a SELECT list or in count(*)");
    case ExprKind::kFunction:
      return BindFunction(e);
    case ExprKind::kUnary: {
      if (e.op == "+") return Bind(*e.children[0]);
      // Fold the sign into numeric literals, so round(x, -1) sees a constant.
      const ParsedExpr& operand = *e.children[0];
      if (e.op == "-" && operand.kind == ExprKind::kLiteral && !operand.value.is_null()) {
        const Value& v = operand.value;
        switch (v.type().id()) {
          case TypeId::kInt32:
            if (v.int64() != INT32_MIN) return ExpressionPtr(std::make_shared<Literal>(Value::Int32(static_cast<int32_t>(-v.int64()))));
            break;
          case TypeId::kInt64:
            if (v.int64() != INT64_MIN) return ExpressionPtr(std::make_shared<Literal>(Value::Int64(-v.int64())));
            break;
          case TypeId::kDecimal:
            return ExpressionPtr(std::make_shared<Literal>(
                Value::Decimal(-v.decimal(), v.type().precision(), v.type().scale())));
          case TypeId::kFloat64:
            return ExpressionPtr(std::make_shared<Literal>(Value::Float64(-v.float64())));
          default:
            break;
        }
      }
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      return Call(e, e.op == "NOT" ? "not" : "negate", std::move(args));
    }
    case ExprKind::kBinary: {
      // DATE/TIMESTAMP ± a YEAR/MONTH interval moves by calendar months (a day past the new
      // month's end becomes its last day), as Spark.
      if ((e.op == "+" || e.op == "-") &&
          (IsMonthInterval(*e.children[1]) || (e.op == "+" && IsMonthInterval(*e.children[0])))) {
        const bool interval_first = IsMonthInterval(*e.children[0]);
        const ParsedExpr& interval = *e.children[interval_first ? 0 : 1];
        auto months = IntervalMonths(interval);
        if (!months) {
          return source_.Error(interval.location,
                               fmt::format("{} is not a YEAR/MONTH interval: expected e.g. INTERVAL 2 "
                                           "MONTH, INTERVAL '1' YEAR or INTERVAL '1-6' YEAR TO MONTH",
                                           interval.ToString()));
        }
        SLUICE_ASSIGN_OR_RETURN(ExpressionPtr time, Bind(*e.children[interval_first ? 1 : 0]));
        const int64_t n = e.op == "-" ? -*months : *months;
        auto count = std::make_shared<Literal>(Value::Int64(n));
        if (time->type().id() == TypeId::kDate) return Call(e, "add_months", {time, count});
        if (time->type().id() == TypeId::kTimestamp) {
          return Call(e, "timestampadd",
                      {std::make_shared<Literal>(Value::String("MONTH")), count, time});
        }
        // Anything else (another interval) is the operator's, below.
      }
      if (e.op == "<=>") {
        SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
        return NullSafeEqual(e, std::move(args));
      }
      const auto& ops = BinaryOperatorFunctions();
      auto it = ops.find(e.op);
      if (it == ops.end()) {
        return source_.Error(e.location, fmt::format("unknown operator '{}'", e.op));
      }
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      // DATE ± integer counts days, as Spark's date_add / date_sub.
      auto is_date = [](const ExpressionPtr& x) { return x->type().id() == TypeId::kDate; };
      auto is_integer = [](const ExpressionPtr& x) { return x->type().IsInteger(); };
      if ((e.op == "+" || e.op == "-") && is_date(args[0]) && is_integer(args[1])) {
        return Call(e, e.op == "+" ? "date_add" : "date_sub", std::move(args));
      }
      if (e.op == "+" && is_integer(args[0]) && is_date(args[1])) {
        return Call(e, "date_add", {args[1], args[0]});
      }
      return Call(e, it->second, std::move(args));
    }
    case ExprKind::kIsNull: {
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      return Call(e, e.negated ? "is_not_null" : "is_null", std::move(args));
    }
    case ExprKind::kIsBool: {
      // x IS TRUE: TRUE only for TRUE, never NULL; IS FALSE likewise.
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      ExpressionPtr x = std::move(args[0]);
      if (!e.value.boolean()) {
        SLUICE_ASSIGN_OR_RETURN(x, Call(e, "not", {x}));
      }
      SLUICE_ASSIGN_OR_RETURN(
          x, Call(e, "coalesce", {x, std::make_shared<Literal>(Value::Boolean(false))}));
      if (e.negated) return Call(e, "not", {x});
      return x;
    }
    case ExprKind::kIn: {
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr in, Call(e, "in", std::move(args)));
      if (e.negated) return Call(e, "not", {in});
      return in;
    }
    case ExprKind::kBetween: {
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr low, Call(e, "greater_equal", {args[0], args[1]}));
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr high, Call(e, "less_equal", {args[0], args[2]}));
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr both, Call(e, "and", {low, high}));
      if (e.negated) return Call(e, "not", {both});
      return both;
    }
    case ExprKind::kLike: {
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      if (e.op == "ILIKE") {  // LIKE on the lower-cased text and pattern
        for (size_t i = 0; i < 2; ++i) {
          SLUICE_ASSIGN_OR_RETURN(args[i], Call(e, "lower", {args[i]}));
        }
      }
      std::string fn = e.op == "LIKE" || e.op == "ILIKE" ? "like" : "rlike";
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr match, Call(e, fn, std::move(args)));
      if (e.negated) return Call(e, "not", {match});
      return match;
    }
    case ExprKind::kCase:
      return BindCase(e);
    case ExprKind::kCast: {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr operand, Bind(*e.children[0]));
      if (!CanCast(operand->type(), e.type)) {
        return source_.Error(e.location, fmt::format("cannot cast {} to {}",
                                                     operand->type().ToString(), e.type.ToString()));
      }
      if (operand->type() == e.type) return operand;
      // TRY_CAST follows ANSI's conversion rules but gives NULL; CAST raises in ANSI mode.
      const auto mode = e.op == "TRY_CAST" ? CastExpression::Mode::kStrictNull
                        : registry_.ansi()  ? CastExpression::Mode::kStrictRaise
                                            : CastExpression::Mode::kLenient;
      return ExpressionPtr(std::make_shared<CastExpression>(std::move(operand), e.type, mode));
    }
    case ExprKind::kFieldAccess: {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr base, Bind(*e.children[0]));
      return AccessField(e, std::move(base), e.name);
    }
    case ExprKind::kIndex: {  // Spark's arr[i]: 0-based (element_at is the 1-based form)
      SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
      return Call(e, "get", std::move(args));
    }
    case ExprKind::kLambda:
      return source_.Error(e.location, fmt::format("a lambda ({}) is only allowed as an argument of "
                                                   "transform, filter, exists, forall, aggregate "
                                                   "or zip_with",
                                                   e.ToString()));
  }
  return Status::Internal("unhandled expression kind");
}

// a <=> b and equal_null(a, b): TRUE when both are NULL, FALSE when one is, else a = b.
Result<ExpressionPtr> ExpressionBinder::NullSafeEqual(const ParsedExpr& e,
                                                      std::vector<ExpressionPtr> args) const {
  SLUICE_ASSIGN_OR_RETURN(ExpressionPtr equal, Call(e, "equal", args));
  SLUICE_ASSIGN_OR_RETURN(ExpressionPtr left_null, Call(e, "is_null", {args[0]}));
  SLUICE_ASSIGN_OR_RETURN(ExpressionPtr right_null, Call(e, "is_null", {args[1]}));
  SLUICE_ASSIGN_OR_RETURN(ExpressionPtr both_null, Call(e, "and", {left_null, right_null}));
  return Call(e, "coalesce", {equal, both_null});
}

Result<ExpressionPtr> ExpressionBinder::BindLambdaBody(const ParsedExpr& call, const ParsedExpr& lambda,
                                                       const std::vector<DataType>& types) const {
  if (lambda.kind != ExprKind::kLambda) {
    return source_.Error(lambda.location,
                         fmt::format("{}() expects a lambda here, such as x -> x + 1", call.name));
  }
  if (lambda.parts.size() != types.size()) {
    return source_.Error(lambda.location,
                         fmt::format("this lambda of {}() takes {} parameter{}, found {}", call.name,
                                     types.size(), types.size() == 1 ? "" : "s", lambda.parts.size()));
  }
  // The input's columns stay where they are (a parameter hides a column of its name); the
  // parameters follow them.
  Scope scope;
  for (ScopeColumn column : scope_.columns()) {
    for (const std::string& param : lambda.parts) {
      // Only an unqualified reference means the parameter: t.x still reads column x of t.
      if (SameIdentifier(column.name, param)) column.qualifier_only = true;
    }
    scope.Add(std::move(column));
  }
  for (size_t i = 0; i < types.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (SameIdentifier(lambda.parts[i], lambda.parts[j])) {
        return source_.Error(lambda.location,
                             fmt::format("the lambda names two parameters '{}'", lambda.parts[i]));
      }
    }
    scope.Add(ScopeColumn{"", lambda.parts[i], types[i], true});
  }
  ExpressionBinder body_binder(source_, scope, registry_);
  body_binder.aliases_ = aliases_;
  return body_binder.Bind(*lambda.children[0]);
}

Result<ExpressionPtr> ExpressionBinder::BindHigherOrder(const ParsedExpr& e) const {
  using Kind = LambdaFunction::Kind;
  const std::string& name = e.name;
  static const std::map<std::string, Kind> kKinds = {
      {"transform", Kind::kTransform},         {"filter", Kind::kFilter},
      {"exists", Kind::kExists},               {"forall", Kind::kForall},
      {"zip_with", Kind::kZipWith},            {"aggregate", Kind::kAggregate},
      {"reduce", Kind::kAggregate},            {"map_filter", Kind::kMapFilter},
      {"transform_keys", Kind::kTransformKeys}, {"transform_values", Kind::kTransformValues},
      {"map_zip_with", Kind::kMapZipWith}};
  const Kind kind = kKinds.at(name);
  const bool over_maps = kind == Kind::kMapFilter || kind == Kind::kTransformKeys ||
                         kind == Kind::kTransformValues || kind == Kind::kMapZipWith;
  const size_t arrays = kind == Kind::kZipWith || kind == Kind::kMapZipWith ? 2 : 1;
  const size_t min_args =
      kind == Kind::kAggregate || kind == Kind::kZipWith || kind == Kind::kMapZipWith ? 3 : 2;
  const size_t max_args = kind == Kind::kAggregate ? 4 : min_args;
  static const std::map<std::string, std::string> kSignatures = {
      {"transform", "transform(array, x -> expr) or transform(array, (x, i) -> expr)"},
      {"filter", "filter(array, x -> condition) or filter(array, (x, i) -> condition)"},
      {"exists", "exists(array, x -> condition)"},
      {"forall", "forall(array, x -> condition)"},
      {"aggregate", "aggregate(array, zero, (acc, x) -> merge[, acc -> finish])"},
      {"reduce", "reduce(array, zero, (acc, x) -> merge[, acc -> finish])"},
      {"zip_with", "zip_with(left, right, (x, y) -> expr)"},
      {"map_filter", "map_filter(map, (k, v) -> condition)"},
      {"transform_keys", "transform_keys(map, (k, v) -> key)"},
      {"transform_values", "transform_values(map, (k, v) -> value)"},
      {"map_zip_with", "map_zip_with(map1, map2, (k, v1, v2) -> value)"}};
  const std::string& signature = kSignatures.at(name);
  if (e.children.size() < min_args || e.children.size() > max_args) {
    return source_.Error(e.location, fmt::format("{}: takes {}{} arguments, found {}", signature,
                                                 min_args, max_args > min_args ? " or 4" : "",
                                                 e.children.size()));
  }
  std::vector<ExpressionPtr> array_args;
  for (size_t i = 0; i < arrays; ++i) {
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr array, Bind(*e.children[i]));
    if (array->type().id() != TypeId::kList || array->type().IsMap() != over_maps) {
      return source_.Error(e.children[i]->location,
                           fmt::format("{}() expects {}, found {}", name,
                                       over_maps ? "a MAP" : "an ARRAY", array->type().ToString()));
    }
    array_args.push_back(std::move(array));
  }
  if (kind == Kind::kMapZipWith &&
      array_args[0]->type().map_key() != array_args[1]->type().map_key()) {
    return source_.Error(e.location,
                         fmt::format("map_zip_with() needs two maps with the same key type, found "
                                     "{} and {}",
                                     array_args[0]->type().ToString(),
                                     array_args[1]->type().ToString()));
  }
  const DataType element = array_args[0]->type().element();
  auto lambda_of = [&](ExpressionPtr body, const ParsedExpr& parsed) {
    return LambdaFunction::Lambda{std::move(body), parsed.parts, scope_.size()};
  };
  auto expect_boolean = [&](const ExpressionPtr& body, const ParsedExpr& parsed) -> Status {
    if (body->type().id() == TypeId::kBoolean || body->type().id() == TypeId::kNull) return Status::OK();
    return source_.Error(parsed.children[0]->location,
                         fmt::format("the lambda of {}() must give a BOOLEAN, found {}", name,
                                     body->type().ToString()));
  };
  std::vector<LambdaFunction::Lambda> lambdas;
  ExpressionPtr zero;
  DataType type;
  switch (kind) {
    case Kind::kTransform:
    case Kind::kFilter:
    case Kind::kExists:
    case Kind::kForall: {
      const ParsedExpr& parsed = *e.children[1];
      if ((kind == Kind::kTransform || kind == Kind::kFilter) && parsed.kind == ExprKind::kLambda &&
          parsed.parts.size() > 2) {
        return source_.Error(parsed.location,
                             fmt::format("the lambda of {}() takes 1 or 2 parameters (the element, "
                                         "and its index), found {}",
                                         name, parsed.parts.size()));
      }
      std::vector<DataType> params{element};
      if ((kind == Kind::kTransform || kind == Kind::kFilter) && parsed.kind == ExprKind::kLambda &&
          parsed.parts.size() == 2) {
        params.push_back(DataType::Int32());  // the element's 0-based index
      }
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr body, BindLambdaBody(e, parsed, params));
      if (kind == Kind::kTransform) {
        type = DataType::List(body->type().id() == TypeId::kNull ? DataType::String() : body->type());
      } else {
        SLUICE_RETURN_NOT_OK(expect_boolean(body, parsed));
        type = kind == Kind::kFilter ? array_args[0]->type() : DataType::Boolean();
      }
      lambdas.push_back(lambda_of(std::move(body), parsed));
      break;
    }
    case Kind::kAggregate: {
      SLUICE_ASSIGN_OR_RETURN(zero, Bind(*e.children[1]));
      DataType acc = zero->type();
      const ParsedExpr& merge = *e.children[2];
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr body, BindLambdaBody(e, merge, {acc, element}));
      // A start value narrower than what merge gives (0 for sums of DOUBLEs, 0.5 for sums of
      // INTs) widens the accumulator once, instead of failing as Spark does: to their common
      // type, and a DECIMAL to the widest precision so that acc + x keeps its type.
      if (body->type() != acc && acc.IsNumeric() && body->type().IsNumeric()) {
        if (auto wider = CommonType(acc, body->type())) {
          acc = wider->id() == TypeId::kDecimal
                    ? DataType::Decimal(kMaxDecimalPrecision, wider->scale())
                    : *wider;
          zero = CastIfNeeded(std::move(zero), acc);
          SLUICE_ASSIGN_OR_RETURN(body, BindLambdaBody(e, merge, {acc, element}));
        }
      }
      if (body->type() != acc) {
        const auto common = CommonType(acc, body->type());
        const bool narrower = body->type().IsNumeric() && acc.IsNumeric() && common && *common == acc;
        if (body->type().id() != TypeId::kNull && !narrower) {
          return source_.Error(merge.children[0]->location,
                               fmt::format("the merge lambda of {}() gives {}, which cannot become the "
                                           "accumulator's type {} (the type of the start value)",
                                           name, body->type().ToString(), acc.ToString()));
        }
        body = std::make_shared<CastExpression>(std::move(body), acc);
      }
      lambdas.push_back(lambda_of(std::move(body), merge));
      type = acc;
      if (e.children.size() == 4) {
        const ParsedExpr& finish = *e.children[3];
        SLUICE_ASSIGN_OR_RETURN(ExpressionPtr done, BindLambdaBody(e, finish, {acc}));
        type = done->type();
        lambdas.push_back(lambda_of(std::move(done), finish));
      }
      break;
    }
    case Kind::kMapFilter:
    case Kind::kTransformKeys:
    case Kind::kTransformValues:
    case Kind::kMapZipWith: {
      const DataType& map = array_args[0]->type();
      std::vector<DataType> params{map.map_key(), map.map_value()};
      if (kind == Kind::kMapZipWith) params.push_back(array_args[1]->type().map_value());
      const ParsedExpr& parsed = *e.children[arrays];
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr body, BindLambdaBody(e, parsed, params));
      const DataType result =
          body->type().id() == TypeId::kNull ? DataType::String() : body->type();
      if (kind == Kind::kMapFilter) {
        SLUICE_RETURN_NOT_OK(expect_boolean(body, parsed));
        type = map;
      } else if (kind == Kind::kTransformKeys) {
        Status key = CheckMapKey(result);
        if (!key.ok()) return source_.Error(parsed.children[0]->location, key.message());
        type = DataType::Map(result, map.map_value());
      } else {
        type = DataType::Map(map.map_key(), result);
      }
      lambdas.push_back(lambda_of(std::move(body), parsed));
      break;
    }
    case Kind::kZipWith: {
      const ParsedExpr& parsed = *e.children[2];
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr body,
                              BindLambdaBody(e, parsed, {element, array_args[1]->type().element()}));
      type = DataType::List(body->type().id() == TypeId::kNull ? DataType::String() : body->type());
      lambdas.push_back(lambda_of(std::move(body), parsed));
      break;
    }
  }
  return ExpressionPtr(std::make_shared<LambdaFunction>(kind, name, type, std::move(array_args),
                                                        std::move(zero), std::move(lambdas)));
}

std::string ExpressionBinder::SuggestFunction(std::string_view name) const {
  const std::vector<std::string> scalar = registry_.Names();
  std::vector<std::string_view> candidates;
  for (const std::string& function : scalar) {
    if (!function.starts_with('$')) candidates.push_back(function);  // $: the planner's own
  }
  for (std::string_view aggregate : AggregateNames()) candidates.push_back(aggregate);
  const std::vector<std::string> best = ClosestNames(name, candidates);
  if (best.empty()) return "; 'sluice functions' lists them all";
  std::string names;
  for (size_t i = 0; i < best.size(); ++i) {
    names += fmt::format("{}'{}'", i == 0 ? "" : i + 1 == best.size() ? " or " : ", ", best[i]);
  }
  return fmt::format(": did you mean {}?", names);
}

Result<ExpressionPtr> ExpressionBinder::AccessField(const ParsedExpr& at, ExpressionPtr base,
                                                    const std::string& field) const {
  if (base->type().id() != TypeId::kStruct) {
    return source_.Error(at.location, fmt::format("cannot read field '{}' of '{}', which is {}, not a ROW",
                                                  field, base->ToString(), base->type().ToString()));
  }
  int index = base->type().FieldIndex(field);
  if (index < 0) {
    std::string fields;
    for (const auto& f : base->type().fields()) fields += (fields.empty() ? "" : ", ") + f.name;
    return source_.Error(at.location, fmt::format("'{}' has no field '{}'; its fields are {}",
                                                  base->ToString(), field, fields));
  }
  return ExpressionPtr(std::make_shared<StructField>(std::move(base), index));
}

Result<ExpressionPtr> ExpressionBinder::BindColumn(const ParsedExpr& e) const {
  const auto& parts = e.parts;
  size_t used = 1;
  std::vector<int> found;
  // `t.a` is table t's column a when t is a table in scope; otherwise `a.b` is field b of a.
  if (parts.size() >= 2 && scope_.HasQualifier(parts[0])) {
    found = scope_.Find(parts[0], parts[1]);
    used = 2;
    if (found.empty()) {
      return source_.Error(e.location, fmt::format("table '{}' has no column '{}'", parts[0], parts[1]));
    }
  } else {
    found = scope_.Find("", parts[0]);
  }
  if (found.empty() && aliases_ && parts.size() == 1) {
    for (const auto& [alias, expression] : *aliases_) {
      if (SameIdentifier(alias, parts[0])) return Bind(*expression);
    }
  }
  if (found.empty() && grouped_input_ &&
      !(parts.size() >= 2 && grouped_input_->HasQualifier(parts[0])
            ? grouped_input_->Find(parts[0], parts[1])
            : grouped_input_->Find("", parts[0]))
           .empty()) {
    return source_.Error(e.location,
                         fmt::format("column '{}' is neither in GROUP BY nor inside an aggregate "
                                     "function: add it to GROUP BY or wrap it, e.g. first({})",
                                     e.ToString(), e.ToString()));
  }
  if (found.empty()) {
    std::vector<std::string_view> names;
    for (const auto& c : scope_.columns()) {
      if (!c.name.starts_with('$')) names.push_back(c.name);
    }
    const std::string closest = ClosestName(parts.back(), names);
    return source_.Error(e.location,
                         fmt::format("unknown column '{}'{}; the columns here are {}", parts[0],
                                     closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest),
                                     scope_.ColumnList()));
  }
  if (found.size() > 1) {
    return source_.Error(e.location,
                         fmt::format("column '{}' is ambiguous: qualify it with a table name",
                                     parts[used - 1]));
  }
  const ScopeColumn& column = scope_.columns()[static_cast<size_t>(found[0])];
  ExpressionPtr bound = std::make_shared<ColumnReference>(found[0], column.name, column.type);
  for (size_t i = used; i < parts.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(bound, AccessField(e, std::move(bound), parts[i]));
  }
  return bound;
}

Result<ExpressionPtr> ExpressionBinder::BindFunction(const ParsedExpr& e) const {
  if (e.has_over) {
    return source_.Error(e.location,
                         fmt::format("{}() OVER (...) is only allowed as a whole SELECT item with an "
                                     "alias, limited in the enclosing query (Top-N)",
                                     e.name));
  }
  if (e.name == "equal_null" && e.children.size() == 2) {
    SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
    return NullSafeEqual(e, std::move(args));
  }
  if (e.name == "transform" || e.name == "filter" || e.name == "exists" || e.name == "forall" ||
      e.name == "aggregate" || e.name == "reduce" || e.name == "zip_with" ||
      e.name == "map_filter" || e.name == "transform_keys" || e.name == "transform_values" ||
      e.name == "map_zip_with") {
    return BindHigherOrder(e);
  }
  if (IsAggregateName(e.name)) {
    return source_.Error(e.location,
                         fmt::format("{}() is an aggregate function: it belongs in the SELECT list "
                                     "or HAVING of a query, not in {}",
                                     e.name, substitutions_ ? "another aggregate" : "this clause"));
  }
  if (e.name == "window") {
    return source_.Error(e.location,
                         "window(time, size[, slide]) groups rows: use it in GROUP BY, e.g. GROUP "
                         "BY window(ts, '10 minutes'), and select window.start, window.end");
  }
  if (e.name == "explode" || e.name == "explode_outer" || e.name == "posexplode" ||
      e.name == "posexplode_outer" || e.name == "inline" || e.name == "inline_outer") {
    return source_.Error(e.location,
                         fmt::format("{}() is only allowed as a whole SELECT item, e.g. SELECT "
                                     "{}(items) AS item FROM t, or in FROM t LATERAL VIEW {}(items) "
                                     "x AS item",
                                     e.name, e.name, e.name));
  }
  if (e.name == "extract" || e.name == "date_part" || e.name == "datepart") {
    // EXTRACT(unit FROM x) and date_part('unit', x) → year(x), month(x), ...
    if (e.children.size() != 2 || e.children[0]->kind != ExprKind::kLiteral ||
        e.children[0]->value.type().id() != TypeId::kString) {
      return source_.Error(e.location, fmt::format("{}() takes a unit as a string literal and a "
                                                   "date or timestamp, e.g. {}('hour', ts)",
                                                   e.name, e.name));
    }
    const ParsedExpr& unit_arg = *e.children[0];
    auto function = DatePartFunction(unit_arg.value.string());
    if (!function) {
      return source_.Error(unit_arg.location,
                           fmt::format("unknown date/time unit '{}'; expected YEAR, QUARTER, MONTH, "
                                       "WEEK, DAY, DAYOFWEEK, DOY, HOUR, MINUTE or SECOND",
                                       unit_arg.value.string()));
    }
    SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e, 1));
    if (args.size() == 1 && args[0]->type().IsInterval()) {
      auto field = BindIntervalField(*function, args[0]->type());
      if (!field.ok()) return source_.Error(unit_arg.location, field.status().message());
      return ExpressionPtr(std::make_shared<FunctionCall>(e.name, std::move(*field), std::move(args)));
    }
    return Call(e, *function, std::move(args));
  }
  if ((e.name == "timestampadd" || e.name == "timestampdiff" || e.name == "dateadd" ||
       e.name == "date_diff" || e.name == "datediff") &&
      e.children.size() == 3 && e.children[0]->kind == ExprKind::kColumn &&
      e.children[0]->parts.size() == 1) {
    // TIMESTAMPADD(HOUR, 1, ts): the unit is a bare word, passed on as its name.
    std::vector<ExpressionPtr> args{std::make_shared<Literal>(Value::String(e.children[0]->parts[0]))};
    SLUICE_ASSIGN_OR_RETURN(auto rest, BindChildren(e, 1));
    for (auto& arg : rest) args.push_back(std::move(arg));
    const std::string name = e.name == "dateadd"   ? "timestampadd"
                             : e.name == "timestampadd" ? e.name
                                                        : "timestampdiff";
    return Call(e, name, std::move(args));
  }
  if (e.filter) {
    return source_.Error(e.filter->location,
                         fmt::format("FILTER (WHERE ...) applies to aggregate functions, not {}()", e.name));
  }
  if (e.name == "struct") {  // Spark: fields named after the columns, col1, col2, ... otherwise
    if (e.children.empty()) return source_.Error(e.location, "struct() needs at least one value");
    SLUICE_ASSIGN_OR_RETURN(auto values, BindChildren(e));
    std::vector<ExpressionPtr> args;
    for (size_t i = 0; i < values.size(); ++i) {
      const ParsedExpr& child = *e.children[i];
      std::string name = fmt::format("col{}", i + 1);
      if (child.kind == ExprKind::kColumn && !child.parts.empty()) name = child.parts.back();
      if (child.kind == ExprKind::kFieldAccess) name = child.name;
      args.push_back(std::make_shared<Literal>(Value::String(name)));
      args.push_back(std::move(values[i]));
    }
    return Call(e, "named_struct", std::move(args));
  }
  if (e.name == "arrays_zip") {  // Spark: fields named after the columns, "0", "1", ... otherwise
    SLUICE_ASSIGN_OR_RETURN(auto arrays, BindChildren(e));
    BindArguments call;
    std::vector<std::string> names;
    for (size_t i = 0; i < arrays.size(); ++i) {
      const ParsedExpr& child = *e.children[i];
      std::string name = std::to_string(i);
      if (child.kind == ExprKind::kColumn && !child.parts.empty()) name = child.parts.back();
      if (child.kind == ExprKind::kFieldAccess) name = child.name;
      names.push_back(std::move(name));
      call.types.push_back(arrays[i]->type());
      call.constants.push_back(nullptr);
    }
    auto bound = BindArraysZip(call, names);
    if (!bound.ok()) return source_.Error(e.location, bound.status().message());
    for (size_t i = 0; i < arrays.size(); ++i) {
      arrays[i] = CastIfNeeded(std::move(arrays[i]), bound->arg_types[i]);
    }
    return ExpressionPtr(std::make_shared<FunctionCall>(e.name, std::move(*bound), std::move(arrays)));
  }
  if (!registry_.Find(e.name)) {
    return source_.Error(e.location, fmt::format("unknown function '{}'{}", e.name,
                                                 SuggestFunction(e.name)));
  }
  SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
  return Call(e, e.name, std::move(args));
}

Result<ExpressionPtr> ExpressionBinder::BindCase(const ParsedExpr& e) const {
  SLUICE_ASSIGN_OR_RETURN(auto args, BindChildren(e));
  std::vector<ExpressionPtr> call_args;
  size_t i = 0;
  ExpressionPtr operand;
  if (e.has_operand) operand = args[i++];
  size_t end = e.has_else ? args.size() - 1 : args.size();
  for (; i < end; i += 2) {  // WHEN, THEN pairs
    ExpressionPtr when = args[i];
    if (operand) {
      SLUICE_ASSIGN_OR_RETURN(when, Call(e, "equal", {operand, when}));
    }
    call_args.push_back(std::move(when));
    call_args.push_back(args[i + 1]);
  }
  if (e.has_else) call_args.push_back(args.back());
  return Call(e, "case_when", std::move(call_args));
}

}  // namespace sluice
