// to_json, from_json and get_json_object (Spark SQL semantics; invalid input yields NULL).
#include <simdjson.h>

#include <memory>

#include "format/json_decoder.h"
#include "format/json_encoder.h"
#include "function/function_registry.h"
#include <strings.h>
#include "vector/take.h"
#include "function/function_util.h"
#include "function/kernel_loops.h"
#include "types/type_parser.h"

namespace sluice {
namespace {

namespace od = simdjson::ondemand;

// to_json(struct | array) -> STRING. Like Spark: NULL fields are left out, timestamps are
// 'yyyy-MM-ddTHH:mm:ss.SSSZ' (UTC), a NULL argument gives NULL.
Result<BoundFunction> BindToJson(const BindArguments& args) {
  if (args.types.size() != 1 || !args.types[0].IsNested()) {
    return Status::Invalid("to_json(value) takes one ROW or ARRAY argument{}",
                           args.types.size() == 1 ? ", found " + args.types[0].ToString() : "");
  }
  const DataType type = args.types[0];
  BoundFunction f{DataType::String(), {type}, nullptr};
  JsonEncodeOptions options;
  options.omit_null_fields = true;
  options.timestamp_format = JsonTimestampFormat::kIso8601;
  auto encoder = std::make_shared<const JsonEncoder>(Schema(type.fields()), options);
  f.kernel = [encoder](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& in = *a[0];
    out.Resize(ctx.num_rows);
    std::vector<const Vector*> children;
    if (in.type().id() == TypeId::kStruct) {
      for (size_t i = 0; i < in.num_children(); ++i) children.push_back(&in.child(i));
    }
    std::string buffer;
    kernel::ForEachLive(ctx, [&](size_t r) {
      if (in.IsNull(r)) {
        out.SetNull(r);
        return;
      }
      buffer.clear();
      if (in.type().id() == TypeId::kStruct) {
        encoder->AppendRow(children, r, buffer);
      } else {
        encoder->AppendValue(in, r, buffer);
      }
      out.SetString(r, buffer);
    });
    return Status::OK();
  };
  return f;
}

// from_json(text, 'a INT, b STRING') -> ROW<a INT, b STRING>, decoded by JsonDecoder (same
// coercions as a source's 'json' format). Text that is not a JSON object of that shape gives
// NULL.
// from_json into a MAP or an ARRAY: the document is read as the one field of a wrapping object,
// so the row decoder reads it; a document that is not one is NULL.
Result<BoundFunction> BindFromJsonWhole(const BindArguments& args, const DataType& type) {
  BoundFunction f{type, {args.types[0], DataType::String()}, nullptr};
  f.kernel = [type](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    JsonDecoder decoder{Schema({Field{"v", type, true}})};
    std::string wrapped;
    kernel::ForEachRowInOrder(ctx, [&](size_t r, bool live) {
      if (live && !a[0]->IsNull(r)) {
        wrapped = "{\"v\":";
        wrapped += a[0]->Get<std::string_view>(r);
        wrapped += "}";
        Batch one = Batch::Empty(Schema({Field{"v", type, true}}));
        if (decoder.DecodeRow(wrapped, one).ok() && one.num_rows() == 1) {
          ShareArenasDeep(one.column(0), out);
          AppendRow(one.column(0), 0, out);
          return;
        }
      }
      out.AppendNull();
    });
    return Status::OK();
  };
  return f;
}

Result<BoundFunction> BindFromJson(const BindArguments& args) {
  if (args.types.size() != 2 || !args.types[0].IsStringLike()) {
    return Status::Invalid("from_json(json STRING, schema STRING) takes two arguments");
  }
  const Value* schema_text = args.constants.size() > 1 ? args.constants[1] : nullptr;
  if (schema_text == nullptr || schema_text->is_null() ||
      schema_text->type().id() != TypeId::kString) {
    return Status::Invalid(
        "from_json: the schema must be a string literal such as 'a INT, b STRING'");
  }
  // A MAP or ARRAY type ('MAP<STRING, INT>') reads a JSON object or array whole; otherwise the
  // schema is the fields of a ROW ('a INT, b STRING').
  std::string_view text = schema_text->string();
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const bool whole = strncasecmp(text.data(), "MAP", 3) == 0 || strncasecmp(text.data(), "ARRAY", 5) == 0;
  if (whole) {
    Result<DataType> container = ParseDataType(text);
    if (!container.ok()) return container.status().WithContext("from_json");
    return BindFromJsonWhole(args, *container);
  }
  Result<DataType> parsed = ParseStructType(schema_text->string());
  if (!parsed.ok()) return parsed.status().WithContext("from_json");
  const DataType type = *parsed;
  BoundFunction f{type, {args.types[0], DataType::String()}, nullptr};
  f.kernel = [type](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& in = *a[0];
    // A decoder per call: kernels may run on several task threads at once.
    JsonDecoder decoder{Schema(type.fields())};
    std::vector<VectorPtr> children;
    for (size_t i = 0; i < out.num_children(); ++i) children.push_back(out.shared_child(i));
    // The decoder appends straight into the struct's children.
    Batch target(std::move(children), 0);
    std::vector<uint32_t> nulls;
    const std::vector<uint32_t>& live = ctx.selection.rows();
    size_t next_live = 0;
    for (size_t r = 0; r < ctx.num_rows; ++r) {
      bool is_live = ctx.selection.IsAll();
      if (!is_live && next_live < live.size() && live[next_live] == r) {
        is_live = true;
        ++next_live;
      }
      if (is_live && !in.IsNull(r) &&
          decoder.DecodeRow(in.Get<std::string_view>(r), target).ok()) {
        continue;
      }
      for (size_t c = 0; c < target.num_columns(); ++c) target.column(c).AppendNull();
      target.set_num_rows(target.num_rows() + 1);
      nulls.push_back(static_cast<uint32_t>(r));
    }
    out.Resize(ctx.num_rows);
    for (uint32_t r : nulls) out.SetNull(r);
    return Status::OK();
  };
  return f;
}

// Turns Spark's JSON path ('$', '$.a.b', '$.a[0]', "$['a b']") into a JSON pointer.
Result<std::string> JsonPathToPointer(std::string_view path) {
  auto invalid = [&] {
    return Status::Invalid(
        "get_json_object: unsupported path '{}': expected $ followed by .name, ['name'] or "
        "[index]",
        path);
  };
  if (path.empty() || path[0] != '$') return invalid();
  std::string pointer;
  auto append_token = [&](std::string_view token) {
    pointer.push_back('/');
    for (char c : token) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer.push_back(c);
      }
    }
  };
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      if (end == std::string_view::npos) end = path.size();
      if (end == i + 1) return invalid();
      std::string_view name = path.substr(i + 1, end - i - 1);
      if (name == "*") return invalid();
      append_token(name);
      i = end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) return invalid();
      std::string_view inside = path.substr(i + 1, end - i - 1);
      if (inside.size() >= 2 && inside.front() == '\'' && inside.back() == '\'') {
        append_token(inside.substr(1, inside.size() - 2));
      } else {
        if (inside.empty()) return invalid();
        for (char c : inside) {
          if (c < '0' || c > '9') return invalid();
        }
        append_token(inside);
      }
      i = end + 1;
    } else {
      return invalid();
    }
  }
  return pointer;
}

// get_json_object(json, path) -> STRING; NULL when the JSON is invalid, the path is missing or
// the value is null.
Result<BoundFunction> BindGetJsonObject(const BindArguments& args) {
  if (args.types.size() != 2 || !args.types[0].IsStringLike()) {
    return Status::Invalid("get_json_object(json STRING, path STRING) takes two arguments");
  }
  const Value* path = args.constants.size() > 1 ? args.constants[1] : nullptr;
  if (path == nullptr || path->is_null() || path->type().id() != TypeId::kString) {
    return Status::Invalid("get_json_object: the path must be a string literal such as '$.a.b'");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string pointer, JsonPathToPointer(path->string()));
  BoundFunction f{DataType::String(), {args.types[0], DataType::String()}, nullptr};
  f.kernel = [pointer](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& in = *a[0];
    out.Resize(ctx.num_rows);
    // The DOM parser validates the whole document; objects and arrays come back re-serialized
    // compactly ('{"b":1}'), as Spark's Jackson generator writes them.
    simdjson::dom::parser parser;
    std::string text;
    kernel::ForEachLive(ctx, [&](size_t r) {
      if (in.IsNull(r)) {
        out.SetNull(r);
        return;
      }
      std::string_view json = in.Get<std::string_view>(r);
      simdjson::dom::element doc, v;
      // '' is not JSON (and its view may have no bytes at all, which simdjson must not copy).
      if (json.empty() || parser.parse(json.data(), json.size()).get(doc)) {
        out.SetNull(r);
        return;
      }
      if (pointer.empty()) {
        v = doc;
      } else if (doc.at_pointer(pointer).get(v)) {
        out.SetNull(r);
        return;
      }
      switch (v.type()) {
        case simdjson::dom::element_type::NULL_VALUE:
          out.SetNull(r);
          return;
        case simdjson::dom::element_type::STRING:
          out.SetString(r, std::string_view(v.get_string().value_unsafe()));
          return;
        default:
          text = simdjson::minify(v);
          out.SetString(r, text);
      }
    });
    return Status::OK();
  };
  return f;
}

// json_array_length(json): the number of elements of a JSON array; NULL for anything else
// (another JSON value or invalid JSON), as Spark.
Result<BoundFunction> BindJsonArrayLength(const BindArguments& args) {
  if (args.types.size() != 1 || !(args.types[0].IsStringLike() || args.types[0].id() == TypeId::kNull)) {
    return Status::Invalid("json_array_length(json STRING) takes one string argument");
  }
  BoundFunction f{DataType::Int32(), {DataType::String()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    simdjson::dom::parser parser;
    fnutil::RowMaybe<int32_t>(a, ctx, out, [&](size_t r) -> std::optional<int32_t> {
      const std::string_view json = a[0]->Get<std::string_view>(r);
      simdjson::dom::element doc;
      simdjson::dom::array array;
      if (json.empty() || parser.parse(json.data(), json.size()).get(doc) || doc.get_array().get(array)) {
        return std::nullopt;
      }
      return static_cast<int32_t>(array.size());
    });
    return Status::OK();
  };
  return f;
}

// json_object_keys(json): the keys of the outermost JSON object, in order; NULL for anything
// else, as Spark.
Result<BoundFunction> BindJsonObjectKeys(const BindArguments& args) {
  if (args.types.size() != 1 || !(args.types[0].IsStringLike() || args.types[0].id() == TypeId::kNull)) {
    return Status::Invalid("json_object_keys(json STRING) takes one string argument");
  }
  BoundFunction f{DataType::List(DataType::String()), {DataType::String()}, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    simdjson::dom::parser parser;
    kernel::ForEachRowInOrder(ctx, [&](size_t r, bool live) {
      simdjson::dom::element doc;
      simdjson::dom::object object;
      const std::string_view json = live && !a[0]->IsNull(r) ? a[0]->Get<std::string_view>(r) : "";
      if (json.empty() || parser.parse(json.data(), json.size()).get(doc) || doc.get_object().get(object)) {
        out.AppendNull();
        return;
      }
      for (auto field : object) out.list_child().AppendString(field.key);
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& registry) {
  registry.Register({"to_json", "to_json(row_or_array)", BindToJson});
  registry.Register({"from_json", "from_json(json, 'a INT, b STRING')", BindFromJson});
  registry.Register({"get_json_object", "get_json_object(json, '$.a.b')", BindGetJsonObject});
  registry.Register({"json_array_length", "json_array_length(json)", BindJsonArrayLength});
  registry.Register({"json_object_keys", "json_object_keys(json)", BindJsonObjectKeys});
}

}  // namespace sluice
