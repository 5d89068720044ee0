#pragma once

// Binding and row-loop helpers shared by the string, regex, datetime and hash families.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "function/kernel_loops.h"

namespace sluice::fnutil {

// "<signature> takes N arguments, got M" unless min <= n <= max.
inline Status CheckArity(std::string_view signature, size_t n, size_t min, size_t max) {
  if (n >= min && n <= max) return Status::OK();
  if (min == max) {
    return Status::Invalid("{} takes {} argument{}, got {}", signature, min, min == 1 ? "" : "s",
                           n);
  }
  if (max == min + 1) return Status::Invalid("{} takes {} or {} arguments, got {}", signature, min, max, n);
  if (max == SIZE_MAX) {
    return Status::Invalid("{} takes at least {} argument{}, got {}", signature, min,
                           min == 1 ? "" : "s", n);
  }
  return Status::Invalid("{} takes {} to {} arguments, got {}", signature, min, max, n);
}

// Values Spark implicitly casts to STRING for string functions: any non-nested scalar.
inline Status ExpectText(std::string_view fn, std::string_view what, const DataType& t) {
  if (!t.IsNested() && !t.IsInterval()) return Status::OK();
  return Status::Invalid("{}: {} must be a string, found {}", fn, what, t.ToString());
}

// Integer arguments (positions, lengths, counts): numbers and strings convert, like Spark's
// implicit casts; the kernel reads them as BIGINT.
inline Status ExpectInteger(std::string_view fn, std::string_view what, const DataType& t) {
  if (t.IsNumeric() || t.IsStringLike() || t.id() == TypeId::kNull) return Status::OK();
  return Status::Invalid("{}: {} must be an integer, found {}", fn, what, t.ToString());
}

// Text arguments are bound as STRING, except BYTES which keep their bytes.
inline DataType TextType(const DataType& t) {
  return t.id() == TypeId::kBytes ? t : DataType::String();
}

inline std::string_view StrAt(const Vector& v, size_t row) {
  return v.data<std::string_view>()[row];
}

// The constant value of argument i, if it is a non-NULL literal.
inline const Value* Constant(const BindArguments& args, size_t i) {
  if (i >= args.constants.size() || !args.constants[i] || args.constants[i]->is_null()) {
    return nullptr;
  }
  return args.constants[i];
}

// out[row] = fn(row) for live rows where no argument is NULL; nullopt makes the row NULL.
template <typename Out, typename Fn>
void RowMaybe(const std::vector<VectorPtr>& args, const KernelContext& ctx, Vector& out,
              Fn&& fn) {
  out.Resize(ctx.num_rows);
  Out* o = out.data<Out>();
  kernel::ForEachLive(ctx, [&](size_t row) {
    if (kernel::AnyNull(args, row)) {
      out.SetNull(row);
      return;
    }
    std::optional<Out> r = fn(row);
    if (r) {
      o[row] = *r;
    } else {
      out.SetNull(row);
    }
  });
}

// A kernel whose rows are fn(args, row, scratch) -> std::optional<std::string_view> (nullopt:
// NULL); rows with a NULL argument are NULL. `scratch` is reused across rows.
template <typename Fn>
ScalarKernel StringKernel(Fn fn) {
  return [fn](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    std::string scratch;
    kernel::StringResult(a, ctx, out, [&](size_t row) { return fn(a, row, scratch); });
    return Status::OK();
  };
}

// A kernel whose rows are fn(args, row) -> std::optional<Out>, NULL in → NULL out.
template <typename Out, typename Fn>
ScalarKernel ValueKernel(Fn fn) {
  return [fn](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    RowMaybe<Out>(a, ctx, out, [&](size_t row) { return fn(a, row); });
    return Status::OK();
  };
}

// A STRING column holding `value` at every live row: an argument a binder fixed (e.g. decode's
// charset) for a kernel that reads it as a column.
inline VectorPtr ConstantStringColumn(const KernelContext& ctx, std::string_view value) {
  auto column = std::make_shared<Vector>(DataType::String());
  column->Resize(ctx.num_rows);
  kernel::ForEachLive(ctx, [&](size_t row) { column->SetString(row, value); });
  return column;
}

// A kernel whose every live row is `value`: a result its binder computed from literals
// (schema_of_json, schema_of_csv).
inline ScalarKernel ConstantStringKernel(std::string value) {
  return [value = std::move(value)](const std::vector<VectorPtr>&, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    kernel::ForEachLive(ctx, [&](size_t row) { out.SetString(row, value); });
    return Status::OK();
  };
}

// The integer an argument bound as BIGINT holds at `row`.
inline int64_t IntAt(const Vector& v, size_t row) { return v.data<int64_t>()[row]; }

}  // namespace sluice::fnutil
