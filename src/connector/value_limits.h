#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "types/schema.h"
#include "types/timestamp.h"
#include "vector/batch.h"

namespace sluice {

// A row a sink cannot store, found before it is written: it becomes a dead letter that names the
// sink and the column instead of failing the sink's write.
struct RowReject {
  uint32_t row = 0;    // in the batch
  std::string column;  // the sink column
  std::string reason;  // what the value is and why it does not fit
};

// What a sink's target can hold, declared once per kind of sink and checked by one routine.
struct ValueLimits {
  std::string_view target;  // for messages: "PostgreSQL", "a Kafka JSON record"
  bool text_must_be_utf8 = false;  // STRING values, also strings nested in ROW/ARRAY
  bool text_may_contain_nul = true;
  int64_t min_timestamp_micros = INT64_MIN;
  int64_t max_timestamp_micros = INT64_MAX;
  int32_t min_date_days = INT32_MIN;
  int32_t max_date_days = INT32_MAX;
};

// Appends one reject (its first offending column) for every live row of `batch` holding a value
// outside `limits`; `schema` names the columns. Costs one pass over the text and time columns.
void FindValuesOutsideLimits(const Schema& schema, const Batch& batch, const ValueLimits& limits,
                             std::vector<RowReject>& rejects);

// Why `text` is not storable as text under `limits`, or empty: "a NUL byte at byte 3",
// "bytes that are not UTF-8 (0xFF at byte 1)".
std::string TextProblem(std::string_view text, bool must_be_utf8, bool may_contain_nul);

// `text` made storable anywhere: every byte that is not part of valid UTF-8, and NUL, written as
// \xNN (a backslash stays a backslash). For dead letters, whose raw value must reach a text column.
std::string EscapeUnstorableText(std::string_view text);

// Sorts rejects by row and keeps the first per row.
void NormalizeRejects(std::vector<RowReject>& rejects);

}  // namespace sluice
