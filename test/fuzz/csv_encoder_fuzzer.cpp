// CSV lines as files and the console write them. Property: any three strings (or NULLs) encode
// as one line that an RFC 4180 reader splits back into exactly those fields, NULL (an empty
// field) kept apart from the empty string ("").
#include <optional>
#include <string>
#include <vector>

#include "format/csv_encoder.h"
#include "fuzz_target.h"
#include "vector/batch.h"

namespace sluice {
namespace {

// An independent RFC 4180 reader for one record; nullopt stands for an unquoted empty field.
std::optional<std::vector<std::optional<std::string>>> ReadRecord(std::string_view line, char delimiter) {
  std::vector<std::optional<std::string>> fields;
  size_t i = 0;
  while (true) {
    std::string field;
    bool quoted = false;
    if (i < line.size() && line[i] == '"') {
      quoted = true;
      ++i;
      while (true) {
        if (i >= line.size()) return std::nullopt;  // no closing quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
    } else {
      while (i < line.size() && line[i] != delimiter) {
        if (line[i] == '"' || line[i] == '\n' || line[i] == '\r') return std::nullopt;
        field += line[i++];
      }
    }
    fields.push_back(quoted || !field.empty() ? std::optional<std::string>(field) : std::nullopt);
    if (i == line.size()) return fields;
    if (line[i] != delimiter) return std::nullopt;  // text after a closing quote
    ++i;
  }
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(csv_encoder) {
  using namespace sluice;
  if (size < 1) return 0;
  static const char kDelimiters[] = {',', ';', '\t', '|'};
  const char delimiter = kDelimiters[data[0] & 3];
  const uint8_t nulls = data[0] >> 2;
  std::string_view rest = fuzz::AsText(data + 1, size - 1);
  Schema schema({{"a", DataType::String(), true}, {"b", DataType::String(), true}, {"c", DataType::String(), true}});
  Batch batch = Batch::Empty(schema);
  std::vector<std::optional<std::string>> expected;
  for (size_t c = 0; c < 3; ++c) {
    size_t end = rest.find('\0');
    std::string_view value = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (nulls & (1u << c)) {
      batch.column(c).AppendNull();
      expected.emplace_back(std::nullopt);
    } else {
      batch.column(c).AppendString(value);
      expected.emplace_back(std::string(value));
    }
  }
  batch.set_num_rows(1);
  CsvEncoder encoder(schema, {.delimiter = delimiter});
  std::string line;
  encoder.AppendRow(batch, 0, line);
  if (line.empty() || line.back() != '\n') fuzz::Fail("a CSV line does not end with a newline", line);
  line.pop_back();
  auto fields = ReadRecord(line, delimiter);
  if (!fields) fuzz::Fail("a CSV line is not RFC 4180", line);
  if (*fields != expected) fuzz::Fail("a CSV line reads back as other fields", line);
  return 0;
}
