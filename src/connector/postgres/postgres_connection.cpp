#include "connector/postgres/postgres_connection.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>

namespace sluice {

namespace {

// Every spelling of a password a url may hold, to keep out of messages: the userinfo of a URI
// ('scheme://user:password@host'), a 'password=' query parameter, and a keyword string's
// 'password' value (with or without '=', quoted or not), raw and %-decoded. Found by scanning,
// so even a url libpq cannot parse is covered.
std::vector<std::string> PasswordsIn(std::string_view url) {
  std::vector<std::string> found;
  auto add = [&](std::string_view value) {
    if (value.empty()) return;
    found.emplace_back(value);
    std::string decoded;
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '%' && i + 2 < value.size() && std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
        decoded += static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        decoded += value[i];
      }
    }
    if (decoded != value) found.push_back(std::move(decoded));
  };
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    size_t path = rest.find_first_of("/?");
    size_t at = rest.substr(0, path).rfind('@');
    if (at != std::string_view::npos) {
      std::string_view userinfo = rest.substr(0, at);
      size_t colon = userinfo.find(':');
      if (colon != std::string_view::npos) add(userinfo.substr(colon + 1));
    }
  }
  // 'password' as a key: at the start or after a space, '?' or '&'.
  for (size_t key = url.find("password"); key != std::string_view::npos;
       key = url.find("password", key + 8)) {
    if (key > 0 && std::strchr(" \t?&", url[key - 1]) == nullptr) continue;
    size_t at = key + 8;
    while (at < url.size() && url[at] == ' ') ++at;
    if (at < url.size() && url[at] == '=') ++at;
    while (at < url.size() && url[at] == ' ') ++at;
    if (at >= url.size()) break;
    if (url[at] == '\'') {
      size_t end = url.find('\'', at + 1);
      add(url.substr(at + 1, end == std::string_view::npos ? end : end - at - 1));
    } else {
      size_t end = url.find_first_of(" &", at);
      add(url.substr(at, end == std::string_view::npos ? end : end - at));
    }
  }
  return found;
}

// `text` with every occurrence of `secret` replaced by ***.
std::string Scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

std::string Scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) text = Scrub(std::move(text), secret);
  return text;
}

// Settings libpq would only refuse when connecting, so that a typo is not retried for minutes
// as if the server were down.
Status CheckConninfoValues(const ConnectorOptions& options, const std::string& conninfo,
                           std::vector<std::string>& secrets) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error ? error : "out of memory";
    if (error) PQfreemem(error);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Status::Invalid("table '{}': option 'url' is not a valid PostgreSQL connection string: {}",
                           options.table_name(), Scrub(message, secrets));
  }
  Status status;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr && status.ok(); ++o) {
    if (o->val == nullptr) continue;
    const std::string keyword = o->keyword;
    const std::string value = o->val;
    if (keyword == "password") {
      secrets.push_back(value);  // as libpq read it, whatever the spelling
    } else if (keyword == "port") {
      // One port, or one per host: 'host=a,b port=5432,5433'.
      size_t start = 0;
      while (status.ok() && start <= value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        std::string port = value.substr(start, end - start);
        char* rest = nullptr;
        long n = std::strtol(port.c_str(), &rest, 10);
        if (!port.empty() && (rest == port.c_str() || *rest != '\0' || n < 1 || n > 65535)) {
          status = Status::Invalid("table '{}': option 'url' has port '{}'; a port is a number "
                                   "from 1 to 65535",
                                   options.table_name(), port);
        }
        start = end + 1;
      }
    } else if (keyword == "sslmode") {
      static const std::set<std::string> kModes = {"disable", "allow", "prefer", "require",
                                                   "verify-ca", "verify-full"};
      if (!kModes.count(value)) {
        status = Status::Invalid("table '{}': option 'url' has sslmode '{}'; expected one of "
                                 "disable, allow, prefer, require, verify-ca, verify-full",
                                 options.table_name(), value);
      }
    } else if (keyword == "connect_timeout" || keyword == "keepalives_idle") {
      char* rest = nullptr;
      std::strtol(value.c_str(), &rest, 10);
      if (rest == value.c_str() || *rest != '\0') {
        status = Status::Invalid("table '{}': option 'url' has {} '{}'; expected a number of "
                                 "seconds",
                                 options.table_name(), keyword, value);
      }
    }
  }
  PQconninfoFree(parsed);
  return status;
}

}  // namespace

std::string RedactUrl(std::string_view url) { return Scrub(std::string(url), PasswordsIn(url)); }

Result<PostgresTarget> PostgresTarget::FromOptions(const ConnectorOptions& options) {
  PostgresTarget t;
  std::string url = options.GetString("url", "");
  if (url.rfind("jdbc:", 0) == 0) url = url.substr(5);
  if (!url.empty() && url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0 &&
      url.find('=') == std::string::npos) {
    return Status::Invalid(
        "table '{}': option 'url' must look like 'postgresql://host:port/dbname' (or "
        "'jdbc:postgresql://...', or 'host=... dbname=...'), not '{}'",
        options.table_name(), RedactUrl(url));
  }
  t.url_passwords = PasswordsIn(url);
  if (!url.empty()) SLUICE_RETURN_NOT_OK(CheckConninfoValues(options, url, t.url_passwords));
  t.conninfo = url;
  t.user = options.GetString("username", "");
  t.password = options.GetString("password", "");
  SLUICE_ASSIGN_OR_RETURN(int64_t timeout_ms, options.GetPositiveDurationMs("connect-timeout", 10000));
  t.connect_timeout_s = std::max<int>(1, static_cast<int>((timeout_ms + 999) / 1000));
  return t;
}

std::string PostgresTarget::Describe(PGconn* conn) const {
  if (conn == nullptr) return "PostgreSQL";  // never the url: it may hold the password
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  const char* login = PQuser(conn);
  return fmt::format("{}@{}:{}/{}", login ? login : "", host ? host : "", port ? port : "",
                     db ? db : "");
}

PostgresConnection::~PostgresConnection() { Disconnect(); }

void PostgresConnection::Disconnect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

bool PostgresConnection::connected() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

Status PostgresConnection::Connect() {
  Disconnect();
  std::vector<const char*> keys, values;
  std::string timeout = std::to_string(target_.connect_timeout_s);
  // A conninfo or URI is expanded by libpq itself (expand_dbname); explicit user and password
  // come after it and win.
  if (!target_.conninfo.empty()) {
    keys.push_back("dbname");
    values.push_back(target_.conninfo.c_str());
  }
  if (!target_.user.empty()) {
    keys.push_back("user");
    values.push_back(target_.user.c_str());
  }
  if (!target_.password.empty()) {
    keys.push_back("password");
    values.push_back(target_.password.c_str());
  }
  keys.push_back("connect_timeout");
  values.push_back(timeout.c_str());
  keys.push_back("application_name");
  values.push_back("sluice");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  where_ = target_.Describe(conn_);
  // NOTICEs ("relation already exists, skipping") are not for the user's terminal.
  if (conn_) PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    message = Scrub(Scrub(std::move(message), target_.password), target_.url_passwords);
    // A missing or wrong password does not get better by retrying.
    bool credentials = (conn_ && PQconnectionNeedsPassword(conn_)) ||
                       message.find("password authentication failed") != std::string::npos;
    Disconnect();
    if (credentials) {
      return Status::Invalid(
          "cannot log in to PostgreSQL at {}: {} (give the table a 'password' option, or set "
          "PGPASSWORD, or add the server to ~/.pgpass)",
          where_, message);
    }
    return Status::Unavailable("cannot connect to PostgreSQL at {}: {}", where_, message);
  }
  return Status::OK();
}

Status PostgresConnection::Failure(std::string_view what, PGresult* result) {
  std::string message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  // Connection exceptions (08), shutdown and crash (57P0x), serialization failures and
  // deadlocks (40001, 40P01) and a lost connection are worth retrying; anything else is not.
  bool transient = PQstatus(conn_) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
                   sqlstate.rfind("57P", 0) == 0 || sqlstate == "40001" || sqlstate == "40P01";
  std::string text = fmt::format("PostgreSQL at {}: {}: {}{}", where_, what, message,
                                 sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")");
  if (transient) {
    Disconnect();
    return Status::Unavailable("{}", text);
  }
  // Data exceptions (22: a value the column cannot take) and integrity constraints (23: NOT
  // NULL, unique, foreign key, check) are about rows, not the pipeline: the sink finds them.
  if (sqlstate.rfind("22", 0) == 0 || sqlstate.rfind("23", 0) == 0) {
    return Status::DataError("{}", text);
  }
  return Status::Invalid("{}", text);
}

Status PostgresConnection::Execute(std::string_view sql) {
  if (!connected()) SLUICE_RETURN_NOT_OK(Connect());
  PgResult r(PQexec(conn_, std::string(sql).c_str()));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string head(sql.substr(0, std::min<size_t>(sql.size(), 60)));
    return Failure(head, r.get());
  }
  return Status::OK();
}

Result<PgResult> PostgresConnection::Query(std::string_view sql,
                                           const std::vector<std::string>& params) {
  if (!connected()) SLUICE_RETURN_NOT_OK(Connect());
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult r(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(values.size()),
                          nullptr, values.data(), nullptr, nullptr, 0));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string head(sql.substr(0, std::min<size_t>(sql.size(), 60)));
    return Failure(head, r.get());
  }
  return r;
}

Status PostgresConnection::CopyIn(std::string_view copy_statement, std::string_view data) {
  if (!connected()) SLUICE_RETURN_NOT_OK(Connect());
  PgResult start(PQexec(conn_, std::string(copy_statement).c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return Failure("COPY", start.get());
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) {
      return Failure("COPY data", nullptr);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return Failure("COPY end", nullptr);
  PgResult end(PQgetResult(conn_));
  // Every result is read, also after an error, so the connection takes the next command.
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) return Failure("COPY", end.get());
  return Status::OK();
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string QuoteTableName(std::string_view name) {
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return QuoteIdentifier(name);
  return QuoteIdentifier(name.substr(0, dot)) + "." + QuoteIdentifier(name.substr(dot + 1));
}

}  // namespace sluice
