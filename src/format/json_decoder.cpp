#include "format/json_decoder.h"

#include "common/base64.h"

#include <simdjson.h>
#include <strings.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "format/json_text_check.h"
#include "format/spark_json_text.h"
#include "types/decimal.h"
#include "vector/take.h"
#include "vector/sort_key.h"
#include "types/interval_text.h"
#include "types/timestamp.h"

namespace sluice {
namespace od = simdjson::ondemand;

namespace {

// The path of the field being decoded, kept on the stack and only turned into text on error.
struct FieldPath {
  const FieldPath* parent;
  std::string_view name;
  int index;  // array element index, or -1

  std::string ToString() const {
    std::string prefix = parent ? parent->ToString() : std::string();
    if (index >= 0) return prefix + "[" + std::to_string(index) + "]";
    return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
  }
};

std::string_view JsonTypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "a value";
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() > kMax) return "'" + std::string(text.substr(0, kMax)) + "...'";
  return "'" + std::string(text) + "'";
}

Status NotJson(simdjson::error_code error) {
  return Status::Invalid("not JSON: {}", simdjson::error_message(error));
}

// What a document that is not JSON starts with, said as the byte and where: "unexpected 'h' at
// byte 0" rather than simdjson's "the JSON element does not have the requested type".
Status NotJsonAt(std::string_view document, simdjson::error_code error) {
  size_t at = 0;
  while (at < document.size() && (document[at] == ' ' || document[at] == '\n' ||
                                  document[at] == '\r' || document[at] == '\t')) {
    ++at;
  }
  if (at == document.size()) return Status::Invalid("not JSON: the message is only whitespace");
  std::string_view rest = document.substr(at);
  if (rest.starts_with("\xEF\xBB\xBF")) {
    return Status::Invalid(
        "not JSON: a UTF-8 byte-order mark (EF BB BF) at byte {}, where a JSON object must start",
        at);
  }
  const unsigned char c = static_cast<unsigned char>(rest[0]);
  auto literal_ok = [&](std::string_view word) {
    return rest.starts_with(word) &&
           (rest.size() == word.size() || std::strchr(" \t\r\n,]}", rest[word.size()]) != nullptr);
  };
  bool plausible = c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
                   (c == 't' && literal_ok("true")) || (c == 'f' && literal_ok("false")) ||
                   (c == 'n' && literal_ok("null"));
  if (plausible) return NotJson(error);
  if (c >= 0x20 && c < 0x7f) {
    size_t end = 0;
    while (end < rest.size() && end < 16 && rest[end] != '\n' && rest[end] != '\r') ++end;
    return Status::Invalid("not JSON: unexpected '{}'{} at byte {}, where a JSON object must start",
                           rest.substr(0, end), end < rest.size() ? "..." : "", at);
  }
  return Status::Invalid("not JSON: unexpected byte 0x{:02X} at byte {}, where a JSON object must start",
                         c, at);
}

// The strings Spark's JSON reader takes for a DOUBLE besides numbers.
bool NonNumericDouble(std::string_view text, double& v) {
  if (text == "NaN" || text == "+NaN" || text == "-NaN") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (text == "Infinity" || text == "+Infinity" || text == "INF" || text == "+INF") {
    v = std::numeric_limits<double>::infinity();
  } else if (text == "-Infinity" || text == "-INF") {
    v = -std::numeric_limits<double>::infinity();
  } else {
    return false;
  }
  return true;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Finds a field by name: exact match first, expecting fields in schema order, then (unless
// `exact`) case-insensitively.
int FindField(const std::vector<Field>& fields, std::string_view key, size_t hint, bool exact) {
  size_t n = fields.size();
  for (size_t k = 0; k < n; ++k) {
    size_t i = (hint + k) % n;
    const std::string& name = fields[i].name;
    if (name.size() == key.size() && std::memcmp(name.data(), key.data(), key.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  if (exact) return -1;
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = fields[i].name;
    if (name.size() == key.size() && strncasecmp(name.data(), key.data(), key.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

class RowDecoder {
  struct KeySlot {
    std::string key;
    int index;  // the field, or -1 for a key that is skipped
    bool plain;  // no backslash or quote in the key: its raw JSON bytes are the key itself
  };
  // Per object schema (its field list): the keys in the order the last record had them.
  std::unordered_map<const Field*, std::vector<KeySlot>> key_memo_;
  std::string_view document_;
  std::string bytes_scratch_;  // a BYTES value's decoded bytes
  JsonDecodeOptions options_;
  // Set when the document turned out not to be JSON: a field may become NULL for a value that
  // does not fit, never for broken syntax.
  bool malformed_ = false;
  bool nulled_ = false;  // a field was made NULL (null_unfit_fields) in this document
  std::unique_ptr<simdjson::dom::parser> dom_;  // re-reads a value written back Spark's way

  Status Malformed(simdjson::error_code error) {
    malformed_ = true;
    return NotJson(error);
  }

 public:
  explicit RowDecoder(JsonDecodeOptions options) : options_(options) {}
  void StartDocument(std::string_view document) {
    document_ = document;
    malformed_ = false;
    nulled_ = false;
  }
  bool nulled() const { return nulled_; }

  // Decodes one value into `out`, appending exactly one row on success.
  Status DecodeValue(od::value value, const Field& field, Vector& out, const FieldPath& path) {
    od::json_type type;
    if (auto error = value.type().get(type)) return Malformed(error);
    if (type == od::json_type::null) {
      if (!field.nullable) return Status::Invalid("field '{}' is null", path.ToString());
      out.AppendNull();
      return Status::OK();
    }
    switch (field.type.id()) {
      case TypeId::kString: return DecodeString(value, type, out, path);
      case TypeId::kBytes: {
        // Base64 text, as Spark's from_json and Flink's JSON format read BINARY/BYTES.
        std::string_view text;
        if (type != od::json_type::string || value.get_string().get(text)) {
          return Mismatch(path, "a base64 string", type);
        }
        if (!DecodeBase64(text, bytes_scratch_)) {
          return Status::Invalid("field '{}': '{}' is not base64 text", path.ToString(),
                                 text.substr(0, 40));
        }
        out.AppendString(bytes_scratch_);
        return Status::OK();
      }
      case TypeId::kBoolean: {
        bool b;
        if (value.get_bool().get(b)) return Mismatch(path, "a boolean", type);
        out.Append<uint8_t>(b ? 1 : 0);
        return Status::OK();
      }
      case TypeId::kInt32: {
        int64_t v;
        if (type != od::json_type::number || value.get_int64().get(v)) {
          return Mismatch(path, "an integer", type, value);
        }
        if (v < INT32_MIN || v > INT32_MAX) {
          return Status::Invalid("field '{}': {} does not fit in INT", path.ToString(), v);
        }
        out.Append<int32_t>(static_cast<int32_t>(v));
        return Status::OK();
      }
      case TypeId::kInt64: {
        int64_t v;
        if (type != od::json_type::number || value.get_int64().get(v)) {
          return Mismatch(path, "an integer", type, value);
        }
        out.Append<int64_t>(v);
        return Status::OK();
      }
      case TypeId::kFloat64: {
        double v;
        if (type == od::json_type::string) {
          std::string_view text;
          if (value.get_string().get(text) || !NonNumericDouble(text, v)) {
            return Mismatch(path, "a number", type);
          }
        } else if (type != od::json_type::number || value.get_double().get(v)) {
          return Mismatch(path, "a number", type);
        }
        out.Append<double>(v);
        return Status::OK();
      }
      case TypeId::kDecimal: {
        if (type != od::json_type::number) return Mismatch(path, "a number", type);
        std::string_view token = TrimRight(value.raw_json_token());
        auto v = ParseDecimal(token, field.type.precision(), field.type.scale());
        if (!v) {
          return Status::Invalid("field '{}': {} does not fit in {}", path.ToString(), token,
                                 field.type.ToString());
        }
        out.Append<Int128>(*v);
        return Status::OK();
      }
      case TypeId::kTimestamp: return DecodeTimestamp(value, type, out, path);
      case TypeId::kDate: {
        std::string_view text;
        if (type != od::json_type::string || value.get_string().get(text)) {
          return Mismatch(path, "a date string like 'YYYY-MM-DD'", type);
        }
        auto days = ParseDate(text);
        if (!days) {
          return Status::Invalid("field '{}': expected a date like 'YYYY-MM-DD', found {}",
                                 path.ToString(), Quote(text));
        }
        if (*days < kMinDateDays || *days > kMaxDateDays) {
          return Status::Invalid("field '{}': {} is outside the DATE range 0001-01-01 to "
                                 "9999-12-31",
                                 path.ToString(), Quote(text));
        }
        out.Append<int32_t>(*days);
        return Status::OK();
      }
      case TypeId::kStruct: {
        od::object object;
        if (type != od::json_type::object || value.get_object().get(object)) {
          return Mismatch(path, "an object", type);
        }
        return DecodeObject(object, field.type.fields(), out, &path);
      }
      case TypeId::kList:
        if (field.type.IsMap()) return DecodeMap(value, type, field, out, path);
        return DecodeArray(value, type, field, out, path);
      case TypeId::kInterval:
      case TypeId::kYearMonthInterval: {
        // Spark's interval text: '1 02:03:04' or INTERVAL '1 02:03:04' DAY TO SECOND.
        std::string_view text;
        if (type != od::json_type::string || value.get_string().get(text)) {
          return Mismatch(path, "an interval string like '1 02:03:04' or '1-6'", type);
        }
        const DataType& t = field.type;
        if (t.id() == TypeId::kInterval) {
          if (auto micros = ParseDayTimeIntervalText(text, t.start_field(), t.end_field())) {
            out.Append<int64_t>(*micros);
            return Status::OK();
          }
        } else if (auto months = ParseYearMonthIntervalText(text, t.start_field(), t.end_field())) {
          out.Append<int32_t>(*months);
          return Status::OK();
        }
        return Status::Invalid("field '{}': {} is not {}", path.ToString(), Quote(text), t.ToString());
      }
      case TypeId::kNull:
        break;
    }
    return Status::Invalid("field '{}': type {} cannot be read from JSON", path.ToString(),
                           field.type.ToString());
  }

  // Decodes the fields of `object` into the struct vector `out` (or the top-level columns when
  // `columns` is given), appending one row.
  Status DecodeObject(od::object object, const std::vector<Field>& fields, Vector& out,
                      const FieldPath* parent) {
    size_t row = out.size();
    Status status = DecodeFields(object, fields, parent, row,
                                 [&](size_t i) -> Vector& { return out.child(i); });
    if (!status.ok()) return status;
    out.Resize(row + 1);  // children already hold the row; this makes it visible
    return Status::OK();
  }

  template <typename ColumnAt>
  Status DecodeFields(od::object object, const std::vector<Field>& fields,
                      const FieldPath* parent, size_t row, ColumnAt column_at) {
    const size_t n = fields.size();
    // Which fields this object set: a bit mask, or a vector for very wide objects.
    uint64_t seen_mask = 0;
    std::vector<uint8_t> seen_wide(n > 64 ? n : 0, 0);
    auto seen = [&](size_t i) { return n > 64 ? seen_wide[i] != 0 : ((seen_mask >> i) & 1) != 0; };
    auto mark = [&](size_t i) {
      if (n > 64) {
        seen_wide[i] = 1;
      } else {
        seen_mask |= uint64_t{1} << i;
      }
    };
    size_t hint = 0;
    std::vector<KeySlot>& memo = key_memo_[fields.data()];
    size_t position = 0;
    for (auto entry : object) {
      od::field field;
      if (auto error = std::move(entry).get(field)) return Malformed(error);
      // Records of one producer list their keys in the same order: remember, per position, the
      // key seen there last time and what it resolved to (a field, or skipped), so a key costs
      // one comparison of its raw bytes instead of unescaping and a search — the search of a
      // skipped key scans every field. Only a remembered key without a backslash or a quote is
      // compared raw: then a match ends at the real closing quote.
      int index;
      if (position < memo.size() && memo[position].plain &&
          field.key().unsafe_is_equal(memo[position].key)) {
        index = memo[position].index;
      } else {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return Malformed(error);
        index = FindField(fields, key, hint, options_.exact_field_names);
        if (position >= memo.size()) memo.resize(position + 1);
        memo[position] = KeySlot{std::string(key), index,
                                 key.find_first_of("\\\"") == std::string_view::npos};
      }
      ++position;
      if (index < 0) {
        // Unknown (or pruned) fields are skipped, as in Spark, but a record that is not JSON
        // is malformed whatever a query reads: On-Demand skips without validating, so check.
        SLUICE_RETURN_NOT_OK(CheckSkipped(field.value(), memo[position - 1].key));
        continue;
      }
      hint = static_cast<size_t>(index) + 1;
      Vector& column = column_at(index);
      if (seen(index)) column.Truncate(row);  // a repeated key: the last one wins
      mark(index);
      FieldPath path{parent, fields[index].name, -1};
      Status decoded = DecodeValue(field.value(), fields[index], column, path);
      if (!decoded.ok()) {
        if (!options_.null_unfit_fields || malformed_ || !fields[index].nullable) return decoded;
        column.Truncate(row);
        column.AppendNull();
        nulled_ = true;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (seen(i)) continue;
      if (!fields[i].nullable) {
        FieldPath path{parent, fields[i].name, -1};
        return Status::Invalid("field '{}' is missing", path.ToString());
      }
      column_at(i).AppendNull();
    }
    return Status::OK();
  }

 private:
  Status CheckSkipped(od::value value, std::string_view key) {
    od::json_type type;
    if (auto error = value.type().get(type)) return Malformed(error);
    std::string_view raw;
    if (type == od::json_type::string) {
      // simdjson's first stage already checked the bytes, control characters and the closing
      // quote: only escapes are left to check, and most strings have none.
      raw = value.raw_json_token();
      if (std::memchr(raw.data(), '\\', raw.size()) == nullptr) return Status::OK();
    } else if (type == od::json_type::object) {
      od::object object;
      if (auto error = value.get_object().get(object)) return Malformed(error);
      if (auto error = object.raw_json().get(raw)) return Malformed(error);
    } else if (type == od::json_type::array) {
      od::array array;
      if (auto error = value.get_array().get(array)) return Malformed(error);
      if (auto error = array.raw_json().get(raw)) return Malformed(error);
    } else {
      raw = value.raw_json_token();
    }
    size_t at = 0;
    std::string problem = JsonTextProblem(raw, &at);
    if (problem.empty()) return Status::OK();
    const size_t start = raw.data() >= document_.data() ? static_cast<size_t>(raw.data() - document_.data()) : 0;
    problem.resize(problem.rfind(" at byte "));
    malformed_ = true;
    return Status::Invalid("not JSON: {} at byte {} (in field '{}', which no query reads)", problem,
                           start + at, key);
  }

  Status Mismatch(const FieldPath& path, std::string_view expected, od::json_type found) {
    return Status::Invalid("field '{}': expected {}, found {}", path.ToString(), expected,
                           JsonTypeName(found));
  }
  Status Mismatch(const FieldPath& path, std::string_view expected, od::json_type found,
                  od::value& value) {
    if (found == od::json_type::number) {
      return Status::Invalid("field '{}': expected {}, found {}", path.ToString(), expected,
                             TrimRight(value.raw_json_token()));
    }
    return Mismatch(path, expected, found);
  }

  Status DecodeString(od::value& value, od::json_type type, Vector& out,
                      const FieldPath& path) {
    std::string_view text;
    switch (type) {
      case od::json_type::string:
        if (auto error = value.get_string().get(text)) return Malformed(error);
        break;
      case od::json_type::number:
        text = TrimRight(value.raw_json_token());
        if (options_.spark_value_text) {
          bytes_scratch_.clear();
          AppendSparkJsonNumber(text, bytes_scratch_);
          text = bytes_scratch_;
        }
        break;
      case od::json_type::boolean:
        text = TrimRight(value.raw_json_token());
        break;
      case od::json_type::object: {
        od::object object;
        if (auto error = value.get_object().get(object)) return Malformed(error);
        if (auto error = object.raw_json().get(text)) return Malformed(error);
        SLUICE_RETURN_NOT_OK(RewriteSparkWay(text));
        break;
      }
      case od::json_type::array: {
        od::array array;
        if (auto error = value.get_array().get(array)) return Malformed(error);
        if (auto error = array.raw_json().get(text)) return Malformed(error);
        SLUICE_RETURN_NOT_OK(RewriteSparkWay(text));
        break;
      }
      case od::json_type::null:
        return Status::Internal("null reached DecodeString at '{}'", path.ToString());
    }
    out.AppendString(text);
    return Status::OK();
  }

  // With spark_value_text, an object's or array's text becomes its compact Jackson form. It is
  // parsed whole here, which also checks it: On-Demand has not looked inside it.
  Status RewriteSparkWay(std::string_view& text) {
    if (!options_.spark_value_text) return Status::OK();
    if (!dom_) dom_ = std::make_unique<simdjson::dom::parser>();
    simdjson::dom::element element;
    if (auto error = dom_->parse(text.data(), text.size()).get(element)) return Malformed(error);
    bytes_scratch_.clear();
    AppendSparkJson(element, bytes_scratch_);
    text = bytes_scratch_;
    return Status::OK();
  }

  Status DecodeTimestamp(od::value& value, od::json_type type, Vector& out,
                         const FieldPath& path) {
    if (type == od::json_type::number) {
      // Seconds since the epoch, as Spark reads a number into a TIMESTAMP.
      double seconds;
      if (auto error = value.get_double().get(seconds)) return Malformed(error);
      const double micros = seconds * static_cast<double>(kMicrosPerSecond);
      // Compared as doubles first: converting an out-of-range double to int64 is undefined. The
      // end is exclusive: kMaxTimestampMicros as a double rounds up to 10000-01-01, which both
      // bounds are exact doubles of.
      if (!(micros >= static_cast<double>(kMinTimestampMicros) &&
            micros < static_cast<double>(kMaxTimestampMicros + 1))) {
        return Status::Invalid(
            "field '{}': {} seconds since 1970 is outside the TIMESTAMP range 0001-01-01 to "
            "9999-12-31",
            path.ToString(), TrimRight(value.raw_json_token()));
      }
      out.Append<int64_t>(static_cast<int64_t>(micros));
      return Status::OK();
    }
    std::string_view text;
    if (type != od::json_type::string || value.get_string().get(text)) {
      return Mismatch(path, "a timestamp string", type);
    }
    auto micros = ParseTimestamp(text);
    if (!micros) {
      return Status::Invalid(
          "field '{}': expected a timestamp like 'YYYY-MM-DD HH:MM:SS', found {}",
          path.ToString(), Quote(text));
    }
    if (*micros < kMinTimestampMicros || *micros > kMaxTimestampMicros) {
      return Status::Invalid("field '{}': {} is outside the TIMESTAMP range 0001-01-01 to "
                             "9999-12-31",
                             path.ToString(), Quote(text));
    }
    out.Append<int64_t>(*micros);
    return Status::OK();
  }

  // A MAP from a JSON object: each member is an entry, its name the key (a STRING key as is,
  // an integer key parsed from the name), its value decoded as the map's value type.
  Status DecodeMap(od::value& value, od::json_type type, const Field& field, Vector& out,
                   const FieldPath& path) {
    od::object object;
    if (type != od::json_type::object || value.get_object().get(object)) {
      return Mismatch(path, "an object", type);
    }
    const DataType& key_type = field.type.map_key();
    Field value_field{"value", field.type.map_value(), true};
    Vector& entries = out.list_child();
    for (auto member : object) {
      std::string_view key;
      if (auto error = member.unescaped_key().get(key)) return Malformed(error);
      FieldPath entry_path{&path, key, -1};
      Vector& keys = entries.child(0);
      if (key_type.IsStringLike()) {
        keys.AppendString(key);
      } else {
        int64_t number = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), number);
        if (error != std::errc() || end != key.data() + key.size() ||
            (key_type.id() == TypeId::kInt32 && (number < INT32_MIN || number > INT32_MAX))) {
          return Status::Invalid("field '{}': the key '{}' is not {}", path.ToString(), key,
                                 key_type.ToString());
        }
        if (key_type.id() == TypeId::kInt32) {
          keys.Append(static_cast<int32_t>(number));
        } else {
          keys.Append(number);
        }
      }
      od::value member_value;
      if (auto error = member.value().get(member_value)) return Malformed(error);
      SLUICE_RETURN_NOT_OK(DecodeValue(member_value, value_field, entries.child(1), entry_path));
      entries.Resize(entries.child(0).size());
    }
    DropRepeatedKeys(out.offsets()[out.size()], entries);
    out.AppendListEnd();
    return Status::OK();
  }

  // A key given twice (a JSON object may repeat a member, Kafka a header) keeps its last value,
  // as map() does: the earlier entries from `first` on are removed.
  static void DropRepeatedKeys(size_t first, Vector& entries) {
    const size_t end = entries.size();
    if (end - first < 2) return;
    const Vector& keys = entries.child(0);
    std::unordered_set<std::string> seen;
    std::vector<uint32_t> keep;
    for (size_t i = end; i-- > first;) {  // last occurrence wins: scan backwards
      std::string key;
      AppendSortKey(keys, i, false, key);
      if (!seen.insert(std::move(key)).second) continue;
      keep.push_back(static_cast<uint32_t>(i));
    }
    if (keep.size() == end - first) return;
    std::reverse(keep.begin(), keep.end());
    VectorPtr kept = Take(entries, keep);
    entries.Truncate(first);
    for (size_t k = 0; k < kept->size(); ++k) AppendRow(*kept, k, entries);
  }

  Status DecodeArray(od::value& value, od::json_type type, const Field& field, Vector& out,
                     const FieldPath& path) {
    od::array array;
    if (type != od::json_type::array || value.get_array().get(array)) {
      return Mismatch(path, "an array", type);
    }
    Field element{"element", field.type.element(), true};
    Vector& child = out.list_child();
    int index = 0;
    for (auto item : array) {
      od::value element_value;
      if (auto error = std::move(item).get(element_value)) return Malformed(error);
      FieldPath element_path{&path, {}, index++};
      SLUICE_RETURN_NOT_OK(DecodeValue(element_value, element, child, element_path));
    }
    out.AppendListEnd();
    return Status::OK();
  }
};

}  // namespace

struct JsonDecoder::Impl {
  explicit Impl(JsonDecodeOptions options) : rows(options) {}
  od::parser parser;
  std::string buffer;  // the document copied with simdjson's required padding
  RowDecoder rows;
};

JsonDecoder::JsonDecoder(Schema schema, JsonDecodeOptions options)
    : schema_(std::move(schema)), impl_(new Impl(options)) {}
JsonDecoder::~JsonDecoder() = default;

Status JsonDecoder::DecodeRow(std::string_view document, Batch& out) {
  if (document.empty()) return Status::Invalid("not JSON: the message is empty");
  std::string& buffer = impl_->buffer;
  if (buffer.size() < document.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(document.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer.data(), document.data(), document.size());
  return Parse({buffer.data(), document.size()}, buffer.size(), out);
}

Status JsonDecoder::DecodePaddedRow(std::string_view document, Batch& out) {
  static_assert(kJsonReadAhead >= simdjson::SIMDJSON_PADDING);
  if (document.empty()) return Status::Invalid("not JSON: the message is empty");
  return Parse(document, document.size() + kJsonReadAhead, out);
}

Status JsonDecoder::Parse(std::string_view document, size_t allocated, Batch& out) {
  od::document doc;
  if (auto error = impl_->parser.iterate(document.data(), document.size(), allocated).get(doc)) {
    return NotJsonAt(document, error);
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) {
    od::json_type type;
    if (error != simdjson::INCORRECT_TYPE || doc.type().get(type)) {
      return NotJsonAt(document, error);
    }
    // A scalar document: say it is not an object only if it is valid JSON at all.
    simdjson::error_code scalar_error = simdjson::SUCCESS;
    switch (type) {
      case od::json_type::string: {
        // A table of one STRING column takes a record that is a JSON string ("Joe's Pizza")
        // as that column's value, unescaped.
        std::string_view text;
        scalar_error = doc.get_string().get(text);
        if (!scalar_error && doc.current_location().error() && schema_.size() == 1 &&
            schema_.field(0).type.id() == TypeId::kString) {
          out.column(0).AppendString(text);
          out.set_num_rows(out.num_rows() + 1);
          return Status::OK();
        }
        break;
      }
      case od::json_type::number: scalar_error = doc.get_double().error(); break;
      case od::json_type::boolean: scalar_error = doc.get_bool().error(); break;
      case od::json_type::null: {
        bool is_null = false;
        scalar_error = doc.is_null().get(is_null);
        if (!scalar_error && !is_null) scalar_error = simdjson::N_ATOM_ERROR;
        break;
      }
      case od::json_type::array:
        return Status::Invalid("expected a JSON object, found an array");
      case od::json_type::object: break;
    }
    if (!scalar_error && doc.current_location().error()) {  // nothing after the value
      return Status::Invalid("expected a JSON object, found {}", JsonTypeName(type));
    }
    return NotJsonAt(document, scalar_error ? scalar_error : simdjson::TRAILING_CONTENT);
  }
  const size_t row = out.num_rows();
  impl_->rows.StartDocument(document);
  Status status = impl_->rows.DecodeFields(object, schema_.fields(), nullptr, row,
                                           [&](size_t i) -> Vector& { return out.column(i); });
  if (status.ok() && !doc.current_location().error()) {
    status = Status::Invalid("not JSON: unexpected content after the object");
  }
  // A field made NULL may have been broken syntax rather than an unfit value ("tru" looks like a
  // boolean to simdjson until read; the rest of an abandoned array is never read): such a
  // document is malformed as a whole, as Spark's PERMISSIVE mode has it.
  if (status.ok() && impl_->rows.nulled()) {
    if (std::string problem = JsonTextProblem(document); !problem.empty()) {
      status = Status::Invalid("not JSON: {}", problem);
    }
  }
  if (!status.ok()) {
    for (size_t i = 0; i < out.num_columns(); ++i) out.column(i).Truncate(row);
    return status;
  }
  out.set_num_rows(row + 1);
  return Status::OK();
}

}  // namespace sluice
