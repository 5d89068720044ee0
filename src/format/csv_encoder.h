#pragma once

#include <string>

#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

struct CsvEncodeOptions {
  char delimiter = ',';
};

// Encodes rows as RFC 4180 CSV lines, appending to a caller's buffer. A field is quoted when it
// contains the delimiter, a double quote, CR or LF (quotes doubled inside), and an empty string
// is written as "" so it stays distinct from NULL, which is an empty field. Values are in
// value_text's form (timestamps 'yyyy-MM-dd HH:mm:ss[.ffffff]', decimals with their scale).
// Lines end with "\n" (Spark's and most tools' default rather than RFC 4180's CRLF).
// Not thread-safe: keeps one scratch buffer.
class CsvEncoder {
 public:
  explicit CsvEncoder(Schema schema, CsvEncodeOptions options = {});

  // Appends the column names as one line.
  void AppendHeader(std::string& out);
  // Appends row `row` of `batch` as one line.
  void AppendRow(const Batch& batch, size_t row, std::string& out);

 private:
  // Quotes out[start..] in place if it needs it.
  void QuoteIfNeeded(std::string& out, size_t start);

  Schema schema_;
  CsvEncodeOptions options_;
  std::string scratch_;
};

}  // namespace sluice
