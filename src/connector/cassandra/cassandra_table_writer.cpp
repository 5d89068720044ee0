#include "connector/cassandra/cassandra_table_writer.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "connector/cassandra/cql_values.h"
#include "connector/database/database_sink.h"

namespace sluice {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// CQL identifiers are quoted, so any column name (and case) survives.
std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void AppendHex(std::string_view bytes, std::string& out) {
  for (unsigned char c : bytes) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 15];
  }
}

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::vector<std::string_view> SplitLines(std::string_view rows) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < rows.size()) {
    size_t end = rows.find('\n', start);
    if (end == std::string_view::npos) end = rows.size();
    lines.push_back(rows.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A line: per column 'n' (NULL) or 'v' + the natural value's hex + ';'.
void AppendLine(const Batch& batch, size_t row, const Schema& schema, std::string& scratch,
                std::string& out) {
  for (size_t c = 0; c < schema.size(); ++c) {
    const Vector& v = batch.column(c);
    if (v.IsNull(row)) {
      out += "n;";
      continue;
    }
    scratch.clear();
    AppendNaturalValue(v, row, schema.field(c).type, scratch);
    out += 'v';
    AppendHex(scratch, out);
    out += ';';
  }
  out += '\n';
}

}  // namespace

const std::set<std::string>& CassandraTableWriter::OptionNames() {
  static const std::set<std::string> kOptions = [] {
    std::set<std::string> names = TableSettings::OptionNames();
    names.erase("url");
    for (const char* name : {"hosts", "port", "keyspace", "table", "consistency", "ttl",
                             "output.batch.size.rows", "output.concurrent.writes",
                             "sink.create-keyspace", "keyspace.replication-factor",
                             "sink.column-types"}) {
      names.insert(name);
    }
    return names;
  }();
  return kOptions;
}

Result<std::unique_ptr<CassandraTableWriter>> CassandraTableWriter::Make(
    const ConnectorOptions& options, const Schema& schema) {
  std::unique_ptr<CassandraTableWriter> w(new CassandraTableWriter());
  SLUICE_ASSIGN_OR_RETURN(w->settings_, TableSettings::FromOptions(options));
  const std::string& table = w->settings_.table;
  w->settings_.table_name = options.GetString("table", w->settings_.table_name);
  w->schema_ = schema;
  SLUICE_ASSIGN_OR_RETURN(w->keyspace_, options.GetRequired("keyspace"));
  w->endpoint_.hosts.clear();
  std::stringstream hosts(options.GetString("hosts", "127.0.0.1"));
  for (std::string host; std::getline(hosts, host, ',');) {
    host.erase(0, host.find_first_not_of(' '));
    host.erase(host.find_last_not_of(' ') + 1);
    if (!host.empty()) w->endpoint_.hosts.push_back(host);
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t port, options.GetPositiveInt("port", 9042));
  if (port > 65535) return Status::Invalid("table '{}': 'port' {} is not a TCP port", table, port);
  w->endpoint_.port = static_cast<int>(port);
  w->endpoint_.username = options.GetString("username", "");
  w->endpoint_.password = options.GetString("password", "");
  SLUICE_ASSIGN_OR_RETURN(int64_t connect_ms, options.GetPositiveDurationMs("connect-timeout", 10000));
  w->endpoint_.connect_timeout = std::chrono::milliseconds(connect_ms);
  SLUICE_ASSIGN_OR_RETURN(int64_t in_flight, options.GetPositiveInt("output.concurrent.writes", 64));
  w->endpoint_.max_in_flight = static_cast<int>(std::min<int64_t>(in_flight, 1024));
  SLUICE_ASSIGN_OR_RETURN(int64_t batch, options.GetPositiveInt("output.batch.size.rows", 32));
  w->batch_rows_ = static_cast<size_t>(std::min<int64_t>(batch, 65535));
  const std::string consistency = options.GetString("consistency", "LOCAL_QUORUM");
  if (!cql::ParseConsistency(consistency, w->consistency_)) {
    return Status::Invalid("table '{}': 'consistency' = '{}': expected ONE, TWO, THREE, QUORUM, "
                           "ALL, LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE or ANY",
                           table, consistency);
  }
  if (options.Has("ttl")) {
    SLUICE_ASSIGN_OR_RETURN(int64_t ttl, options.GetPositiveInt("ttl", 0));
    w->ttl_seconds_ = ttl;
  }
  SLUICE_ASSIGN_OR_RETURN(w->create_keyspace_, options.GetBool("sink.create-keyspace", false));
  SLUICE_ASSIGN_OR_RETURN(int64_t rf, options.GetPositiveInt("keyspace.replication-factor", 1));
  w->replication_factor_ = static_cast<int>(std::min<int64_t>(rf, 100));
  std::stringstream types(options.GetString("sink.column-types", ""));
  for (std::string entry; std::getline(types, entry, ',');) {
    entry.erase(0, entry.find_first_not_of(' '));
    const size_t space = entry.find(' ');
    if (entry.empty()) continue;
    const std::string column = entry.substr(0, space);
    std::string type = space == std::string::npos ? "" : entry.substr(space + 1);
    type.erase(0, type.find_first_not_of(' '));
    type.erase(type.find_last_not_of(' ') + 1);
    if (type.empty() || schema.IndexOf(column) < 0) {
      return Status::Invalid("table '{}': 'sink.column-types' takes '<column> <cql type>, ...' "
                             "for columns of the table; '{}' is not",
                             table, entry);
    }
    w->column_types_[column] = type;
  }
  if (schema.primary_key().empty()) {
    return Status::Invalid("table '{}': a Cassandra table needs a PRIMARY KEY (... ) NOT ENFORCED "
                           "in its DDL: every Cassandra write is an upsert by key",
                           table);
  }
  for (const Field& f : schema.fields()) {
    if (CqlTypeName(f.type).empty()) {
      return Status::Invalid("table '{}': column '{}' of type {} has no Cassandra type (CAST it to "
                             "BIGINT or STRING)",
                             table, f.name, f.type.ToString());
    }
  }
  w->upsert_ = true;
  return w;
}

const ValueLimits& CassandraTableWriter::limits() const {
  // text is UTF-8 (NUL allowed); timestamps are milliseconds in a long; dates any day.
  static const ValueLimits kLimits{.target = "Cassandra", .text_must_be_utf8 = true};
  return kLimits;
}

std::string CassandraTableWriter::Describe() const {
  return fmt::format("keyspace={}, table={}, consistency={}{}", keyspace_, settings_.table_name,
                     cql::ConsistencyName(consistency_),
                     ttl_seconds_ ? fmt::format(", ttl={} s", *ttl_seconds_) : "");
}

std::string CassandraTableWriter::CreateTableCql() const {
  std::string columns;
  for (const Field& f : schema_.fields()) {
    auto custom = column_types_.find(f.name);
    columns += fmt::format("{} {}, ", Quote(f.name),
                           custom != column_types_.end() ? custom->second : CqlTypeName(f.type));
  }
  const auto& key = schema_.primary_key();
  std::string clustering;
  for (size_t i = 1; i < key.size(); ++i) clustering += ", " + Quote(key[i]);
  return fmt::format("CREATE TABLE IF NOT EXISTS {}.{} ({}PRIMARY KEY (({}){}))", Quote(keyspace_),
                     Quote(settings_.table_name), columns, Quote(key.front()), clustering);
}

std::string CassandraTableWriter::InsertCql() const {
  std::string names, markers;
  for (const Field& f : schema_.fields()) {
    names += (names.empty() ? "" : ", ") + Quote(f.name);
    markers += markers.empty() ? "?" : ", ?";
  }
  return fmt::format("INSERT INTO {}.{} ({}) VALUES ({}){}", Quote(keyspace_),
                     Quote(settings_.table_name), names, markers,
                     ttl_seconds_ ? fmt::format(" USING TTL {}", *ttl_seconds_) : "");
}

size_t CassandraTableWriter::AppendRows(const Batch& batch, std::string& out) const {
  const size_t live = batch.num_live_rows();
  std::string scratch;
  for (size_t i = 0; i < live; ++i) AppendLine(batch, batch.selection()[i], schema_, scratch, out);
  return live;
}

Status CassandraTableWriter::Connect() {
  if (!connection_ || !connection_->open()) {
    connection_.reset();
    prepared_ = false;
    SLUICE_ASSIGN_OR_RETURN(connection_, cql::Connection::Connect(endpoint_));
  }
  if (prepared_) return Status::OK();
  // Prepared statements live per server (and a restarted one forgets them): prepared again on
  // every new connection.
  const std::string progress = fmt::format("{}.{}", Quote(keyspace_), Quote(settings_.progress_table));
  Result<cql::Prepared> insert = connection_->Prepare(InsertCql());
  if (!insert.ok()) {
    if (insert.status().message().find("exist") != std::string::npos ||
        insert.status().message().find("unconfigured table") != std::string::npos) {
      return Status::Invalid("{} (keyspace '{}', table '{}'; 'sink.create-table' creates the "
                             "table, 'sink.create-keyspace' the keyspace)",
                             insert.status().message(), keyspace_, settings_.table_name);
    }
    return insert.status();
  }
  insert_ = std::move(insert).value();
  if (insert_.bind.size() != schema_.size()) {
    return Status::Invalid("Cassandra prepared {} markers for the table's {} columns",
                           insert_.bind.size(), schema_.size());
  }
  for (size_t c = 0; c < schema_.size(); ++c) {
    const Field& f = schema_.field(c);
    if (!CanWriteTo(f.type, insert_.bind[c].type)) {
      return Status::Invalid("column '{}' is {} in the table's DDL but {} in Cassandra's {}.{}; "
                             "a {} cannot be written to it",
                             f.name, f.type.ToString(), insert_.bind[c].type.ToString(), keyspace_,
                             settings_.table_name, f.type.ToString());
    }
  }
  if (with_progress_) {
    SLUICE_ASSIGN_OR_RETURN(
        progress_insert_,
        connection_->Prepare(fmt::format(
            "INSERT INTO {} (pipeline, sink, topic, partition, next_offset) VALUES (?, ?, ?, ?, ?)",
            progress)));
    SLUICE_ASSIGN_OR_RETURN(
        progress_select_,
        connection_->Prepare(fmt::format(
            "SELECT topic, partition, next_offset FROM {} WHERE pipeline = ? AND sink = ?", progress)));
  }
  prepared_ = true;
  return Status::OK();
}

Status CassandraTableWriter::EnsureTables(bool with_progress) {
  with_progress_ = with_progress;
  connection_.reset();
  prepared_ = false;
  SLUICE_ASSIGN_OR_RETURN(connection_, cql::Connection::Connect(endpoint_));
  if (create_keyspace_) {
    SLUICE_RETURN_NOT_OK(connection_->Query(
        fmt::format("CREATE KEYSPACE IF NOT EXISTS {} WITH replication = {{'class': "
                    "'SimpleStrategy', 'replication_factor': {}}}",
                    Quote(keyspace_), replication_factor_),
        cql::Consistency::kOne));
  }
  auto create = [&](const std::string& cql) -> Status {
    Status s = connection_->Query(cql, cql::Consistency::kOne);
    if (!s.ok() && s.message().find("exist") != std::string::npos &&
        s.message().find(keyspace_) != std::string::npos) {
      return Status::Invalid("{} ('sink.create-keyspace' = 'true' creates keyspace '{}')",
                             s.message(), keyspace_);
    }
    return s;
  };
  if (settings_.create_table) SLUICE_RETURN_NOT_OK(create(CreateTableCql()));
  if (with_progress) {
    SLUICE_RETURN_NOT_OK(create(fmt::format(
        "CREATE TABLE IF NOT EXISTS {}.{} (pipeline text, sink text, topic text, partition int, "
        "next_offset bigint, PRIMARY KEY ((pipeline, sink), topic, partition))",
        Quote(keyspace_), Quote(settings_.progress_table))));
  }
  SLUICE_RETURN_NOT_OK(Connect());
  column_types_at_start_.clear();
  checked_columns_.clear();
  for (size_t c = 0; c < schema_.size(); ++c) {
    column_types_at_start_.push_back(insert_.bind[c].type);
    const TypeId id = schema_.field(c).type.id();
    const uint16_t column = insert_.bind[c].type.id;
    const bool natural = (id == TypeId::kInt32 && column == cql::CqlType::kInt) ||
                         (id == TypeId::kInt64 && column == cql::CqlType::kBigint) ||
                         (id == TypeId::kFloat64 && column == cql::CqlType::kDouble) ||
                         (id == TypeId::kString && column == cql::CqlType::kVarchar) ||
                         (id != TypeId::kInt32 && id != TypeId::kInt64 && id != TypeId::kFloat64 &&
                          id != TypeId::kString && id != TypeId::kList);
    if (!natural) checked_columns_.push_back(c);
  }
  return Status::OK();
}

void CassandraTableWriter::FindUnwritableRows(const Batch& batch, std::vector<RowReject>& out) const {
  if (checked_columns_.empty()) return;
  std::string natural, converted;
  const size_t live = batch.num_live_rows();
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    for (size_t c : checked_columns_) {
      const Vector& v = batch.column(c);
      if (v.IsNull(row)) continue;
      natural.clear();
      converted.clear();
      AppendNaturalValue(v, row, schema_.field(c).type, natural);
      Status s = ConvertValue(natural, schema_.field(c).type, column_types_at_start_[c], converted);
      if (!s.ok()) {
        out.push_back(RowReject{row, schema_.field(c).name,
                                fmt::format("{} for Cassandra's {} column", s.message(),
                                            column_types_at_start_[c].ToString())});
        break;
      }
    }
  }
}

Status CassandraTableWriter::LineValues(std::string_view line, std::string& scratch,
                                        std::vector<std::optional<std::string_view>>& values) const {
  // Two passes: convert every value into `scratch` (which may grow), then take views.
  std::vector<std::pair<size_t, size_t>> spans;  // offset, length; length SIZE_MAX for NULL
  scratch.clear();
  std::string natural;
  size_t at = 0;
  for (size_t c = 0; c < schema_.size(); ++c) {
    if (at >= line.size()) return Status::Invalid("a damaged row (too few values)");
    if (line[at] == 'n') {
      spans.emplace_back(0, SIZE_MAX);
      at += 2;
      continue;
    }
    const size_t end = line.find(';', at);
    if (line[at] != 'v' || end == std::string_view::npos) return Status::Invalid("a damaged row");
    natural.clear();
    for (size_t i = at + 1; i + 1 < end; i += 2) {
      const int hi = Nibble(line[i]), lo = Nibble(line[i + 1]);
      if (hi < 0 || lo < 0) return Status::Invalid("a damaged row");
      natural.push_back(static_cast<char>(hi * 16 + lo));
    }
    at = end + 1;
    const size_t begin = scratch.size();
    Status converted = ConvertValue(natural, schema_.field(c).type, insert_.bind[c].type, scratch);
    if (!converted.ok()) {
      return Status::Invalid("column '{}': {}", schema_.field(c).name, converted.message());
    }
    spans.emplace_back(begin, scratch.size() - begin);
  }
  values.clear();
  for (const auto& [offset, length] : spans) {
    if (length == SIZE_MAX) {
      values.emplace_back(std::nullopt);
    } else {
      values.emplace_back(std::string_view(scratch).substr(offset, length));
    }
  }
  return Status::OK();
}

Status CassandraTableWriter::WriteLines(const std::vector<std::string_view>& lines) {
  // Rows grouped by partition key (the bytes of its values), in arrival order within a group, so
  // that the last row per key wins and each batch touches one partition.
  std::vector<std::string> scratch(lines.size());
  std::vector<std::vector<std::optional<std::string_view>>> values(lines.size());
  std::map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < lines.size(); ++i) {
    Status s = LineValues(lines[i], scratch[i], values[i]);
    if (!s.ok()) return Status::DataError("{}", s.message());
    std::string key;
    for (uint16_t k : insert_.partition_key) {
      const auto& v = values[i][k];
      key += v ? std::string(*v) : std::string();
      key += '\x1f';
    }
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(i);
  }
  std::vector<cql::Connection::Request> requests;
  for (const std::string& key : order) {
    const std::vector<size_t>& rows = groups[key];
    for (size_t start = 0; start < rows.size(); start += batch_rows_) {
      const size_t end = std::min(rows.size(), start + batch_rows_);
      cql::Connection::Request request;
      if (end - start == 1) {
        request.opcode = cql::Opcode::kExecute;
        connection_->AppendExecute(insert_, values[rows[start]], consistency_, request.body);
      } else {
        request.opcode = cql::Opcode::kBatch;
        std::vector<std::vector<std::optional<std::string_view>>> batch;
        for (size_t r = start; r < end; ++r) batch.push_back(values[rows[r]]);
        connection_->AppendBatch(insert_, batch, consistency_, request.body);
      }
      requests.push_back(std::move(request));
    }
  }
  return connection_->SendAll(requests);
}

Status CassandraTableWriter::Transaction(std::string_view rows, const SourceOffsets* progress) {
  Status connected = Connect();
  if (!connected.ok()) return connected;
  Status written = WriteLines(SplitLines(rows));
  if (written.code() == StatusCode::kUnavailable) connection_.reset();  // reconnect, re-prepare
  SLUICE_RETURN_NOT_OK(written);
  if (!progress || !with_progress_) return Status::OK();
  // The rows are in; now where they end. A crash before this writes them again, the same.
  std::vector<cql::Connection::Request> requests;
  for (const auto& [topic, partitions] : *progress) {
    for (const auto& [partition, next] : partitions) {
      std::string p, o;
      for (int shift = 24; shift >= 0; shift -= 8) p.push_back(static_cast<char>((static_cast<uint32_t>(partition) >> shift) & 0xFF));
      for (int shift = 56; shift >= 0; shift -= 8) o.push_back(static_cast<char>((static_cast<uint64_t>(next) >> shift) & 0xFF));
      cql::Connection::Request request;
      connection_->AppendExecute(
          progress_insert_,
          {settings_.pipeline, settings_.table, std::string_view(topic), std::string_view(p),
           std::string_view(o)},
          consistency_, request.body);
      requests.push_back(std::move(request));
    }
  }
  Status s = connection_->SendAll(requests);
  if (s.code() == StatusCode::kUnavailable) connection_.reset();
  return s;
}

Result<SourceOffsets> CassandraTableWriter::ReadProgress() {
  SLUICE_RETURN_NOT_OK(Connect());
  cql::Connection::Request request;
  connection_->AppendExecute(progress_select_, {settings_.pipeline, settings_.table},
                             consistency_, request.body);
  cql::Rows rows;
  Status s = connection_->SendAll({request}, &rows);
  if (!s.ok()) {
    if (s.code() == StatusCode::kUnavailable) connection_.reset();
    return s;
  }
  SourceOffsets offsets;
  for (const auto& row : rows.rows) {
    if (row.size() != 3 || !row[0] || !row[1] || !row[2] || row[1]->size() != 4 || row[2]->size() != 8) {
      return Status::IOError("Cassandra: an unreadable row in {}.{}", keyspace_, settings_.progress_table);
    }
    uint32_t partition = 0;
    uint64_t next = 0;
    for (char c : *row[1]) partition = (partition << 8) | static_cast<uint8_t>(c);
    for (char c : *row[2]) next = (next << 8) | static_cast<uint8_t>(c);
    offsets[*row[0]][static_cast<int32_t>(partition)] = static_cast<int64_t>(next);
  }
  return offsets;
}

Result<std::vector<std::pair<size_t, std::string>>> CassandraTableWriter::ProbeLines(std::string_view rows) {
  SLUICE_RETURN_NOT_OK(Connect());
  std::vector<std::pair<size_t, std::string>> refused;
  const std::vector<std::string_view> lines = SplitLines(rows);
  std::string scratch;
  std::vector<std::optional<std::string_view>> values;
  for (size_t i = 0; i < lines.size(); ++i) {
    Status s = LineValues(lines[i], scratch, values);
    if (s.ok()) {
      // Written alone: an upsert, so writing a good row here is harmless (the retry writes it
      // again with the rest).
      cql::Connection::Request request;
      connection_->AppendExecute(insert_, values, consistency_, request.body);
      s = connection_->SendAll({request});
      if (s.code() == StatusCode::kUnavailable) {
        connection_.reset();
        return s;
      }
    }
    if (!s.ok()) refused.emplace_back(i, s.message());
  }
  return refused;
}

Result<std::unique_ptr<Sink>> MakeCassandraSink(const ConnectorOptions& options, const Schema& schema) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<CassandraTableWriter> writer,
                          CassandraTableWriter::Make(options, schema));
  return DatabaseSink::Make(options, schema, "cassandra", CassandraTableWriter::OptionNames(),
                            std::move(writer));
}

}  // namespace sluice
