#pragma once

#include <cstdint>
#include <string>

namespace sluice {

// What to do with a record that does not decode, or a row a sink cannot store ('errors' option
// of the source table it came from).
enum class ErrorPolicy { kFail, kSkip, kDeadLetter };

// A record that could not become a row, with everything needed to find and replay it.
struct DeadLetter {
  std::string value;   // the raw bytes, as received
  std::string key;
  std::string origin;  // topic, file path or generator
  int32_t partition = 0;
  int64_t offset = 0;  // Kafka offset, file line, generator sequence
  int64_t timestamp_ms = 0;
  std::string reason;
};

}  // namespace sluice
