// Decode + filter + project of the cashback record (DESIGN.md §5: >= 2M records/s per core),
// built from the same operators the SQL planner produces for examples/cashback.sql:
//   WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3')
//   SELECT customer_id, amount, round(amount * 0.15, 2) AS cashback, merchant_id, timestamp
// Run: build/release/bench/cashback_pipeline_bench
#include <benchmark/benchmark.h>

#include <random>

#include <fmt/format.h>

#include "exec/filter_operator.h"
#include "exec/project_operator.h"
#include "exec/record_decoder.h"
#include "expr/column_reference.h"
#include "expr/function_call.h"
#include "expr/literal.h"
#include "function/function_registry.h"
#include "plan/call_binder.h"

namespace sluice {
namespace {

RawBatch CashbackRecords(size_t n) {
  std::mt19937 rng(42);
  RawBatch batch;
  batch.set_origin("cashback_topic");
  for (size_t i = 0; i < n; ++i) {
    batch.Add(fmt::format(
                  R"({{"transaction_id": "trans_{}", "customer_id": "cust_{}", "timestamp": "2024-03-{:02} {:02}:{:02}:{:02}", "product_id": "prod_{}", "amount": {}, "merchant_id": "merch_{}"}})",
                  i, rng() % 5 + 1, rng() % 28 + 1, rng() % 24, rng() % 60, rng() % 60,
                  rng() % 7 + 1, rng() % 901 + 100, rng() % 3 + 1),
              0, 0, static_cast<int64_t>(i));
  }
  return batch;
}

ExpressionPtr Call(const std::string& name, std::vector<ExpressionPtr> args) {
  auto bound = BindCall(FunctionRegistry::Builtin(), name, std::move(args));
  if (!bound.ok()) std::abort();
  return *bound;
}

class Collect final : public Operator {
 public:
  Status Push(const Batch& batch, EvalContext&) override {
    rows += batch.num_live_rows();
    return Status::OK();
  }
  std::string Describe() const override { return "collect"; }
  size_t rows = 0;
};

void BM_CashbackDecodeFilterProject(benchmark::State& state) {
  std::vector<ScanColumn> columns = {
      {{"transaction_id", DataType::String(), true}, ""},
      {{"customer_id", DataType::String(), false}, ""},
      {{"timestamp", DataType::Timestamp(), false}, ""},
      {{"product_id", DataType::String(), true}, ""},
      {{"amount", DataType::Int32(), true}, ""},
      {{"merchant_id", DataType::String(), true}, ""}};
  auto decoder = RecordDecoder::Make(columns, "json");
  auto col = [&](int i) {
    return std::make_shared<ColumnReference>(i, columns[i].field.name, columns[i].field.type);
  };
  auto amount_check = Call("greater", {col(4), std::make_shared<Literal>(Value::Int32(500))});
  auto merchant_check = Call("in", {col(5), std::make_shared<Literal>(Value::String("merch_1")),
                                    std::make_shared<Literal>(Value::String("merch_3"))});
  auto filter = std::make_unique<FilterOperator>(Call("and", {amount_check, merchant_check}));
  auto product = Call("multiply", {col(4), std::make_shared<Literal>(Value::Decimal(15, 2, 2))});
  auto cashback = Call("round", {product, std::make_shared<Literal>(Value::Int32(2))});
  Schema out({{"customer_id", DataType::String(), false},
              {"amount", DataType::Int32(), true},
              {"cashback", cashback->type(), true},
              {"merchant_id", DataType::String(), true},
              {"timestamp", DataType::Timestamp(), false}});
  auto project = std::make_unique<ProjectOperator>(
      std::vector<ExpressionPtr>{col(1), col(4), cashback, col(5), col(2)}, out);
  auto collect = std::make_unique<Collect>();
  Collect* sink = collect.get();
  project->AddOutput(std::move(collect));
  filter->AddOutput(std::move(project));

  RawBatch raw = CashbackRecords(4096);
  EvalContext context;
  std::vector<DeadLetter> dead;
  for (auto _ : state) {
    auto batch = (*decoder)->Decode(raw, dead);
    if (!batch.ok() || !filter->Push(*batch, context).ok()) state.SkipWithError("failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * raw.size()));
  state.counters["selected"] = static_cast<double>(sink->rows) / state.iterations();
}
BENCHMARK(BM_CashbackDecodeFilterProject);

}  // namespace
}  // namespace sluice
