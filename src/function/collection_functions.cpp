// Functions over ARRAY values: element_at (also the `arr[i]` operator), size / cardinality,
// array_contains.
#include "function/function_registry.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "vector/take.h"

namespace sluice {
namespace {

Status ExpectList(std::string_view fn, const DataType& t) {
  if (t.id() == TypeId::kList) return Status::OK();
  return Status::Invalid("{}() expects an ARRAY, found {}", fn, t.ToString());
}

// element_at(array, index): 1-based; a negative index counts from the end; out of range or
// NULL gives NULL (Spark without ANSI mode; `arr[i]` is 1-based as in Flink).
Result<BoundFunction> BindElementAt(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("element_at(array, index) takes 2 arguments");
  SLUICE_RETURN_NOT_OK(ExpectList("element_at", args.types[0]));
  if (!args.types[1].IsInteger() && args.types[1].id() != TypeId::kNull) {
    return Status::Invalid("element_at(array, index): index must be an integer, found {}",
                           args.types[1].ToString());
  }
  BoundFunction f{args.types[0].element(), {args.types[0], DataType::Int64()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& list = *a[0];
    const Vector& index = *a[1];
    const uint32_t* offsets = list.offsets();
    ShareArenasDeep(list.list_child(), out);  // the elements' strings stay where they are
    // Rows are appended in order, so every row (live or not) gets a value or a NULL.
    size_t next_live = 0;
    for (size_t row = 0; row < ctx.num_rows; ++row) {
      bool live = ctx.selection.IsAll() ||
                  (next_live < ctx.selection.rows().size() && ctx.selection.rows()[next_live] == row);
      if (live && !ctx.selection.IsAll()) ++next_live;
      if (!live || list.IsNull(row) || index.IsNull(row)) {
        out.AppendNull();
        continue;
      }
      int64_t n = static_cast<int64_t>(offsets[row + 1] - offsets[row]);
      int64_t i = index.Get<int64_t>(row);
      int64_t at = i > 0 ? i - 1 : n + i;
      if (i == 0 || at < 0 || at >= n) {
        out.AppendNull();
      } else {
        AppendRow(list.list_child(), offsets[row] + static_cast<size_t>(at), out);
      }
    }
    return Status::OK();
  };
  return f;
}

// size(array): the number of elements; -1 for NULL, as Spark does by default.
Result<BoundFunction> BindSize(const BindArguments& args) {
  if (args.types.size() != 1) return Status::Invalid("size(array) takes 1 argument");
  SLUICE_RETURN_NOT_OK(ExpectList("size", args.types[0]));
  BoundFunction f{DataType::Int32(), {args.types[0]}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const uint32_t* offsets = a[0]->offsets();
    int32_t* o = out.data<int32_t>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      o[row] = a[0]->IsNull(row) ? -1 : static_cast<int32_t>(offsets[row + 1] - offsets[row]);
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry& registry) {
  registry.Register({"element_at", "element_at(array, index INT)", BindElementAt});
  registry.Register({"size", "size(array)", BindSize});
  registry.Alias("cardinality", "size");
}

}  // namespace sluice
