// The rows behind Spark's generators json_tuple and stack, which the parser turns into inline()
// of these internal functions' arrays (sql/parser.cpp, TableGeneratorAsInline):
//   $json_tuple_rows(json, k1, ..., kn): one ROW<c0 STRING, ..., c{n-1} STRING> per input row,
//     the top-level fields k1..kn of the JSON object (a string value unquoted, others as JSON
//     text as Spark's Jackson writes them; NULL for a missing field, and every field NULL when
//     the text is not a JSON object);
//   $stack_rows(n, v1, ..., vk): n ROW<col0, ..., col{m-1}> (m = ceil(k / n)) of the values in
//     order, the last row padded with NULLs.
#include <simdjson.h>

#include <fmt/format.h>

#include "format/spark_json_text.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"
#include "function/type_coercion.h"
#include "vector/take.h"

namespace sluice {
namespace {

Result<BoundFunction> BindJsonTupleRows(const BindArguments& args) {
  if (args.types.size() < 2) {
    return Status::Invalid("json_tuple(json, key1, ...) takes a JSON text and at least one key");
  }
  std::vector<Field> fields;
  for (size_t i = 0; i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText("json_tuple", i == 0 ? "json" : "each key", args.types[i]));
    if (i > 0) fields.push_back(Field{fmt::format("c{}", i - 1), DataType::String(), true});
  }
  BoundFunction f{DataType::List(DataType::Struct(fields)),
                  std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    Vector& rows = out.list_child();
    const size_t keys = a.size() - 1;
    simdjson::dom::parser parser;
    std::vector<std::optional<std::string>> found(keys);
    std::string text;
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live) {
        out.AppendNull();
        return;
      }
      for (auto& value : found) value.reset();
      simdjson::dom::element doc;
      const std::string_view json = a[0]->IsNull(row) ? std::string_view() : fnutil::StrAt(*a[0], row);
      // '' is not JSON (and its view may have no bytes at all, which simdjson must not copy).
      if (!json.empty() && !parser.parse(json.data(), json.size()).get(doc) && doc.is_object()) {
        const simdjson::dom::object object = doc.get_object().value_unsafe();
        for (size_t k = 0; k < keys; ++k) {
          if (a[k + 1]->IsNull(row)) continue;
          const std::string_view key = fnutil::StrAt(*a[k + 1], row);
          for (const auto field : object) {  // the first field of that name, as Spark
            if (field.key != key) continue;
            if (field.value.is_null()) break;
            text.clear();
            if (field.value.is_string()) {
              text = field.value.get_string().value_unsafe();
            } else {
              AppendSparkJson(field.value, text);
            }
            found[k] = text;
            break;
          }
        }
      }
      for (size_t k = 0; k < keys; ++k) {
        if (found[k]) {
          rows.child(k).AppendString(*found[k]);
        } else {
          rows.child(k).AppendNull();
        }
      }
      rows.Resize(rows.child(0).size());
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindStackRows(const BindArguments& args) {
  const Value* count = fnutil::Constant(args, 0);
  if (args.types.size() < 2 || !count || count->is_null() || !count->type().IsInteger() ||
      count->int64() < 1) {
    return Status::Invalid("stack(n, value1, ...) takes a number of rows n, an integer literal of "
                           "at least 1, and the values");
  }
  const size_t n = static_cast<size_t>(count->int64());
  const size_t values = args.types.size() - 1;
  const size_t columns = (values + n - 1) / n;
  std::vector<Field> fields;
  for (size_t j = 0; j < columns; ++j) {
    DataType column = DataType::Null();
    for (size_t i = j; i < values; i += columns) {
      auto wider = WiderType(column, args.types[1 + i]);
      if (!wider) {
        return Status::Invalid("stack: column col{} mixes values of types {} and {}", j,
                               column.ToString(), args.types[1 + i].ToString());
      }
      column = *wider;
    }
    if (column.id() == TypeId::kNull) column = DataType::String();
    fields.push_back(Field{fmt::format("col{}", j), column, true});
  }
  std::vector<DataType> types{DataType::Int64()};  // n, then each value as its column's type
  for (size_t i = 0; i < values; ++i) types.push_back(fields[i % columns].type);
  BoundFunction f{DataType::List(DataType::Struct(fields)), types, nullptr};
  f.kernel = [n, columns](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    Vector& rows = out.list_child();
    for (size_t i = 1; i < a.size(); ++i) ShareArenasDeep(*a[i], rows.child((i - 1) % columns));
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live) {
        out.AppendNull();
        return;
      }
      for (size_t r = 0; r < n; ++r) {
        for (size_t j = 0; j < columns; ++j) {
          const size_t value = 1 + r * columns + j;
          if (value < a.size()) {
            AppendRow(*a[value], row, rows.child(j));
          } else {
            rows.child(j).AppendNull();
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

}  // namespace

void RegisterTableGeneratorFunctions(FunctionRegistry& registry) {
  registry.Register({"$json_tuple_rows", "json_tuple(json, key1, ...)", BindJsonTupleRows});
  registry.Register({"$stack_rows", "stack(n, value1, ...)", BindStackRows});
}

}  // namespace sluice
