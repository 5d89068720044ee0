// Spark's array functions that build or rearrange arrays: array(...), array_append,
// array_prepend, array_compact, array_distinct, array_union, array_intersect, array_except,
// array_max, array_min, array_position, array_remove, array_repeat, array_sort, sort_array,
// arrays_overlap, slice, sequence, flatten, array_insert, arrays_zip. Elements are compared by their sort keys, so equal
// values of any scalar type match, and NULL elements count as one value (Spark).
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "function/array_functions.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/type_coercion.h"
#include "vector/sort_key.h"
#include "vector/take.h"

namespace sluice {
namespace {

Status ExpectArray(std::string_view fn, const DataType& t) {
  if (t.id() == TypeId::kList) return Status::OK();
  return Status::Invalid("{}() expects an ARRAY, found {}", fn, t.ToString());
}

// Arrays whose elements must be compared: scalar elements only.
Status ExpectComparableArray(std::string_view fn, const DataType& t) {
  SLUICE_RETURN_NOT_OK(ExpectArray(fn, t));
  if (t.element().IsNested()) {
    return Status::NotImplemented("{}() over an array of {}: only arrays of scalar values", fn,
                                  t.element().ToString());
  }
  return Status::OK();
}

}  // namespace

// A value looked for among elements (or keys) of type `element`: it must convert to that type
// without loss, or equal values could be missed (1.5 in an ARRAY<INT> would become 1).
Status ExpectProbe(std::string_view fn, const DataType& element, const DataType& probe) {
  if (probe.id() == TypeId::kNull) return Status::OK();
  const auto common = CommonType(element, probe);
  if (common && *common == element) return Status::OK();
  return Status::Invalid("{}(): a {} cannot be looked for among {} values{}", fn, probe.ToString(),
                         element.ToString(),
                         common ? fmt::format(" (CAST the value, or the elements, to {})", common->ToString())
                                : "");
}

namespace {

// Two arrays' shared type: the same element type, or one side an empty array().
Result<DataType> SameArrayType(std::string_view fn, const DataType& a, const DataType& b) {
  SLUICE_RETURN_NOT_OK(ExpectComparableArray(fn, a));
  SLUICE_RETURN_NOT_OK(ExpectComparableArray(fn, b));
  if (a.element().id() == TypeId::kNull) return b;
  if (b.element().id() == TypeId::kNull || a == b) return a;
  return Status::Invalid("{}(): the arrays must have the same element type, found {} and {}", fn,
                         a.ToString(), b.ToString());
}

std::string KeyOf(const Vector& v, size_t row) {
  std::string key;
  AppendSortKey(v, row, false, key);
  return key;
}

// A kernel that builds one output array per row: fn(args, row, elements_out) appends the row's
// elements to out.list_child() and returns false for a NULL row. Rows with a NULL argument at a
// position in `null_if` are NULL without calling fn.
template <typename Fn>
ScalarKernel ListKernel(std::vector<size_t> null_if, Fn fn) {
  return [null_if, fn](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    // The output's elements keep pointing at the strings of the arrays and values they came from.
    for (const auto& v : a) {
      if (v->type() == out.type()) {
        ShareArenasDeep(v->list_child(), out.list_child());
      } else if (v->type() == out.type().element()) {
        ShareArenasDeep(*v, out.list_child());
      }
    }
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      bool null = !live;
      for (size_t i : null_if) null = null || a[i]->IsNull(row);
      if (null || !fn(a, row, out.list_child())) {
        out.AppendNull();
      } else {
        out.AppendListEnd();
      }
    });
    return Status::OK();
  };
}

// array(a, b, ...): the values as an ARRAY of their common type.
Result<BoundFunction> BindArray(const BindArguments& args) {
  DataType element = DataType::Null();
  for (const DataType& t : args.types) {
    auto wider = WiderType(element, t);
    if (!wider) {
      return Status::Invalid("array(): values of types {} and {} cannot be mixed", element.ToString(),
                             t.ToString());
    }
    element = *wider;
  }
  if (element.id() == TypeId::kNull && !args.types.empty()) element = DataType::String();
  BoundFunction f{DataType::List(element), std::vector<DataType>(args.types.size(), element), nullptr};
  f.kernel = ListKernel({}, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    for (const auto& v : a) AppendRow(*v, row, elements);
    return true;
  });
  return f;
}

// array_append(arr, x) / array_prepend(arr, x): the array with x added at the end / front.
ScalarFunction AddElement(const char* name, const char* signature, bool at_end) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(ExpectArray(name, args.types[0]));
            DataType element = args.types[0].element();
            if (element.id() == TypeId::kNull) element = args.types[1];
            auto common = CommonType(element, args.types[1]);
            if (args.types[1].id() != TypeId::kNull && (!common || *common != element)) {
              return Status::Invalid("{}(): a {} cannot be added to an array of {}", name,
                                     args.types[1].ToString(), element.ToString());
            }
            BoundFunction f{DataType::List(element), {DataType::List(element), element}, nullptr};
            f.kernel = ListKernel({0}, [at_end](const std::vector<VectorPtr>& a, size_t row,
                                                Vector& elements) {
              const uint32_t* offsets = a[0]->offsets();
              if (!at_end) AppendRow(*a[1], row, elements);
              for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
                AppendRow(a[0]->list_child(), i, elements);
              }
              if (at_end) AppendRow(*a[1], row, elements);
              return true;
            });
            return f;
          }};
}

// The set operations and filters over one array's elements (plus a second array or a value):
// each picks the elements to keep.
enum class Pick { kCompact, kDistinct, kUnion, kIntersect, kExcept, kRemove };

ScalarFunction PickElements(const char* name, const char* signature, Pick pick) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            const bool two = pick == Pick::kUnion || pick == Pick::kIntersect ||
                             pick == Pick::kExcept || pick == Pick::kRemove;
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), two ? 2 : 1, two ? 2 : 1));
            DataType list = args.types[0];
            std::vector<DataType> types{list};
            if (pick == Pick::kRemove) {
              SLUICE_RETURN_NOT_OK(ExpectComparableArray(name, list));
              SLUICE_RETURN_NOT_OK(ExpectProbe(name, list.element(), args.types[1]));
              types.push_back(list.element());
            } else if (two) {
              SLUICE_ASSIGN_OR_RETURN(list, SameArrayType(name, args.types[0], args.types[1]));
              types = {list, list};
            } else if (pick == Pick::kCompact) {
              SLUICE_RETURN_NOT_OK(ExpectArray(name, list));
            } else {
              SLUICE_RETURN_NOT_OK(ExpectComparableArray(name, list));
            }
            std::vector<size_t> null_if{0};
            if (two) null_if.push_back(1);
            BoundFunction f{list, types, nullptr};
            f.kernel = ListKernel(null_if, [pick](const std::vector<VectorPtr>& a, size_t row,
                                                  Vector& elements) {
              const Vector& items = a[0]->list_child();
              const uint32_t* offsets = a[0]->offsets();
              std::unordered_set<std::string> other, seen;
              std::string removed;
              if (pick == Pick::kRemove) {
                removed = KeyOf(*a[1], row);
              } else if (pick == Pick::kIntersect || pick == Pick::kExcept) {
                const uint32_t* b = a[1]->offsets();
                for (uint32_t i = b[row]; i < b[row + 1]; ++i) other.insert(KeyOf(a[1]->list_child(), i));
              }
              auto consider = [&](const Vector& from, uint32_t i) {
                if (pick == Pick::kCompact) {
                  if (!from.IsNull(i)) AppendRow(from, i, elements);
                  return;
                }
                std::string key = KeyOf(from, i);
                if (pick == Pick::kRemove) {
                  if (from.IsNull(i) || key != removed) AppendRow(from, i, elements);
                  return;
                }
                if (pick == Pick::kIntersect && !other.count(key)) return;
                if (pick == Pick::kExcept && other.count(key)) return;
                if (seen.insert(std::move(key)).second) AppendRow(from, i, elements);
              };
              for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) consider(items, i);
              if (pick == Pick::kUnion) {
                const uint32_t* b = a[1]->offsets();
                for (uint32_t i = b[row]; i < b[row + 1]; ++i) consider(a[1]->list_child(), i);
              }
              return true;
            });
            return f;
          }};
}

// array_max / array_min(arr): the largest / smallest non-NULL element.
ScalarFunction ArrayExtreme(const char* name, const char* signature, bool max) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectComparableArray(name, args.types[0]));
            BoundFunction f{args.types[0].element(), {args.types[0]}, nullptr};
            f.kernel = [max](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              const Vector& items = a[0]->list_child();
              const uint32_t* offsets = a[0]->offsets();
              ShareArenasDeep(items, out);
              std::string best_key, key;
              kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
                int64_t best = -1;
                if (live && !a[0]->IsNull(row)) {
                  for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
                    if (items.IsNull(i)) continue;
                    key.clear();
                    AppendSortKey(items, i, false, key);
                    if (best < 0 || (max ? key > best_key : key < best_key)) {
                      best = i;
                      best_key.swap(key);
                    }
                  }
                }
                if (best < 0) {
                  out.AppendNull();
                } else {
                  AppendRow(items, static_cast<size_t>(best), out);
                }
              });
              return Status::OK();
            };
            return f;
          }};
}

// array_position(arr, x): the 1-based position of the first element equal to x, 0 if none.
Result<BoundFunction> BindArrayPosition(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("array_position(arr, x)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectComparableArray("array_position", args.types[0]));
  const DataType element = args.types[0].element();
  SLUICE_RETURN_NOT_OK(ExpectProbe("array_position", element, args.types[1]));
  BoundFunction f{DataType::Int64(), {args.types[0], element}, nullptr};
  f.kernel = fnutil::ValueKernel<int64_t>([](const std::vector<VectorPtr>& a, size_t row) {
    const std::string wanted = KeyOf(*a[1], row);
    const Vector& items = a[0]->list_child();
    const uint32_t* offsets = a[0]->offsets();
    for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
      if (!items.IsNull(i) && KeyOf(items, i) == wanted) {
        return std::optional<int64_t>(i - offsets[row] + 1);
      }
    }
    return std::optional<int64_t>(0);
  });
  return f;
}

// array_repeat(x, n): an array of n copies of x (empty for n <= 0).
Result<BoundFunction> BindArrayRepeat(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("array_repeat(x, n)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("array_repeat", "n", args.types[1]));
  const DataType element = args.types[0].id() == TypeId::kNull ? DataType::String() : args.types[0];
  BoundFunction f{DataType::List(element), {element, DataType::Int64()}, nullptr};
  f.kernel = ListKernel({1}, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    const int64_t n = fnutil::IntAt(*a[1], row);
    if (n > (1 << 24)) return false;  // beyond any sensible array
    for (int64_t k = 0; k < n; ++k) AppendRow(*a[0], row, elements);
    return true;
  });
  return f;
}

// array_sort(arr): ascending with NULLs last; sort_array(arr[, asc]): NULLs first ascending and
// last descending (Spark's two orders).
ScalarFunction SortArray(const char* name, const char* signature, bool nulls_first_when_ascending) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            const size_t max_args = nulls_first_when_ascending ? 2 : 1;
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, max_args));
            SLUICE_RETURN_NOT_OK(ExpectComparableArray(name, args.types[0]));
            bool ascending = true;
            if (args.types.size() == 2) {
              const Value* asc = fnutil::Constant(args, 1);
              if (!asc || args.types[1].id() != TypeId::kBoolean) {
                return Status::Invalid("{}: the order must be a BOOLEAN literal (true ascending)", signature);
              }
              ascending = asc->boolean();
            }
            const bool nulls_first = nulls_first_when_ascending && ascending;
            BoundFunction f{args.types[0], {args.types[0]}, nullptr};
            if (args.types.size() == 2) f.arg_types.push_back(DataType::Boolean());
            f.kernel = ListKernel({0}, [ascending, nulls_first](const std::vector<VectorPtr>& a,
                                                                size_t row, Vector& elements) {
              const Vector& items = a[0]->list_child();
              const uint32_t* offsets = a[0]->offsets();
              std::vector<std::pair<std::string, uint32_t>> keyed;
              size_t nulls = 0;
              for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
                if (items.IsNull(i)) {
                  ++nulls;
                  continue;
                }
                std::string key;
                AppendSortKey(items, i, !ascending, key);
                keyed.emplace_back(std::move(key), i);
              }
              std::stable_sort(keyed.begin(), keyed.end(),
                               [](const auto& x, const auto& y) { return x.first < y.first; });
              if (nulls_first) {
                for (size_t k = 0; k < nulls; ++k) elements.AppendNull();
              }
              for (const auto& [key, i] : keyed) AppendRow(items, i, elements);
              if (!nulls_first) {
                for (size_t k = 0; k < nulls; ++k) elements.AppendNull();
              }
              return true;
            });
            return f;
          }};
}

// arrays_overlap(a, b): true when they share a non-NULL element; NULL when they do not but
// both are non-empty and one holds a NULL; false otherwise.
Result<BoundFunction> BindArraysOverlap(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("arrays_overlap(a, b)", args.types.size(), 2, 2));
  SLUICE_ASSIGN_OR_RETURN(DataType list, SameArrayType("arrays_overlap", args.types[0], args.types[1]));
  BoundFunction f{DataType::Boolean(), {list, list}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    fnutil::RowMaybe<uint8_t>(a, ctx, out, [&](size_t row) -> std::optional<uint8_t> {
      std::unordered_set<std::string> left;
      bool saw_null = false;
      const uint32_t* lo = a[0]->offsets();
      const uint32_t* ro = a[1]->offsets();
      for (uint32_t i = lo[row]; i < lo[row + 1]; ++i) {
        if (a[0]->list_child().IsNull(i)) {
          saw_null = true;
        } else {
          left.insert(KeyOf(a[0]->list_child(), i));
        }
      }
      for (uint32_t i = ro[row]; i < ro[row + 1]; ++i) {
        if (a[1]->list_child().IsNull(i)) {
          saw_null = true;
        } else if (left.count(KeyOf(a[1]->list_child(), i))) {
          return 1;
        }
      }
      const bool both_non_empty = lo[row + 1] > lo[row] && ro[row + 1] > ro[row];
      if (saw_null && both_non_empty) return std::nullopt;
      return 0;
    });
    return Status::OK();
  };
  return f;
}

// slice(arr, start, length): `length` elements from the 1-based `start` (negative: from the
// end). Spark raises an error for start = 0 or a negative length; here those rows are NULL.
Result<BoundFunction> BindSlice(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("slice(arr, start, length)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(ExpectArray("slice", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("slice", "start", args.types[1]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("slice", "length", args.types[2]));
  BoundFunction f{args.types[0], {args.types[0], DataType::Int64(), DataType::Int64()}, nullptr};
  f.kernel = ListKernel({0, 1, 2}, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    const uint32_t* offsets = a[0]->offsets();
    const int64_t n = offsets[row + 1] - offsets[row];
    const int64_t start = fnutil::IntAt(*a[1], row), length = fnutil::IntAt(*a[2], row);
    if (start == 0 || length < 0) return false;
    const int64_t from = start > 0 ? start - 1 : n + start;
    if (from < 0 || from >= n) return true;  // empty
    const int64_t to = std::min(n, from + std::min(length, n));
    for (int64_t i = from; i < to; ++i) {
      AppendRow(a[0]->list_child(), offsets[row] + static_cast<size_t>(i), elements);
    }
    return true;
  });
  return f;
}

// sequence(start, stop[, step]): the integers from start to stop by step (default 1 or -1).
// Spark raises an error for a step that never reaches stop; here that row is NULL.
Result<BoundFunction> BindSequence(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("sequence(start, stop[, step])", args.types.size(), 2, 3));
  for (size_t i = 0; i < args.types.size(); ++i) {
    if (!args.types[i].IsInteger() && args.types[i].id() != TypeId::kNull) {
      return Status::NotImplemented("sequence() of {} values: only integers so far",
                                    args.types[i].ToString());
    }
  }
  const bool wide = std::any_of(args.types.begin(), args.types.end(),
                                [](const DataType& t) { return t.id() == TypeId::kInt64; });
  const DataType element = wide ? DataType::Int64() : DataType::Int32();
  BoundFunction f{DataType::List(element), std::vector<DataType>(args.types.size(), DataType::Int64()),
                  nullptr};
  std::vector<size_t> null_if{0, 1};
  if (args.types.size() == 3) null_if.push_back(2);
  f.kernel = ListKernel(null_if, [wide](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    const int64_t start = fnutil::IntAt(*a[0], row), stop = fnutil::IntAt(*a[1], row);
    const int64_t step = a.size() == 3 ? fnutil::IntAt(*a[2], row) : start <= stop ? 1 : -1;
    if (start != stop && (step == 0 || (stop > start) != (step > 0))) return false;
    // The distance and the step's size as unsigned numbers: neither can overflow.
    const uint64_t distance = stop >= start ? static_cast<uint64_t>(stop) - static_cast<uint64_t>(start)
                                            : static_cast<uint64_t>(start) - static_cast<uint64_t>(stop);
    const uint64_t stride = step == 0 ? 1 : step > 0 ? static_cast<uint64_t>(step)
                                                     : 0 - static_cast<uint64_t>(step);
    const uint64_t count = distance / stride + 1;
    if (count > (1u << 24)) return false;
    for (uint64_t k = 0; k < count; ++k) {
      const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(start) + k * static_cast<uint64_t>(step));
      if (wide) {
        elements.Append(v);
      } else {
        elements.Append(static_cast<int32_t>(v));
      }
    }
    return true;
  });
  return f;
}

// flatten(array of arrays): the inner arrays' elements in order; NULL if any inner array is.
Result<BoundFunction> BindFlatten(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("flatten(arrays)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectArray("flatten", args.types[0]));
  if (args.types[0].element().id() != TypeId::kList) {
    return Status::Invalid("flatten() expects an array of arrays, found {}", args.types[0].ToString());
  }
  BoundFunction f{args.types[0].element(), {args.types[0]}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& inner = a[0]->list_child();
    const Vector& items = inner.list_child();
    ShareArenasDeep(items, out.list_child());
    const uint32_t* outer = a[0]->offsets();
    const uint32_t* offsets = inner.offsets();
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      bool null = !live || a[0]->IsNull(row);
      for (uint32_t j = outer[row]; !null && j < outer[row + 1]; ++j) null = inner.IsNull(j);
      if (null) {
        out.AppendNull();
        return;
      }
      for (uint32_t j = outer[row]; j < outer[row + 1]; ++j) {
        for (uint32_t i = offsets[j]; i < offsets[j + 1]; ++i) AppendRow(items, i, out.list_child());
      }
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}

// array_insert(arr, pos, x): x inserted at the 1-based pos (negative: counted from the end, -1
// after the last element), NULLs padding a pos beyond either end, as Spark 4's; NULL when arr or
// pos is NULL, or pos is 0 (Spark raises).
Result<BoundFunction> BindArrayInsert(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("array_insert(arr, pos, x)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(ExpectArray("array_insert", args.types[0]));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("array_insert", "pos", args.types[1]));
  DataType element = args.types[0].element();
  if (element.id() == TypeId::kNull) element = args.types[2];
  const auto common = CommonType(element, args.types[2]);
  if (!common) {
    return Status::Invalid("array_insert(): a {} cannot be inserted into an array of {}",
                           args.types[2].ToString(), args.types[0].element().ToString());
  }
  element = *common;
  BoundFunction f{DataType::List(element), {DataType::List(element), DataType::Int64(), element},
                  nullptr};
  f.kernel = ListKernel({0, 1}, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    const uint32_t* offsets = a[0]->offsets();
    const int64_t length = offsets[row + 1] - offsets[row];
    const int64_t pos = fnutil::IntAt(*a[1], row);
    if (pos == 0 || pos > (int64_t{1} << 31) || pos < -(int64_t{1} << 31)) return false;
    // Where x goes among the elements; before the first one (< 0), NULLs come between.
    const int64_t at = pos > 0 ? pos - 1 : length + pos + 1;
    if (at < 0) {
      AppendRow(*a[2], row, elements);
      for (int64_t k = at; k < 0; ++k) elements.AppendNull();
    }
    for (int64_t k = 0; k < length; ++k) {
      if (k == at) AppendRow(*a[2], row, elements);
      AppendRow(a[0]->list_child(), offsets[row] + static_cast<uint32_t>(k), elements);
    }
    if (at >= length) {
      for (int64_t k = length; k < at; ++k) elements.AppendNull();
      AppendRow(*a[2], row, elements);
    }
    return true;
  });
  return f;
}

Result<BoundFunction> BindArraysZip(const BindArguments& args) {
  std::vector<std::string> names;
  for (size_t i = 0; i < args.types.size(); ++i) names.push_back(std::to_string(i));
  return BindArraysZip(args, names);
}

}  // namespace

Result<BoundFunction> BindArraysZip(const BindArguments& args, const std::vector<std::string>& names) {
  if (args.types.empty()) return Status::Invalid("arrays_zip(a, b, ...) needs at least one array");
  std::vector<Field> fields;
  for (size_t i = 0; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(ExpectArray("arrays_zip", args.types[i]));
    DataType element = args.types[i].element();
    if (element.id() == TypeId::kNull) element = DataType::String();
    fields.push_back(Field{names[i], element, true});
  }
  std::vector<DataType> types;
  for (const Field& field : fields) types.push_back(DataType::List(field.type));
  BoundFunction f{DataType::List(DataType::Struct(fields)), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    Vector& rows = out.list_child();
    for (size_t i = 0; i < a.size(); ++i) ShareArenasDeep(a[i]->list_child(), rows.child(i));
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        return;
      }
      uint32_t longest = 0;
      for (const auto& v : a) longest = std::max(longest, v->offsets()[row + 1] - v->offsets()[row]);
      for (uint32_t k = 0; k < longest; ++k) {  // the shorter arrays padded with NULLs
        for (size_t i = 0; i < a.size(); ++i) {
          const uint32_t begin = a[i]->offsets()[row];
          if (begin + k < a[i]->offsets()[row + 1]) {
            AppendRow(a[i]->list_child(), begin + k, rows.child(i));
          } else {
            rows.child(i).AppendNull();
          }
        }
        rows.Resize(rows.child(0).size());
      }
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}


// concat(arr1, arr2, ...) over arrays: the arrays one after another; NULL if any is NULL.
Result<BoundFunction> BindArrayConcat(const BindArguments& args) {
  DataType list = args.types[0];
  for (size_t i = 1; i < args.types.size(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(list, SameArrayType("concat", list, args.types[i]));
  }
  std::vector<size_t> all(args.types.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  BoundFunction f{list, std::vector<DataType>(args.types.size(), list), nullptr};
  f.kernel = ListKernel(all, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    for (const auto& v : a) {
      const uint32_t* offsets = v->offsets();
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) AppendRow(v->list_child(), i, elements);
    }
    return true;
  });
  return f;
}

// reverse(arr): the elements in reverse order.
Result<BoundFunction> BindArrayReverse(const BindArguments& args) {
  BoundFunction f{args.types[0], {args.types[0]}, nullptr};
  f.kernel = ListKernel({0}, [](const std::vector<VectorPtr>& a, size_t row, Vector& elements) {
    const uint32_t* offsets = a[0]->offsets();
    for (uint32_t i = offsets[row + 1]; i > offsets[row]; --i) AppendRow(a[0]->list_child(), i - 1, elements);
    return true;
  });
  return f;
}

void RegisterArrayFunctions(FunctionRegistry& registry) {
  registry.Register({"array", "array(a, b, ...)", BindArray});
  registry.Register(AddElement("array_append", "array_append(arr, x)", true));
  registry.Register(AddElement("array_prepend", "array_prepend(arr, x)", false));
  registry.Register(PickElements("array_compact", "array_compact(arr)", Pick::kCompact));
  registry.Register(PickElements("array_distinct", "array_distinct(arr)", Pick::kDistinct));
  registry.Register(PickElements("array_union", "array_union(a, b)", Pick::kUnion));
  registry.Register(PickElements("array_intersect", "array_intersect(a, b)", Pick::kIntersect));
  registry.Register(PickElements("array_except", "array_except(a, b)", Pick::kExcept));
  registry.Register(PickElements("array_remove", "array_remove(arr, x)", Pick::kRemove));
  registry.Register(ArrayExtreme("array_max", "array_max(arr)", true));
  registry.Register(ArrayExtreme("array_min", "array_min(arr)", false));
  registry.Register({"array_position", "array_position(arr, x)", BindArrayPosition});
  registry.Register({"array_repeat", "array_repeat(x, n)", BindArrayRepeat});
  registry.Register(SortArray("array_sort", "array_sort(arr)", false));
  registry.Register(SortArray("sort_array", "sort_array(arr[, ascending])", true));
  registry.Register({"arrays_overlap", "arrays_overlap(a, b)", BindArraysOverlap});
  registry.Register({"slice", "slice(arr, start, length)", BindSlice});
  registry.Register({"sequence", "sequence(start, stop[, step])", BindSequence});
  registry.Register({"flatten", "flatten(arrays)", BindFlatten});
  registry.Register({"array_insert", "array_insert(arr, pos, x)", BindArrayInsert});
  registry.Register({"arrays_zip", "arrays_zip(a, b, ...)",
                     [](const BindArguments& args) { return BindArraysZip(args); }});
}

}  // namespace sluice
