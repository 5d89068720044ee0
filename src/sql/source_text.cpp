#include "sql/source_text.h"

#include <algorithm>

#include <fmt/format.h>

namespace sluice::sql {

std::string SourceText::FormatError(SourceLocation location, std::string_view message) const {
  std::string out =
      fmt::format("{}:{}:{}: error: {}\n", name_, location.line, location.column, message);

  // Find the line from the byte offset rather than the line number: the offset is exact even
  // when it points one past the end of the text.
  size_t offset = std::min(location.offset, text_.size());
  size_t begin = 0;
  if (offset > 0) {
    size_t newline = text_.rfind('\n', offset - 1);
    if (newline != std::string::npos) begin = newline + 1;
  }
  size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  std::string_view line(text_.data() + begin, end - begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  // The caret goes under the column: copy tabs so it lines up however tabs are rendered, and
  // give each UTF-8 character (not byte) one space.
  std::string prefix;
  size_t before = std::min(offset - begin, line.size());
  for (size_t i = 0; i < before; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      prefix += '\t';
    } else if ((c & 0xC0) != 0x80) {
      prefix += ' ';
    }
  }

  std::string number = std::to_string(location.line);
  size_t width = std::max<size_t>(5, number.size());
  out += fmt::format("{:>{}} | {}\n", number, width, line);
  out += fmt::format("{:>{}} | {}^", "", width, prefix);
  return out;
}

}  // namespace sluice::sql
