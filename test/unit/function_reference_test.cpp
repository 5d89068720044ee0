// docs/functions.md is the function reference (function_docs.cpp + the registry): regenerate it with
// `build/debug/src/sluice functions --markdown > docs/functions.md` when a function changes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "function/function_reference.h"
#include "function/function_registry.h"

namespace sluice {
namespace {

TEST(FunctionReference, DocsFunctionsMdIsCurrent) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/functions.md");
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(file.str(), FunctionReferenceMarkdown())
      << "docs/functions.md is out of date: run build/debug/src/sluice functions --markdown > "
         "docs/functions.md";
}

TEST(FunctionReference, ListsEveryScalarFunction) {
  const std::string doc = FunctionReferenceMarkdown();
  for (const std::string& name : FunctionRegistry::Builtin().Names()) {
    if (name.starts_with('$')) continue;
    EXPECT_NE(doc.find("| `" + name + "` |"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace sluice
