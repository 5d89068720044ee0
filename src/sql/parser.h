#pragma once

#include <cstddef>

#include "common/result.h"
#include "sql/ast.h"
#include "sql/source_text.h"

namespace sluice::sql {

// How many errors one pass over a script reports, syntax errors here and planning errors in
// the compiler alike; past it the message ends with "(and N more)".
inline constexpr size_t kMaxScriptErrors = 10;

// Parses a script of statements separated by ';' (the last one optional): CREATE TABLE,
// INSERT INTO ... SELECT, SELECT and SET. Errors are formatted by `source` with the line,
// column and a caret under the offending token. A syntax error skips the rest of its
// statement (to its top-level ';') and parsing goes on, so every statement's first syntax
// error is reported, in file order, up to kMaxScriptErrors. A lexer error
// (an unterminated string or comment, a stray character) stops at once.
Result<Script> ParseScript(const SourceText& source);

// Parses a single expression filling the whole text; for tests and tools.
Result<ParsedExprPtr> ParseExpression(const SourceText& source);

}  // namespace sluice::sql
