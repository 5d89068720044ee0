// Times sluice's Parquet writer alone on one core: ROWS cashback-like rows (ids unique, customers
// and products from small vocabularies, as the seeds' events are) built in memory first, then
// written to memory as one file; the file is also saved to OUT for bench/parquet_write.sh to
// time pyarrow writing the same rows.
//
//   parquet_write_probe ROWS snappy|zstd|uncompressed OUT.parquet
//
// Prints: rows, output bytes, CPU seconds of the write, rows/s and output MB/s.
#include <ctime>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/parquet/parquet_file_writer.h"

using namespace sluice;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s ROWS snappy|zstd|uncompressed OUT.parquet\n", argv[0]);
    return 2;
  }
  const size_t rows = std::stoul(argv[1]);
  const std::string codec = argv[2];
  const Schema schema({{"transaction_id", DataType::String(), true},
                       {"customer_id", DataType::String(), true},
                       {"timestamp", DataType::Timestamp(), true},
                       {"product_id", DataType::String(), true},
                       {"amount", DataType::Int32(), true},
                       {"merchant_id", DataType::String(), true},
                       {"cashback", DataType::Decimal(10, 2), true}});
  std::mt19937_64 rng(7);
  std::vector<Batch> batches;
  for (size_t done = 0; done < rows;) {
    const size_t n = std::min<size_t>(4096, rows - done);
    Batch batch = Batch::Empty(schema);
    for (size_t r = 0; r < n; ++r, ++done) {
      const uint64_t x = rng();
      batch.column(0).AppendString(fmt::format("{:016x}-{:08x}", x, done));
      batch.column(1).AppendString(fmt::format("cust_{}", x % 1000));
      batch.column(2).Append<int64_t>(1'765'000'000'000'000 + static_cast<int64_t>(done) * 1000);
      batch.column(3).AppendString(fmt::format("prod_{}", (x >> 10) % 100));
      batch.column(4).Append<int32_t>(static_cast<int32_t>((x >> 20) % 1000));
      batch.column(5).AppendString(fmt::format("merch_{}", (x >> 30) % 10));
      if ((x >> 40) % 10 == 0) {
        batch.column(6).AppendNull();
      } else {
        batch.column(6).Append<int64_t>(static_cast<int64_t>((x >> 44) % 100000));
      }
    }
    batch.set_num_rows(n);
    batches.push_back(std::move(batch));
  }
  parquet::ParquetWriterOptions options;
  options.columns.compression = codec == "zstd"           ? parquet::Compression::kZstd
                                : codec == "uncompressed" ? parquet::Compression::kUncompressed
                                                          : parquet::Compression::kSnappy;
  std::string file;
  file.reserve(rows * 64);
  const std::clock_t start = std::clock();
  auto writer = parquet::ParquetFileWriter::Make(schema, options, [&](std::string_view bytes) {
    file.append(bytes);
    return Status::OK();
  });
  if (!writer.ok()) return std::fprintf(stderr, "%s\n", writer.status().message().c_str()), 1;
  for (const Batch& b : batches) {
    Status s = (*writer)->Write(b);
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
  }
  Status s = (*writer)->Finish();
  if (!s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  std::ofstream(argv[3], std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
  std::printf("sluice   %zu rows, %zu bytes, %.3f CPU-s: %.0f rows/s, %.1f MB/s\n", rows, file.size(),
              seconds, rows / seconds, file.size() / seconds / 1e6);
  return 0;
}
