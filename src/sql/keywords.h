#pragma once

#include <string>
#include <string_view>

namespace sluice::sql {

// Words that end an expression or a name in the grammar (FROM, WHERE, JOIN, AND, ...): they
// cannot be bare column names, table names or implicit aliases; backquote them to use them so.
// Words such as DATE, KEY or VALUE are not reserved: the parser tells them apart by context.
bool IsReservedWord(std::string_view word);

// Reserved words that are also Spark function names: followed by '(' in an expression they call
// the function (left(s, 2), rlike(s, re), like(s, p)); elsewhere they keep their grammar role.
bool IsCallableReservedWord(std::string_view word);

std::string ToUpper(std::string_view text);
std::string ToLower(std::string_view text);

}  // namespace sluice::sql
