// Whole pipelines compiled from SQL, fed from memory: what the planner builds, without the cost
// of a broker. Records come from the datagen scenarios, pre-generated, and are replayed from a
// bounded in-memory source; a counting sink discards the rows.
//
//   build/release/bench/sql_pipeline_bench --benchmark_counters_tabular=true
// items_per_second is records per second of one core (the pipeline runs on the calling thread).
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>

#include "connector/connector_registry.h"
#include "connector/datagen/scenario_generator.h"
#include "plan/compiler.h"

namespace sluice {
namespace {

constexpr size_t kBatch = 4096;
constexpr size_t kBatches = 25;

std::vector<std::string> Generate(const std::string& scenario) {
  GeneratorConfig config;
  config.seed = 7;
  config.base_time_ms = 1717232400000;
  auto generator = ScenarioGenerator::Make(scenario, config);
  if (!generator.ok()) std::abort();
  std::vector<std::string> records;
  GeneratedRecord record;
  for (size_t i = 0; i < kBatch; ++i) {
    (*generator)->Next(record);
    records.push_back(record.value);
  }
  return records;
}

// Replays the same records kBatches times.
class ReplaySource final : public Source {
 public:
  explicit ReplaySource(const std::vector<std::string>* records) : records_(records) {}
  Status Open() override { return Status::OK(); }
  Result<bool> Poll(RawBatch& out, size_t, std::chrono::milliseconds) override {
    out.set_origin("bench");
    for (size_t i = 0; i < records_->size(); ++i) {
      out.Add((*records_)[i], 0, 0, static_cast<int64_t>(sent_ * records_->size() + i));
    }
    return ++sent_ < kBatches;
  }
  Status Close() override { return Status::OK(); }
  std::string Describe() const override { return "replay"; }

 private:
  const std::vector<std::string>* records_;
  size_t sent_ = 0;
};


void RunScript(benchmark::State& state, const std::string& scenario, const std::string& sql) {
  std::vector<std::string> records = Generate(scenario);
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  registry.RegisterSource("replay", [&](const ConnectorOptions&, const Schema&)
                                        -> Result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(new ReplaySource(&records));
  });
  CompileOptions options;
  options.registry = &registry;
  uint64_t rows_out = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto compiled = CompileScript(sql, "bench.sql", options);
    if (!compiled.ok()) {
      state.SkipWithError(compiled.status().message().c_str());
      return;
    }
    Pipeline& pipeline = (*compiled)->pipeline();
    std::atomic<bool> stop{false};
    if (!pipeline.Open().ok()) std::abort();
    state.ResumeTiming();
    Status s = pipeline.Run(stop);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    for (auto* sink : pipeline.sinks()) rows_out += sink->rows_written();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch * kBatches));
  state.counters["rows_out_per_record"] =
      static_cast<double>(rows_out) / static_cast<double>(state.iterations() * kBatch * kBatches);
}

void BM_CashbackSql(benchmark::State& state) {
  RunScript(state, "cashback", R"(
    CREATE TABLE cashback (transaction_id STRING, customer_id STRING NOT NULL,
      `timestamp` TIMESTAMP NOT NULL, product_id STRING, amount INT, merchant_id STRING)
      WITH ('connector' = 'replay');
    CREATE TABLE eligible (customer_id STRING, amount INT, cashback DECIMAL(10, 2),
      merchant_id STRING, `timestamp` TIMESTAMP) WITH ('connector' = 'blackhole');
    INSERT INTO eligible
    SELECT customer_id, amount, ROUND(amount * 0.15, 2), merchant_id, `timestamp`
    FROM cashback WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');
  )");
}
BENCHMARK(BM_CashbackSql)->Unit(benchmark::kMillisecond);

void BM_FinanceUnnestSql(benchmark::State& state) {
  RunScript(state, "finance", R"(
    CREATE TABLE finance (
      transaction_id STRING, account_number STRING, account_holder STRING,
      transaction_type STRING, amount DOUBLE, currency STRING, transaction_date DATE,
      merchant_name STRING, merchant_category STRING, location STRING,
      balance_after_transaction DOUBLE,
      transaction_items ARRAY<ROW<item_id STRING, product_name STRING, quantity INT,
                                  unit_price DOUBLE>>,
      shipping_info ROW<address STRING, shipping_method STRING, shipping_cost DOUBLE,
                        estimated_delivery DATE, tracking_number STRING>,
      customer_feedback BOOLEAN, discount_applied BOOLEAN
    ) WITH ('connector' = 'replay');
    CREATE TABLE items (transaction_id STRING, account_number STRING, product_name STRING,
      quantity INT, unit_price DOUBLE, shipping_method STRING) WITH ('connector' = 'blackhole');
    INSERT INTO items
    SELECT f.transaction_id, f.account_number, item.product_name, item.quantity,
           item.unit_price, f.shipping_info.shipping_method
    FROM finance AS f CROSS JOIN UNNEST(f.transaction_items) AS item;
  )");
}
BENCHMARK(BM_FinanceUnnestSql)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice
