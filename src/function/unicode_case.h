#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Case mapping over all of Unicode, as Spark's upper/lower/initcap do through Java's String
// methods: the root locale's full mappings ('ß' upper-cases to "SS", a final 'Σ' lower-cases to
// 'ς'). ASCII-only text takes a byte loop; invalid UTF-8 becomes U+FFFD, as in Java.
void AppendUpper(std::string_view s, std::string& out);
void AppendLower(std::string_view s, std::string& out);

// Spark's initcap: the lower-cased text with the first character after each ' ' (and the very
// first) title-cased.
void AppendInitcap(std::string_view s, std::string& out);

}  // namespace sluice
