#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// Decodes JSON documents into rows of a declared schema, one document per row, with simdjson's
// On-Demand API: fields are matched by name in one pass over the document (any order; unknown
// fields skipped), nested objects fill ROW columns and arrays fill ARRAY columns.
//
// A document that cannot become a row — not JSON, not an object, a NOT NULL field missing or
// null, a value of the wrong type, an unparsable timestamp — is rejected with a reason that
// names the field; the batch is left exactly as it was, so the caller can dead-letter the
// record and go on.
//
// Coercions Spark users rely on: a JSON number or boolean into a STRING column keeps its text
// (e.g. a 10-digit account_number), an object or array into a STRING column keeps its JSON,
// 'YYYY-MM-DD HH:MM:SS' and ISO-8601 strings into TIMESTAMP, a number into TIMESTAMP as Unix
// seconds, 'yyyy-MM-dd' into DATE, a JSON number into DECIMAL exactly (no binary rounding).
// How strictly a document must fit the schema. The defaults are a source's 'json' format: a
// record that does not fit is rejected whole (and becomes a dead letter).
struct JsonDecodeOptions {
  // Spark's from_json (PERMISSIVE with partial results): a field whose value does not fit its
  // type is NULL and the rest of its row is kept; an element or map value that does not fit makes
  // the field holding the array or map NULL. A document that is not JSON is still rejected, and
  // so is an unfit value of a NOT NULL field.
  bool null_unfit_fields = false;
  // A JSON value read into a STRING field is written back as Spark's Jackson generator copies it
  // (compact, floats as Java's Double.toString: 1.5e3 -> '1500.0') instead of kept as its text.
  bool spark_value_text = false;
  // Field names match the JSON keys exactly, as in from_json; otherwise a key that matches no
  // field exactly may match one case-insensitively.
  bool exact_field_names = false;
};

class JsonDecoder {
 public:
  explicit JsonDecoder(Schema schema, JsonDecodeOptions options = {});
  ~JsonDecoder();
  JsonDecoder(const JsonDecoder&) = delete;
  JsonDecoder& operator=(const JsonDecoder&) = delete;

  const Schema& schema() const { return schema_; }

  // Appends `document` as one row of `out`, whose columns must match the schema. On error
  // returns the reason (kInvalidArgument) and leaves `out` unchanged.
  Status DecodeRow(std::string_view document, Batch& out);
  // The same without copying: at least kJsonReadAhead readable bytes (of any value) must follow
  // `document`, as they do after a RawBatch's values.
  Status DecodePaddedRow(std::string_view document, Batch& out);

  // How far past a document's end the parser may read (simdjson's padding).
  static constexpr size_t kJsonReadAhead = 64;

 private:
  Status Parse(std::string_view document, size_t allocated, Batch& out);

  struct Impl;
  Schema schema_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
