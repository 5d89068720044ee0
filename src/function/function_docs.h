#pragma once

#include <span>
#include <string_view>

namespace sluice {

// What docs/functions.md says about one function: a one-line description of its Spark semantics
// (the NULL and edge behaviour that matters) and one example with Spark's result.
//
// The example is a constant expression (Spark runs `SELECT <example>`; sluice, which needs a FROM,
// `SELECT <example> FROM docs_input WHERE x = 1`, one row) or a query that starts with
// SELECT and reads docs_input (DocsInputColumns(), DocsInputRows()). The result is what real
// Spark (PySpark 4.3.0, non-ANSI, UTC) returns, as CAST(x AS STRING) prints it: NULL for NULL,
// arrays as [1, 2], rows as {a, 1}; a query's rows are sorted and joined with "; ", a row's
// columns with ", ". scripts/function_examples writes every result from Spark; never sluice's
// output. test/unit/function_examples_test.cpp runs each example through sluice and checks it,
// and fails when a function sluice knows has no entry.
struct FunctionDoc {
  std::string_view name;
  std::string_view signature;  // empty for registry functions: the registry's signature is used
  std::string_view description;
  std::string_view example;
  std::string_view result;
};

// One family of functions, one table in docs/functions.md.
struct FunctionDocSection {
  std::string_view title;
  std::string_view intro;  // a paragraph under the title, may be empty
  bool registry;           // the registry's scalar functions: signatures come from there
  std::span<const FunctionDoc> docs;  // in name order
};

std::span<const FunctionDocSection> FunctionDocSections();

// The entry of `name` (in any section), or nullptr.
const FunctionDoc* FindFunctionDoc(std::string_view name);

// docs_input, the table the aggregate and query examples read: a DDL column list and its rows as
// JSON objects (a missing field is NULL).
std::string_view DocsInputColumns();
std::span<const std::string_view> DocsInputRows();

}  // namespace sluice
