// The PostgreSQL sink (a DatabaseSink over a PostgresTableWriter) checks its options without
// connecting; the CREATE TABLE statements it issues. No server: nothing here opens the sink.
#include <gtest/gtest.h>

#include "connector/postgres/postgres_table_writer.h"

namespace sluice {
namespace {

// A port nothing listens on: if Make tried to connect, it would fail or hang.
const char* kUrl = "postgresql://127.0.0.1:1/shop";

Result<std::unique_ptr<Sink>> Make(std::map<std::string, std::string> options, Schema schema) {
  return MakePostgresSink(ConnectorOptions("cashback", std::move(options)), schema);
}

Schema OrdersSchema() {
  return Schema({{"customer_id", DataType::String(), false},
                 {"amount", DataType::Decimal(10, 2), true},
                 {"ts", DataType::Timestamp(), true},
                 {"tags", DataType::List(DataType::String()), true}});
}

void ExpectInvalid(const Result<std::unique_ptr<Sink>>& r, const std::vector<std::string>& parts) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  for (const auto& part : parts) {
    EXPECT_NE(r.status().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << r.status().message();
  }
}

TEST(PostgresSinkTest, MakeAcceptsTheDocumentedOptionsWithoutConnecting) {
  auto r = Make({{"url", kUrl},
                 {"username", "app"},
                 {"password", "secret"},
                 {"connect-timeout", "1 s"},
                 {"table-name", "public.cashback"},
                 {"sink.create-table", "false"},
                 {"sink.delivery-guarantee", "exactly-once"},
                 {"sink.progress-table", "progress"},
                 {"sink.buffer-flush.max-rows", "500"},
                 {"sink.retry.timeout", "2 s"},
                 {"sink.spill", "false"},
                 {"sink.spill.dir", "/nonexistent/spill"},
                 {"sink.spill.max-bytes", "64 MB"}},
                OrdersSchema());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->exactly_once());
  EXPECT_EQ((*r)->rows_written(), 0u);
}

TEST(PostgresSinkTest, AtLeastOnceIsTheDefault) {
  auto r = Make({{"url", kUrl}}, OrdersSchema());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE((*r)->exactly_once());
}

TEST(PostgresSinkTest, UnknownOptionListsTheKnownOnes) {
  auto r = Make({{"url", kUrl}, {"sink.buffer-flush.max-row", "10"}}, OrdersSchema());
  ExpectInvalid(r, {"cashback", "'sink.buffer-flush.max-row'", "postgres", "known options",
                    "url", "sink.buffer-flush.max-rows", "sink.delivery-guarantee",
                    "sink.spill.max-bytes"});
}

TEST(PostgresSinkTest, BadDeliveryGuarantee) {
  auto r = Make({{"url", kUrl}, {"sink.delivery-guarantee", "exactly_once"}}, OrdersSchema());
  ExpectInvalid(r, {"cashback", "sink.delivery-guarantee", "'exactly_once'", "at-least-once",
                    "exactly-once"});
}

TEST(PostgresSinkTest, BadUrlForm) {
  auto r = Make({{"url", "mysql://localhost/shop"}}, OrdersSchema());
  ExpectInvalid(r, {"cashback", "'url'", "postgresql://host:port/dbname",
                    "mysql://localhost/shop"});
  // The accepted forms: URI, its JDBC spelling, and a libpq key=value string.
  for (const char* url : {"postgresql://h:5432/db", "postgres://h/db", "jdbc:postgresql://h/db",
                          "host=h dbname=db"}) {
    auto ok = Make({{"url", url}}, OrdersSchema());
    EXPECT_TRUE(ok.ok()) << url << ": " << ok.status().ToString();
  }
}

TEST(PostgresSinkTest, BadTypedOptionValues) {
  ExpectInvalid(Make({{"url", kUrl}, {"sink.spill.max-bytes", "lots"}}, OrdersSchema()),
                {"sink.spill.max-bytes", "'lots'"});
  ExpectInvalid(Make({{"url", kUrl}, {"sink.create-table", "yes"}}, OrdersSchema()),
                {"sink.create-table", "'yes'"});
  ExpectInvalid(Make({{"url", kUrl}, {"sink.retry.timeout", "soon"}}, OrdersSchema()),
                {"sink.retry.timeout", "'soon'"});
}

TEST(PostgresSinkTest, NoColumnsIsAnError) {
  ExpectInvalid(Make({{"url", kUrl}}, Schema()), {"cashback", "no columns"});
}

// The writer a sink with these options would use.
std::unique_ptr<PostgresTableWriter> Writer(std::map<std::string, std::string> options,
                                            Schema schema) {
  auto w = PostgresTableWriter::Make(ConnectorOptions("cashback", std::move(options)), schema);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? std::move(*w) : nullptr;
}

TEST(PostgresSinkTest, CreateTableSqlWithPrimaryKey) {
  Schema schema({{"customer_id", DataType::String(), false},
                 {"day", DataType::Date(), false},
                 {"total", DataType::Decimal(12, 2), true},
                 {"flag \"x\"", DataType::Boolean(), true},
                 {"detail", DataType::Struct({{"a", DataType::Int32(), true}}), true}});
  schema.set_primary_key({"customer_id", "day"});
  auto w = Writer({{"url", kUrl}, {"table-name", "analytics.daily_totals"}}, schema);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->CreateTableSql(),
            "CREATE TABLE IF NOT EXISTS \"analytics\".\"daily_totals\" ("
            "\"customer_id\" text NOT NULL, \"day\" date NOT NULL, \"total\" numeric(12, 2), "
            "\"flag \"\"x\"\"\" boolean, \"detail\" jsonb, "
            "PRIMARY KEY (\"customer_id\", \"day\"))");
}

TEST(PostgresSinkTest, CreateTableSqlWithoutPrimaryKeyUsesTheTableName) {
  Schema schema({{"id", DataType::Int64(), false}, {"payload", DataType::Bytes(), true}});
  auto w = Writer({{"url", kUrl}}, schema);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->CreateTableSql(),
            "CREATE TABLE IF NOT EXISTS \"cashback\" (\"id\" bigint NOT NULL, \"payload\" bytea)");
}

TEST(PostgresSinkTest, CreateProgressTableSql) {
  Schema schema({{"id", DataType::Int32(), false}});
  schema.set_primary_key({"id"});
  auto w = Writer({{"url", kUrl}, {"sink.progress-table", "ops.sluice_offsets"}}, schema);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->CreateProgressTableSql(),
            "CREATE TABLE IF NOT EXISTS \"ops\".\"sluice_offsets\" (pipeline text NOT NULL, "
            "sink text NOT NULL, topic text NOT NULL, \"partition\" integer NOT NULL, "
            "next_offset bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), "
            "PRIMARY KEY (pipeline, sink, topic, \"partition\"))");

  auto fallback = Writer({{"url", kUrl}}, schema);
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->CreateProgressTableSql().rfind(
                "CREATE TABLE IF NOT EXISTS \"sluice_progress\" (", 0),
            0u);
}

}  // namespace
}  // namespace sluice
