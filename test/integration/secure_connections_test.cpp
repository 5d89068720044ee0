// The cashback pipeline over encrypted, authenticated connections of the local stack (scripts/
// stack): Kafka's SASL_SSL listener (PLAIN: Debian 12's librdkafka 2.0.2 cannot do SCRAM with
// Kafka 4, see kafka_client_config.cpp) and PostgreSQL with TLS, both verified
// against the stack's CA (sslmode=verify-full, 'properties.ssl.ca.location'), with the
// passwords given by an environment variable and a file, never in the SQL and never in any
// output.
#include "cashback_run.h"

namespace sluice::testing {
namespace {

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  EXPECT_NE(value, nullptr) << name << " is not set: start the stack with scripts/stack up (it "
                               "must have been restarted since the SASL_SSL listener was added: "
                               "scripts/stack down && scripts/stack up), then source .stack/env";
  return value ? value : "";
}

// The run's SQL with every Kafka table on the SASL_SSL listener and every PostgreSQL table on
// TLS; `kafka_password` and `pg_password_file` are what the SQL refers to, not the secrets.
std::string SecureSql(std::string sql, const std::string& ca) {
  const std::string kafka =
      "'properties.bootstrap.servers' = '" + RequiredEnv("SLUICE_KAFKA_SASL_BOOTSTRAP") +
      "', 'properties.security.protocol' = 'SASL_SSL', 'properties.sasl.mechanism' = "
      "'PLAIN', 'properties.sasl.username' = '" + RequiredEnv("SLUICE_KAFKA_SASL_USER") +
      "', 'properties.sasl.password' = '${env:TEST_KAFKA_PASSWORD}', 'properties.ssl.ca.location' = '" +
      ca + "'";
  ReplaceAll(sql, "'properties.bootstrap.servers' = '" + KafkaBootstrap() + "'", kafka);
  // PostgreSQL: a URL without the password, verified against the CA; the password from a file.
  const std::string port = EnvOr("SLUICE_PG_PORT", "5432");
  const std::string url = "'url' = 'postgresql://sluice@127.0.0.1:" + port +
                          "/sluice?sslmode=verify-full&sslrootcert=" + ca +
                          "', 'password.file' = 'pg-password'";
  ReplaceAll(sql, "'url' = '" + PostgresDsn() + "'", url);
  EXPECT_NE(sql.find("SASL_SSL"), std::string::npos);
  EXPECT_NE(sql.find("verify-full"), std::string::npos);
  return sql;
}

class SecureConnectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = RequiredEnv("SLUICE_TLS_CA");
    kafka_password_ = RequiredEnv("SLUICE_KAFKA_SASL_PASSWORD");
    ASSERT_FALSE(ca_.empty() || kafka_password_.empty());
    std::ofstream(run_.dir() / "pg-password") << "sluice\n";
    std::ofstream(run_.dir() / "secure.sql")
        << SecureSql(ReadText(run_.dir() / "bounded.sql"), ca_);
  }
  // `sluice <verb> secure.sql` with the Kafka password in TEST_KAFKA_PASSWORD.
  std::string Command(const std::string& verb, const std::string& kafka_password,
                      const std::string& file = "secure.sql") const {
    return "env TEST_KAFKA_PASSWORD='" + kafka_password + "' " + std::string(SLUICE_BINARY) + " " +
           verb + " " + (run_.dir() / file).string();
  }

  CashbackRun run_;
  std::string ca_;
  std::string kafka_password_;
};

TEST_F(SecureConnectionsTest, CashbackOverSaslSslAndVerifiedTls) {
  ASSERT_EQ(RunCommand(run_.ProduceCommand(20000, 0, 71), run_.dir(), run_.log()), 0);
  ASSERT_EQ(RunCommand(Command("run", kafka_password_), run_.dir(), run_.log()), 0)
      << ReadText(run_.log());
  run_.ExpectExactOutput();
  // The secret is in neither the SQL nor anything sluice wrote.
  EXPECT_EQ(ReadText(run_.dir() / "secure.sql").find(kafka_password_), std::string::npos);
  const fs::path explain_log = run_.dir() / "explain.log";
  ASSERT_EQ(RunCommand(Command("explain", kafka_password_), run_.dir(), explain_log), 0)
      << ReadText(explain_log);
  EXPECT_EQ(ReadText(explain_log).find(kafka_password_), std::string::npos) << ReadText(explain_log);
  EXPECT_EQ(ReadText(run_.log()).find(kafka_password_), std::string::npos) << ReadText(run_.log());
}

TEST_F(SecureConnectionsTest, WrongPasswordOrUnknownCaFailsWithoutShowingTheSecret) {
  ASSERT_EQ(RunCommand(run_.ProduceCommand(100, 0, 72), run_.dir(), run_.log()), 0);
  // A wrong Kafka password: authentication fails, the run gives up, the password is not shown.
  const std::string wrong = "not-the-password-7f3a9c";
  const fs::path wrong_log = run_.dir() / "wrong.log";
  EXPECT_NE(RunCommand(Command("run --set pipeline.startup-timeout=10s --set pipeline.restart-attempts=0", wrong),
                       run_.dir(), wrong_log),
            0);
  const std::string wrong_text = ReadText(wrong_log);
  EXPECT_NE(wrong_text.find("uthentication"), std::string::npos) << wrong_text;
  EXPECT_EQ(wrong_text.find(wrong), std::string::npos) << wrong_text;

  // A CA that did not sign the server's certificate: PostgreSQL's verify-full refuses it.
  const fs::path other = run_.dir() / "other";
  fs::create_directories(other);
  ASSERT_EQ(RunCommand("openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt "
                       "-days 1 -subj /CN=other",
                       other, other / "openssl.log"),
            0)
      << ReadText(other / "openssl.log");
  std::string sql = ReadText(run_.dir() / "secure.sql");
  ReplaceAll(sql, "sslrootcert=" + ca_, "sslrootcert=" + (other / "ca.crt").string());
  std::ofstream(run_.dir() / "other-ca.sql") << sql;
  const fs::path ca_log = run_.dir() / "other-ca.log";
  EXPECT_NE(RunCommand(Command("run --set pipeline.startup-timeout=10s --set pipeline.restart-attempts=0",
                               kafka_password_, "other-ca.sql"),
                       run_.dir(), ca_log),
            0);
  const std::string ca_text = ReadText(ca_log);
  EXPECT_NE(ca_text.find("certificate verify failed"), std::string::npos) << ca_text;
}

TEST_F(SecureConnectionsTest, SecretReferencesAreCheckedWhereTheyAreWritten) {
  // An unset variable and a missing file are errors at the option, before anything runs.
  const fs::path log = run_.dir() / "validate.log";
  EXPECT_EQ(RunCommand(std::string(SLUICE_BINARY) + " validate " + (run_.dir() / "secure.sql").string(),
                       run_.dir(), log),
            2);
  const std::string text = ReadText(log);
  EXPECT_NE(text.find("secure.sql:"), std::string::npos) << text;
  EXPECT_NE(text.find("the environment variable 'TEST_KAFKA_PASSWORD' is not set"), std::string::npos)
      << text;
  std::string sql = ReadText(run_.dir() / "secure.sql");
  ReplaceAll(sql, "'password.file' = 'pg-password'", "'password.file' = 'no-such-file'");
  std::ofstream(run_.dir() / "missing.sql") << sql;
  const fs::path missing_log = run_.dir() / "missing.log";
  EXPECT_EQ(RunCommand(Command("validate", kafka_password_, "missing.sql"), run_.dir(), missing_log), 2);
  EXPECT_NE(ReadText(missing_log).find("option 'password.file': cannot read the file 'no-such-file'"),
            std::string::npos)
      << ReadText(missing_log);
}

}  // namespace
}  // namespace sluice::testing
