// One CSV record as Spark's from_csv reads it and to_csv writes it (its univocity settings):
// backslash escapes a quote inside quotes, a quote that does not close the field makes the whole
// field plain text up to the next delimiter, and written values are trimmed of surrounding
// whitespace and quoted when they hold the delimiter, a quote or a line break. The file sink's
// CSV (format/csv_encoder.h) is RFC 4180 instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct SparkCsvDialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '\\';
  bool trim_leading = false;   // ignoreLeadingWhiteSpace (reading's default false, writing's true)
  bool trim_trailing = false;  // ignoreTrailingWhiteSpace (the same)
  bool quote_all = false;      // quoteAll, writing only
};

// The fields of `record`, unquoted and unescaped; an empty record has one empty field.
void SplitSparkCsvRecord(std::string_view record, const SparkCsvDialect& dialect,
                         std::vector<std::string>& fields);

// Appends one non-NULL value as to_csv writes it (an empty value as two quotes).
void AppendSparkCsvField(std::string_view value, const SparkCsvDialect& dialect, std::string& out);

}  // namespace sluice
