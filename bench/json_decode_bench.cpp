// JSON → columns throughput on the cashback record (DESIGN.md §1). Run:
//   build/release/bench/json_decode_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/json_decoder.h"

namespace sluice {
namespace {

std::vector<std::string> CashbackRecords(size_t n) {
  std::mt19937 rng(42);
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(fmt::format(
        R"({{"transaction_id": "trans_{}", "customer_id": "cust_{}", "timestamp": "2024-03-{:02} {:02}:{:02}:{:02}", "product_id": "prod_{}", "amount": {}, "merchant_id": "merch_{}"}})",
        i, rng() % 5 + 1, rng() % 28 + 1, rng() % 24, rng() % 60, rng() % 60, rng() % 7 + 1,
        rng() % 901 + 100, rng() % 3 + 1));
  }
  return out;
}

void BM_DecodeCashback(benchmark::State& state) {
  Schema schema({{"transaction_id", DataType::String(), true},
                 {"customer_id", DataType::String(), false},
                 {"timestamp", DataType::Timestamp(), false},
                 {"product_id", DataType::String(), true},
                 {"amount", DataType::Int32(), true},
                 {"merchant_id", DataType::String(), true}});
  auto records = CashbackRecords(4096);
  JsonDecoder decoder(schema);
  size_t bytes = 0;
  for (auto& r : records) bytes += r.size();
  for (auto _ : state) {
    Batch batch = Batch::Empty(schema);
    for (auto& c : batch.columns()) c->Reserve(records.size());
    for (const auto& r : records) {
      if (!decoder.DecodeRow(r, batch).ok()) state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(batch.num_rows());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_DecodeCashback);

}  // namespace
}  // namespace sluice
