#pragma once

#include <string>
#include <string_view>

namespace sluice {

// Checks that `text` is one JSON value (RFC 8259), leading and trailing whitespace allowed,
// without building anything: for the parts of a record the decoder skips (fields no query
// reads), which simdjson's On-Demand API passes over without validating. Iterative, so a deeply
// nested value costs no stack. UTF-8 is not checked here (the parser checks the whole document).
// Returns empty when valid, else what is wrong and the byte offset in `text`:
// "invalid escape '\q' at byte 12".
std::string JsonTextProblem(std::string_view text);

// The same, with `*offset` set to the byte of the problem (unchanged when valid).
std::string JsonTextProblem(std::string_view text, size_t* offset);

}  // namespace sluice
