// sluice's Parquet writer read back by sluice's reader. The input is JSON lines, decoded into
// a nested schema (the rows the decoder refuses are skipped); the first byte picks the page
// options (dictionary or plain, codec, tiny pages and row groups so rows span several).
// Property: every row reads back with the same values, in order.
#include <string>

#include "format/json_decoder.h"
#include "format/parquet/parquet_file_reader.h"
#include "format/parquet/parquet_file_writer.h"
#include "fuzz_rows.h"
#include "parquet_file.h"

namespace sluice {
namespace {

const Schema& TableSchema() {
  static const Schema schema = fuzz::SchemaFromText(
      "s STRING, i INT, l BIGINT, d DOUBLE, m DECIMAL(10, 2), w DECIMAL(38, 6), b BOOLEAN, "
      "day DATE, ts TIMESTAMP, tags ARRAY<STRING>, r ROW<x DOUBLE, n ARRAY<BIGINT>>, rows ARRAY<ROW<k STRING, v INT>>");
  return schema;
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(parquet_roundtrip) {
  using namespace sluice;
  if (size < 1) return 0;
  const Schema& schema = TableSchema();
  static JsonDecoder decoder(schema);
  Batch rows = Batch::Empty(schema);
  std::string_view text = fuzz::AsText(data + 1, size - 1);
  while (!text.empty()) {
    const size_t end = text.find('\n');
    (void)decoder.DecodeRow(text.substr(0, end), rows);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  parquet::ParquetWriterOptions options;
  const uint8_t knobs = data[0];
  options.columns.dictionary = knobs & 1;
  options.columns.compression = (knobs & 6) == 0   ? parquet::Compression::kUncompressed
                                : (knobs & 6) == 2 ? parquet::Compression::kZstd
                                                   : parquet::Compression::kSnappy;
  if (knobs & 8) {
    options.columns.page_bytes = 64;
    options.columns.dictionary_page_bytes = 64;
  }
  if (knobs & 16) options.row_group_bytes = 256;
  std::string file;
  auto writer = parquet::ParquetFileWriter::Make(schema, options, [&file](std::string_view bytes) {
    file.append(bytes);
    return Status::OK();
  });
  if (!writer.ok()) fuzz::Fail("the writer does not start", writer.status().ToString());
  if (Status s = (*writer)->Write(rows); !s.ok()) fuzz::Fail("the writer refuses decoded rows", s.ToString());
  if (Status s = (*writer)->Finish(); !s.ok()) fuzz::Fail("the writer cannot finish", s.ToString());

  auto reader = parquet::ParquetFileReader::Open(fuzz::WriteScratchParquet(file), schema);
  if (!reader.ok()) fuzz::Fail("the reader refuses the writer's file", reader.status().ToString());
  Batch back = Batch::Empty(schema);
  while (true) {
    auto read = (*reader)->Read(back, 7);
    if (!read.ok()) fuzz::Fail("the reader fails on the writer's file", read.status().ToString());
    if (*read == 0) break;
  }
  if (back.num_rows() != rows.num_rows()) fuzz::Fail("a different number of rows read back");
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    if (fuzz::RowText(back, row) != fuzz::RowText(rows, row)) {
      fuzz::Fail("a row reads back with other values", fuzz::RowText(rows, row) + "\n" + fuzz::RowText(back, row));
    }
  }
  return 0;
}
