// Option values that refer to environment variables and files (common/secrets.h), and the
// scrubbing of the secrets they bring in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/secrets.h"

namespace sluice {
namespace {

TEST(SecretsTest, EnvironmentAndFileReferences) {
  ::setenv("SLUICE_TEST_SECRET_A", "s3cr3t-from-env", 1);
  const auto file = std::filesystem::temp_directory_path() / ("sluice_secret_" + std::to_string(getpid()));
  std::ofstream(file) << "s3cr3t-from-file\r\n";
  auto value = ResolveReferences("user:${env:SLUICE_TEST_SECRET_A}@${file:" + file.string() + "}", true);
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(*value, "user:s3cr3t-from-env@s3cr3t-from-file");
  // Both are scrubbed from messages once read as secrets.
  EXPECT_EQ(ScrubSecrets("login s3cr3t-from-env / s3cr3t-from-file failed"), "login *** / *** failed");
  // '$${' is a literal '${'; a lone '$' stays.
  EXPECT_EQ(*ResolveReferences("a$${b}$c", false), "a${b}$c");
  std::filesystem::remove(file);
}

TEST(SecretsTest, NotSecretOptionsAreNotScrubbed) {
  ::setenv("SLUICE_TEST_PLAIN", "broker-host-42:9092", 1);
  EXPECT_EQ(*ResolveReferences("${env:SLUICE_TEST_PLAIN}", false), "broker-host-42:9092");
  EXPECT_EQ(ScrubSecrets("connecting to broker-host-42:9092"), "connecting to broker-host-42:9092");
}

TEST(SecretsTest, ErrorsSayWhatIsWrong) {
  ::unsetenv("SLUICE_TEST_UNSET");
  auto unset = ResolveReferences("${env:SLUICE_TEST_UNSET}", true);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("'SLUICE_TEST_UNSET' is not set"), std::string::npos);
  auto missing = ResolveReferences("${file:/no/such/file}", true);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot read the file '/no/such/file'"), std::string::npos);
  auto unknown = ResolveReferences("${vault:x}", true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'${vault:x}' is no reference"), std::string::npos);
  auto open = ResolveReferences("${env:X", true);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("without a closing '}'"), std::string::npos);
}

TEST(SecretsTest, SecretOptionNames) {
  EXPECT_TRUE(IsSecretOptionName("password"));
  EXPECT_TRUE(IsSecretOptionName("properties.sasl.password"));
  EXPECT_TRUE(IsSecretOptionName("properties.ssl.key.password"));
  EXPECT_TRUE(IsSecretOptionName("properties.sasl.oauthbearer.client.secret"));
  EXPECT_FALSE(IsSecretOptionName("properties.bootstrap.servers"));
  EXPECT_FALSE(IsSecretOptionName("password.file"));  // the file's path is no secret
  EXPECT_FALSE(IsSecretOptionName("url"));
}

}  // namespace
}  // namespace sluice
