// Parquet files from anywhere (the filesystem source reads what other tools wrote): footer,
// Thrift metadata, page headers, levels, dictionary and plain pages, decompression, all from
// untrusted bytes. The first byte picks the table schema the file is read into. Property: the
// reader refuses a bad file with a Status, and never reads more rows than the footer declares.
#include <string>

#include "format/parquet/parquet_file_reader.h"
#include "fuzz_rows.h"
#include "parquet_file.h"

namespace sluice {
namespace {

const char* const kSchemas[] = {
    "customer_id STRING, amount INT, cashback DECIMAL(10, 2), ts TIMESTAMP, day DATE, ok BOOLEAN",
    "l BIGINT, d DOUBLE, m DECIMAL(38, 4), raw BYTES, s STRING",
    ("tags ARRAY<STRING>, r ROW<x DOUBLE, inner ROW<d DATE, n ARRAY<BIGINT>>>, "
     "rows ARRAY<ROW<k STRING, v DECIMAL(5, 3)>>"),
};

const Schema& SchemaFor(uint8_t selector) {
  static Schema* schemas[std::size(kSchemas)] = {};
  size_t i = selector % std::size(kSchemas);
  if (schemas[i] == nullptr) schemas[i] = new Schema(fuzz::SchemaFromText(kSchemas[i]));
  return *schemas[i];
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(parquet_reader) {
  using namespace sluice;
  if (size < 1) return 0;
  const Schema& schema = SchemaFor(data[0]);
  const std::string& path = fuzz::WriteScratchParquet(fuzz::AsText(data + 1, size - 1));
  auto reader = parquet::ParquetFileReader::Open(path, schema);
  if (!reader.ok()) return 0;
  const int64_t declared = (*reader)->num_rows();
  int64_t read = 0;
  while (true) {
    Batch batch = Batch::Empty(schema);
    auto rows = (*reader)->Read(batch, 256);
    if (!rows.ok() || *rows == 0) break;
    if (batch.num_rows() != *rows) fuzz::Fail("Read's count differs from the rows it appended");
    read += static_cast<int64_t>(*rows);
    if (read > declared) fuzz::Fail("the reader returned more rows than the footer declares");
    // A file may rightly declare a billion rows of columns the table does not read (all NULL):
    // enough of them to see that they come.
    if (read >= 100'000) break;
  }
  return 0;
}
