#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace sluice {

// The WITH ('key' = 'value', ...) options of a table, with typed getters whose errors name the
// table, the option and what was expected. Keys are case-sensitive, as in Flink.
class ConnectorOptions {
 public:
  ConnectorOptions() = default;
  ConnectorOptions(std::string table_name, std::map<std::string, std::string> options)
      : table_(std::move(table_name)), options_(std::move(options)) {}

  const std::string& table_name() const { return table_; }
  const std::map<std::string, std::string>& all() const { return options_; }
  bool Has(std::string_view key) const { return options_.count(std::string(key)) > 0; }

  Result<std::string> GetRequired(std::string_view key) const;
  std::string GetString(std::string_view key, std::string_view fallback) const;
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  Result<double> GetDouble(std::string_view key, double fallback) const;
  Result<bool> GetBool(std::string_view key, bool fallback) const;
  // One of `allowed`, or an error listing them.
  Result<std::string> GetEnum(std::string_view key, std::string_view fallback,
                              const std::vector<std::string_view>& allowed) const;
  // A duration such as '10 s', '500 ms', '1 min', '2 h' or plain milliseconds; in milliseconds.
  Result<int64_t> GetDurationMs(std::string_view key, int64_t fallback_ms) const;
  // A size such as '512 MB', '1 GiB', '64 kb' or plain bytes; in bytes.
  Result<uint64_t> GetBytes(std::string_view key, uint64_t fallback) const;
  // The same, refusing 0 and negative values (counts, sizes and intervals that must be > 0).
  Result<int64_t> GetPositiveInt(std::string_view key, int64_t fallback) const;
  Result<uint64_t> GetPositiveBytes(std::string_view key, uint64_t fallback) const;
  Result<int64_t> GetPositiveDurationMs(std::string_view key, int64_t fallback_ms) const;

  // The pipeline the table belongs to (SET 'pipeline.name'), for sinks that record progress.
  const std::string& pipeline_name() const { return pipeline_; }
  void set_pipeline_name(std::string name) { pipeline_ = std::move(name); }
  // SET 'pipeline.startup-timeout': how long a connector may wait for its service at start
  // (brokers that do not answer, a transaction coordinator that is not there).
  int64_t startup_timeout_ms() const { return startup_timeout_ms_; }
  void set_startup_timeout_ms(int64_t ms) { startup_timeout_ms_ = ms; }

  // Every option not in `known` and not under one of `prefixes` (e.g. "properties.") is an
  // error that lists the known options, catching typos before a pipeline runs.
  Status CheckKnown(std::string_view connector, const std::set<std::string>& known,
                    const std::vector<std::string>& prefixes = {}) const;

  // Options under `prefix`, with the prefix removed ('properties.acks' -> 'acks').
  std::map<std::string, std::string> WithPrefix(std::string_view prefix) const;

 private:
  std::string table_;
  std::string pipeline_;
  int64_t startup_timeout_ms_ = 60'000;
  std::map<std::string, std::string> options_;
};

}  // namespace sluice
