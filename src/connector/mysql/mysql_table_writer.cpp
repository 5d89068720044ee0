#include "connector/mysql/mysql_table_writer.h"

#include <algorithm>

#include <fmt/format.h>

#include "connector/database/backslash_escape.h"
#include "connector/database/database_sink.h"
#include "connector/database/refused_lines.h"
#include "format/json_encoder.h"
#include "format/value_text.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

// DATETIME and DATE hold years 1000 to 9999.
constexpr int64_t kMinDatetimeMicros = -30'610'224'000 * kMicrosPerSecond;  // 1000-01-01
constexpr int32_t kMinMysqlDateDays = -354'285;                             // 1000-01-01

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += QuoteMysqlIdentifier(n);
  }
  return out;
}


}  // namespace

std::string MysqlColumnType(const DataType& type, bool in_key) {
  switch (type.id()) {
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt32: return "INT";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal: return fmt::format("DECIMAL({}, {})", type.precision(), type.scale());
    case TypeId::kBytes: return in_key ? "VARBINARY(255)" : "LONGBLOB";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "DATETIME(6)";
    case TypeId::kInterval: return "BIGINT";  // microseconds
    case TypeId::kYearMonthInterval: return "INT";  // months
    case TypeId::kStruct:
    case TypeId::kList: return "JSON";
    case TypeId::kNull:
    case TypeId::kString: return in_key ? "VARCHAR(255)" : "LONGTEXT";
  }
  return "LONGTEXT";
}

Result<std::unique_ptr<MysqlTableWriter>> MysqlTableWriter::Make(const ConnectorOptions& options,
                                                                 const Schema& schema) {
  std::unique_ptr<MysqlTableWriter> w(new MysqlTableWriter());
  SLUICE_ASSIGN_OR_RETURN(w->settings_, TableSettings::FromOptions(options));
  w->schema_ = schema;
  SLUICE_ASSIGN_OR_RETURN(MysqlTarget target, MysqlTarget::FromOptions(options));
  w->connection_ = std::make_unique<MysqlConnection>(std::move(target));
  if (schema.size() == 0) return Status::Invalid("table '{}' has no columns", w->settings_.table);
  JsonEncodeOptions json;
  json.timestamp_format = JsonTimestampFormat::kSql;
  w->json_ = std::make_unique<JsonEncoder>(schema, json);
  std::vector<std::string> columns;
  for (const auto& f : schema.fields()) columns.push_back(f.name);
  const std::string target_table = QuoteMysqlIdentifier(w->settings_.table_name);
  w->upsert_ = !schema.primary_key().empty();
  const std::string load =
      "LOAD DATA LOCAL INFILE 'sluice' INTO TABLE {} CHARACTER SET utf8mb4 ({})";
  if (!w->upsert_) {
    w->load_sql_ = fmt::format(fmt::runtime(load), target_table, JoinQuoted(columns));
  } else {
    w->load_sql_ = fmt::format(fmt::runtime(load), "sluice_stage", JoinQuoted(columns));
    std::string update;
    const auto& key = schema.primary_key();
    for (const auto& c : columns) {
      if (std::find(key.begin(), key.end(), c) != key.end()) continue;
      update += fmt::format("{}{} = VALUES({})", update.empty() ? "" : ", ",
                            QuoteMysqlIdentifier(c), QuoteMysqlIdentifier(c));
    }
    if (update.empty()) {
      update = fmt::format("{0} = {0}", QuoteMysqlIdentifier(key.front()));
    }
    // In arrival order, so the last row per key wins.
    w->merge_sql_ = fmt::format(
        "INSERT INTO {0} ({1}) SELECT {1} FROM sluice_stage ORDER BY sluice_seq ON DUPLICATE KEY "
        "UPDATE {2}",
        target_table, JoinQuoted(columns), update);
  }
  w->progress_sql_ = fmt::format(
      "LOAD DATA LOCAL INFILE 'sluice' REPLACE INTO TABLE {} CHARACTER SET utf8mb4 (pipeline, "
      "sink, topic, `partition`, next_offset)",
      QuoteMysqlIdentifier(w->settings_.progress_table));
  return w;
}

Result<std::unique_ptr<Sink>> MakeMysqlSink(const ConnectorOptions& options, const Schema& schema,
                                            const std::string& connector) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<MysqlTableWriter> writer,
                          MysqlTableWriter::Make(options, schema));
  return DatabaseSink::Make(options, schema, connector, TableSettings::OptionNames(),
                            std::move(writer));
}

const ValueLimits& MysqlTableWriter::limits() const {
  // utf8mb4 text takes any valid UTF-8, NUL included; DATETIME and DATE hold years 1000..9999.
  static const ValueLimits kLimits{.target = "MySQL",
                                   .text_must_be_utf8 = true,
                                   .text_may_contain_nul = true,
                                   .min_timestamp_micros = kMinDatetimeMicros,
                                   .max_timestamp_micros = kMaxTimestampMicros,
                                   .min_date_days = kMinMysqlDateDays,
                                   .max_date_days = kMaxDateDays};
  return kLimits;
}

std::string MysqlTableWriter::Describe() const {
  return fmt::format("table={}, {}", settings_.table_name, upsert_ ? "upsert" : "append");
}

size_t MysqlTableWriter::AppendRows(const Batch& batch, std::string& out) const {
  const size_t live = batch.num_live_rows();
  std::string json;
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = batch.selection()[i];
    for (size_t c = 0; c < schema_.size(); ++c) {
      if (c) out += '\t';
      const Vector& v = batch.column(c);
      if (v.IsNull(row)) {
        out += "\\N";
        continue;
      }
      switch (v.type().id()) {
        case TypeId::kBoolean: out += v.Get<uint8_t>(row) ? '1' : '0'; break;
        case TypeId::kString:
        case TypeId::kBytes: AppendBackslashEscaped(v.Get<std::string_view>(row), true, out); break;
        case TypeId::kInterval: out += std::to_string(v.Get<int64_t>(row)); break;
        case TypeId::kYearMonthInterval: out += std::to_string(v.Get<int32_t>(row)); break;
        case TypeId::kStruct:
        case TypeId::kList:
          json.clear();
          json_->AppendValue(v, row, json);
          AppendBackslashEscaped(json, true, out);
          break;
        default: AppendValueText(v, row, out); break;
      }
    }
    out += '\n';
  }
  return live;
}

std::string MysqlTableWriter::CreateTableSql() const {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (", QuoteMysqlIdentifier(settings_.table_name));
  const auto& key = schema_.primary_key();
  for (size_t i = 0; i < schema_.size(); ++i) {
    const Field& f = schema_.field(i);
    const bool in_key = std::find(key.begin(), key.end(), f.name) != key.end();
    sql += fmt::format("{}{} {}{}", i ? ", " : "", QuoteMysqlIdentifier(f.name),
                       MysqlColumnType(f.type, in_key), f.nullable && !in_key ? "" : " NOT NULL");
  }
  if (!key.empty()) sql += fmt::format(", PRIMARY KEY ({})", JoinQuoted(key));
  return sql + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
}

std::string MysqlTableWriter::CreateProgressTableSql() const {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (pipeline VARCHAR(191) NOT NULL, sink VARCHAR(191) NOT NULL, "
      "topic VARCHAR(249) NOT NULL, `partition` INT NOT NULL, next_offset BIGINT NOT NULL, "
      "committed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE "
      "CURRENT_TIMESTAMP(6), PRIMARY KEY (pipeline, sink, topic, `partition`)) ENGINE=InnoDB "
      "DEFAULT CHARSET=utf8mb4",
      QuoteMysqlIdentifier(settings_.progress_table));
}

Status MysqlTableWriter::EnsureTables(bool with_progress) {
  with_progress_ = with_progress;
  if (tables_ready_) return Status::OK();
  if (settings_.create_table) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateTableSql()));
  if (with_progress_) SLUICE_RETURN_NOT_OK(connection_->Execute(CreateProgressTableSql()));
  // Fail now, not at the first commit, when the table is missing or lacks a column.
  std::vector<std::string> columns;
  for (const auto& f : schema_.fields()) columns.push_back(f.name);
  auto probe = connection_->Query(fmt::format("SELECT {} FROM {} LIMIT 0", JoinQuoted(columns),
                                              QuoteMysqlIdentifier(settings_.table_name)));
  if (!probe.ok()) {
    if (probe.status().code() == StatusCode::kUnavailable) return probe.status();
    return Status::Invalid("{} (the sink needs table '{}' with columns {}{})",
                           probe.status().message(), settings_.table_name, JoinQuoted(columns),
                           settings_.create_table ? "" : "; set 'sink.create-table' = 'true' to create it");
  }
  tables_ready_ = true;
  return Status::OK();
}

Status MysqlTableWriter::EnsureStage() {
  if (stage_ready_) return Status::OK();
  std::string columns;
  for (const auto& f : schema_.fields()) {
    columns += fmt::format(", {} {}", QuoteMysqlIdentifier(f.name), MysqlColumnType(f.type, false));
  }
  SLUICE_RETURN_NOT_OK(connection_->Execute(fmt::format(
      "CREATE TEMPORARY TABLE IF NOT EXISTS sluice_stage (sluice_seq BIGINT AUTO_INCREMENT "
      "PRIMARY KEY{}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
      columns)));
  stage_ready_ = true;
  return Status::OK();
}

Status MysqlTableWriter::LoadRows(std::string_view rows) {
  if (!upsert_) return connection_->LoadData(load_sql_, rows);
  SLUICE_RETURN_NOT_OK(EnsureStage());
  SLUICE_RETURN_NOT_OK(connection_->Execute("DELETE FROM sluice_stage"));
  SLUICE_RETURN_NOT_OK(connection_->LoadData(load_sql_, rows));
  return connection_->Execute(merge_sql_);
}

Status MysqlTableWriter::Transaction(std::string_view rows, const SourceOffsets* progress) {
  if (!connection_->connected()) {
    stage_ready_ = false;
    SLUICE_RETURN_NOT_OK(EnsureTables(with_progress_));
  }
  auto fail = [&](Status s) {
    if (connection_->connected()) (void)connection_->Execute("ROLLBACK");
    if (s.code() == StatusCode::kUnavailable) stage_ready_ = false;
    return s;
  };
  Status s = connection_->Execute("START TRANSACTION");
  if (!s.ok()) return fail(s);
  if (!rows.empty()) {
    s = LoadRows(rows);
    if (!s.ok()) return fail(s.WithContext("writing to table '" + settings_.table_name + "'"));
  }
  if (progress != nullptr) {
    std::string lines;
    for (const auto& [origin, partitions] : *progress) {
      for (const auto& [partition, offset] : partitions) {
        AppendBackslashEscaped(settings_.pipeline, true, lines);
        lines += '\t';
        AppendBackslashEscaped(settings_.table, true, lines);
        lines += '\t';
        AppendBackslashEscaped(origin, true, lines);
        lines += fmt::format("\t{}\t{}\n", partition, offset);
      }
    }
    if (!lines.empty()) {
      s = connection_->LoadData(progress_sql_, lines);
      if (!s.ok()) return fail(s.WithContext("recording progress"));
    }
  }
  s = connection_->Execute("COMMIT");
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Result<SourceOffsets> MysqlTableWriter::ReadProgress() {
  // Read whole and matched here: the pipeline's and sink's names never go into SQL text.
  SLUICE_ASSIGN_OR_RETURN(auto rows, connection_->Query(fmt::format(
                                         "SELECT pipeline, sink, topic, `partition`, next_offset "
                                         "FROM {}",
                                         QuoteMysqlIdentifier(settings_.progress_table))));
  SourceOffsets out;
  for (const auto& r : rows) {
    if (r.size() < 5 || !r[0] || !r[1] || !r[2] || !r[3] || !r[4]) continue;
    if (*r[0] != settings_.pipeline || *r[1] != settings_.table) continue;
    out[*r[2]][std::stoi(*r[3])] = std::stoll(*r[4]);
  }
  return out;
}

Result<std::vector<std::pair<size_t, std::string>>> MysqlTableWriter::ProbeLines(
    std::string_view rows) {
  auto execute = [this](const char* sql) { return [this, sql] { return connection_->Execute(sql); }; };
  // MySQL keeps a savepoint after ROLLBACK TO; the next SAVEPOINT of that name replaces it.
  ProbeSteps steps{execute("SAVEPOINT sluice_probe"), execute("ROLLBACK TO SAVEPOINT sluice_probe"),
                   [] { return Status::OK(); },
                   [this](std::string_view lines) { return LoadRows(lines); }};
  Status s = connection_->Execute("START TRANSACTION");
  Result<std::vector<std::pair<size_t, std::string>>> refused =
      s.ok() ? FindRefusedLines(rows, steps) : s;
  if (connection_->connected()) (void)connection_->Execute("ROLLBACK");  // a probe keeps nothing
  return refused;
}

}  // namespace sluice
