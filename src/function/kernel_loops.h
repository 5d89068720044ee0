#pragma once

#include <optional>
#include <string_view>

#include "function/scalar_function.h"
#include "vector/vector.h"

// Column loops shared by kernels: iterate the live rows, propagate NULLs, and let the operation
// be a plain lambda the compiler inlines — no per-row virtual call.
namespace sluice::kernel {

inline bool AnyNull(const std::vector<VectorPtr>& args, size_t row) {
  for (const auto& a : args) {
    if (a->IsNull(row)) return true;
  }
  return false;
}

// Calls fn(row) for each live row.
template <typename Fn>
inline void ForEachLive(const KernelContext& ctx, Fn&& fn) {
  if (ctx.selection.IsAll()) {
    for (size_t row = 0; row < ctx.num_rows; ++row) fn(row);
  } else {
    for (uint32_t row : ctx.selection.rows()) fn(row);
  }
}

// Calls fn(row, live) for every row in order, live or not: for kernels that append their
// results row by row (arrays), where rows that are not selected still need a (NULL) row.
template <typename Fn>
inline void ForEachRowInOrder(const KernelContext& ctx, Fn&& fn) {
  const bool all = ctx.selection.IsAll();
  size_t next_live = 0;
  for (size_t row = 0; row < ctx.num_rows; ++row) {
    bool live = all;
    if (!all && next_live < ctx.selection.rows().size() && ctx.selection.rows()[next_live] == row) {
      live = true;
      ++next_live;
    }
    fn(row, live);
  }
}

// out[row] = op(a[row]) for live non-null rows; NULL in, NULL out.
template <typename In, typename Out, typename Op>
void Unary(const Vector& a, const KernelContext& ctx, Vector& out, Op&& op) {
  out.Resize(ctx.num_rows);
  const In* in = a.data<In>();
  Out* o = out.data<Out>();
  if (!a.MayHaveNulls() && ctx.selection.IsAll()) {
    for (size_t row = 0; row < ctx.num_rows; ++row) o[row] = op(in[row]);
    return;
  }
  ForEachLive(ctx, [&](size_t row) {
    if (a.IsNull(row)) {
      out.SetNull(row);
    } else {
      o[row] = op(in[row]);
    }
  });
}

// Like Unary, but op returns std::optional<Out>: nullopt makes the row NULL (invalid input).
template <typename In, typename Out, typename Op>
void UnaryMaybe(const Vector& a, const KernelContext& ctx, Vector& out, Op&& op) {
  out.Resize(ctx.num_rows);
  const In* in = a.data<In>();
  Out* o = out.data<Out>();
  ForEachLive(ctx, [&](size_t row) {
    if (a.IsNull(row)) {
      out.SetNull(row);
      return;
    }
    std::optional<Out> r = op(in[row]);
    if (r) {
      o[row] = *r;
    } else {
      out.SetNull(row);
    }
  });
}

// out[row] = op(a[row], b[row]) for live rows where neither is NULL.
template <typename A, typename B, typename Out, typename Op>
void Binary(const Vector& a, const Vector& b, const KernelContext& ctx, Vector& out, Op&& op) {
  out.Resize(ctx.num_rows);
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  Out* o = out.data<Out>();
  if (!a.MayHaveNulls() && !b.MayHaveNulls() && ctx.selection.IsAll()) {
    for (size_t row = 0; row < ctx.num_rows; ++row) o[row] = op(pa[row], pb[row]);
    return;
  }
  ForEachLive(ctx, [&](size_t row) {
    if (a.IsNull(row) || b.IsNull(row)) {
      out.SetNull(row);
    } else {
      o[row] = op(pa[row], pb[row]);
    }
  });
}

template <typename A, typename B, typename Out, typename Op>
void BinaryMaybe(const Vector& a, const Vector& b, const KernelContext& ctx, Vector& out,
                 Op&& op) {
  out.Resize(ctx.num_rows);
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  Out* o = out.data<Out>();
  ForEachLive(ctx, [&](size_t row) {
    if (a.IsNull(row) || b.IsNull(row)) {
      out.SetNull(row);
      return;
    }
    std::optional<Out> r = op(pa[row], pb[row]);
    if (r) {
      o[row] = *r;
    } else {
      out.SetNull(row);
    }
  });
}

// out[row] = op(row) (a std::optional<Out>) over the live rows whose arguments are all
// non-NULL; where op gives nullopt the row is NULL and raises its error reason(row) (a
// std::string), whatever the mode: for what Spark raises also without ANSI mode.
template <typename Out, typename Op, typename Reason>
void EachOrRaise(const std::vector<VectorPtr>& args, const KernelContext& ctx, Vector& out, Op&& op,
                 Reason&& reason) {
  out.Resize(ctx.num_rows);
  Out* o = out.data<Out>();
  ForEachLive(ctx, [&](size_t row) {
    if (AnyNull(args, row)) {
      out.SetNull(row);
      return;
    }
    std::optional<Out> r = op(row);
    if (r) {
      o[row] = *r;
      return;
    }
    out.SetNull(row);
    ctx.eval.row_errors.push_back({static_cast<uint32_t>(row), reason(row), false});
  });
}

// String results: op(row) returns std::optional<std::string_view> (nullopt = NULL), copied into
// out's arena; rows where any argument is NULL are NULL.
template <typename Op>
void StringResult(const std::vector<VectorPtr>& args, const KernelContext& ctx, Vector& out,
                  Op&& op) {
  out.Resize(ctx.num_rows);
  auto* o = out.data<std::string_view>();
  ForEachLive(ctx, [&](size_t row) {
    if (AnyNull(args, row)) {
      out.SetNull(row);
      return;
    }
    std::optional<std::string_view> r = op(row);
    if (r) {
      o[row] = out.arena().Add(*r);
    } else {
      out.SetNull(row);
    }
  });
}

}  // namespace sluice::kernel
