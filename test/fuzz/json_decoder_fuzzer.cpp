// JSON documents against a declared schema (the decoder every Kafka and file source uses).
// Properties: a rejected document leaves the batch exactly as it was; an accepted one adds one
// row, and that row encoded back to JSON (JsonEncoder) decodes to the same values. from_json's
// permissive decoding (unfit fields NULL) accepts every valid document the strict one does, with
// the same row, and with Spark's value text too it still adds exactly one whole row or none.
#include <string>

#include "format/json_decoder.h"
#include "format/json_encoder.h"
#include "format/json_text_check.h"
#include "fuzz_rows.h"

namespace sluice {
namespace {

// The first input byte picks the schema.
const char* const kSchemas[] = {
    ("transaction_id STRING, customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL, "
     "amount INT, merchant_id STRING"),
    ("i INT, l BIGINT, d DOUBLE, m DECIMAL(10, 2), big DECIMAL(38, 0), s STRING, b BOOLEAN, "
     "day DATE, ts TIMESTAMP, raw BYTES"),
    ("a ARRAY<INT>, r ROW<x DOUBLE, tags ARRAY<STRING>, inner ROW<d DATE>>, "
     "rows ARRAY<ROW<k STRING, v DECIMAL(5, 3)>>, m MAP<STRING, BIGINT>, nested ARRAY<ARRAY<BIGINT>>"),
};

struct Case {
  Schema schema;
  JsonDecoder decoder;
  JsonDecoder permissive;
  JsonDecoder from_json;
  explicit Case(Schema s)
      : schema(s),
        decoder(s),
        permissive(s, {.null_unfit_fields = true}),
        from_json(std::move(s), {.null_unfit_fields = true, .spark_value_text = true,
                                 .exact_field_names = true}) {}
};

// Every column holds `rows` values: a decoder never leaves a row half appended.
void CheckWhole(const Batch& batch, size_t rows, const char* what) {
  if (batch.num_rows() != rows) fuzz::Fail(what, "wrong row count");
  for (size_t col = 0; col < batch.num_columns(); ++col) {
    if (batch.column(col).size() != rows) fuzz::Fail(what, "a column of another length");
  }
}

Case& CaseFor(uint8_t selector) {
  static Case* cases[std::size(kSchemas)] = {};
  size_t i = selector % std::size(kSchemas);
  if (cases[i] == nullptr) cases[i] = new Case(fuzz::SchemaFromText(kSchemas[i]));
  return *cases[i];
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(json_decoder) {
  using namespace sluice;
  if (size == 0) return 0;
  Case& c = CaseFor(data[0]);
  std::string_view document = fuzz::AsText(data + 1, size - 1);
  Batch batch = Batch::Empty(c.schema);
  // A row already in the batch must survive a rejected document untouched.
  const std::string first = "{\"customer_id\": \"c\", \"timestamp\": \"2024-01-01 00:00:00\"}";
  if (!c.decoder.DecodeRow(first, batch).ok()) fuzz::Fail("the fixed first row is rejected");
  const std::string before = fuzz::RowText(batch, 0);
  Status status = c.decoder.DecodeRow(document, batch);
  Batch loose = Batch::Empty(c.schema);
  const bool loose_ok = c.permissive.DecodeRow(document, loose).ok();
  CheckWhole(loose, loose_ok ? 1 : 0, "permissive decoding");
  // Permissive decoding also checks the whole text of a document where it made a field NULL, so
  // it may refuse broken JSON that strict decoding let through unread; valid JSON never.
  if (status.ok() && !loose_ok && JsonTextProblem(document).empty()) {
    fuzz::Fail("permissive decoding refused valid JSON that strict decoding took");
  }
  if (status.ok() && loose_ok && fuzz::RowText(loose, 0) != fuzz::RowText(batch, 1)) {
    fuzz::Fail("permissive decoding read other values than strict decoding", std::string(document));
  }
  Batch spark = Batch::Empty(c.schema);
  CheckWhole(spark, c.from_json.DecodeRow(document, spark).ok() ? 1 : 0, "from_json decoding");
  if (!status.ok()) {
    if (batch.num_rows() != 1) fuzz::Fail("a rejected document changed the row count");
    for (size_t col = 0; col < batch.num_columns(); ++col) {
      if (batch.column(col).size() != 1) fuzz::Fail("a rejected document left a column longer");
    }
    if (fuzz::RowText(batch, 0) != before) fuzz::Fail("a rejected document changed an earlier row");
    return 0;
  }
  if (batch.num_rows() != 2) fuzz::Fail("an accepted document did not add one row");
  std::string encoded;
  JsonEncoder encoder(c.schema, {.omit_null_fields = false, .timestamp_format = JsonTimestampFormat::kSql});
  encoder.AppendRow(batch, 1, encoded);
  Batch again = Batch::Empty(c.schema);
  Status reread = c.decoder.DecodeRow(encoded, again);
  if (!reread.ok()) fuzz::Fail("an encoded row does not decode", encoded + "\n" + reread.ToString());
  if (fuzz::RowText(again, 0) != fuzz::RowText(batch, 1)) {
    fuzz::Fail("an encoded row decodes to other values",
               std::string(document) + "\n" + encoded + "\n" + fuzz::RowText(batch, 1) + "\n" + fuzz::RowText(again, 0));
  }
  return 0;
}
