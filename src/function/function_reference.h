#pragma once

#include <string>

namespace sluice {

// docs/functions.md: every scalar function of the registry with its signature, and every
// aggregate function, in name order. A unit test keeps the checked-in file equal to this, so the
// reference cannot drift from the code ('sluice functions --markdown' writes it).
std::string FunctionReferenceMarkdown();

}  // namespace sluice
