#include "format/spark_csv_text.h"

namespace sluice {
namespace {

// univocity's whitespace: every character up to the space.
bool IsCsvWhitespace(char c) { return static_cast<unsigned char>(c) <= ' '; }

std::string_view Trim(std::string_view s, bool leading, bool trailing) {
  while (leading && !s.empty() && IsCsvWhitespace(s.front())) s.remove_prefix(1);
  while (trailing && !s.empty() && IsCsvWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

void SplitSparkCsvRecord(std::string_view record, const SparkCsvDialect& d,
                         std::vector<std::string>& fields) {
  fields.clear();
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    if (d.trim_leading) {
      while (start < record.size() && IsCsvWhitespace(record[start]) && record[start] != d.delimiter) ++start;
    }
    const size_t next_delimiter = record.find(d.delimiter, start);
    const size_t plain_end = next_delimiter == std::string_view::npos ? record.size() : next_delimiter;
    std::string value;
    bool quoted_field = false;
    if (start < record.size() && record[start] == d.quote) {
      // A quoted field: ends at a quote followed by the delimiter or the end of the record.
      size_t i = start + 1;
      bool closed = false;
      while (i < record.size()) {
        const char c = record[i];
        if (c == d.escape && d.escape != d.quote && i + 1 < record.size() && record[i + 1] == d.quote) {
          value += d.quote;
          i += 2;
          continue;
        }
        if (c == d.quote) {
          size_t after = i + 1;
          if (d.trim_trailing) {
            while (after < record.size() && IsCsvWhitespace(record[after]) && record[after] != d.delimiter) {
              ++after;
            }
          }
          if (after == record.size() || record[after] == d.delimiter) {
            closed = true;
            pos = after;
          }
          break;
        }
        value += c;
        ++i;
      }
      quoted_field = closed || i >= record.size();
      if (!closed && i >= record.size()) pos = record.size();
    }
    if (!quoted_field) {
      // Plain text, also a quote that does not close its field: up to the next delimiter.
      value.assign(Trim(record.substr(start, plain_end - start), false, d.trim_trailing));
      pos = plain_end;
    }
    fields.push_back(std::move(value));
    if (pos >= record.size()) return;
    ++pos;  // past the delimiter
  }
}

void AppendSparkCsvField(std::string_view value, const SparkCsvDialect& d, std::string& out) {
  value = Trim(value, d.trim_leading, d.trim_trailing);
  const bool needs_quotes =
      d.quote_all || value.empty() ||
      value.find_first_of(std::string{d.delimiter, d.quote, '\r', '\n'}) != std::string_view::npos;
  if (!needs_quotes) {
    out += value;
    return;
  }
  out += d.quote;
  for (char c : value) {
    if (c == d.quote) out += d.escape;
    out += c;
  }
  out += d.quote;
}

}  // namespace sluice
