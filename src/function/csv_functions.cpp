// from_csv, to_csv and schema_of_csv: one CSV record read into a ROW, a ROW written as one, and
// the schema Spark infers for a record, with Spark's options (map('sep', ';', ...)) and its
// conversions (Java's number parsing, empty fields NULL, a field that does not convert NULL in
// PERMISSIVE mode and raising in FAILFAST).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "format/spark_csv_text.h"
#include "format/value_text.h"
#include "function/constant_arguments.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "types/datetime_pattern.h"
#include "types/timestamp.h"
#include "types/type_parser.h"

namespace sluice {
namespace {

struct CsvOptions {
  SparkCsvDialect dialect;
  std::string null_value;  // this text is NULL (reading) / NULL is written as it
  std::optional<DatetimePattern> timestamp_format;
  std::optional<DatetimePattern> date_format;
  bool fail_fast = false;  // mode FAILFAST: a field that does not convert raises
  std::string nan = "NaN";
  std::string positive_infinity = "Inf";
  std::string negative_infinity = "-Inf";
};

std::string Lower(std::string_view s) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  return l;
}

Result<char> OneCharacter(std::string_view fn, std::string_view key, const std::string& value) {
  if (value.size() == 1) return value[0];
  if (value == "\\t") return '\t';
  return Status::Invalid("{}: option '{}' must be one character, got '{}'", fn, key, value);
}

Result<bool> TrueOrFalse(std::string_view fn, std::string_view key, const std::string& value) {
  const std::string v = Lower(value);
  if (v == "true") return true;
  if (v == "false") return false;
  return Status::Invalid("{}: option '{}' must be 'true' or 'false', got '{}'", fn, key, value);
}

// Spark's CSV options that one record can use (keys in any case); others are refused by name.
Result<CsvOptions> ReadCsvOptions(std::string_view fn, const StringOptions& given, bool writing) {
  CsvOptions o;
  o.dialect.trim_leading = writing;
  o.dialect.trim_trailing = writing;
  for (const auto& [key, value] : given) {
    const std::string k = Lower(key);
    if (k == "sep" || k == "delimiter") {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.delimiter, OneCharacter(fn, key, value));
    } else if (k == "quote") {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.quote, OneCharacter(fn, key, value));
    } else if (k == "escape") {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.escape, OneCharacter(fn, key, value));
    } else if (k == "nullvalue") {
      o.null_value = value;
    } else if (k == "ignoreleadingwhitespace") {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.trim_leading, TrueOrFalse(fn, key, value));
    } else if (k == "ignoretrailingwhitespace") {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.trim_trailing, TrueOrFalse(fn, key, value));
    } else if (k == "timestampformat" || k == "dateformat") {
      Result<DatetimePattern> pattern = DatetimePattern::Compile(value);
      if (!pattern.ok()) return pattern.status().WithContext(fmt::format("{}: option '{}'", fn, key));
      (k == "dateformat" ? o.date_format : o.timestamp_format) = std::move(*pattern);
    } else if (k == "quoteall" && writing) {
      SLUICE_ASSIGN_OR_RETURN(o.dialect.quote_all, TrueOrFalse(fn, key, value));
    } else if (k == "mode" && !writing) {
      const std::string mode = Lower(value);
      if (mode != "permissive" && mode != "failfast") {
        return Status::Invalid("{}: mode must be 'PERMISSIVE' (the default: a field that does not "
                               "convert is NULL) or 'FAILFAST' (it raises), got '{}'",
                               fn, value);
      }
      o.fail_fast = mode == "failfast";
    } else if (k == "nanvalue" && !writing) {
      o.nan = value;
    } else if (k == "positiveinf" && !writing) {
      o.positive_infinity = value;
    } else if (k == "negativeinf" && !writing) {
      o.negative_infinity = value;
    } else {
      return Status::Invalid(
          "{}: unknown option '{}' (options: sep, quote, escape, nullValue, "
          "ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, timestampFormat, dateFormat, {})",
          fn, key, writing ? "quoteAll" : "mode, nanValue, positiveInf, negativeInf");
    }
  }
  return o;
}

// Java's Integer.parseInt / Long.parseLong: an optional sign and ASCII digits, nothing else.
template <typename T>
std::optional<T> ParseJavaInteger(std::string_view s) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s[0] == '-') return std::nullopt;
  }
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// Java's Double.parseDouble: surrounding whitespace, a sign, NaN, Infinity, decimal digits
// with an exponent, and a trailing f/F/d/D.
std::optional<double> ParseJavaDouble(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (!s.empty() && std::string_view("fFdD").find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  if (end != s.data() + s.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return std::nullopt;
  }
  // from_chars leaves `value` alone out of range; strtod gives Java's answer (infinity or zero).
  if (ec == std::errc::result_out_of_range) value = std::strtod(std::string(s).c_str(), nullptr);
  return negative ? -value : value;
}

std::optional<bool> ParseJavaBoolean(std::string_view s) {
  const std::string l = Lower(s);
  if (l == "true") return true;
  if (l == "false") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseCsvTimestamp(std::string_view s, const CsvOptions& o) {
  if (o.timestamp_format) return o.timestamp_format->Parse(s);
  return ParseTimestamp(s);
}

std::optional<int32_t> ParseCsvDate(std::string_view s, const CsvOptions& o) {
  if (o.date_format) {
    const std::optional<int64_t> micros = o.date_format->Parse(s);
    if (!micros) return std::nullopt;
    return static_cast<int32_t>(FloorDiv(*micros, kMicrosPerDay));
  }
  if (std::optional<int32_t> days = ParseDate(s)) return days;
  return ParseYearOrMonth(s);
}

template <typename T, typename V>
bool Store(Vector& column, size_t row, const std::optional<V>& v) {
  if (!v) return false;
  column.data<T>()[row] = static_cast<T>(*v);
  return true;
}

bool IsCsvType(const DataType& t) {
  switch (t.id()) {
    case TypeId::kString: case TypeId::kBytes: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kFloat64: case TypeId::kDecimal: case TypeId::kBoolean: case TypeId::kDate:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

// Writes `text` as a value of the column's type at `row`; false when it does not convert.
bool ConvertField(std::string_view text, const CsvOptions& o, Vector& column, size_t row) {
  const DataType& t = column.type();
  switch (t.id()) {
    case TypeId::kString:
    case TypeId::kBytes:
      column.SetString(row, text);
      return true;
    case TypeId::kInt32:
      return Store<int32_t>(column, row, ParseJavaInteger<int32_t>(text));
    case TypeId::kInt64:
      return Store<int64_t>(column, row, ParseJavaInteger<int64_t>(text));
    case TypeId::kFloat64: {
      std::optional<double> v;
      if (text == o.nan) {
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (text == o.positive_infinity) {
        v = std::numeric_limits<double>::infinity();
      } else if (text == o.negative_infinity) {
        v = -std::numeric_limits<double>::infinity();
      } else {
        v = ParseJavaDouble(text);
      }
      return Store<double>(column, row, v);
    }
    case TypeId::kDecimal: {
      // Java's BigDecimal after Spark drops the grouping commas; no whitespace.
      std::string digits;
      for (char c : text) {
        if (c != ',') digits += c;
      }
      if (digits.empty() || digits.find_first_of(" \t\r\n") != std::string::npos) return false;
      return Store<Int128>(column, row, ParseDecimal(digits, t.precision(), t.scale()));
    }
    case TypeId::kBoolean:
      return Store<uint8_t>(column, row, ParseJavaBoolean(text));
    case TypeId::kDate:
      return Store<int32_t>(column, row, ParseCsvDate(text, o));
    case TypeId::kTimestamp:
      return Store<int64_t>(column, row, ParseCsvTimestamp(text, o));
    default:
      return false;
  }
}

Result<DataType> SchemaArgument(std::string_view fn, const BindArguments& args) {
  const Value* schema = fnutil::Constant(args, 1);
  if (!schema || !schema->type().IsStringLike()) {
    return Status::Invalid("{}: the schema must be a string literal such as 'a INT, b STRING' or "
                           "schema_of_csv('1,abc')",
                           fn);
  }
  Result<DataType> type = ParseStructType(schema->string());
  if (!type.ok()) return type.status().WithContext(fn);
  for (const Field& field : type->fields()) {
    if (!IsCsvType(field.type)) {
      return Status::Invalid("{}: column {} is {}, which CSV text cannot hold (Spark refuses it too)",
                             fn, field.name, field.type.ToString());
    }
  }
  return type;
}

constexpr const char* kFromCsvSignature = "from_csv(csv, schema[, options])";

Result<BoundFunction> BindFromCsv(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kFromCsvSignature, args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("from_csv", "csv", args.types[0]));
  SLUICE_ASSIGN_OR_RETURN(DataType type, SchemaArgument("from_csv", args));
  SLUICE_ASSIGN_OR_RETURN(StringOptions given, ConstantStringOptions("from_csv", args, 2));
  SLUICE_ASSIGN_OR_RETURN(CsvOptions options, ReadCsvOptions("from_csv", given, false));
  std::vector<DataType> arg_types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) arg_types.push_back(args.types[2]);
  BoundFunction f{type, arg_types, nullptr};
  f.kernel = [type, options](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const size_t n = ctx.num_rows;
    std::vector<VectorPtr> columns;
    for (const Field& field : type.fields()) {
      columns.push_back(std::make_shared<Vector>(field.type));
      columns.back()->Resize(n);
    }
    out.Resize(n);
    std::vector<std::string> fields;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row)) {
        out.SetNull(row);
        for (const VectorPtr& c : columns) c->SetNull(row);
        return;
      }
      SplitSparkCsvRecord(fnutil::StrAt(*a[0], row), options.dialect, fields);
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i >= fields.size() || fields[i] == options.null_value) {
          columns[i]->SetNull(row);
        } else if (!ConvertField(fields[i], options, *columns[i], row)) {
          columns[i]->SetNull(row);
          if (options.fail_fast) {
            ctx.eval.row_errors.push_back(
                {static_cast<uint32_t>(row),
                 fmt::format("[MALFORMED_RECORD_IN_PARSING] from_csv: field {} ('{}') is not {} (mode "
                             "FAILFAST)",
                             type.fields()[i].name, fields[i], type.fields()[i].type.ToString()),
                 false});
            out.SetNull(row);
          }
        }
      }
    });
    for (size_t i = 0; i < columns.size(); ++i) out.SetChild(i, std::move(columns[i]));
    return Status::OK();
  };
  return f;
}

// A value's text in to_csv: Spark's CAST text, except timestamps (ISO 8601 with milliseconds
// and 'Z', or timestampFormat), dates (or dateFormat) and decimals (Java's BigDecimal text).
void AppendCsvValueText(const Vector& v, size_t row, const CsvOptions& o, std::string& out) {
  switch (v.type().id()) {
    case TypeId::kString:
      out += v.data<std::string_view>()[row];
      return;
    case TypeId::kTimestamp: {
      const int64_t micros = v.data<int64_t>()[row];
      if (o.timestamp_format) {
        o.timestamp_format->FormatTo(micros, out);
      } else {
        AppendTimestampIsoText(micros, out);
      }
      return;
    }
    case TypeId::kDate: {
      const int32_t days = v.data<int32_t>()[row];
      if (o.date_format) {
        o.date_format->FormatTo(days * kMicrosPerDay, out);
      } else {
        AppendDateText(days, out);
      }
      return;
    }
    case TypeId::kDecimal:
      AppendDecimalSparkText(v.data<Int128>()[row], v.type().scale(), out);
      return;
    default:
      AppendValueText(v, row, out);
  }
}

constexpr const char* kToCsvSignature = "to_csv(struct[, options])";

Result<BoundFunction> BindToCsv(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kToCsvSignature, args.types.size(), 1, 2));
  if (args.types[0].id() != TypeId::kStruct) {
    return Status::Invalid("to_csv: expects a ROW (e.g. named_struct('a', x, 'b', y)), found {}",
                           args.types[0].ToString());
  }
  SLUICE_ASSIGN_OR_RETURN(StringOptions given, ConstantStringOptions("to_csv", args, 1));
  SLUICE_ASSIGN_OR_RETURN(CsvOptions options, ReadCsvOptions("to_csv", given, true));
  BoundFunction f{DataType::String(), args.types, nullptr};
  f.kernel = [options](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    const Vector& row_values = *a[0];
    out.Resize(ctx.num_rows);
    std::string line;
    std::string text;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (row_values.IsNull(row)) {
        out.SetNull(row);
        return;
      }
      line.clear();
      for (size_t i = 0; i < row_values.num_children(); ++i) {
        if (i > 0) line += options.dialect.delimiter;
        const Vector& field = row_values.child(i);
        if (field.IsNull(row)) {
          if (options.dialect.quote_all) {
            AppendSparkCsvField(options.null_value, options.dialect, line);
          } else {
            line += options.null_value;
          }
          continue;
        }
        text.clear();
        AppendCsvValueText(field, row, options, text);
        AppendSparkCsvField(text, options.dialect, line);
      }
      // Spark's writer gives no text for a record that comes out empty (one NULL field).
      if (line.empty()) {
        out.SetNull(row);
      } else {
        out.SetString(row, line);
      }
    });
    return Status::OK();
  };
  return f;
}

// The type Spark's CSV inference gives one field: INT, BIGINT, DOUBLE, DATE, TIMESTAMP,
// BOOLEAN, else STRING (also for a NULL field).
std::string_view InferFieldType(std::string_view text, const CsvOptions& o) {
  if (text == o.null_value) return "STRING";
  if (ParseJavaInteger<int32_t>(text)) return "INT";
  if (ParseJavaInteger<int64_t>(text)) return "BIGINT";
  if (text == o.nan || text == o.positive_infinity || text == o.negative_infinity || ParseJavaDouble(text)) {
    return "DOUBLE";
  }
  static const DatetimePattern kIsoDate = *DatetimePattern::Compile("yyyy-MM-dd");
  if ((o.date_format ? *o.date_format : kIsoDate).Parse(text)) return "DATE";
  if (ParseCsvTimestamp(text, o)) return "TIMESTAMP";
  if (ParseJavaBoolean(text)) return "BOOLEAN";
  return "STRING";
}

constexpr const char* kSchemaOfCsvSignature = "schema_of_csv(csv[, options])";

Result<BoundFunction> BindSchemaOfCsv(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(kSchemaOfCsvSignature, args.types.size(), 1, 2));
  const Value* csv = fnutil::Constant(args, 0);
  if (!csv || !csv->type().IsStringLike()) {
    return Status::Invalid("schema_of_csv: the CSV text must be a string literal, such as "
                           "schema_of_csv('1,abc')");
  }
  SLUICE_ASSIGN_OR_RETURN(StringOptions given, ConstantStringOptions("schema_of_csv", args, 1));
  SLUICE_ASSIGN_OR_RETURN(CsvOptions options, ReadCsvOptions("schema_of_csv", given, false));
  std::vector<std::string> fields;
  SplitSparkCsvRecord(csv->string(), options.dialect, fields);
  std::string schema = "STRUCT<";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) schema += ", ";
    schema += fmt::format("_c{}: {}", i, InferFieldType(fields[i], options));
  }
  schema += ">";
  return BoundFunction{DataType::String(), args.types, fnutil::ConstantStringKernel(std::move(schema))};
}

}  // namespace

void RegisterCsvFunctions(FunctionRegistry& registry) {
  registry.Register({"from_csv", kFromCsvSignature, BindFromCsv});
  registry.Register({"to_csv", kToCsvSignature, BindToCsv});
  registry.Register({"schema_of_csv", kSchemaOfCsvSignature, BindSchemaOfCsv});
}

}  // namespace sluice
