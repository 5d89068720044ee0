// examples/wordcount.sql (seed 003) end to end on the real broker and MariaDB, fed by
// `sluice produce --scenario words` and by a file of the seed's JSON string records: wordCount
// holds each message with its number of words, word_counts the frequency of every word; both
// equal what plain code computes from the input topic.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <map>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

TEST(Wordcount, TablesEqualCountsComputedFromTheTopic) {
  const std::string suffix = UniqueSuffix();
  fs::path dir = fs::temp_directory_path() / ("sluice_wordcount_" + suffix);
  fs::create_directories(dir);
  const std::string topic = "kpmg_" + suffix;
  std::string sql = ReadText(fs::path(SLUICE_SOURCE_DIR) / "examples/wordcount.sql");
  ReplaceAll(sql, "'kpmg_topic'", "'" + topic + "'");
  ReplaceAll(sql, "'pipeline.name' = 'wordcount'", "'pipeline.name' = 'wordcount_" + suffix + "'");
  ReplaceAll(sql, "'sluice-wordcount'", "'wordcount_" + suffix + "'");
  ReplaceAll(sql, "127.0.0.1:9092", KafkaBootstrap());
  ReplaceAll(sql, "mysql://sluice:sluice@127.0.0.1:3306/sluice",
             "mysql://" + MysqlUser() + ":" + MysqlPassword() + "@" + MysqlHost() + ":" +
                 std::to_string(MysqlPort()) + "/" + MysqlDatabase());
  for (const std::string table : {"wordCount", "word_counts", "word_errors"}) {
    ReplaceAll(sql, "TABLE " + table + " ", "TABLE " + table + "_" + suffix + " ");
    ReplaceAll(sql, "INTO " + table + "\n", "INTO " + table + "_" + suffix + "\n");
    ReplaceAll(sql, "'errors.table' = '" + table + "'", "'errors.table' = '" + table + "_" + suffix + "'");
  }
  ReplaceAll(sql, "'scan.startup.mode' = 'earliest-offset',",
             "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',");
  ASSERT_NE(sql.find("wordCount_" + suffix), std::string::npos);
  std::ofstream(dir / "wordcount.sql") << sql;

  // The seed's records: a file of JSON strings, with quotes, accents and a lone word.
  std::ofstream(dir / "names.json")
      << R"(["Joe's Pizza", "  Café \"Le Bon\"  ", "SUSHI!", "Grab-n-Go   Tacos"])";
  const std::string produce = std::string(SLUICE_BINARY) + " produce --quiet --topic " + topic +
                              " --bootstrap-servers " + KafkaBootstrap();
  ASSERT_EQ(RunCommand(produce + " --scenario words --count 10000 --seed 61", dir, dir / "log"), 0)
      << ReadText(dir / "log");
  ASSERT_EQ(RunCommand(produce + " --file " + (dir / "names.json").string(), dir, dir / "log"), 0)
      << ReadText(dir / "log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + (dir / "wordcount.sql").string(),
                       dir, dir / "log"),
            0)
      << ReadText(dir / "log");

  // Expected, with plain code: words per message split on runs of spaces after trimming; the
  // frequency of lower-cased runs of ASCII letters.
  std::vector<std::string> want_messages;
  std::map<std::string, int64_t> want_words;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    std::string_view name;
    ASSERT_EQ(parser.parse(r.value).get(name), simdjson::SUCCESS) << r.value;
    size_t begin = name.find_first_not_of(' '), end = name.find_last_not_of(' ');
    std::string_view trimmed = begin == std::string_view::npos ? "" : name.substr(begin, end - begin + 1);
    int words = 1;  // split of an empty string gives one empty word, as in Spark
    for (size_t i = 0; i < trimmed.size(); ++i) {
      if (trimmed[i] == ' ' && (i == 0 || trimmed[i - 1] != ' ')) ++words;
    }
    want_messages.push_back(std::string(name) + "|" + std::to_string(words));
    std::string word;
    for (char c : std::string(name) + " ") {
      char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower >= 'a' && lower <= 'z') {
        word += lower;
      } else if (!word.empty()) {
        ++want_words[word];
        word.clear();
      }
    }
  }
  std::sort(want_messages.begin(), want_messages.end());
  ASSERT_EQ(want_messages.size(), 10004u);

  std::vector<std::string> got_messages;
  for (const auto& row : MysqlQuery("SELECT words, `count` FROM wordCount_" + suffix)) {
    got_messages.push_back(row[0] + "|" + row[1]);
  }
  std::sort(got_messages.begin(), got_messages.end());
  ExpectSameRows(got_messages, want_messages, "wordCount_" + suffix);
  std::map<std::string, int64_t> got_words;
  for (const auto& row : MysqlQuery("SELECT word, `count` FROM word_counts_" + suffix)) {
    got_words[row[0]] = std::stoll(row[1]);
  }
  EXPECT_EQ(got_words, want_words);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
