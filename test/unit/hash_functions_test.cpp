// Expected digests are Spark's (and any md5/sha implementation's) lower-case hex.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "function_test_util.h"

namespace sluice::test {
namespace {

using ::testing::MatchesRegex;

TEST(HashFunction, Md5) {
  EXPECT_EQ(CallText("md5", {Str("Spark")}), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_EQ(CallText("md5", {Str("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(CallText("md5", {NullOf(DataType::String())}), "NULL");
}

TEST(HashFunction, Sha1) {
  EXPECT_EQ(CallText("sha1", {Str("Spark")}), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
  EXPECT_EQ(CallText("sha", {Str("Spark")}), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
}

TEST(HashFunction, Sha2Sizes) {
  const std::string sha256 = "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b";
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(256)}), sha256);
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(0)}), sha256);
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(224)}),
            "dbeab94971678d36af2195851c0f7485775a2a7c60073d62fc04549c");
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(384)}),
            "1e40b8d06c248a1cc32428c22582b6219d072283078fa140d9ad297ecadf2cabefc341b857ad36226aa8"
            "d6d79f2ab67d");
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(512)}),
            "44844a586c54c9a212da1dbfe05c5f1705de1af5fda1f0d36297623249b279fd8f0ccec03f888f4fb13bf"
            "7cd83fdad58591c797f81121a23cfdd5e0897795238");
}

TEST(HashFunction, Sha2UnsupportedBitsIsNull) {
  EXPECT_EQ(CallText("sha2", {Str("Spark"), Int(123)}), "NULL");
  EXPECT_EQ(CallText("sha2", {Str("Spark"), NullOf(DataType::Int32())}), "NULL");
}

TEST(HashFunction, ColumnsWithNulls) {
  auto r = Evaluate("md5", {Col({Str("Spark"), Null(), Str("")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_TRUE(r->out->IsNull(1));
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(HashFunction, NonStringsHashTheirText) {
  EXPECT_EQ(CallText("md5", {Int(1)}), CallText("md5", {Str("1")}));
}

TEST(HashFunction, UuidIsRandomVersion4PerRow) {
  auto bound = Bind("uuid", {});
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->return_type, DataType::String());
  EvalContext eval;
  SelectionVector all;
  Vector out(bound->return_type);
  ASSERT_TRUE(bound->kernel({}, KernelContext{all, 50, eval}, out).ok());
  std::set<std::string> seen;
  for (size_t row = 0; row < 50; ++row) {
    std::string u(out.Get<std::string_view>(row));
    EXPECT_THAT(u, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(HashFunction, BindErrors) {
  EXPECT_EQ(BindError("sha2", {Lit(Str("a"))}),
            "sha2(str, bits 224|256|384|512, 0 = 256) takes 2 arguments, got 1");
  EXPECT_EQ(BindError("sha2", {Lit(Str("a")), Lit(Str("256"))}),
            "sha2: bits must be an integer (224, 256, 384 or 512), found STRING");
  EXPECT_EQ(BindError("md5", {}), "md5(str) takes 1 argument, got 0");
  EXPECT_EQ(BindError("uuid", {Lit(Int(1))}), "uuid() takes 0 arguments, got 1");
}

TEST(HashFunction, Sha2PerRowBits) {
  auto r = Evaluate("sha2", {Lit(Str("Spark")), Col({Int(256), Int(1), Int(224)})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(),
            "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  EXPECT_TRUE(r->out->IsNull(1));
  EXPECT_EQ(ValueAt(*r->out, 2).string(),
            "dbeab94971678d36af2195851c0f7485775a2a7c60073d62fc04549c");
}

TEST(HashFunction, BytesInputHashesTheBytes) {
  auto r = Evaluate("md5", {Col({Str("Spark")}, DataType::Bytes())});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "8cde774d6f7333752ed72cacddb05126");
}

TEST(HashFunction, Sha1OfNullIsNull) {
  EXPECT_EQ(CallText("sha1", {NullOf(DataType::String())}), "NULL");
  EXPECT_EQ(CallText("sha2", {NullOf(DataType::String()), Int(256)}), "NULL");
}

}  // namespace
}  // namespace sluice::test
