// Functions over ARRAY values: element_at, get (the `arr[i]` operator), size / cardinality,
// array_contains, array_join.
#include "function/function_registry.h"
#include "function/map_functions.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "function/cast.h"
#include "vector/sort_key.h"
#include "vector/take.h"

namespace sluice {
namespace {

Status ExpectList(std::string_view fn, const DataType& t) {
  if (t.id() == TypeId::kList) return Status::OK();
  return Status::Invalid("{}() expects an ARRAY, found {}", fn, t.ToString());
}

// One element of an array by position: element_at(array, index) is 1-based with a negative index
// counting from the end; get(array, index), which `arr[i]` means, is 0-based as in Spark. Out of
// range or NULL gives NULL (Spark without ANSI mode).
Result<BoundFunction> BindArrayItem(const BindArguments& args, std::string_view fn, bool zero_based) {
  if (args.types.size() != 2) return Status::Invalid("{}(array, index) takes 2 arguments", fn);
  if (args.types[0].IsMap()) return BindMapLookup(args, fn);
  SLUICE_RETURN_NOT_OK(ExpectList(fn, args.types[0]));
  if (!args.types[1].IsInteger() && args.types[1].id() != TypeId::kNull) {
    return Status::Invalid("{}(array, index): index must be an integer, found {}", fn,
                           args.types[1].ToString());
  }
  BoundFunction f{args.types[0].element(), {args.types[0], DataType::Int64()}, nullptr};
  f.kernel = [zero_based](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& list = *a[0];
    const Vector& index = *a[1];
    const uint32_t* offsets = list.offsets();
    ShareArenasDeep(list.list_child(), out);  // the elements' strings stay where they are
    // Rows are appended in order, so every row (live or not) gets a value or a NULL.
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || list.IsNull(row) || index.IsNull(row)) {
        out.AppendNull();
        return;
      }
      const int64_t n = static_cast<int64_t>(offsets[row + 1] - offsets[row]);
      const int64_t i = index.Get<int64_t>(row);
      const int64_t at = zero_based ? i : i > 0 ? i - 1 : n + i;
      if ((!zero_based && i == 0) || at < 0 || at >= n) {
        out.AppendNull();
      } else {
        AppendRow(list.list_child(), offsets[row] + static_cast<size_t>(at), out);
      }
    });
    return Status::OK();
  };
  return f;
}

// array_contains(array, value): NULL when either is NULL, or when the value is not found and
// the array holds a NULL (Spark's three-valued answer).
Result<BoundFunction> BindArrayContains(const BindArguments& args) {
  if (args.types.size() != 2) return Status::Invalid("array_contains(array, value) takes 2 arguments");
  SLUICE_RETURN_NOT_OK(ExpectList("array_contains", args.types[0]));
  const DataType element = args.types[0].element();
  if (element.IsNested()) {
    return Status::NotImplemented("array_contains over an array of {}", element.ToString());
  }
  if (args.types[1].id() != TypeId::kNull && !CommonType(element, args.types[1])) {
    return Status::Invalid("array_contains: a {} cannot be looked for in an array of {}",
                           args.types[1].ToString(), element.ToString());
  }
  BoundFunction f{DataType::Boolean(), {args.types[0], element}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const Vector& list = *a[0];
    const Vector& items = list.list_child();
    const uint32_t* offsets = list.offsets();
    std::string wanted, key;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (list.IsNull(row) || a[1]->IsNull(row)) {
        out.SetNull(row);
        return;
      }
      wanted.clear();
      AppendSortKey(*a[1], row, false, wanted);
      bool found = false, saw_null = false;
      for (uint32_t i = offsets[row]; i < offsets[row + 1] && !found; ++i) {
        if (items.IsNull(i)) {
          saw_null = true;
          continue;
        }
        key.clear();
        AppendSortKey(items, i, false, key);
        found = key == wanted;
      }
      if (!found && saw_null) {
        out.SetNull(row);
      } else {
        out.data<uint8_t>()[row] = found ? 1 : 0;
      }
    });
    return Status::OK();
  };
  return f;
}

// array_join(array, delimiter[, null_replacement]): the elements as text joined; NULL elements
// are left out unless a replacement is given.
Result<BoundFunction> BindArrayJoin(const BindArguments& args) {
  if (args.types.size() != 2 && args.types.size() != 3) {
    return Status::Invalid("array_join(array, delimiter[, null_replacement]) takes 2 or 3 arguments");
  }
  SLUICE_RETURN_NOT_OK(ExpectList("array_join", args.types[0]));
  if (args.types[0].element().IsNested()) {
    return Status::NotImplemented("array_join over an array of {}", args.types[0].element().ToString());
  }
  std::vector<DataType> types{args.types[0], DataType::String()};
  if (args.types.size() == 3) types.push_back(DataType::String());
  BoundFunction f{DataType::String(), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const Vector& list = *a[0];
    const Vector& items = list.list_child();
    const uint32_t* offsets = list.offsets();
    const bool string_items = items.type().IsStringLike();
    std::string joined;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row) || a[1]->IsNull(row)) {
        out.SetNull(row);
        return;
      }
      const std::string_view delimiter = a[1]->Get<std::string_view>(row);
      const bool replace = a.size() == 3 && !a[2]->IsNull(row);
      joined.clear();
      bool first = true;
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
        if (items.IsNull(i) && !replace) continue;
        if (!first) joined += delimiter;
        first = false;
        if (items.IsNull(i)) {
          joined += a[2]->Get<std::string_view>(row);
        } else if (string_items) {
          joined += items.Get<std::string_view>(i);
        } else {
          joined += CastToText(items, i);
        }
      }
      out.SetString(row, joined);
    });
    return Status::OK();
  };
  return f;
}

// named_struct(name1, value1, ...): a ROW whose fields are the values under the given (literal)
// names. struct(a, b) is bound as named_struct by the planner, which knows the arguments' names.
Result<BoundFunction> BindNamedStruct(const BindArguments& args) {
  if (args.types.empty() || args.types.size() % 2 != 0) {
    return Status::Invalid("named_struct(name1, value1, ...) takes pairs of a name and a value");
  }
  std::vector<Field> fields;
  std::vector<DataType> arg_types;
  for (size_t i = 0; i < args.types.size(); i += 2) {
    const Value* name = args.constants[i];
    if (!name || name->is_null() || name->type().id() != TypeId::kString) {
      return Status::Invalid("named_struct: argument {} must be a field name as a string literal", i + 1);
    }
    DataType t = args.types[i + 1].id() == TypeId::kNull ? DataType::String() : args.types[i + 1];
    fields.push_back(Field{name->string(), t, true});
    arg_types.push_back(DataType::String());
    arg_types.push_back(t);
  }
  BoundFunction f{DataType::Struct(fields), arg_types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    // The fields are the value columns themselves; the ROW is never NULL (Spark).
    for (size_t i = 1; i < a.size(); i += 2) out.SetChild(i / 2, a[i]);
    out.Resize(ctx.num_rows);
    return Status::OK();
  };
  return f;
}

// size(array): the number of elements; -1 for NULL, as Spark does by default. array_size is
// the same but NULL for NULL.
Result<BoundFunction> BindSize(const BindArguments& args, bool null_is_minus_one) {
  const char* name = null_is_minus_one ? "size" : "array_size";
  if (args.types.size() != 1) return Status::Invalid("{}(array) takes 1 argument", name);
  SLUICE_RETURN_NOT_OK(ExpectList(name, args.types[0]));
  BoundFunction f{DataType::Int32(), {args.types[0]}, nullptr};
  f.kernel = [null_is_minus_one](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    const uint32_t* offsets = a[0]->offsets();
    int32_t* o = out.data<int32_t>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (!a[0]->IsNull(row)) {
        o[row] = static_cast<int32_t>(offsets[row + 1] - offsets[row]);
      } else if (null_is_minus_one) {
        o[row] = -1;
      } else {
        out.SetNull(row);
      }
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry& registry) {
  registry.Register({"element_at", "element_at(array, index INT)", [](const BindArguments& args) {
                       return BindArrayItem(args, "element_at", false);
                     }});
  // try_element_at is element_at in every mode: NULL out of range (element_at raises in ANSI mode).
  registry.Alias("try_element_at", "element_at");
  registry.Register({"get", "get(array, index INT)", [](const BindArguments& args) {
                       return BindArrayItem(args, "get", true);
                     }});
  registry.Register({"array_contains", "array_contains(array, value)", BindArrayContains});
  registry.Register({"named_struct", "named_struct(name1, value1, ...)", BindNamedStruct});
  registry.Register({"array_join", "array_join(array, delimiter[, null_replacement])", BindArrayJoin});
  registry.Register({"size", "size(array)", [](const BindArguments& a) { return BindSize(a, true); }});
  registry.Register({"array_size", "array_size(array)", [](const BindArguments& a) { return BindSize(a, false); }});
  registry.Alias("cardinality", "size");
}

}  // namespace sluice
