#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// How TIMESTAMP values are written (Flink's 'json.timestamp-format.standard').
enum class JsonTimestampFormat {
  kIso8601,  // Spark's to_json default: "2024-03-01T12:30:45.000Z" (UTC, milliseconds)
  kSql,      // "2024-03-01 12:30:45[.ffffff]", the form sluice prints and JsonDecoder reads
};

struct JsonEncodeOptions {
  // Leave out fields whose value is NULL (Spark's to_json does, ignoreNullFields=true); a NULL
  // element of an array is always written as null.
  bool omit_null_fields = false;
  JsonTimestampFormat timestamp_format = JsonTimestampFormat::kIso8601;
};

// Encodes rows as JSON objects, appending to a caller's buffer (no allocation per cell):
// numbers as JSON numbers (DOUBLE in Java's form 99.0 / 1.0E7; NaN and ±Infinity as the strings
// "NaN", "Infinity", "-Infinity" like Jackson), DECIMAL as a number with its scale (99.00),
// DATE "yyyy-MM-dd", TIMESTAMP per JsonTimestampFormat, INTERVAL as its text, BYTES as base64,
// ROW as an object, ARRAY as an array. Strings are escaped per RFC 8259; invalid UTF-8 bytes
// become U+FFFD so the output is always valid JSON.
class JsonEncoder {
 public:
  // Column i of each encoded row is written under schema.field(i).name.
  explicit JsonEncoder(const Schema& schema, JsonEncodeOptions options = {});

  // Appends row `row` of `batch` as one JSON object (no newline).
  void AppendRow(const Batch& batch, size_t row, std::string& out) const;
  // Same, for columns that are not in a Batch (e.g. a struct's children).
  void AppendRow(const std::vector<const Vector*>& columns, size_t row, std::string& out) const;
  // Appends one value of any type (NULL as null).
  void AppendValue(const Vector& v, size_t row, std::string& out) const;

 private:
  void AppendStruct(const Vector& v, size_t row, std::string& out) const;

  std::vector<std::string> keys_;  // pre-escaped "name": per column
  JsonEncodeOptions options_;
};

// Appends `text` as a quoted, escaped JSON string.
void AppendJsonString(std::string_view text, std::string& out);

}  // namespace sluice
