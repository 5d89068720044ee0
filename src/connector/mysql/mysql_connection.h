#pragma once

#include <mysql.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connector/connector_options.h"

namespace sluice {

// Where and as whom to connect, from a table's options:
//   'url'       'mysql://[user[:password]@]host[:port]/db' or the JDBC forms Spark and Flink users
//               write, 'jdbc:mysql://...' and 'jdbc:mariadb://...' (parameters after '?' are
//               ignored, except user and password)
//   'username'  user (else in the url)
//   'password'  password (else in the url, else MYSQL_PWD)
// The password is never part of any message.
struct MysqlTarget {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
  std::string user;
  std::string password;
  unsigned connect_timeout_s = 10;

  static Result<MysqlTarget> FromOptions(const ConnectorOptions& options);
  // "user@host:port/db" for messages; never the password.
  std::string Describe() const;
};

// One libmariadb connection, in UTF-8 (utf8mb4), strict SQL mode and UTC. Every failure is a
// Status: Unavailable when the server cannot be reached or the connection broke (worth
// retrying), DataError for rows the server refuses (a value that does not fit its column, a
// constraint), Invalid for what retrying cannot fix; with the server's message and error number.
class MysqlConnection {
 public:
  explicit MysqlConnection(MysqlTarget target) : target_(std::move(target)) {}
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  Status Connect();
  bool connected() const { return db_ != nullptr; }
  void Disconnect();

  Status Execute(std::string_view sql);
  // Rows of a query, NULL as nullopt.
  Result<std::vector<std::vector<std::optional<std::string>>>> Query(std::string_view sql);
  // `LOAD DATA LOCAL INFILE 'sluice' ...` (the statement) with `data` as the file's content, from
  // memory. A warning counts as an error: with LOCAL the server only warns about values it
  // truncates or converts, and no value is ever changed silently.
  Status LoadData(std::string_view statement, std::string_view data);

  const MysqlTarget& target() const { return target_; }

 private:
  Status Failure(std::string_view what);

  MysqlTarget target_;
  MYSQL* db_ = nullptr;
};

// Quotes an identifier for MySQL: `name`, embedded backquotes doubled.
std::string QuoteMysqlIdentifier(std::string_view name);

}  // namespace sluice
