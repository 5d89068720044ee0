// The chaos run: examples/cashback.sql exactly-once while a driver, from a seed, keeps doing
// what production does to a pipeline: kill -9 of sluice, PostgreSQL down for a while, the
// broker restarted, poison records in the input. Afterwards every output (PostgreSQL, the
// output topic read_committed, the error table) must equal what an independent computation
// from the input topic gives: nothing lost, nothing twice.
//
//   SLUICE_CHAOS_SECONDS (default 60) how long faults are injected; bench/chaos.sh runs longer
//   SLUICE_CHAOS_SEED    the driver's seed (default: the time; printed, so a run can be replayed)
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "cashback_run.h"

namespace sluice::testing {
namespace {

std::string Payment(const std::string& customer_json, const std::string& amount_json) {
  return R"({"transaction_id":"poison","customer_id":)" + customer_json +
         R"(,"timestamp":"2024-05-01 10:00:00","product_id":"prod_1","amount":)" + amount_json +
         R"(,"merchant_id":"merch_1"})";
}

// Records the decoder refuses and rows a sink cannot store (see poison_records_test.cpp).
std::vector<std::string> PoisonRecords() {
  return {Payment("\"c\xff\"", "700"),                   // not UTF-8
          std::string("\0\0", 2),                        // NUL bytes
          "not json at all",
          Payment(R"("c\u0000d")", "700"),               // a NUL PostgreSQL text cannot hold
          Payment("\"" + std::string(2 << 20, 'x') + "\"", "800"),  // 2 MB: above the output topic's 1 MB
          Payment("\"cust_2\"", "700000000")};           // a cashback DECIMAL(10, 2) cannot hold
}

class StackService {
 public:
  explicit StackService(const fs::path& dir) : dir_(dir) {}
  // The service always comes back, whatever the test's outcome.
  ~StackService() {
    for (const char* service : {"kafka", "postgres"}) Run(std::string("up ") + service);
  }
  bool Run(const std::string& verb) const {
    const std::string stack = std::string(SLUICE_SOURCE_DIR) + "/scripts/stack";
    return RunCommand(stack + " " + verb, dir_, dir_ / "stack.log") == 0;
  }

 private:
  fs::path dir_;
};

TEST(Chaos, CashbackExactlyOnceThroughKillsOutagesAndPoison) {
  const int seconds = std::stoi(EnvOr("SLUICE_CHAOS_SECONDS", "60"));
  const unsigned seed = static_cast<unsigned>(
      std::stoul(EnvOr("SLUICE_CHAOS_SEED", std::to_string(std::time(nullptr)).c_str())));
  std::mt19937 rng(seed);
  std::printf("chaos: %d s of faults, seed %u (SLUICE_CHAOS_SEED=%u replays the same driver)\n",
              seconds, seed, seed);

  CashbackRun run;
  StackService stack(run.dir());
  const auto poison = PoisonRecords();
  ProduceRaw(run.in_topic(), poison);  // creates the topic (3 partitions)
  // 2,000 payments a second (1% malformed) for as long as the faults last.
  ChildProcess producer(run.ProduceCommand(2000 * seconds, 2000, static_cast<int>(seed % 100000)),
                        run.dir(), run.dir() / "produce.log");
  auto sluice = std::make_unique<ChildProcess>(
      run.RunCommand(false, " --set execution.checkpointing.interval=500ms"), run.dir(), run.log());

  std::map<std::string, int> done;
  std::uniform_int_distribution<int> pause_ms(1500, 5000), action(0, 3), outage_s(2, 8);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    ASSERT_TRUE(sluice->Running()) << "sluice stopped by itself:\n" << ReadText(run.log());
    switch (action(rng)) {
      case 0:  // kill -9, then start again
        sluice->Signal(SIGKILL);
        EXPECT_EQ(sluice->Wait(), 128 + SIGKILL);
        sluice = std::make_unique<ChildProcess>(
            run.RunCommand(false, " --set execution.checkpointing.interval=500ms"), run.dir(),
            run.log());
        ++done["kill -9 of sluice"];
        break;
      case 1: {  // PostgreSQL down for a few seconds: the sinks retry, then spill
        ASSERT_TRUE(stack.Run("down postgres")) << ReadText(run.dir() / "stack.log");
        std::this_thread::sleep_for(std::chrono::seconds(outage_s(rng)));
        ASSERT_TRUE(stack.Run("up postgres")) << ReadText(run.dir() / "stack.log");
        ++done["PostgreSQL outage"];
        break;
      }
      case 2:  // the broker restarted
        ASSERT_TRUE(stack.Run("down kafka")) << ReadText(run.dir() / "stack.log");
        ASSERT_TRUE(stack.Run("up kafka")) << ReadText(run.dir() / "stack.log");
        ++done["broker restart"];
        break;
      case 3:  // poison records among the payments
        ProduceRaw(run.in_topic(), poison, /*create=*/false);
        ++done["poison records injected (6 each)"];
        break;
    }
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(run.dir() / "produce.log");
  ASSERT_TRUE(sluice->Running()) << "sluice stopped by itself:\n" << ReadText(run.log());
  sluice->Signal(SIGINT);
  EXPECT_EQ(sluice->Wait(), 0) << ReadText(run.log());
  run.Finish();
  run.ExpectExactOutput();
  std::string what;
  for (const auto& [fault, count] : done) what += fmt::format("{}{} {}", what.empty() ? "" : ", ", count, fault);
  std::printf("chaos: %s; every output equals the independent computation\n", what.c_str());
}

}  // namespace
}  // namespace sluice::testing
