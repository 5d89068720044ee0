#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Appends `text` with the backslash escapes of the line formats databases load in bulk
// (PostgreSQL's COPY text, MySQL's LOAD DATA): backslash, tab, newline and carriage return as
// \\ \t \n \r, and NUL as \0 when `escape_nul` (MySQL; PostgreSQL text holds no NUL at all).
void AppendBackslashEscaped(std::string_view text, bool escape_nul, std::string& out);

}  // namespace sluice
