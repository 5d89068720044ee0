#include "connector/database/backslash_escape.h"

namespace sluice {

void AppendBackslashEscaped(std::string_view text, bool escape_nul, std::string& out) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* escape = nullptr;
    switch (text[i]) {
      case '\\': escape = "\\\\"; break;
      case '\t': escape = "\\t"; break;
      case '\n': escape = "\\n"; break;
      case '\r': escape = "\\r"; break;
      case '\0':
        if (!escape_nul) continue;
        escape = "\\0";
        break;
      default: continue;
    }
    out.append(text.data() + start, i - start);
    out += escape;
    start = i + 1;
  }
  out.append(text.data() + start, text.size() - start);
}

}  // namespace sluice
