#include "sql/keywords.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sluice::sql {

namespace {

// Sorted, upper case.
constexpr std::array<std::string_view, 51> kReserved = {
    "ALL",      "AND",     "AS",      "ASC",    "BETWEEN", "BY",        "CASE",   "CAST",
    "CREATE",   "CROSS",   "DESC",    "DISTINCT", "ELSE",  "END",       "EXCEPT", "EXISTS",
    "EXTRACT",  "FALSE",   "FROM",    "FULL",   "GROUP",   "HAVING",    "IN",     "INNER",
    "INSERT",   "INTERSECT", "INTO",  "IS",     "JOIN",    "LATERAL",   "LEFT",   "LIKE",
    "LIMIT",    "NOT",     "NULL",    "ON",     "OR",      "ORDER",     "OUTER",  "OVER",
    "REGEXP",   "RIGHT",   "RLIKE",   "SELECT", "TABLE",   "THEN",      "TRUE",   "UNION",
    "UNNEST",   "WHEN",    "WHERE",
};

// Sorted, upper case.
constexpr std::array<std::string_view, 6> kCallable = {"EXISTS", "LEFT", "LIKE", "REGEXP", "RIGHT",
                                                       "RLIKE"};

}  // namespace

bool IsCallableReservedWord(std::string_view word) {
  if (word.size() > 6) return false;
  std::string upper = ToUpper(word);
  return std::binary_search(kCallable.begin(), kCallable.end(), std::string_view(upper));
}

bool IsReservedWord(std::string_view word) {
  if (word.size() > 10) return false;
  std::string upper = ToUpper(word);
  return std::binary_search(kReserved.begin(), kReserved.end(), std::string_view(upper));
}

std::string ToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace sluice::sql
