// ConnectorOptions::GetBytes: sizes with binary units, plain bytes, and errors that name the
// table and the option.
#include <gtest/gtest.h>

#include "connector/connector_options.h"

namespace sluice {
namespace {

Result<uint64_t> Bytes(const std::string& text) {
  ConnectorOptions options("orders_sink", {{"sink.spill.max-bytes", text}});
  return options.GetBytes("sink.spill.max-bytes", 7);
}

uint64_t BytesOk(const std::string& text) {
  auto r = Bytes(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

TEST(ConnectorOptionsTest, GetBytesUnits) {
  EXPECT_EQ(BytesOk("512 MB"), 512ull * 1024 * 1024);
  EXPECT_EQ(BytesOk("1 GiB"), 1024ull * 1024 * 1024);
  EXPECT_EQ(BytesOk("64kb"), 64ull * 1024);
  EXPECT_EQ(BytesOk("64 KiB"), 64ull * 1024);
  EXPECT_EQ(BytesOk("3k"), 3ull * 1024);
  EXPECT_EQ(BytesOk("2m"), 2ull * 1024 * 1024);
  EXPECT_EQ(BytesOk("4G"), 4ull * 1024 * 1024 * 1024);
  EXPECT_EQ(BytesOk("1.5 KB"), 1536u);
  EXPECT_EQ(BytesOk("1000"), 1000u);
  EXPECT_EQ(BytesOk("10 b"), 10u);
  EXPECT_EQ(BytesOk("10 bytes"), 10u);
  EXPECT_EQ(BytesOk("0"), 0u);
}

TEST(ConnectorOptionsTest, GetBytesFallsBackWhenAbsent) {
  ConnectorOptions options("orders_sink", {});
  auto r = options.GetBytes("sink.spill.max-bytes", 12345);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 12345u);
}

TEST(ConnectorOptionsTest, GetBytesRejectsWhatIsNotASize) {
  // No number, an unknown unit, a negative size, words after the unit, not finite, too big for
  // 64 bits.
  for (const char* text : {"", "lots", "MB", "10 TB", "5 parsecs", "-1 MB", "1 MB extra", "nan",
                           "inf", "-inf", "1e30 GB", "20000000000 GB"}) {
    auto r = Bytes(text);
    ASSERT_FALSE(r.ok()) << "'" << text << "' gave " << *r;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = r.status().message();
    EXPECT_NE(message.find("orders_sink"), std::string::npos) << message;
    EXPECT_NE(message.find("sink.spill.max-bytes"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + std::string(text) + "'"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace sluice
