// A script's planning errors are reported in one pass: each statement is planned even after an
// earlier one failed, and an error caused by an earlier one is not repeated.
#include <gtest/gtest.h>

#include "connector/connector_registry.h"
#include "plan/compiler.h"

namespace sluice {
namespace {

TEST(ScriptErrors, EveryFailingStatementIsReportedOnce) {
  CompileOptions options;
  const std::string script = R"(CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'scenario' = 'cashback');
CREATE TABLE broken (a INT) WITH ('connector' = 'datagen', 'scenario' = 'no-such-scenario');
CREATE TABLE out (a INT, b STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT a, rond(a) FROM src;
INSERT INTO out SELECT nope, 'x' FROM src;
INSERT INTO out SELECT a, 'y' FROM broken;
INSERT INTO out SELECT a, 'z' FROM src;
)";
  auto compiled = CompileScript(script, "errors.sql", options);
  ASSERT_FALSE(compiled.ok());
  const std::string& message = compiled.status().message();
  EXPECT_NE(message.find("errors.sql:4:27: error: unknown function 'rond': did you mean 'rand' or 'round'?"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("errors.sql:5:24: error: unknown column 'nope'"), std::string::npos) << message;
  EXPECT_NE(message.find("no-such-scenario"), std::string::npos) << message;
  // Line 6 reads the broken table: its failure is reported once, where the table is made.
  size_t count = 0;
  for (size_t at = message.find("no-such-scenario"); at != std::string::npos;
       at = message.find("no-such-scenario", at + 1)) {
    ++count;
  }
  EXPECT_LE(count, 2u) << message;  // the message and its quoted source line
  EXPECT_EQ(message.find("errors.sql:7:"), std::string::npos) << message;
}

// With syntax errors nothing is planned: they are all reported, and binding errors (which may
// only follow from them) are not.
TEST(ScriptErrors, SyntaxErrorsOfEveryStatementComeFirstAndAlone) {
  CompileOptions options;
  const std::string script = R"(CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'scenario' = 'cashback');
CREATE TABLE out (a INT, b STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT a, FROM src;
INSERT INTO out SELECT nope, 'x' FROM src;
INSERT INTO out SELECT a, 'y' FROM src WHERE;
)";
  auto compiled = CompileScript(script, "errors.sql", options);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().message(),
            "errors.sql:3:27: error: expected an expression but found 'FROM'\n"
            "    3 | INSERT INTO out SELECT a, FROM src;\n"
            "      |                           ^\n"
            "errors.sql:5:45: error: expected an expression but found ';'\n"
            "    5 | INSERT INTO out SELECT a, 'y' FROM src WHERE;\n"
            "      |                                             ^");
}

}  // namespace
}  // namespace sluice
