#include "connector/postgres/copy_text_encoder.h"

#include <fmt/format.h>

#include "connector/database/backslash_escape.h"
#include "format/value_text.h"

namespace sluice {

CopyTextEncoder::CopyTextEncoder(const Schema& schema) : schema_(schema) {
  JsonEncodeOptions options;
  options.timestamp_format = JsonTimestampFormat::kSql;
  json_ = std::make_unique<JsonEncoder>(schema, options);
}

size_t CopyTextEncoder::AppendRows(const Batch& batch, std::string& out) const {
  const size_t live = batch.num_live_rows();
  const SelectionVector& selection = batch.selection();
  const size_t width = schema_.size();
  for (size_t i = 0; i < live; ++i) {
    uint32_t row = selection[i];
    for (size_t c = 0; c < width; ++c) {
      if (c) out += '\t';
      AppendValue(batch.column(c), row, out);
    }
    out += '\n';
  }
  return live;
}

void CopyTextEncoder::AppendValue(const Vector& v, size_t row, std::string& out) const {
  if (v.IsNull(row)) {
    out += "\\N";
    return;
  }
  switch (v.type().id()) {
    case TypeId::kNull: out += "\\N"; return;
    case TypeId::kBoolean: out += v.Get<uint8_t>(row) ? 't' : 'f'; return;
    case TypeId::kInt32: fmt::format_to(std::back_inserter(out), "{}", v.Get<int32_t>(row)); return;
    case TypeId::kInt64: fmt::format_to(std::back_inserter(out), "{}", v.Get<int64_t>(row)); return;
    case TypeId::kFloat64: AppendDoubleText(v.Get<double>(row), out); return;
    case TypeId::kDecimal: AppendDecimalText(v.Get<Int128>(row), v.type().scale(), out); return;
    case TypeId::kString: AppendBackslashEscaped(v.Get<std::string_view>(row), false, out); return;
    case TypeId::kBytes: {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\\\x";  // bytea hex input '\x..', its backslash escaped for COPY
      for (unsigned char b : v.Get<std::string_view>(row)) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
      }
      return;
    }
    case TypeId::kDate: AppendDateText(v.Get<int32_t>(row), out); return;
    case TypeId::kTimestamp: AppendTimestampText(v.Get<int64_t>(row), out); return;
    case TypeId::kInterval:
      fmt::format_to(std::back_inserter(out), "{} microseconds", v.Get<int64_t>(row));
      return;
    case TypeId::kYearMonthInterval:
      fmt::format_to(std::back_inserter(out), "{} months", v.Get<int32_t>(row));
      return;
    case TypeId::kStruct:
    case TypeId::kList: {
      std::string json;
      json_->AppendValue(v, row, json);
      AppendBackslashEscaped(json, false, out);
      return;
    }
  }
}

std::string PostgresColumnType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return "bigint";
    case TypeId::kFloat64: return "double precision";
    case TypeId::kDecimal: return fmt::format("numeric({}, {})", type.precision(), type.scale());
    case TypeId::kBytes: return "bytea";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: return "interval";
    case TypeId::kStruct:
    case TypeId::kList: return "jsonb";
    case TypeId::kNull:
    case TypeId::kString: return "text";
  }
  return "text";
}

}  // namespace sluice
