#include "connector/source_offsets_json.h"

#include <charconv>

#include <fmt/format.h>

#include "format/json_encoder.h"

namespace sluice {

void AppendSourceOffsetsJson(const SourceOffsets& offsets, std::string& out) {
  out += '{';
  bool first_origin = true;
  for (const auto& [origin, partitions] : offsets) {
    if (!first_origin) out += ',';
    first_origin = false;
    AppendJsonString(origin, out);
    out += ":{";
    bool first = true;
    for (const auto& [partition, offset] : partitions) {
      out += fmt::format("{}\"{}\":{}", first ? "" : ",", partition, offset);
      first = false;
    }
    out += '}';
  }
  out += '}';
}

bool ReadSourceOffsetsJson(simdjson::dom::object object, SourceOffsets& out) {
  for (auto [origin, partitions] : object) {
    simdjson::dom::object parts;
    if (partitions.get(parts)) return false;
    auto& target = out[std::string(origin)];
    for (auto [partition, offset] : parts) {
      int64_t o = 0;
      if (offset.get(o)) return false;
      // from_chars, not std::stoi: a damaged partition name is a false, not an exception.
      int32_t p = 0;
      const char* last = partition.data() + partition.size();
      auto parsed = std::from_chars(partition.data(), last, p);
      if (parsed.ec != std::errc() || parsed.ptr != last) return false;
      target[p] = o;
    }
  }
  return true;
}

}  // namespace sluice
