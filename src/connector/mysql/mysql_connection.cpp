#include "connector/mysql/mysql_connection.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace sluice {
namespace {

// The url's "user:password@host:port/db?..." part parsed; FromOptions fills what it gives.
Status ParseUrl(const std::string& table, std::string url, MysqlTarget& t) {
  for (std::string_view prefix : {"jdbc:mysql://", "jdbc:mariadb://", "mysql://", "mariadb://"}) {
    if (url.rfind(prefix, 0) == 0) {
      url = url.substr(prefix.size());
      std::string query;
      if (size_t q = url.find('?'); q != std::string::npos) {
        query = url.substr(q + 1);
        url = url.substr(0, q);
      }
      if (size_t at = url.rfind('@'); at != std::string::npos) {
        std::string userinfo = url.substr(0, at);
        url = url.substr(at + 1);
        size_t colon = userinfo.find(':');
        t.user = userinfo.substr(0, colon);
        if (colon != std::string::npos) t.password = userinfo.substr(colon + 1);
      }
      size_t slash = url.find('/');
      std::string hostport = url.substr(0, slash);
      if (slash != std::string::npos) t.database = url.substr(slash + 1);
      size_t colon = hostport.rfind(':');
      if (colon != std::string::npos) {
        char* end = nullptr;
        long port = std::strtol(hostport.c_str() + colon + 1, &end, 10);
        if (*end != '\0' || port < 1 || port > 65535) {
          return Status::Invalid("table '{}': option 'url' has port '{}'; a port is a number "
                                 "from 1 to 65535",
                                 table, hostport.substr(colon + 1));
        }
        t.port = static_cast<unsigned>(port);
        hostport = hostport.substr(0, colon);
      }
      if (!hostport.empty()) t.host = hostport;
      // user=... and password=... parameters, as JDBC urls carry them.
      for (size_t start = 0; start < query.size();) {
        size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        std::string pair = query.substr(start, end - start);
        if (pair.rfind("user=", 0) == 0) t.user = pair.substr(5);
        if (pair.rfind("password=", 0) == 0) t.password = pair.substr(9);
        start = end + 1;
      }
      if (t.database.empty()) {
        return Status::Invalid("table '{}': option 'url' names no database ('mysql://host:port/db')",
                               table);
      }
      return Status::OK();
    }
  }
  return Status::Invalid(
      "table '{}': option 'url' must look like 'mysql://host:port/db' (or 'jdbc:mysql://...', "
      "'jdbc:mariadb://...')",
      table);
}

}  // namespace

Result<MysqlTarget> MysqlTarget::FromOptions(const ConnectorOptions& options) {
  MysqlTarget t;
  SLUICE_ASSIGN_OR_RETURN(std::string url, options.GetRequired("url"));
  SLUICE_RETURN_NOT_OK(ParseUrl(options.table_name(), url, t));
  if (options.Has("username")) t.user = options.GetString("username", "");
  if (options.Has("password")) t.password = options.GetString("password", "");
  if (t.password.empty()) {
    if (const char* env = std::getenv("MYSQL_PWD")) t.password = env;
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t timeout_ms, options.GetPositiveDurationMs("connect-timeout", 10000));
  t.connect_timeout_s = static_cast<unsigned>(std::max<int64_t>(1, (timeout_ms + 999) / 1000));
  return t;
}

std::string MysqlTarget::Describe() const {
  return fmt::format("{}@{}:{}/{}", user, host, port, database);
}

MysqlConnection::~MysqlConnection() { Disconnect(); }

void MysqlConnection::Disconnect() {
  if (db_) mysql_close(db_);
  db_ = nullptr;
}

Status MysqlConnection::Connect() {
  Disconnect();
  db_ = mysql_init(nullptr);
  if (!db_) return Status::Unavailable("MySQL: out of memory");
  unsigned timeout = target_.connect_timeout_s;
  unsigned io_timeout = 60;  // a statement that hangs on a dead server ends
  mysql_options(db_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(db_, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_options(db_, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  unsigned local_infile = 1;
  mysql_options(db_, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  mysql_options(db_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(db_, target_.host.c_str(), target_.user.c_str(),
                          target_.password.c_str(), target_.database.c_str(), target_.port,
                          nullptr, 0)) {
    const unsigned error = mysql_errno(db_);
    std::string message = mysql_error(db_);
    Disconnect();
    if (error == ER_BAD_DB_ERROR) {
      return Status::Invalid("MySQL at {}: {} (create it, or name another in 'url')",
                             target_.Describe(), message);
    }
    if (error == ER_ACCESS_DENIED_ERROR || error == ER_DBACCESS_DENIED_ERROR) {
      return Status::Invalid("cannot log in to MySQL at {}: {} (give the table 'username' and "
                             "'password', or set MYSQL_PWD)",
                             target_.Describe(), message);
    }
    return Status::Unavailable("cannot connect to MySQL at {}: {}", target_.Describe(), message);
  }
  // Strict: a value that does not fit is an error, never truncated; times are UTC as written.
  return Execute(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'");
}

Status MysqlConnection::Failure(std::string_view what) {
  const unsigned error = mysql_errno(db_);
  std::string text = fmt::format("MySQL at {}: {}: {} (error {})", target_.Describe(), what,
                                 mysql_error(db_), error);
  switch (error) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:   // KILL CONNECTION from an operator, a proxy failing over
    case ER_QUERY_INTERRUPTED:   // KILL QUERY
    case ER_STATEMENT_TIMEOUT:   // max_statement_time
    case ER_CON_COUNT_ERROR:     // too many connections, for now
    case 4031:                   // MySQL 8: disconnected by the server for inactivity
      Disconnect();
      return Status::Unavailable("{}", text);
    case ER_BAD_NULL_ERROR:
    case ER_DUP_ENTRY:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_DATA_TOO_LONG:
    case ER_NO_REFERENCED_ROW_2:
    case 3819:  // MySQL 8: check constraint violated
    case 4025:  // MariaDB: CONSTRAINT ... failed
      return Status::DataError("{}", text);
    default:
      return Status::Invalid("{}", text);
  }
}

Status MysqlConnection::Execute(std::string_view sql) {
  if (!db_) SLUICE_RETURN_NOT_OK(Connect());
  if (mysql_real_query(db_, sql.data(), sql.size()) != 0) {
    return Failure(sql.substr(0, std::min<size_t>(sql.size(), 60)));
  }
  // Statements that return rows are not used here; drain any result to keep the connection usable.
  if (MYSQL_RES* r = mysql_store_result(db_)) mysql_free_result(r);
  return Status::OK();
}

Result<std::vector<std::vector<std::optional<std::string>>>> MysqlConnection::Query(
    std::string_view sql) {
  if (!db_) SLUICE_RETURN_NOT_OK(Connect());
  if (mysql_real_query(db_, sql.data(), sql.size()) != 0) {
    return Failure(sql.substr(0, std::min<size_t>(sql.size(), 60)));
  }
  MYSQL_RES* result = mysql_store_result(db_);
  std::vector<std::vector<std::optional<std::string>>> rows;
  if (!result) {
    if (mysql_field_count(db_) != 0) return Failure("reading a result");
    return rows;
  }
  const unsigned columns = mysql_num_fields(result);
  while (MYSQL_ROW row = mysql_fetch_row(result)) {
    unsigned long* lengths = mysql_fetch_lengths(result);
    std::vector<std::optional<std::string>> out;
    for (unsigned c = 0; c < columns; ++c) {
      if (row[c]) {
        out.emplace_back(std::string(row[c], lengths[c]));
      } else {
        out.emplace_back(std::nullopt);
      }
    }
    rows.push_back(std::move(out));
  }
  mysql_free_result(result);
  return rows;
}

namespace {

// The "file" LOAD DATA LOCAL reads: a view of memory.
struct MemoryFile {
  std::string_view data;
  size_t at = 0;
};

int MemoryInit(void** ptr, const char*, void* userdata) {
  static_cast<MemoryFile*>(userdata)->at = 0;
  *ptr = userdata;
  return 0;
}

int MemoryRead(void* ptr, char* buf, unsigned int size) {
  auto* file = static_cast<MemoryFile*>(ptr);
  const size_t n = std::min<size_t>(size, file->data.size() - file->at);
  std::memcpy(buf, file->data.data() + file->at, n);
  file->at += n;
  return static_cast<int>(n);
}

void MemoryEnd(void*) {}

int MemoryError(void*, char* message, unsigned int size) {
  std::snprintf(message, size, "reading rows from memory failed");
  return 1;
}

}  // namespace

Status MysqlConnection::LoadData(std::string_view statement, std::string_view data) {
  if (!db_) SLUICE_RETURN_NOT_OK(Connect());
  MemoryFile file{data, 0};
  mysql_set_local_infile_handler(db_, MemoryInit, MemoryRead, MemoryEnd, MemoryError, &file);
  const int rc = mysql_real_query(db_, statement.data(), statement.size());
  Status status = rc == 0 ? Status::OK() : Failure("LOAD DATA");
  if (db_) mysql_set_local_infile_default(db_);
  if (!status.ok()) return status;
  if (mysql_warning_count(db_) == 0) return Status::OK();
  // LOCAL loads only warn; the first warning says which value and row.
  std::string warning = "a value was changed";
  auto shown = Query("SHOW WARNINGS LIMIT 1");
  if (shown.ok() && !shown->empty() && (*shown)[0].size() >= 3 && (*shown)[0][2]) {
    warning = *(*shown)[0][2];
  }
  return Status::DataError("MySQL at {}: LOAD DATA: {} (a value the column cannot hold)",
                           target_.Describe(), warning);
}

std::string QuoteMysqlIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

}  // namespace sluice
