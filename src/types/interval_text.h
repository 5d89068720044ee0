// Spark's ANSI interval text as CAST from a string and multi-field literals read it, shaped by
// the type's fields: DAY TO SECOND '[+|-]d h:m:s[.f]', DAY TO HOUR 'd h', HOUR TO MINUTE 'h:m',
// MINUTE TO SECOND 'm:s[.f]', a single field its number; YEAR TO MONTH '[+|-]y-m'. The whole
// literal form (INTERVAL '1 02:03' DAY TO MINUTE) is read too when its fields are the type's.
// Fields after the first stay in their range (hours 0-23, minutes and seconds 0-59, months
// 0-11); the first may be any size.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

// Microseconds of a day-time interval with fields start..end (DataType::kDay .. kSecond).
std::optional<int64_t> ParseDayTimeIntervalText(std::string_view text, int start_field, int end_field);
// Months of a year-month interval with fields start..end (DataType::kYear .. kMonth).
std::optional<int32_t> ParseYearMonthIntervalText(std::string_view text, int start_field, int end_field);

// The SQL name of an interval's fields: "DAY", "DAY TO SECOND", "YEAR TO MONTH", ...
std::string_view IntervalFieldName(bool year_month, int field);

}  // namespace sluice
