// Spark's MAP functions: map(k1, v1, ...), map_from_arrays, str_to_map, map_keys, map_values,
// map_entries, map_contains_key, map_concat, map_from_entries, and the key lookup element_at(map, key) / map[key]. A MAP is a
// list of ROW<key, value> entries (DataType::Map); a key given twice keeps its last value
// (Spark's LAST_WIN policy; Spark's default raises instead).
#include "function/map_functions.h"

#include <optional>
#include <unordered_map>

#include "function/array_functions.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/type_coercion.h"
#include "vector/sort_key.h"
#include "vector/take.h"

namespace sluice {

namespace {

Status ExpectMap(std::string_view fn, const DataType& t) {
  if (t.IsMap()) return Status::OK();
  return Status::Invalid("{}() expects a MAP, found {}", fn, t.ToString());
}

std::string KeyOf(const Vector& v, size_t row) {
  std::string key;
  AppendSortKey(v, row, false, key);
  return key;
}

}  // namespace

// Appends one map row built from parallel key and value rows: a NULL key makes the row NULL
// (Spark raises), a repeated key keeps its last value.
void AppendMapEntries(const Vector& keys, const std::vector<uint32_t>& key_rows,
                      const Vector& values, const std::vector<uint32_t>& value_rows, Vector& out) {
  std::unordered_map<std::string, size_t> last;  // key → index in key_rows of its last entry
  for (size_t i = 0; i < key_rows.size(); ++i) {
    if (keys.IsNull(key_rows[i])) {
      out.AppendNull();
      return;
    }
    last[KeyOf(keys, key_rows[i])] = i;
  }
  Vector& entries = out.list_child();
  for (size_t i = 0; i < key_rows.size(); ++i) {
    if (last[KeyOf(keys, key_rows[i])] != i) continue;
    AppendRow(keys, key_rows[i], entries.child(0));
    AppendRow(values, value_rows[i], entries.child(1));
    entries.Resize(entries.child(0).size());
  }
  out.AppendListEnd();
}

namespace {

// map(k1, v1, k2, v2, ...): keys and values of their common types.
Result<BoundFunction> BindMap(const BindArguments& args) {
  if (args.types.size() % 2 != 0) {
    return Status::Invalid("map(key1, value1, ...) takes pairs of a key and a value, got {} arguments",
                           args.types.size());
  }
  DataType key = DataType::Null(), value = DataType::Null();
  for (size_t i = 0; i < args.types.size(); i += 2) {
    auto k = WiderType(key, args.types[i]);
    auto v = WiderType(value, args.types[i + 1]);
    if (!k || !v) {
      return Status::Invalid("map(): the keys (or the values) have types that cannot be mixed: {} and {}",
                             (k ? value : key).ToString(), (k ? args.types[i + 1] : args.types[i]).ToString());
    }
    key = *k;
    value = *v;
  }
  if (key.id() == TypeId::kNull) key = DataType::String();
  if (value.id() == TypeId::kNull) value = DataType::String();
  SLUICE_RETURN_NOT_OK(CheckMapKey(key));
  std::vector<DataType> types;
  for (size_t i = 0; i < args.types.size(); i += 2) {
    types.push_back(key);
    types.push_back(value);
  }
  BoundFunction f{DataType::Map(key, value), types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    // Each pair is a column: gather row r's keys and values into two small vectors first.
    for (size_t i = 0; i < a.size(); ++i) ShareArenasDeep(*a[i], out.list_child().child(i % 2));
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live) {
        out.AppendNull();
        return;
      }
      Vector keys(a.empty() ? DataType::String() : a[0]->type());
      Vector values(a.empty() ? DataType::String() : a[1]->type());
      std::vector<uint32_t> rows;
      for (size_t i = 0; i < a.size(); i += 2) {
        AppendRow(*a[i], row, keys);
        AppendRow(*a[i + 1], row, values);
        rows.push_back(static_cast<uint32_t>(rows.size()));
      }
      AppendMapEntries(keys, rows, values, rows, out);
    });
    return Status::OK();
  };
  return f;
}

// map_from_arrays(keys, values): NULL when either is NULL or their lengths differ (Spark
// raises for the latter).
Result<BoundFunction> BindMapFromArrays(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("map_from_arrays(keys, values)", args.types.size(), 2, 2));
  for (const DataType& t : args.types) {
    if (t.id() != TypeId::kList || t.IsMap()) {
      return Status::Invalid("map_from_arrays(keys, values) expects two ARRAYs, found {}", t.ToString());
    }
  }
  SLUICE_RETURN_NOT_OK(CheckMapKey(args.types[0].element()));
  BoundFunction f{DataType::Map(args.types[0].element(), args.types[1].element()), args.types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    ShareArenasDeep(a[0]->list_child(), out.list_child().child(0));
    ShareArenasDeep(a[1]->list_child(), out.list_child().child(1));
    const uint32_t* ko = a[0]->offsets();
    const uint32_t* vo = a[1]->offsets();
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row) || ko[row + 1] - ko[row] != vo[row + 1] - vo[row]) {
        out.AppendNull();
        return;
      }
      std::vector<uint32_t> keys, values;
      for (uint32_t i = ko[row]; i < ko[row + 1]; ++i) keys.push_back(i);
      for (uint32_t i = vo[row]; i < vo[row + 1]; ++i) values.push_back(i);
      AppendMapEntries(a[0]->list_child(), keys, a[1]->list_child(), values, out);
    });
    return Status::OK();
  };
  return f;
}

// str_to_map(text[, pair_delim = ',', key_value_delim = ':']): a MAP<STRING, STRING>; a pair
// without the key-value delimiter maps its key to NULL. Delimiters are plain text here (Spark
// reads them as regexes; the usual single characters mean the same).
Result<BoundFunction> BindStrToMap(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("str_to_map(text[, pair_delim, key_value_delim])",
                                          args.types.size(), 1, 3));
  for (size_t i = 0; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("str_to_map", "each argument", args.types[i]));
  }
  BoundFunction f{DataType::Map(DataType::String(), DataType::String()),
                  std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        return;
      }
      const std::string_view text = fnutil::StrAt(*a[0], row);
      const std::string_view pair_delim = a.size() > 1 ? fnutil::StrAt(*a[1], row) : ",";
      const std::string_view kv_delim = a.size() > 2 ? fnutil::StrAt(*a[2], row) : ":";
      Vector keys(DataType::String()), values(DataType::String());
      std::vector<uint32_t> rows;
      auto add = [&](std::string_view pair) {
        const size_t at = kv_delim.empty() ? std::string_view::npos : pair.find(kv_delim);
        keys.AppendString(pair.substr(0, at));
        if (at == std::string_view::npos) {
          values.AppendNull();
        } else {
          values.AppendString(pair.substr(at + kv_delim.size()));
        }
        rows.push_back(static_cast<uint32_t>(rows.size()));
      };
      size_t start = 0;
      while (!pair_delim.empty()) {
        const size_t at = text.find(pair_delim, start);
        if (at == std::string_view::npos) break;
        add(text.substr(start, at - start));
        start = at + pair_delim.size();
      }
      add(text.substr(start));
      ShareArenasDeep(keys, out.list_child().child(0));
      ShareArenasDeep(values, out.list_child().child(1));
      AppendMapEntries(keys, rows, values, rows, out);
    });
    return Status::OK();
  };
  return f;
}

// map_keys / map_values(map): the keys / values as an ARRAY; map_entries: ARRAY<ROW<key, value>>.
ScalarFunction MapPart(const char* name, const char* signature, int part) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectMap(name, args.types[0]));
            const DataType& map = args.types[0];
            const DataType result = part == 0   ? DataType::List(map.map_key())
                                    : part == 1 ? DataType::List(map.map_value())
                                                : DataType::List(map.element());
            BoundFunction f{result, {map}, nullptr};
            f.kernel = [part](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
              const Vector& entries = a[0]->list_child();
              const Vector& from = part == 2 ? entries : entries.child(static_cast<size_t>(part));
              ShareArenasDeep(from, out.list_child());
              const uint32_t* offsets = a[0]->offsets();
              kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
                if (!live || a[0]->IsNull(row)) {
                  out.AppendNull();
                  return;
                }
                for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) AppendRow(from, i, out.list_child());
                out.AppendListEnd();
              });
              return Status::OK();
            };
            return f;
          }};
}

// map_contains_key(map, key).
Result<BoundFunction> BindMapContainsKey(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("map_contains_key(map, key)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectMap("map_contains_key", args.types[0]));
  const DataType key = args.types[0].map_key();
  SLUICE_RETURN_NOT_OK(ExpectProbe("map_contains_key", key, args.types[1]));
  BoundFunction f{DataType::Boolean(), {args.types[0], key}, nullptr};
  f.kernel = fnutil::ValueKernel<uint8_t>([](const std::vector<VectorPtr>& a, size_t row) {
    const std::string wanted = KeyOf(*a[1], row);
    const Vector& keys = a[0]->list_child().child(0);
    const uint32_t* offsets = a[0]->offsets();
    for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
      if (KeyOf(keys, i) == wanted) return std::optional<uint8_t>(1);
    }
    return std::optional<uint8_t>(0);
  });
  return f;
}

// map_concat(m1, m2, ...): every map's entries, in order; a key in several keeps its last value
// (Spark raises). NULL when any map is. The maps meet at their keys' and values' common types.
Result<BoundFunction> BindMapConcat(const BindArguments& args) {
  std::optional<DataType> type;
  for (const DataType& t : args.types) {
    if (t.id() == TypeId::kNull) continue;
    SLUICE_RETURN_NOT_OK(ExpectMap("map_concat", t));
    const std::optional<DataType> common = type ? CommonType(*type, t) : t;
    if (!common) {
      return Status::Invalid("map_concat(): maps of types {} and {} cannot be mixed",
                             type->ToString(), t.ToString());
    }
    type = common;
  }
  if (!type) type = DataType::Map(DataType::String(), DataType::String());
  BoundFunction f{*type, std::vector<DataType>(args.types.size(), *type), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    // Every map's entries gathered into one pair of vectors, so a row's keys can be compared.
    Vector keys(out.type().map_key()), values(out.type().map_value());
    for (const auto& v : a) {
      ShareArenasDeep(v->list_child(), out.list_child());
      ShareArenasDeep(v->list_child().child(0), keys);
      ShareArenasDeep(v->list_child().child(1), values);
    }
    std::vector<uint32_t> rows;
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        return;
      }
      rows.clear();
      for (const auto& v : a) {
        for (uint32_t i = v->offsets()[row]; i < v->offsets()[row + 1]; ++i) {
          rows.push_back(static_cast<uint32_t>(keys.size()));
          AppendRow(v->list_child().child(0), i, keys);
          AppendRow(v->list_child().child(1), i, values);
        }
      }
      AppendMapEntries(keys, rows, values, rows, out);
    });
    return Status::OK();
  };
  return f;
}

// map_from_entries(array of ROW<key, value>): NULL when the array or one of its entries is.
Result<BoundFunction> BindMapFromEntries(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("map_from_entries(entries)", args.types.size(), 1, 1));
  const DataType& t = args.types[0];
  if (t.id() != TypeId::kList || t.IsMap() || t.element().id() != TypeId::kStruct ||
      t.element().fields().size() != 2) {
    return Status::Invalid("map_from_entries(entries) expects an ARRAY of ROW<key, value>, found {}",
                           t.ToString());
  }
  const DataType& key = t.element().fields()[0].type;
  SLUICE_RETURN_NOT_OK(CheckMapKey(key));
  BoundFunction f{DataType::Map(key, t.element().fields()[1].type), {t}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& entries = a[0]->list_child();
    ShareArenasDeep(entries, out.list_child());
    std::vector<uint32_t> rows;
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || a[0]->IsNull(row)) {
        out.AppendNull();
        return;
      }
      rows.clear();
      for (uint32_t i = a[0]->offsets()[row]; i < a[0]->offsets()[row + 1]; ++i) {
        if (entries.IsNull(i)) {
          out.AppendNull();
          return;
        }
        rows.push_back(i);
      }
      AppendMapEntries(entries.child(0), rows, entries.child(1), rows, out);
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

Result<BoundFunction> BindMapLookup(const BindArguments& args, std::string_view fn) {
  if (args.types.size() != 2) return Status::Invalid("{}(map, key) takes 2 arguments", fn);
  const DataType& map = args.types[0];
  const DataType key = map.map_key();
  SLUICE_RETURN_NOT_OK(ExpectProbe(fn, key, args.types[1]));
  BoundFunction f{map.map_value(), {map, key}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& entries = a[0]->list_child();
    ShareArenasDeep(entries.child(1), out);
    const uint32_t* offsets = a[0]->offsets();
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        return;
      }
      const std::string wanted = KeyOf(*a[1], row);
      for (uint32_t i = offsets[row]; i < offsets[row + 1]; ++i) {
        if (KeyOf(entries.child(0), i) == wanted) {
          AppendRow(entries.child(1), i, out);
          return;
        }
      }
      out.AppendNull();  // a missing key is NULL
    });
    return Status::OK();
  };
  return f;
}

void RegisterMapFunctions(FunctionRegistry& registry) {
  registry.Register({"map", "map(key1, value1, ...)", BindMap});
  registry.Register({"map_from_arrays", "map_from_arrays(keys, values)", BindMapFromArrays});
  registry.Register({"str_to_map", "str_to_map(text[, pair_delim, key_value_delim])", BindStrToMap});
  registry.Register(MapPart("map_keys", "map_keys(map)", 0));
  registry.Register(MapPart("map_values", "map_values(map)", 1));
  registry.Register(MapPart("map_entries", "map_entries(map)", 2));
  registry.Register({"map_contains_key", "map_contains_key(map, key)", BindMapContainsKey});
  registry.Register({"map_concat", "map_concat(map1, map2, ...)", BindMapConcat});
  registry.Register({"map_from_entries", "map_from_entries(entries)", BindMapFromEntries});
}

}  // namespace sluice
