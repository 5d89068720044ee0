// Mistakes in a pipeline's configuration: `validate`, `explain` and `run` refuse them at once with
// exit code 2 (never retried for minutes as if a server were down), and no password ever reaches
// their output, whatever the mistake.
#include <gtest/gtest.h>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

constexpr const char* kSecret = "TopSecret1";

struct Outcome {
  int code;
  std::string output;
  double seconds;
};

class ConfigErrors : public ::testing::Test {
 protected:
  ConfigErrors() : dir_(fs::temp_directory_path() / ("sluice_config_" + UniqueSuffix())) {
    fs::create_directories(dir_);
  }
  ~ConfigErrors() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // A pipeline from one generated row into a PostgreSQL table with these options.
  Outcome Run(const std::string& verb, const std::string& sink_options) {
    const fs::path file = dir_ / "pipeline.sql";
    std::ofstream(file) << "CREATE TABLE src (amount INT) WITH ('connector' = 'datagen', "
                           "'scenario' = 'cashback', 'number-of-rows' = '1');\n"
                           "CREATE TABLE dst (amount INT) WITH ('connector' = 'postgres', "
                        << sink_options << ");\nINSERT INTO dst SELECT amount FROM src;\n";
    const fs::path log = dir_ / (verb + ".log");
    fs::remove(log);
    const auto started = std::chrono::steady_clock::now();
    int code = RunCommand(std::string(SLUICE_BINARY) + " " + verb + " " + file.string(), dir_, log);
    return {code, ReadText(log),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()};
  }

  void ExpectRefused(const std::string& sink_options, const std::string& says) {
    for (const char* verb : {"validate", "explain", "run"}) {
      Outcome o = Run(verb, sink_options);
      EXPECT_EQ(o.code, 2) << verb << " " << sink_options << ":\n" << o.output;
      EXPECT_LT(o.seconds, 20) << verb << " " << sink_options << " took " << o.seconds << " s";
      EXPECT_EQ(o.output.find(kSecret), std::string::npos)
          << verb << " printed the password:\n" << o.output;
      EXPECT_NE(o.output.find(says), std::string::npos) << verb << ":\n" << o.output;
    }
  }

  fs::path dir_;
};

TEST_F(ConfigErrors, MistypedUrlsAreRefusedWithoutThePassword) {
  ExpectRefused("'url' = 'postgresq://sluice:TopSecret1@127.0.0.1:5432/sluice'",
                "not 'postgresq://sluice:***@127.0.0.1:5432/sluice'");
  ExpectRefused("'url' = 'postgresql://sluice:Top%zzSecret1@127.0.0.1:5432/sluice'",
                "invalid percent-encoded token");
  ExpectRefused("'url' = 'postgresql://sluice:TopSecret1@127.0.0.1:99999/sluice'",
                "has port '99999'");
  ExpectRefused("'url' = 'postgresql://sluice:TopSecret1@127.0.0.1/sluice?sslmode=bogus'",
                "has sslmode 'bogus'");
  ExpectRefused("'url' = 'host=127.0.0.1 port=abc dbname=sluice password=TopSecret1'",
                "has port 'abc'");
  ExpectRefused("'url' = 'postgresql://sluice:TopSecret1@127.0.0.1/sluice?connect_timeout=soon'",
                "has connect_timeout 'soon'");
  // A keyword string libpq cannot parse, with the password right in the part it quotes.
  ExpectRefused("'url' = 'host=127.0.0.1 password TopSecret1 dbname=sluice'",
                "not a valid PostgreSQL connection string");
  // The password as a query parameter (the JDBC habit), %-encoded.
  ExpectRefused("'url' = 'postgresql://127.0.0.1:99999/sluice?user=sluice&password=Top%53ecret1'",
                "has port '99999'");
  ExpectRefused("'url' = 'postgresq://127.0.0.1/sluice?password=TopSecret1'",
                "not a valid PostgreSQL connection string");
}

TEST_F(ConfigErrors, SizesAndIntervalsMustBePositive) {
  const std::string url = "'url' = '" + PostgresDsn() + "', ";
  ExpectRefused(url + "'sink.buffer-flush.max-rows' = '-5'",
                "option 'sink.buffer-flush.max-rows' must be a positive number, found '-5'");
  ExpectRefused(url + "'sink.spill.max-bytes' = '0'",
                "option 'sink.spill.max-bytes' must be a size above 0, found '0'");
  ExpectRefused(url + "'sink.buffer-flush.interval' = '0 ms'",
                "option 'sink.buffer-flush.interval' must be a duration above 0");
}

// A real server refusing the password: exit 2 at once (retrying cannot fix it), and the
// password is not in the message.
TEST_F(ConfigErrors, WrongPasswordIsRefusedAtOnceWithoutShowingIt) {
  std::string dsn = PostgresDsn();
  ReplaceAll(dsn, "password=sluice", "password=TopSecret1");
  ASSERT_NE(dsn.find(kSecret), std::string::npos) << "the stack's DSN has another form: " << dsn;
  Outcome o = Run("run", "'url' = '" + dsn + "'");
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_LT(o.seconds, 20);
  EXPECT_EQ(o.output.find(kSecret), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("cannot log in to PostgreSQL"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace sluice::testing
