// Proves the stack's PostgreSQL is a real server: rows written through libpq read back intact.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "stack_env.h"

namespace {

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

PgResult Exec(PGconn* conn, const std::string& sql) {
  PgResult result(PQexec(conn, sql.c_str()));
  auto status = PQresultStatus(result.get());
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      << sql << ": " << PQerrorMessage(conn);
  return result;
}

TEST(PostgresStack, WritesAndReadsBackRows) {
  PgConn conn(PQconnectdb((sluice::testing::PostgresDsn() + " connect_timeout=10").c_str()));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK)
      << "PostgreSQL is not reachable (run scripts/stack up): " << PQerrorMessage(conn.get());

  Exec(conn.get(), "DROP TABLE IF EXISTS stack_probe");
  Exec(conn.get(),
       "CREATE TABLE stack_probe (id INT PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(10,2))");

  constexpr int kRows = 1000;
  Exec(conn.get(), "BEGIN");
  for (int i = 0; i < kRows; ++i) {
    std::string id = std::to_string(i);
    std::string name = "cust_" + std::to_string(i % 5 + 1) + " \u00e9\u00e8 '";
    std::string amount = std::to_string(i * 3) + ".25";
    const char* params[] = {id.c_str(), name.c_str(), amount.c_str()};
    PgResult r(PQexecParams(conn.get(),
                            "INSERT INTO stack_probe (id, name, amount) VALUES ($1, $2, $3)", 3,
                            nullptr, params, nullptr, nullptr, 0));
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());
  }
  Exec(conn.get(), "COMMIT");

  PgResult rows = Exec(conn.get(), "SELECT id, name, amount FROM stack_probe ORDER BY id");
  ASSERT_EQ(PQntuples(rows.get()), kRows);
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(std::stoi(PQgetvalue(rows.get(), i, 0)), i);
    EXPECT_EQ(std::string(PQgetvalue(rows.get(), i, 1)),
              "cust_" + std::to_string(i % 5 + 1) + " \u00e9\u00e8 '");
    EXPECT_EQ(std::string(PQgetvalue(rows.get(), i, 2)), std::to_string(i * 3) + ".25");
  }

  PgResult sum = Exec(conn.get(), "SELECT sum(amount) FROM stack_probe");
  // Σ (3i + 0.25) for i in [0, 1000) = 3 * 499500 + 250
  EXPECT_EQ(std::string(PQgetvalue(sum.get(), 0, 0)), "1498750.00");
  Exec(conn.get(), "DROP TABLE stack_probe");
}

}  // namespace
