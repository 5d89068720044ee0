#pragma once

#include "common/result.h"
#include "sql/ast.h"
#include "sql/source_text.h"

namespace sluice::sql {

// Parses a script of statements separated by ';' (the last one optional): CREATE TABLE,
// INSERT INTO ... SELECT, SELECT and SET. Errors are formatted by `source` with the line,
// column and a caret under the offending token.
Result<Script> ParseScript(const SourceText& source);

// Parses a single expression filling the whole text; for tests and tools.
Result<ParsedExprPtr> ParseExpression(const SourceText& source);

}  // namespace sluice::sql
