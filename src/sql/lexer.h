#pragma once

#include <vector>

#include "common/result.h"
#include "sql/source_text.h"
#include "sql/token.h"

namespace sluice::sql {

// Splits a SQL text into tokens, dropping whitespace and comments (`-- ...`, `/* ... */`).
// The result always ends with a kEnd token, placed just after the last real token so that
// "found end of input" errors point at where more text was expected.
Result<std::vector<Token>> Tokenize(const SourceText& source);

}  // namespace sluice::sql
