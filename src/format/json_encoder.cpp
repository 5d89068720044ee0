#include "format/json_encoder.h"

#include "common/base64.h"
#include "common/utf8.h"

#include <charconv>
#include <cmath>

#include "format/value_text.h"

namespace sluice {
namespace {

template <typename Int>
void AppendInt(Int value, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}

}  // namespace

void AppendJsonString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(p + i, n - i);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    out.append(text.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no valid sequence
        }
    }
    ++i;
    run = i;
  }
  out.append(text.data() + run, n - run);
  out.push_back('"');
}

JsonEncoder::JsonEncoder(const Schema& schema, JsonEncodeOptions options) : options_(options) {
  keys_.reserve(schema.size());
  for (const Field& f : schema.fields()) {
    std::string key;
    AppendJsonString(f.name, key);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

void JsonEncoder::AppendRow(const Batch& batch, size_t row, std::string& out) const {
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    const Vector& column = batch.column(i);
    if (options_.omit_null_fields && column.IsNull(row)) continue;
    if (!first) out.push_back(',');
    first = false;
    out += keys_[i];
    AppendValue(column, row, out);
  }
  out.push_back('}');
}

void JsonEncoder::AppendRow(const std::vector<const Vector*>& columns, size_t row,
                            std::string& out) const {
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (options_.omit_null_fields && columns[i]->IsNull(row)) continue;
    if (!first) out.push_back(',');
    first = false;
    out += keys_[i];
    AppendValue(*columns[i], row, out);
  }
  out.push_back('}');
}

void JsonEncoder::AppendStruct(const Vector& v, size_t row, std::string& out) const {
  const std::vector<Field>& fields = v.type().fields();
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Vector& child = v.child(i);
    if (options_.omit_null_fields && child.IsNull(row)) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(fields[i].name, out);
    out.push_back(':');
    AppendValue(child, row, out);
  }
  out.push_back('}');
}

void JsonEncoder::AppendValue(const Vector& v, size_t row, std::string& out) const {
  if (v.IsNull(row)) {
    out += "null";
    return;
  }
  switch (v.type().id()) {
    case TypeId::kNull: out += "null"; break;
    case TypeId::kBoolean: out += v.Get<uint8_t>(row) ? "true" : "false"; break;
    case TypeId::kInt32: AppendInt(v.Get<int32_t>(row), out); break;
    case TypeId::kInt64: AppendInt(v.Get<int64_t>(row), out); break;
    case TypeId::kFloat64: {
      const double d = v.Get<double>(row);
      if (std::isfinite(d)) {
        AppendDoubleText(d, out);
      } else {
        out.push_back('"');
        AppendDoubleText(d, out);
        out.push_back('"');
      }
      break;
    }
    case TypeId::kDecimal: AppendDecimalText(v.Get<Int128>(row), v.type().scale(), out); break;
    case TypeId::kString: AppendJsonString(v.Get<std::string_view>(row), out); break;
    case TypeId::kBytes:
      out.push_back('"');
      AppendBase64(v.Get<std::string_view>(row), out);
      out.push_back('"');
      break;
    case TypeId::kDate:
      out.push_back('"');
      AppendDateText(v.Get<int32_t>(row), out);
      out.push_back('"');
      break;
    case TypeId::kTimestamp:
      out.push_back('"');
      if (options_.timestamp_format == JsonTimestampFormat::kIso8601) {
        AppendTimestampIsoText(v.Get<int64_t>(row), out);
      } else {
        AppendTimestampText(v.Get<int64_t>(row), out);
      }
      out.push_back('"');
      break;
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval:
      out.push_back('"');
      AppendAnyIntervalText(v, row, out);
      out.push_back('"');
      break;
    case TypeId::kStruct: AppendStruct(v, row, out); break;
    case TypeId::kList: {
      const uint32_t begin = v.offsets()[row];
      const uint32_t end = v.offsets()[row + 1];
      if (v.type().IsMap()) {  // {"key": value, ...}, a non-string key as its text
        const Vector& keys = v.list_child().child(0);
        out.push_back('{');
        for (uint32_t i = begin; i < end; ++i) {
          if (i > begin) out.push_back(',');
          if (keys.type().IsStringLike()) {
            AppendJsonString(keys.Get<std::string_view>(i), out);
          } else {
            std::string key;
            AppendValue(keys, i, key);
            AppendJsonString(key, out);
          }
          out.push_back(':');
          AppendValue(v.list_child().child(1), i, out);
        }
        out.push_back('}');
        break;
      }
      out.push_back('[');
      for (uint32_t i = begin; i < end; ++i) {
        if (i > begin) out.push_back(',');
        AppendValue(v.list_child(), i, out);
      }
      out.push_back(']');
      break;
    }
  }
}

}  // namespace sluice
