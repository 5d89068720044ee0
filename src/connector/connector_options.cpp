#include "connector/connector_options.h"

#include <cctype>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "common/closest_name.h"

namespace sluice {

Result<std::string> ConnectorOptions::GetRequired(std::string_view key) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) {
    return Status::Invalid("table '{}': option '{}' is required", table_, key);
  }
  return it->second;
}

std::string ConnectorOptions::GetString(std::string_view key, std::string_view fallback) const {
  auto it = options_.find(std::string(key));
  return it == options_.end() ? std::string(fallback) : it->second;
}

Result<int64_t> ConnectorOptions::GetInt(std::string_view key, int64_t fallback) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    return Status::Invalid("table '{}': option '{}' expects an integer, found '{}'", table_, key,
                           text);
  }
  return static_cast<int64_t>(v);
}

Result<double> ConnectorOptions::GetDouble(std::string_view key, double fallback) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    return Status::Invalid("table '{}': option '{}' expects a number, found '{}'", table_, key,
                           text);
  }
  return v;
}

Result<bool> ConnectorOptions::GetBool(std::string_view key, bool fallback) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return Status::Invalid("table '{}': option '{}' expects 'true' or 'false', found '{}'", table_,
                         key, it->second);
}

Result<std::string> ConnectorOptions::GetEnum(std::string_view key, std::string_view fallback,
                                              const std::vector<std::string_view>& allowed) const {
  std::string value = GetString(key, fallback);
  for (std::string_view a : allowed) {
    if (a == value) return value;
  }
  return Status::Invalid("table '{}': option '{}' expects one of '{}', found '{}'", table_, key,
                         fmt::join(allowed, "', '"), value);
}

Result<int64_t> ConnectorOptions::GetDurationMs(std::string_view key, int64_t fallback_ms) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) return fallback_ms;
  const std::string& text = it->second;
  char* end = nullptr;
  double amount = std::strtod(text.c_str(), &end);
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double factor = -1;
  if (unit.empty() || unit == "ms") factor = 1;
  else if (unit == "s" || unit == "sec" || unit == "second" || unit == "seconds") factor = 1000;
  else if (unit == "min" || unit == "minute" || unit == "minutes") factor = 60'000;
  else if (unit == "h" || unit == "hour" || unit == "hours") factor = 3'600'000;
  // NaN, infinities and durations past int64 would make the conversion below undefined.
  if (end == text.c_str() || factor < 0 || !(amount >= 0) || amount * factor > 9.0e15) {
    return Status::Invalid(
        "table '{}': option '{}' expects a duration such as '10 s', '500 ms' or '1 min', found "
        "'{}'",
        table_, key, text);
  }
  return static_cast<int64_t>(amount * factor);
}

Result<uint64_t> ConnectorOptions::GetBytes(std::string_view key, uint64_t fallback) const {
  auto it = options_.find(std::string(key));
  if (it == options_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  double amount = std::strtod(text.c_str(), &end);
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double factor = -1;
  if (unit.empty() || unit == "b" || unit == "bytes") factor = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k") factor = 1024.0;
  else if (unit == "mb" || unit == "mib" || unit == "m") factor = 1024.0 * 1024;
  else if (unit == "gb" || unit == "gib" || unit == "g") factor = 1024.0 * 1024 * 1024;
  // 'nan', 'inf' and sizes past 2^64 would make the cast below undefined: errors, not sizes.
  const double bytes = amount * factor;
  if (end == text.c_str() || factor < 0 || !(amount >= 0) || !(bytes < 0x1p64)) {
    return Status::Invalid(
        "table '{}': option '{}' expects a size such as '512 MB' or '1 GiB', found '{}'", table_,
        key, text);
  }
  return static_cast<uint64_t>(bytes);
}

Result<int64_t> ConnectorOptions::GetPositiveInt(std::string_view key, int64_t fallback) const {
  SLUICE_ASSIGN_OR_RETURN(int64_t n, GetInt(key, fallback));
  if (n <= 0) {
    return Status::Invalid("table '{}': option '{}' must be a positive number, found '{}'",
                           table_, key, GetString(key, ""));
  }
  return n;
}

Result<uint64_t> ConnectorOptions::GetPositiveBytes(std::string_view key, uint64_t fallback) const {
  SLUICE_ASSIGN_OR_RETURN(uint64_t n, GetBytes(key, fallback));
  if (n == 0) {
    return Status::Invalid("table '{}': option '{}' must be a size above 0, found '{}'", table_,
                           key, GetString(key, ""));
  }
  return n;
}

Result<int64_t> ConnectorOptions::GetPositiveDurationMs(std::string_view key,
                                                        int64_t fallback_ms) const {
  SLUICE_ASSIGN_OR_RETURN(int64_t ms, GetDurationMs(key, fallback_ms));
  if (ms <= 0) {
    return Status::Invalid("table '{}': option '{}' must be a duration above 0, found '{}'",
                           table_, key, GetString(key, ""));
  }
  return ms;
}

Status ConnectorOptions::CheckKnown(std::string_view connector, const std::set<std::string>& known,
                                    const std::vector<std::string>& prefixes) const {
  for (const auto& [key, value] : options_) {
    if (known.count(key)) continue;
    bool prefixed = false;
    for (const auto& p : prefixes) prefixed |= key.rfind(p, 0) == 0;
    if (prefixed) continue;
    std::vector<std::string> names(known.begin(), known.end());
    for (const auto& p : prefixes) names.push_back(p + "*");
    const std::string closest =
        ClosestName(key, std::vector<std::string_view>(known.begin(), known.end()));
    return Status::Invalid("table '{}': unknown option '{}' for connector '{}'{}; known options: {}",
                           table_, key, connector,
                           closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest),
                           fmt::join(names, ", "));
  }
  return Status::OK();
}

std::map<std::string, std::string> ConnectorOptions::WithPrefix(std::string_view prefix) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : options_) {
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) {
      out[key.substr(prefix.size())] = value;
    }
  }
  return out;
}

}  // namespace sluice
