// The SQLite sink: table creation, types as read back through the sqlite3 API, transactional
// commits, upserts by primary key.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "connector/sqlite/sqlite_sink.h"
#include "test_columns.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// A second connection, as a user's query tool would have.
class Reader {
 public:
  explicit Reader(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~Reader() { sqlite3_close(db_); }

  // Every row of `sql`, each value as text ("NULL" for null), "|"-joined.
  std::vector<std::string> Rows(const std::string& sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        if (c > 0) row += "|";
        const unsigned char* text = sqlite3_column_text(stmt, c);
        row += text ? reinterpret_cast<const char*>(text) : "NULL";
      }
      rows.push_back(row);
    }
    sqlite3_finalize(stmt);
    return rows;
  }
  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("sluice_sqlite_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Sink> Make(const Schema& schema, std::map<std::string, std::string> extra = {},
                             const std::string& table = "eligible_customers") {
    extra["path"] = path_;
    auto s = SqliteSink::Make(ConnectorOptions(table, std::move(extra)), schema);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    Status open = (*s)->Open();
    EXPECT_TRUE(open.ok()) << open.ToString();
    return std::move(s).value();
  }

  fs::path dir_;
  std::string path_;
};

Schema CashbackSchema() {
  return Schema({{"customer_id", DataType::String(), false},
                 {"amount", DataType::Int32(), true},
                 {"cashback", DataType::Decimal(10, 2), true},
                 {"ts", DataType::Timestamp(), true},
                 {"eligible", DataType::Boolean(), true},
                 {"day", DataType::Date(), true},
                 {"score", DataType::Float64(), true},
                 {"big", DataType::Int64(), true}});
}

Batch CashbackBatch() {
  return test::MakeBatch({test::Strings({"cust_1", "cust_2"}), test::Ints({660, std::nullopt}),
                          test::Decimals(10, 2, {9900, 1}),
                          test::Timestamps({"2024-03-01 12:30:45", "2024-03-01 12:30:45.25"}),
                          test::Bools({1, 0}), test::Dates({"2024-03-01", std::nullopt}),
                          test::Doubles({0.5, -1e300}), test::Longs({1LL << 40, -7})});
}

TEST_F(SqliteSinkTest, CreatesTheTableWithMappedTypes) {
  auto sink = Make(CashbackSchema());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT name, type, \"notnull\" "
                        "FROM pragma_table_info('eligible_customers')"),
            (std::vector<std::string>{"customer_id|TEXT|1", "amount|INTEGER|0",
                                      "cashback|REAL|0", "ts|TEXT|0", "eligible|INTEGER|0",
                                      "day|TEXT|0", "score|REAL|0", "big|INTEGER|0"}));
}

TEST_F(SqliteSinkTest, RowsReadBackWithTheirTypes) {
  auto sink = Make(CashbackSchema());
  ASSERT_TRUE(sink->Write(CashbackBatch()).ok());
  ASSERT_TRUE(sink->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT customer_id, amount, cashback, ts, eligible, day, big FROM "
                        "eligible_customers ORDER BY customer_id"),
            (std::vector<std::string>{
                "cust_1|660|99.0|2024-03-01 12:30:45|1|2024-03-01|1099511627776",
                "cust_2|NULL|0.01|2024-03-01 12:30:45.25|0|NULL|-7"}));
  // Storage classes: what a client library hands back.
  EXPECT_EQ(reader.Rows("SELECT typeof(amount), typeof(cashback), typeof(ts), typeof(score) "
                        "FROM eligible_customers WHERE customer_id = 'cust_1'"),
            std::vector<std::string>{"integer|real|text|real"});
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(reader.db(),
                               "SELECT cashback, score FROM eligible_customers "
                               "ORDER BY customer_id",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_double(stmt, 0), 99.0);
  EXPECT_EQ(sqlite3_column_double(stmt, 1), 0.5);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_double(stmt, 0), 0.01);
  EXPECT_EQ(sqlite3_column_double(stmt, 1), -1e300);
  sqlite3_finalize(stmt);
}

TEST_F(SqliteSinkTest, RowsAreInvisibleUntilCommit) {
  auto sink = Make(CashbackSchema());
  Reader reader(path_);
  ASSERT_TRUE(sink->Write(CashbackBatch()).ok());
  EXPECT_EQ(reader.Rows("SELECT count(*) FROM eligible_customers"),
            std::vector<std::string>{"0"});
  ASSERT_TRUE(sink->Commit().ok());
  EXPECT_EQ(reader.Rows("SELECT count(*) FROM eligible_customers"),
            std::vector<std::string>{"2"});
  ASSERT_TRUE(sink->Write(CashbackBatch()).ok());
  ASSERT_TRUE(sink->Close().ok());  // no commit: rolled back
  EXPECT_EQ(reader.Rows("SELECT count(*) FROM eligible_customers"),
            std::vector<std::string>{"2"});
  EXPECT_EQ(sink->rows_written(), 4u);
}

TEST_F(SqliteSinkTest, UpsertByPrimaryKey) {
  Schema schema({{"word", DataType::String(), false}, {"count", DataType::Int64(), true}});
  schema.set_primary_key({"word"});
  auto sink = Make(schema, {}, "word_counts");
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Strings({"a", "b"}), test::Longs({1, 1})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Strings({"a"}), test::Longs({5})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT word, count FROM word_counts ORDER BY word"),
            (std::vector<std::string>{"a|5", "b|1"}));
  EXPECT_EQ(reader.Rows("SELECT pk FROM pragma_table_info('word_counts') WHERE name = 'word'"),
            std::vector<std::string>{"1"});
}

TEST_F(SqliteSinkTest, TableNameOptionAndNestedColumnsAsJson) {
  Schema schema({{"id", DataType::Int32(), true},
                 {"tags", DataType::List(DataType::String()), true}});
  auto sink = Make(schema, {{"table-name", "tagged"}}, "sql_name");
  auto tags = std::make_shared<Vector>(DataType::List(DataType::String()));
  tags->list_child().AppendString("a");
  tags->list_child().AppendString("b\"c");
  tags->AppendListEnd();
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({1}), tags})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT id, tags, json_extract(tags, '$[1]') FROM tagged"),
            std::vector<std::string>{"1|[\"a\",\"b\\\"c\"]|b\"c"});
}

TEST_F(SqliteSinkTest, ExistingTableIsUsedWithoutCreateTable) {
  {
    Reader setup(path_);
    ASSERT_EQ(sqlite3_exec(setup.db(), "CREATE TABLE t (n INTEGER, extra TEXT DEFAULT 'x')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  Schema schema({{"n", DataType::Int32(), true}});
  auto sink = Make(schema, {{"sink.create-table", "false"}}, "t");
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Ints({3})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT n, extra FROM t"), std::vector<std::string>{"3|x"});
}

TEST_F(SqliteSinkTest, ErrorsNameTheOptionOrTheTable) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto no_path = SqliteSink::Make(ConnectorOptions("t", {}), schema);
  ASSERT_FALSE(no_path.ok());
  EXPECT_NE(no_path.status().message().find("'path'"), std::string::npos);
  auto typo = SqliteSink::Make(ConnectorOptions("t", {{"path", path_}, {"table", "x"}}), schema);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("table-name"), std::string::npos);
  Schema bad_key = schema;
  bad_key.set_primary_key({"missing"});
  EXPECT_FALSE(SqliteSink::Make(ConnectorOptions("t", {{"path", path_}}), bad_key).ok());
  // Without create-table, a missing table fails at Open with the table's name.
  auto sink = SqliteSink::Make(
      ConnectorOptions("t", {{"path", path_}, {"sink.create-table", "false"}}), schema);
  ASSERT_TRUE(sink.ok());
  Status open = (*sink)->Open();
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.message().find("no such table"), std::string::npos) << open.ToString();
}

TEST_F(SqliteSinkTest, NotNullViolationIsAnError) {
  auto sink = Make(CashbackSchema());
  Batch batch = CashbackBatch();
  batch.column(0).SetNull(1);
  ASSERT_TRUE(sink->Write(CashbackBatch()).ok());
  Status s = sink->Write(batch);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("NOT NULL"), std::string::npos) << s.ToString();
  // The transaction is rolled back and never committed half-way.
  EXPECT_FALSE(sink->Commit().ok());
  EXPECT_FALSE(sink->Write(CashbackBatch()).ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT count(*) FROM eligible_customers"),
            std::vector<std::string>{"0"});
}

TEST_F(SqliteSinkTest, EmptyStringStaysEmptyNotNull) {
  Schema schema({{"value", DataType::String(), true}});
  auto sink = Make(schema, {}, "letters");
  ASSERT_TRUE(sink->Write(test::MakeBatch({test::Strings({"", std::nullopt, "x"})})).ok());
  ASSERT_TRUE(sink->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT value IS NULL, length(value) FROM letters"),
            (std::vector<std::string>{"0|0", "1|NULL", "0|1"}));
}

TEST_F(SqliteSinkTest, TwoSinksOnOneFileShareTheTransaction) {
  Schema schema({{"n", DataType::Int32(), true}});
  auto first = Make(schema, {}, "first");
  auto second = Make(schema, {}, "second");
  ASSERT_TRUE(first->Write(test::MakeBatch({test::Ints({1})})).ok());
  ASSERT_TRUE(second->Write(test::MakeBatch({test::Ints({2})})).ok());  // would block: one writer
  ASSERT_TRUE(first->Commit().ok());
  ASSERT_TRUE(second->Commit().ok());
  Reader reader(path_);
  EXPECT_EQ(reader.Rows("SELECT n FROM first UNION ALL SELECT n FROM second"),
            (std::vector<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace sluice
