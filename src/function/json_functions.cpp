// to_json, from_json and get_json_object (Spark SQL semantics; invalid input yields NULL).
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "format/json_decoder.h"
#include "format/json_encoder.h"
#include "format/spark_json_text.h"
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

// from_json reads as Spark's PERMISSIVE mode with partial results: a field whose value does not
// fit its type is NULL, the other fields are kept; values read into STRING fields are written
// back as Spark's Jackson does; keys match field names exactly.
JsonDecodeOptions FromJsonOptions() {
  JsonDecodeOptions options;
  options.null_unfit_fields = true;
  options.spark_value_text = true;
  options.exact_field_names = true;
  return options;
}

// The length of the object `text` starts with (after blanks), or 0 when it does not start with a
// complete one: Spark's from_json reads the first JSON value and ignores what follows it.
size_t LeadingObjectLength(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || text[i] != '{') return 0;
  int depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return 0;
}

// Spark gives NULL, not a row of NULLs, for text with no JSON token at all.
bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// from_json into a MAP or an ARRAY: the document is read as the one field of a wrapping object,
// so the row decoder reads it; a document that is not one is NULL.
Result<BoundFunction> BindFromJsonWhole(const BindArguments& args, const DataType& type) {
  BoundFunction f{type, {args.types[0], DataType::String()}, nullptr};
  f.kernel = [type](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    JsonDecoder decoder{Schema({Field{"v", type, true}}), FromJsonOptions()};
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
  // from_json(text, 'a INT, b STRING') -> ROW<a INT, b STRING>. Text that is not a JSON object
  // (not JSON, an array, a number) gives a row of NULL fields, as Spark's PERMISSIVE mode does;
  // NULL or blank text gives NULL.
  f.kernel = [type](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& in = *a[0];
    // A decoder per call: kernels may run on several task threads at once.
    JsonDecoder decoder{Schema(type.fields()), FromJsonOptions()};
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
      const bool is_null = !is_live || in.IsNull(r) || IsBlank(in.Get<std::string_view>(r));
      if (!is_null) {
        const std::string_view json = in.Get<std::string_view>(r);
        if (decoder.DecodeRow(json, target).ok()) continue;
        // Text after the object: read the object alone.
        const size_t length = LeadingObjectLength(json);
        if (length > 0 && length < json.size() &&
            decoder.DecodeRow(json.substr(0, length), target).ok()) {
          continue;
        }
      }
      for (size_t c = 0; c < target.num_columns(); ++c) target.column(c).AppendNull();
      target.set_num_rows(target.num_rows() + 1);
      if (is_null) nulls.push_back(static_cast<uint32_t>(r));
    }
    out.Resize(ctx.num_rows);
    for (uint32_t r : nulls) out.SetNull(r);
    return Status::OK();
  };
  return f;
}

// One step of a JSON path: .name or ['name'], [index], or the wildcard [*].
struct JsonPathStep {
  enum class Kind { kKey, kIndex, kWildcard } kind;
  std::string key;
  size_t index = 0;
};

// Parses Spark's JSON path ('$', '$.a.b', '$.a[0]', "$['a b']", '$.a[*].b'); nullopt for a path
// Spark cannot use either, for which get_json_object is NULL.
std::optional<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path) {
  if (path.empty() || path[0] != '$') return std::nullopt;
  std::vector<JsonPathStep> steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      if (end == std::string_view::npos) end = path.size();
      std::string_view name = path.substr(i + 1, end - i - 1);
      if (name.empty() || name == "*") return std::nullopt;
      steps.push_back({JsonPathStep::Kind::kKey, std::string(name)});
      i = end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) return std::nullopt;
      std::string_view inside = path.substr(i + 1, end - i - 1);
      if (inside.size() >= 2 && inside.front() == '\'' && inside.back() == '\'') {
        steps.push_back({JsonPathStep::Kind::kKey, std::string(inside.substr(1, inside.size() - 2))});
      } else if (inside == "*") {
        steps.push_back({JsonPathStep::Kind::kWildcard, {}});
      } else {
        size_t index = 0;
        auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
        if (inside.empty() || ec != std::errc() || ptr != inside.data() + inside.size()) {
          return std::nullopt;
        }
        steps.push_back({JsonPathStep::Kind::kIndex, {}, index});
      }
      i = end + 1;
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

// Evaluates a JSON path as Spark's GetJsonObject does (which follows Hive): the matches of a
// wildcard are gathered into an array, written without the brackets when there is exactly one;
// inside such an array strings keep their quotes; a second wildcard right after the first
// flattens the nested arrays into one.
class JsonPathEvaluator {
 public:
  enum class Style { kRaw, kQuoted, kFlatten };

  // Appends the match of `steps` in `v` to `out`; false when nothing matched.
  bool Evaluate(const simdjson::dom::element& v, std::span<const JsonPathStep> steps, Style style,
                std::string& out) {
    using simdjson::dom::element_type;
    if (steps.empty()) {
      // A JSON null found without a wildcard is NULL.
      if (v.type() == element_type::NULL_VALUE && style == Style::kRaw) return false;
      if (v.type() == element_type::STRING && style == Style::kRaw) {
        out += std::string_view(v.get_string().value_unsafe());
        return true;
      }
      if (v.type() == element_type::ARRAY && style == Style::kFlatten) {
        bool dirty = false;
        const simdjson::dom::array items = v.get_array().value_unsafe();
        for (auto item : items) dirty |= Evaluate(item, {}, style, out);
        return dirty;
      }
      Separate(out);
      AppendSparkJson(v, out);
      return true;
    }
    const JsonPathStep& step = steps.front();
    switch (step.kind) {
      case JsonPathStep::Kind::kKey: {
        if (v.type() != element_type::OBJECT) return false;
        const simdjson::dom::object object = v.get_object().value_unsafe();
        for (auto field : object) {
          if (field.key == step.key && Evaluate(field.value, steps.subspan(1), style, out)) {
            return true;
          }
        }
        return false;
      }
      case JsonPathStep::Kind::kIndex: {
        if (v.type() != element_type::ARRAY) return false;
        simdjson::dom::element item;
        const simdjson::dom::array items = v.get_array().value_unsafe();
        if (items.at(step.index).get(item)) return false;
        return Evaluate(item, steps.subspan(1), style, out);
      }
      case JsonPathStep::Kind::kWildcard:
        break;
    }
    if (v.type() != element_type::ARRAY) return false;
    const simdjson::dom::array items = v.get_array().value_unsafe();
    if (steps.size() > 1 && steps[1].kind == JsonPathStep::Kind::kWildcard) {
      // [*][*]: one flat array of the inner arrays' elements (what follows the second wildcard
      // is evaluated on each inner array, whose matches are flattened).
      bool dirty = false;
      Separate(out);
      Open(out);
      for (auto item : items) dirty |= Evaluate(item, steps.subspan(2), Style::kFlatten, out);
      Close(out);
      return dirty;
    }
    if (style == Style::kQuoted) {
      bool dirty = false;
      Separate(out);
      Open(out);
      for (auto item : items) dirty |= Evaluate(item, steps.subspan(1), Style::kQuoted, out);
      Close(out);
      return dirty;
    }
    const Style inner = style == Style::kRaw ? Style::kQuoted : Style::kFlatten;
    std::string buffer;
    Open(buffer);
    int matches = 0;
    for (auto item : items) matches += Evaluate(item, steps.subspan(1), inner, buffer) ? 1 : 0;
    Close(buffer);
    if (matches == 0) return false;
    Separate(out);
    out += matches > 1 ? std::string_view(buffer)
                       : std::string_view(buffer).substr(1, buffer.size() - 2);
    return true;
  }

 private:
  // A generator's comma: values written inside an open array are separated.
  void Separate(std::string& out) {
    if (first_.empty()) return;
    if (!first_.back()) out.push_back(',');
    first_.back() = false;
  }
  void Open(std::string& out) {
    out.push_back('[');
    first_.push_back(true);
  }
  void Close(std::string& out) {
    out.push_back(']');
    first_.pop_back();
  }

  std::vector<bool> first_;  // per open array: nothing written in it yet
};

// get_json_object(json, path) -> STRING; NULL when the JSON is invalid, the path is missing, the
// value is null or the path is not one Spark reads.
Result<BoundFunction> BindGetJsonObject(const BindArguments& args) {
  if (args.types.size() != 2 || !args.types[0].IsStringLike()) {
    return Status::Invalid("get_json_object(json STRING, path STRING) takes two arguments");
  }
  const Value* path = args.constants.size() > 1 ? args.constants[1] : nullptr;
  if (path == nullptr || path->is_null() || path->type().id() != TypeId::kString) {
    return Status::Invalid("get_json_object: the path must be a string literal such as '$.a.b'");
  }
  const std::optional<std::vector<JsonPathStep>> steps = ParseJsonPath(path->string());
  BoundFunction f{DataType::String(), {args.types[0], DataType::String()}, nullptr};
  f.kernel = [steps](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& in = *a[0];
    out.Resize(ctx.num_rows);
    // The DOM parser validates the whole document; objects and arrays come back compact, as
    // Spark's Jackson generator copies them.
    simdjson::dom::parser parser;
    std::string text;
    kernel::ForEachLive(ctx, [&](size_t r) {
      if (in.IsNull(r) || !steps) {
        out.SetNull(r);
        return;
      }
      std::string_view json = in.Get<std::string_view>(r);
      simdjson::dom::element doc;
      // '' is not JSON (and its view may have no bytes at all, which simdjson must not copy).
      if (json.empty() || parser.parse(json.data(), json.size()).get(doc)) {
        out.SetNull(r);
        return;
      }
      text.clear();
      JsonPathEvaluator evaluator;
      const bool matched = evaluator.Evaluate(doc, *steps, JsonPathEvaluator::Style::kRaw, text);
      if (!matched) {
        out.SetNull(r);
        return;
      }
      out.SetString(r, text);
    });
    return Status::OK();
  };
  return f;
}

// The type Spark's JSON schema inference gives a JSON value, as a tree: objects become
// STRUCTs with their fields sorted by name, arrays ARRAYs of their elements' merged type, an
// integer BIGINT (a DECIMAL of its digits beyond it), another number DOUBLE, null NULL (written STRING).
struct InferredType {
  enum class Kind { kNull, kBoolean, kBigint, kDecimal, kDouble, kString, kArray, kStruct } kind;
  std::vector<InferredType> children;     // kArray: one, the element
  std::vector<std::string> names;         // kStruct: the field names, sorted
  int precision = 0;                      // kDecimal: its digits

  static InferredType Of(const simdjson::dom::element& v) {
    using simdjson::dom::element_type;
    switch (v.type()) {
      case element_type::NULL_VALUE: return {Kind::kNull, {}, {}};
      case element_type::BOOL: return {Kind::kBoolean, {}, {}};
      case element_type::INT64: return {Kind::kBigint, {}, {}};
      case element_type::UINT64: {
        // Beyond BIGINT: DECIMAL of its digits, as Spark.
        const uint64_t n = v.get_uint64().value_unsafe();
        if (n <= uint64_t{INT64_MAX}) return {Kind::kBigint, {}, {}};
        return {Kind::kDecimal, {}, {}, static_cast<int>(std::to_string(n).size())};
      }
      case element_type::DOUBLE: return {Kind::kDouble, {}, {}};
      case element_type::STRING: return {Kind::kString, {}, {}};
      case element_type::ARRAY: {
        InferredType element{Kind::kNull, {}, {}};
        const simdjson::dom::array items = v.get_array().value_unsafe();
        for (auto item : items) element = Merge(std::move(element), Of(item));
        return {Kind::kArray, {std::move(element)}, {}};
      }
      case element_type::OBJECT: {
        InferredType row{Kind::kStruct, {}, {}};
        const simdjson::dom::object object = v.get_object().value_unsafe();
        for (auto field : object) {
          row = Merge(std::move(row), InferredType{Kind::kStruct, {Of(field.value)},
                                                   {std::string(field.key)}});
        }
        return row;
      }
    }
    return {Kind::kString, {}, {}};
  }

  // Spark's compatibleType: NULL gives way to anything, numbers widen to DOUBLE, structs unite
  // their fields, arrays merge their elements; anything else meets as STRING.
  static InferredType Merge(InferredType a, InferredType b) {
    if (a.kind == Kind::kNull) return b;
    if (b.kind == Kind::kNull) return a;
    auto numeric = [](Kind k) { return k == Kind::kBigint || k == Kind::kDecimal || k == Kind::kDouble; };
    if (numeric(a.kind) && numeric(b.kind)) {
      if (a.kind == Kind::kDouble || b.kind == Kind::kDouble) return {Kind::kDouble, {}, {}};
      if (a.kind == Kind::kBigint && b.kind == Kind::kBigint) return a;
      // A BIGINT counts as DECIMAL(20, 0).
      auto digits = [](const InferredType& t) { return t.kind == Kind::kBigint ? 20 : t.precision; };
      return {Kind::kDecimal, {}, {}, std::max(digits(a), digits(b))};
    }
    if (a.kind != b.kind) return {Kind::kString, {}, {}};
    if (a.kind == Kind::kArray) {
      return {Kind::kArray, {Merge(std::move(a.children[0]), std::move(b.children[0]))}, {}};
    }
    if (a.kind == Kind::kStruct) {
      for (size_t j = 0; j < b.names.size(); ++j) {
        auto at = std::lower_bound(a.names.begin(), a.names.end(), b.names[j]);
        const size_t i = static_cast<size_t>(at - a.names.begin());
        if (at != a.names.end() && *at == b.names[j]) {
          a.children[i] = Merge(std::move(a.children[i]), std::move(b.children[j]));
        } else {
          a.names.insert(at, b.names[j]);
          a.children.insert(a.children.begin() + static_cast<std::ptrdiff_t>(i), std::move(b.children[j]));
        }
      }
    }
    return a;
  }

  // Spark's DataType.sql: STRUCT<a: BIGINT, `b c`: ARRAY<STRING>>.
  void AppendSql(std::string& out) const {
    switch (kind) {
      case Kind::kNull:
      case Kind::kString: out += "STRING"; return;
      case Kind::kBoolean: out += "BOOLEAN"; return;
      case Kind::kBigint: out += "BIGINT"; return;
      case Kind::kDecimal: out += "DECIMAL(" + std::to_string(precision) + ",0)"; return;
      case Kind::kDouble: out += "DOUBLE"; return;
      case Kind::kArray:
        out += "ARRAY<";
        children[0].AppendSql(out);
        out += ">";
        return;
      case Kind::kStruct:
        out += "STRUCT<";
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0) out += ", ";
          const std::string& name = names[i];
          const bool plain = !name.empty() &&
                             name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") ==
                                 std::string::npos;
          if (plain) {
            out += name;
          } else {
            out += '`';
            for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
            out += '`';
          }
          out += ": ";
          children[i].AppendSql(out);
        }
        out += ">";
        return;
    }
  }
};

// schema_of_json(json): the schema Spark infers for a JSON text given as a literal, in its SQL
// form ('STRUCT<a: BIGINT>'), ready for from_json.
Result<BoundFunction> BindSchemaOfJson(const BindArguments& args) {
  const Value* json = args.constants.empty() ? nullptr : args.constants[0];
  if (args.types.size() != 1 || json == nullptr || json->is_null() ||
      json->type().id() != TypeId::kString) {
    return Status::Invalid(
        "schema_of_json(json) takes one string literal, such as schema_of_json('{{\"a\": 1}}')");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string& text = json->string();
  if (text.empty() || parser.parse(text.data(), text.size()).get(doc)) {
    return Status::Invalid("schema_of_json: '{}' is not JSON", text.substr(0, 60));
  }
  std::string schema;
  InferredType::Of(doc).AppendSql(schema);
  return BoundFunction{DataType::String(), {args.types[0]}, fnutil::ConstantStringKernel(std::move(schema))};
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
  registry.Register({"schema_of_json", "schema_of_json(json)", BindSchemaOfJson});
  registry.Register({"json_array_length", "json_array_length(json)", BindJsonArrayLength});
  registry.Register({"json_object_keys", "json_object_keys(json)", BindJsonObjectKeys});
}

}  // namespace sluice
