// Type text: what DataType::ToString prints parses back to the same type, also for field names
// that need back quotes (found by the type_parser fuzz target: `b c` printed bare).
#include <gtest/gtest.h>

#include "types/type_parser.h"

namespace sluice {
namespace {

TEST(TypeParser, PrintedTypesParseBackToTheSameType) {
  for (const char* text : {"INT", "DECIMAL(10, 2)", "ARRAY<MAP<STRING, DECIMAL(18, 4)>>",
                           "ROW<a INT NOT NULL, `b c` STRING>", "ROW<`a``b` INT, `1x` DATE, _ok BOOLEAN>",
                           "STRUCT<a: ARRAY<ROW(x DOUBLE)>, b: DATE>"}) {
    auto type = ParseDataType(text);
    ASSERT_TRUE(type.ok()) << text << ": " << type.status().ToString();
    auto again = ParseDataType(type->ToString());
    ASSERT_TRUE(again.ok()) << type->ToString() << ": " << again.status().ToString();
    EXPECT_EQ(*again, *type) << text;
  }
}

TEST(TypeParser, FieldNamesThatNeedQuotesArePrintedQuoted) {
  auto type = ParseDataType("ROW<`b c` STRING, `a``b` INT, plain_1 DATE>");
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  EXPECT_EQ(type->ToString(), "ROW<`b c` STRING, `a``b` INT, plain_1 DATE>");
  EXPECT_EQ(type->fields()[1].name, "a`b");
}

}  // namespace
}  // namespace sluice
