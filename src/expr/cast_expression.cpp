#include "expr/cast_expression.h"

#include <fmt/format.h>

#include <climits>
#include <cmath>
#include <optional>
#include <string_view>

#include "function/cast.h"
#include "function/kernel_loops.h"
#include "types/decimal.h"

namespace sluice {

namespace {

// Whether the lenient cast of row `row` of `in` to `to` broke an ANSI rule although it gave a
// value: a fraction or exponent in text read as an integer, an integer that does not fit, a
// DOUBLE out of the integer's range.
bool BreaksAnsiRule(const Vector& in, size_t row, const DataType& to) {
  if (!to.IsInteger()) return false;
  const int64_t lo = to.id() == TypeId::kInt32 ? INT32_MIN : INT64_MIN;
  const int64_t hi = to.id() == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
  switch (in.type().id()) {
    case TypeId::kString: {
      const std::string_view text = in.data<std::string_view>()[row];
      return text.find_first_of(".eE") != std::string_view::npos;
    }
    case TypeId::kInt64: {
      const int64_t v = in.data<int64_t>()[row];
      return v < lo || v > hi;
    }
    case TypeId::kFloat64: {
      const double d = in.data<double>()[row];
      // Truncation toward zero must land in range: for INT, -2147483648.9 still fits; for
      // BIGINT, -2^63 itself fits and 2^63 does not (both exact doubles).
      if (std::isnan(d)) return true;
      if (to.id() == TypeId::kInt32) return d <= static_cast<double>(lo) - 1.0 || d >= static_cast<double>(hi) + 1.0;
      return d < -9.223372036854775808e18 || d >= 9.223372036854775808e18;
    }
    case TypeId::kDecimal: {
      const Int128 whole = in.data<Int128>()[row] / PowerOfTen(in.type().scale());
      return whole < lo || whole > hi;
    }
    default: return false;
  }
}

// Casts Spark raises for in either mode (try_cast aside): text that is no interval, and a
// number beyond an interval's range or an interval beyond the number's.
bool RaisesInEitherMode(const DataType& from, const DataType& to) {
  auto exact_number = [](const DataType& t) { return t.IsInteger() || t.id() == TypeId::kDecimal; };
  return (to.IsInterval() && (from.IsStringLike() || exact_number(from))) ||
         (from.IsInterval() && exact_number(to));
}

// Why row `row` of `in` raises, its cast to `to` in `mode` having failed (NULL out of a value, or
// a value ANSI refuses): nothing where the result is NULL instead. `what` is "value" or
// "element".
std::optional<RowError> CastFailure(const Vector& in, size_t row, const DataType& to,
                                    CastExpression::Mode mode, std::string_view what) {
  using Mode = CastExpression::Mode;
  if (mode == Mode::kStrictNull) return std::nullopt;
  const DataType& from = in.type();
  if (to.IsInterval() && from.IsStringLike()) {
    return RowError{static_cast<uint32_t>(row),
                    fmt::format("[INVALID_INTERVAL_FORMAT] '{}' cannot be cast to {}: expected "
                                "Spark's interval text, e.g. '1 02:03:04' for DAY TO SECOND, '1-6' "
                                "for YEAR TO MONTH",
                                CastToText(in, row), to.ToString()),
                    false};
  }
  if (RaisesInEitherMode(from, to)) {
    return RowError{
        static_cast<uint32_t>(row),
        to.id() == TypeId::kDecimal
            ? fmt::format("[NUMERIC_VALUE_OUT_OF_RANGE] {} cannot be represented as {}",
                          CastToText(in, row), to.ToString())
            : fmt::format("[CAST_OVERFLOW] The value {} of the type \"{}\" cannot be cast to "
                          "\"{}\" due to an overflow (use try_cast for NULL instead)",
                          CastToText(in, row), from.ToString(), to.ToString()),
        false};
  }
  if (mode == Mode::kStrictRaise) {
    return RowError{static_cast<uint32_t>(row),
                    fmt::format("[CAST_INVALID_INPUT] the {} {} '{}' cannot be cast to {}",
                                from.ToString(), what, CastToText(in, row), to.ToString())};
  }
  return std::nullopt;
}

// Rows of an ARRAY cast with an element that fails (see CastFailure): each raises naming the
// first such element, and is NULL.
void RaiseForFailedElements(const Vector& in, Vector& out, const KernelContext& ctx,
                            CastExpression::Mode mode, EvalContext& context) {
  const Vector& from = in.list_child();
  const Vector& to = out.list_child();
  kernel::ForEachLive(ctx, [&](size_t row) {
    if (in.IsNull(row) || out.IsNull(row)) return;
    for (uint32_t e = in.offsets()[row]; e < in.offsets()[row + 1]; ++e) {
      const uint32_t at = out.offsets()[row] + (e - in.offsets()[row]);
      if (from.IsNull(e) || (!to.IsNull(at) && !BreaksAnsiRule(from, e, to.type()))) continue;
      std::optional<RowError> failure = CastFailure(from, e, to.type(), mode, "element");
      if (!failure) continue;
      failure->row = static_cast<uint32_t>(row);
      context.row_errors.push_back(std::move(*failure));
      out.SetNull(row);
      return;
    }
  });
}

}  // namespace

Result<VectorPtr> CastExpression::Evaluate(const Batch& input, EvalContext& context) const {
  SLUICE_ASSIGN_OR_RETURN(VectorPtr in, child_->Evaluate(input, context));
  if (in->type() == type()) return in;
  auto out = std::make_shared<Vector>(type());
  KernelContext ctx{input.selection(), input.num_rows(), context};
  SLUICE_RETURN_NOT_OK(CastVector(*in, type(), ctx, *out));
  const bool arrays = type().id() == TypeId::kList && !type().IsMap() && in->type().id() == TypeId::kList;
  const DataType& from = arrays ? in->type().element() : in->type();
  const DataType& to = arrays ? type().element() : type();
  // A lenient cast raises only where Spark's does in either mode.
  if (mode_ == Mode::kLenient && !RaisesInEitherMode(from, to)) return out;
  if (arrays) {
    RaiseForFailedElements(*in, *out, ctx, mode_, context);
    return out;
  }
  kernel::ForEachLive(ctx, [&](size_t row) {
    if (in->IsNull(row)) return;
    if (!out->IsNull(row) && !BreaksAnsiRule(*in, row, type())) return;
    if (std::optional<RowError> failure = CastFailure(*in, row, type(), mode_, "value")) {
      context.row_errors.push_back(std::move(*failure));
    }
    out->SetNull(row);
  });
  return out;
}

std::string CastExpression::ToString() const {
  return fmt::format("{}({} AS {})", mode_ == Mode::kStrictNull ? "TRY_CAST" : "CAST",
                     child_->ToString(), type().ToString());
}

}  // namespace sluice
