#pragma once

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connector/connector_options.h"

namespace sluice {

// Where and as whom to connect, from a table's options:
//   'url'       'postgresql://host:port/db', 'jdbc:postgresql://host:port/db' (Spark/Flink JDBC
//               form) or a libpq 'host=... dbname=...' string; empty: libpq's PG* environment
//   'username'  user (else in the url, else PGUSER)
//   'password'  password (else in the url, else PGPASSWORD or ~/.pgpass)
// The password is never part of any message: errors print the target as user@host:port/db.
struct PostgresTarget {
  std::string conninfo;  // without user and password
  std::string user;
  std::string password;
  std::vector<std::string> url_passwords;  // as written inside 'url': kept out of messages
  int connect_timeout_s = 10;

  static Result<PostgresTarget> FromOptions(const ConnectorOptions& options);
  // "user@host:port/dbname" for messages, as libpq resolved it; never the password.
  std::string Describe(PGconn* conn) const;
};

// A connection url or keyword string with its password replaced by ***, for messages.
std::string RedactUrl(std::string_view url);

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// One libpq connection. Every failure is a Status: Unavailable when the server cannot be
// reached or the connection broke (worth retrying), DataError for rows the server refuses (a
// data exception or a constraint: SQLSTATE classes 22 and 23), Invalid for other errors retrying
// cannot fix (a SQL error, a missing column), with the server's message and SQLSTATE.
class PostgresConnection {
 public:
  explicit PostgresConnection(PostgresTarget target) : target_(std::move(target)) {}
  ~PostgresConnection();

  Status Connect();
  bool connected() const;
  void Disconnect();

  // Runs a statement without parameters (or several separated by ';').
  Status Execute(std::string_view sql);
  // Runs a statement with text parameters; returns its result (rows or command status).
  Result<PgResult> Query(std::string_view sql, const std::vector<std::string>& params = {});
  // COPY ... FROM STDIN with `data` in COPY's text format.
  Status CopyIn(std::string_view copy_statement, std::string_view data);

  std::string where() const { return where_; }

 private:
  Status Failure(std::string_view what, PGresult* result);

  PostgresTarget target_;
  PGconn* conn_ = nullptr;
  std::string where_;
};

// Quotes an identifier for SQL ("eligible_customers" -> "eligible_customers", embedded quotes
// doubled).
std::string QuoteIdentifier(std::string_view name);
// Quotes a possibly schema-qualified table name: 'public.t' -> "public"."t".
std::string QuoteTableName(std::string_view name);

}  // namespace sluice
