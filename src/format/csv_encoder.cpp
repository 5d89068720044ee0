#include "format/csv_encoder.h"

#include "format/value_text.h"

namespace sluice {

CsvEncoder::CsvEncoder(Schema schema, CsvEncodeOptions options)
    : schema_(std::move(schema)), options_(options) {}

void CsvEncoder::QuoteIfNeeded(std::string& out, size_t start) {
  const char specials[] = {options_.delimiter, '"', '\r', '\n', '\0'};
  if (out.find_first_of(specials, start, 4) == std::string::npos) return;
  scratch_.assign(out, start, std::string::npos);
  out.resize(start);
  out.push_back('"');
  for (char c : scratch_) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void CsvEncoder::AppendHeader(std::string& out) {
  for (size_t i = 0; i < schema_.size(); ++i) {
    if (i > 0) out.push_back(options_.delimiter);
    const size_t start = out.size();
    out += schema_.field(i).name;
    QuoteIfNeeded(out, start);
  }
  out.push_back('\n');
}

void CsvEncoder::AppendRow(const Batch& batch, size_t row, std::string& out) {
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    if (i > 0) out.push_back(options_.delimiter);
    const Vector& column = batch.column(i);
    if (column.IsNull(row)) continue;
    const size_t start = out.size();
    AppendValueText(column, row, out, "");
    if (out.size() == start) {
      out += "\"\"";  // an empty string, not NULL
    } else {
      QuoteIfNeeded(out, start);
    }
  }
  out.push_back('\n');
}

}  // namespace sluice
