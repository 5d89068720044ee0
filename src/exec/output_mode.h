#pragma once

#include <optional>
#include <string_view>

namespace sluice {

// How an aggregation's changing result reaches its sink (Spark's output modes).
enum class OutputMode {
  kAppend,    // each result row once, when final: a window after the watermark passes its end
  kUpdate,    // per trigger, the groups that changed since the last one (upsert sinks)
  kComplete,  // per trigger, the whole result table (the console)
};

inline std::string_view OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kAppend: return "append";
    case OutputMode::kUpdate: return "update";
    case OutputMode::kComplete: return "complete";
  }
  return "";
}

inline std::optional<OutputMode> ParseOutputMode(std::string_view text) {
  if (text == "append") return OutputMode::kAppend;
  if (text == "update") return OutputMode::kUpdate;
  if (text == "complete") return OutputMode::kComplete;
  return std::nullopt;
}

}  // namespace sluice
