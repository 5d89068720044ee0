#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "connector/connector_options.h"
#include "connector/datagen/scenario_generator.h"
#include "connector/source.h"

namespace sluice {

// Generates a reference scenario's input records (ScenarioGenerator) as a source, so a pipeline
// runs without Kafka.
//
// Options (names after Flink's datagen connector):
//   'scenario'        required: cashback | finance | people | words | purchases | nexmark
//   'number-of-rows'  how many records, then the source ends; absent: unbounded
//   'rows-per-second' rate limit (smooth, token bucket); absent or 0: as fast as possible. Event
//                     times then advance 1/rate per record, so they keep pace with the clock.
//   'seed'            PRNG seed (default 0); the same seed and start-time give the same records
//   'bad-fraction'    fraction of malformed records in [0, 1] (default 0)
//   'start-time'      event time of the first record, 'YYYY-MM-DD HH:MM:SS' UTC (default: now)
//   'encoding'        'json' (default): records are JSON text the pipeline decodes, as from Kafka;
//                     'none': the columns are filled in directly, no JSON made or parsed (as
//                     Flink's Nexmark source makes rows) — nexmark only, no bad records
// 'format' and 'json.*' are accepted and ignored: the pipeline decodes.
//
// Records: origin "datagen:<scenario>", partition 0, offset = 0-based sequence number,
// timestamp_ms = event time, key as the scenario defines it.
class DatagenSource final : public Source {
 public:
  static Result<std::unique_ptr<Source>> Make(const ConnectorOptions& options);

  Result<bool> FillColumns(const Schema& physical) override;
  Status Open() override;
  Result<bool> Poll(RawBatch& out, size_t max_records, std::chrono::milliseconds timeout) override;
  Status Close() override;
  std::string Describe() const override;

 private:
  using Clock = std::chrono::steady_clock;

  DatagenSource() = default;
  // Refills the token bucket up to `now`.
  void Refill(Clock::time_point now);

  std::string table_;
  std::string origin_;
  std::optional<int64_t> number_of_rows_;
  double rows_per_second_ = 0;
  std::optional<std::string> start_time_text_;
  GeneratorConfig config_;
  std::unique_ptr<ScenarioGenerator> generator_;
  GeneratedRecord record_;
  bool encode_json_ = true;
  std::optional<Schema> filled_schema_;  // FillColumns accepted: the columns Poll fills
  int64_t delivered_ = 0;
  bool opened_ = false;

  // Token bucket: one token per record, `rows_per_second_` tokens a second, at most
  // `bucket_capacity_` saved up (a tenth of a second's worth) so a stalled consumer does not get
  // a burst afterwards.
  double tokens_ = 0;
  double bucket_capacity_ = 1;
  Clock::time_point last_refill_;
};

}  // namespace sluice
