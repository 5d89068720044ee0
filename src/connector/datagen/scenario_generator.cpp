#include "connector/datagen/scenario_generator.h"

#include <cmath>

#include <fmt/format.h>

#include "connector/datagen/scenario_support.h"

namespace sluice {
namespace {

struct ScenarioEntry {
  std::string_view name;
  std::unique_ptr<ScenarioGenerator> (*make)(const GeneratorConfig&);
};

constexpr ScenarioEntry kScenarios[] = {
    {"cashback", &datagen::MakeCashbackScenario},
    {"finance", &datagen::MakeFinanceScenario},
    {"people", &datagen::MakePeopleScenario},
    {"words", &datagen::MakeWordsScenario},
    {"purchases", &datagen::MakePurchasesScenario},
    {"nexmark", &datagen::MakeNexmarkScenario},
};

// Text that no JSON parser accepts: what a misconfigured producer or a broken bridge sends.
constexpr std::string_view kNotJson[] = {
    "",
    "not json",
    "ERROR 500: upstream timeout",
    "<record><id>42</id></record>",
    "customer_id=cust_3;amount=750",
    "{{broken}}",
    "{'single': 'quotes'}",
    "undefined",
};

// Distinct streams for content and for malformed decisions, derived from the one seed.
constexpr uint64_t kContentStream = 0x5eed'c0de'0000'0001ULL;
constexpr uint64_t kBadStream = 0xbad0'bad0'0000'0002ULL;

}  // namespace

std::vector<std::string_view> ScenarioGenerator::Scenarios() {
  std::vector<std::string_view> names;
  for (const auto& s : kScenarios) names.push_back(s.name);
  return names;
}

Result<std::unique_ptr<ScenarioGenerator>> ScenarioGenerator::Make(std::string_view scenario,
                                                                   const GeneratorConfig& config) {
  if (!(config.bad_fraction >= 0 && config.bad_fraction <= 1)) {
    return Status::Invalid("datagen: bad fraction must be between 0 and 1, found {}",
                           config.bad_fraction);
  }
  if (config.event_interval_us < 0) {
    return Status::Invalid("datagen: event interval must not be negative, found {} us",
                           config.event_interval_us);
  }
  for (const auto& s : kScenarios) {
    if (s.name == scenario) return s.make(config);
  }
  return Status::Invalid("unknown datagen scenario '{}'; known scenarios: {}", scenario,
                         fmt::join(Scenarios(), ", "));
}

ScenarioGenerator::ScenarioGenerator(std::string_view scenario, const GeneratorConfig& config)
    : scenario_(scenario),
      config_(config),
      rng_(datagen::Rng::Mix(config.seed) ^ kContentStream),
      bad_rng_(datagen::Rng::Mix(config.seed) ^ kBadStream) {}

ScenarioGenerator::Context ScenarioGenerator::Start(GeneratedRecord& out) {
  out.key.clear();
  out.has_key = false;
  out.value.clear();
  out.malformed = false;
  out.malformed_kind.clear();

  const int64_t interval = config_.event_interval_us;
  const int64_t jitter = interval > 1 ? static_cast<int64_t>(rng_.Below(interval)) : 0;
  const int64_t offset_us = static_cast<int64_t>(sequence_) * interval + jitter;
  out.event_time_ms = config_.base_time_ms + offset_us / 1000;
  return Context{sequence_, out.event_time_ms};
}

void ScenarioGenerator::Next(GeneratedRecord& out) {
  const Context ctx = Start(out);
  const bool bad = config_.bad_fraction > 0 && bad_rng_.Chance(config_.bad_fraction);
  Generate(ctx, bad ? &bad_rng_ : nullptr, out);
  out.malformed = bad;
  ++sequence_;
}

void ScenarioGenerator::NextColumns(std::vector<VectorPtr>& columns, GeneratedRecord& out) {
  const Context ctx = Start(out);
  GenerateColumns(ctx, columns, out);
  ++sequence_;
}

void ScenarioGenerator::CorruptToNotJson(datagen::Rng& bad, GeneratedRecord& out) {
  if (out.value.size() > 1 && bad.Below(2) == 0) {
    // Any proper prefix of a JSON object or string is unbalanced, hence not JSON.
    out.value.resize(1 + bad.Below(out.value.size() - 1));
    out.malformed_kind.assign("truncated");
  } else {
    out.value.assign(bad.Pick(kNotJson));
    out.malformed_kind.assign("not_json");
  }
}

}  // namespace sluice
