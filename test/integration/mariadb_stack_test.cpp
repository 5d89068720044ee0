// Proves the stack's MariaDB is a real server: rows written through libmariadb read back intact.
#include <gtest/gtest.h>
#include <mysql.h>

#include <memory>
#include <string>

#include "stack_env.h"

namespace {

struct MysqlDeleter {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using Mysql = std::unique_ptr<MYSQL, MysqlDeleter>;

void Query(MYSQL* db, const std::string& sql) {
  ASSERT_EQ(mysql_query(db, sql.c_str()), 0) << sql << ": " << mysql_error(db);
}

TEST(MariadbStack, WritesAndReadsBackRows) {
  Mysql db(mysql_init(nullptr));
  ASSERT_NE(db, nullptr);
  using namespace sluice::testing;
  unsigned int timeout_s = 10;  // a server that does not answer fails the test, never hangs it
  mysql_options(db.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
  mysql_options(db.get(), MYSQL_OPT_READ_TIMEOUT, &timeout_s);
  mysql_options(db.get(), MYSQL_OPT_WRITE_TIMEOUT, &timeout_s);
  ASSERT_NE(mysql_real_connect(db.get(), MysqlHost().c_str(), MysqlUser().c_str(),
                               MysqlPassword().c_str(), MysqlDatabase().c_str(), MysqlPort(),
                               nullptr, 0),
            nullptr)
      << "MariaDB is not reachable (run scripts/stack up): " << mysql_error(db.get());
  ASSERT_EQ(mysql_set_character_set(db.get(), "utf8mb4"), 0);

  Query(db.get(), "DROP TABLE IF EXISTS stack_probe");
  Query(db.get(),
        "CREATE TABLE stack_probe (word VARCHAR(64) PRIMARY KEY, count BIGINT NOT NULL) "
        "ENGINE=InnoDB");

  // A running word count: upserts must add up, as the wordcount pipeline will need.
  const char* words[] = {"pizza", "Caf\u00e9", "pizza", "sushi", "pizza", "Caf\u00e9"};
  for (const char* w : words) {
    std::string sql = "INSERT INTO stack_probe (word, count) VALUES ('" + std::string(w) +
                      "', 1) ON DUPLICATE KEY UPDATE count = count + 1";
    Query(db.get(), sql);
  }

  Query(db.get(), "SELECT word, count FROM stack_probe ORDER BY word");
  MYSQL_RES* result = mysql_store_result(db.get());
  ASSERT_NE(result, nullptr);
  ASSERT_EQ(mysql_num_rows(result), 3u);
  std::vector<std::pair<std::string, long>> got;
  while (MYSQL_ROW row = mysql_fetch_row(result)) got.emplace_back(row[0], std::stol(row[1]));
  mysql_free_result(result);
  std::vector<std::pair<std::string, long>> expected = {
      {"Caf\u00e9", 2}, {"pizza", 3}, {"sushi", 1}};
  EXPECT_EQ(got, expected);
  Query(db.get(), "DROP TABLE stack_probe");
}

}  // namespace
