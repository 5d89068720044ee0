#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vector/batch.h"
#include "vector/string_arena.h"

namespace sluice {

// A record as a source delivers it, before decoding: bytes plus where it came from. `origin` is
// the topic, file path or generator name, so an error can say topic/partition/offset or
// file:line.
struct RawRecord {
  std::string_view key;
  std::string_view value;
  int64_t timestamp_ms = 0;  // the record's own time (Kafka timestamp, generation time)
  int32_t partition = 0;     // Kafka partition; 0 for files and generators
  int64_t offset = 0;        // Kafka offset, file line number (1-based), generator sequence
  bool has_key = false;
  // Kafka headers as a JSON object ('{"trace":"abc"}', values as text); empty when none.
  std::string_view headers;
};

// A batch of raw records whose bytes live in one arena. At least kReadAhead readable bytes
// follow every key and value, so JSON is parsed where it lies (JsonDecoder::DecodePaddedRow).
class RawBatch {
 public:
  static constexpr size_t kReadAhead = 64;

  std::string_view origin() const { return origin_; }
  void set_origin(std::string origin) { origin_ = std::move(origin); }

  // Copies key and value bytes into the batch's arena.
  void Add(std::string_view value, int64_t timestamp_ms, int32_t partition, int64_t offset) {
    records_.push_back(RawRecord{{}, arena_.Add(value), timestamp_ms, partition, offset, false, {}});
  }
  void AddWithKey(std::string_view key, std::string_view value, int64_t timestamp_ms,
                  int32_t partition, int64_t offset) {
    records_.push_back(
        RawRecord{arena_.Add(key), arena_.Add(value), timestamp_ms, partition, offset, true, {}});
  }
  // Attaches headers (JSON object text) to the record added last.
  void SetLastHeaders(std::string_view headers) { records_.back().headers = arena_.Add(headers); }

  // Rows the source filled in itself (Source::FillColumns), one per record, in the decoder's
  // physical layout; the records then carry positions, times and keys, no values.
  void SetFilled(Batch rows) { filled_ = std::move(rows); has_filled_ = true; }
  const Batch* filled() const { return has_filled_ ? &filled_ : nullptr; }

  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  const RawRecord& operator[](size_t i) const { return records_[i]; }
  const std::vector<RawRecord>& records() const { return records_; }

 private:
  std::string origin_;
  StringArena arena_{64 * 1024, kReadAhead};
  std::vector<RawRecord> records_;
  Batch filled_;
  bool has_filled_ = false;
};

}  // namespace sluice
