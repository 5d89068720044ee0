#pragma once

#include <string>
#include <vector>

#include "function/function_docs.h"

namespace sluice {

// One function of the reference: its section (family), name, signature (the registry's for a
// registry function) and its description and example (nullptr when it has no entry yet: the
// function examples test fails then).
struct FunctionReferenceEntry {
  std::string section;
  std::string name;
  std::string signature;
  const FunctionDoc* doc = nullptr;
};

// Every function sluice knows, section by section (FunctionDocSections()), in name order within
// a section; the registry's scalar functions without an entry are listed too.
std::vector<FunctionReferenceEntry> FunctionReferenceEntries();

// docs/functions.md: every function with its signature, description, example and Spark's result
// for it. A unit test keeps the checked-in file equal to this, so the reference cannot drift from
// the code ('sluice functions --markdown' writes it).
std::string FunctionReferenceMarkdown();

}  // namespace sluice
