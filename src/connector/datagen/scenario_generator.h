#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connector/datagen/random.h"
#include "types/schema.h"
#include "vector/vector.h"

namespace sluice {

struct GeneratorConfig {
  uint64_t seed = 0;
  // Probability in [0, 1] that a record is malformed (decided by a seeded PRNG of its own, so the
  // valid records of a seed are the same whatever the fraction).
  double bad_fraction = 0;
  // Event times derive from this (Unix milliseconds, UTC), never from the clock, so the output of
  // a seed is reproducible.
  int64_t base_time_ms = 0;
  // Mean spacing of consecutive event times in microseconds: record i has event time
  // base_time + i * interval + a jitter in [0, interval), so times never go backwards. The
  // datagen source sets it from 'rows-per-second' so event time keeps pace with the clock.
  int64_t event_interval_us = 1000;
};

struct GeneratedRecord {
  std::string key;
  bool has_key = false;
  std::string value;
  int64_t event_time_ms = 0;
  // The record breaks its scenario's contract (DESIGN.md §1) on purpose; `malformed_kind` says how:
  // "not_json", "truncated", or for scenarios with required fields "missing:<field>",
  // "null:<field>", "unparsable:<field>", "wrong_type:<field>".
  bool malformed = false;
  std::string malformed_kind;
};

// Generates the input records of one reference pipeline (DESIGN.md §1): JSON values with the
// contract's field names, ranges and enums, realistic dirt the pipeline must clean, and an optional
// fraction of malformed records. The same config gives a byte-identical sequence.
//
// Scenarios:
//   cashback   {transaction_id, customer_id, timestamp, product_id, amount, merchant_id};
//              key = customer_id
//   finance    nested transactions (items array, shipping_info object), some null amount /
//              balance_after_transaction / transaction_type; key = account_number
//   people     {id, first_name, last_name, email, gender, ip_address, date, country} with null
//              names/emails, invalid IPs and odd-case countries; no key
//   words      JSON strings: restaurant-like names of 1..5 words; no key
//   purchases  {order_id, customer_id, furniture, color, price, ts}; key = customer_id as text
//   nexmark    Nexmark auction events, 1 person : 3 auctions : 46 bids, as Flink's Nexmark table:
//              {event_type 0|1|2, person {...} | null, auction {...} | null, bid {...} | null,
//              dateTime 'YYYY-MM-DD HH:MM:SS.mmm'}; key = auction id (bid, auction) or person id
class ScenarioGenerator {
 public:
  virtual ~ScenarioGenerator() = default;
  ScenarioGenerator(const ScenarioGenerator&) = delete;
  ScenarioGenerator& operator=(const ScenarioGenerator&) = delete;

  // An unknown scenario, a bad fraction outside [0, 1] or a negative interval is kInvalidArgument.
  static Result<std::unique_ptr<ScenarioGenerator>> Make(std::string_view scenario,
                                                         const GeneratorConfig& config);
  // The known scenario names, in a stable order.
  static std::vector<std::string_view> Scenarios();

  // Overwrites `out` with the next record, reusing the capacity of its strings.
  void Next(GeneratedRecord& out);

  // Records straight into columns, without JSON (as Flink's Nexmark source makes rows): binds
  // `schema`, the columns a query reads, laid out as the JSON decoder would fill them. False
  // when the scenario cannot (only nexmark can), when a column is not one of its fields with
  // that type, or when malformed records are asked for: then use Next.
  virtual bool BindColumns(const Schema& schema) {
    (void)schema;
    return false;
  }
  // After BindColumns: appends the next record to `columns` (one per schema field) and sets
  // out's key and event time as Next would; out.value stays empty.
  void NextColumns(std::vector<VectorPtr>& columns, GeneratedRecord& out);

  std::string_view scenario() const { return scenario_; }
  const GeneratorConfig& config() const { return config_; }
  // How many records Next has produced: the sequence number of the next one.
  uint64_t sequence() const { return sequence_; }

 protected:
  struct Context {
    uint64_t sequence;
    int64_t event_time_ms;
  };

  ScenarioGenerator(std::string_view scenario, const GeneratorConfig& config);

  // Writes record `ctx.sequence` into `out` (value, key, has_key), drawing its content from
  // rng(). When `bad` is set the record must come out malformed: the scenario draws from *bad how,
  // after drawing the valid content from rng() as usual, and sets out.malformed_kind.
  virtual void Generate(const Context& ctx, datagen::Rng* bad, GeneratedRecord& out) = 0;
  // The same into the bound columns (see BindColumns).
  virtual void GenerateColumns(const Context& ctx, std::vector<VectorPtr>& columns,
                               GeneratedRecord& out) {
    (void)ctx, (void)columns, (void)out;
  }

  // Turns the valid JSON document in out.value into one that is not JSON: truncated at a random
  // point, or replaced by plain text. Sets out.malformed_kind.
  static void CorruptToNotJson(datagen::Rng& bad, GeneratedRecord& out);

  datagen::Rng& rng() { return rng_; }

 private:
  // Clears `out` and draws the next record's event time.
  Context Start(GeneratedRecord& out);

  std::string_view scenario_;
  GeneratorConfig config_;
  datagen::Rng rng_;
  datagen::Rng bad_rng_;
  uint64_t sequence_ = 0;
};

}  // namespace sluice
