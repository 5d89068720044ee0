#include "connector/sqlite/sqlite_sink.h"

#include <sqlite3.h>
#include <strings.h>

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "format/value_text.h"
#include "types/decimal.h"

namespace sluice {
namespace {

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string_view SqliteType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval: return "INTEGER";
    case TypeId::kFloat64:
    case TypeId::kDecimal: return "REAL";
    case TypeId::kBytes: return "BLOB";
    default: return "TEXT";
  }
}

}  // namespace

Result<std::unique_ptr<Sink>> SqliteSink::Make(const ConnectorOptions& options,
                                               const Schema& schema) {
  SLUICE_RETURN_NOT_OK(
      options.CheckKnown("sqlite", {"path", "table-name", "sink.create-table"}));
  std::unique_ptr<SqliteSink> s(new SqliteSink());
  s->table_ = options.table_name();
  SLUICE_ASSIGN_OR_RETURN(s->path_, options.GetRequired("path"));
  s->table_name_ = options.GetString("table-name", options.table_name());
  if (s->table_name_.empty()) {
    return Status::Invalid("table '{}': option 'table-name' must not be empty", s->table_);
  }
  SLUICE_ASSIGN_OR_RETURN(s->create_table_, options.GetBool("sink.create-table", true));
  if (schema.empty()) return Status::Invalid("table '{}': a sqlite sink needs columns", s->table_);
  for (const std::string& key : schema.primary_key()) {
    if (schema.IndexOf(key) < 0) {
      return Status::Invalid("table '{}': PRIMARY KEY column '{}' is not a column of {}",
                             s->table_, key, schema.ToString());
    }
  }
  s->schema_ = schema;
  s->capabilities_.accepts_updates = !schema.primary_key().empty();
  JsonEncodeOptions json;
  json.timestamp_format = JsonTimestampFormat::kSql;  // the same form as TIMESTAMP columns
  s->json_ = std::make_unique<JsonEncoder>(schema, json);
  s->scratch_.resize(schema.size());
  return std::unique_ptr<Sink>(std::move(s));
}

SqliteSink::~SqliteSink() { Release(); }

Status SqliteSink::Error(std::string_view what) const {
  return Status::IOError("table '{}': sqlite '{}' table '{}': {}: {}", table_, path_, table_name_,
                         what, db_ ? sqlite3_errmsg(db_) : "out of memory");
}

std::string SqliteSink::CreateTableSql() const {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + QuoteIdentifier(table_name_) + " (";
  for (size_t i = 0; i < schema_.size(); ++i) {
    const Field& f = schema_.field(i);
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(f.name) + " " + std::string(SqliteType(f.type));
    if (!f.nullable) sql += " NOT NULL";
  }
  if (!schema_.primary_key().empty()) {
    sql += ", PRIMARY KEY (";
    for (size_t i = 0; i < schema_.primary_key().size(); ++i) {
      if (i > 0) sql += ", ";
      sql += QuoteIdentifier(schema_.primary_key()[i]);
    }
    sql += ")";
  }
  return sql + ")";
}

Status SqliteSink::Open() {
  auto database = SqliteDatabase::Open(path_);
  if (!database.ok()) return database.status().WithContext("table '" + table_ + "'");
  database_ = std::move(*database);
  db_ = database_->handle();
  if (create_table_) {
    SLUICE_RETURN_NOT_OK(database_->Exec(CreateTableSql()).WithContext("table '" + table_ + "'"));
  }

  std::string sql = schema_.primary_key().empty() ? "INSERT INTO " : "INSERT OR REPLACE INTO ";
  sql += QuoteIdentifier(table_name_) + " (";
  std::string values;
  for (size_t i = 0; i < schema_.size(); ++i) {
    sql += (i > 0 ? ", " : "") + QuoteIdentifier(schema_.field(i).name);
    values += i > 0 ? ", ?" : "?";
  }
  sql += ") VALUES (" + values + ")";
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert_, nullptr) != SQLITE_OK) {
    return Error("preparing '" + sql + "'");
  }
  return Status::OK();
}

Status SqliteSink::Write(const Batch& batch, const RecordPositions* /*positions*/) {
  if (insert_ == nullptr) {
    return Status::Internal("table '{}': sqlite sink written before Open", table_);
  }
  Status status = WriteRows(batch);
  if (!status.ok()) database_->Fail(status.message());
  return status;
}

Status SqliteSink::WriteRows(const Batch& batch) {
  const size_t live = batch.num_live_rows();
  if (live == 0) return Status::OK();
  SLUICE_RETURN_NOT_OK(database_->Begin().WithContext("table '" + table_ + "'"));
  const SelectionVector& selection = batch.selection();
  for (size_t i = 0; i < live; ++i) {
    const size_t row = selection[i];
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      const Vector& v = batch.column(c);
      const int index = static_cast<int>(c) + 1;
      int rc = SQLITE_OK;
      if (v.IsNull(row)) {
        rc = sqlite3_bind_null(insert_, index);
      } else {
        std::string& text = scratch_[c];
        switch (v.type().id()) {
          case TypeId::kBoolean:
            rc = sqlite3_bind_int(insert_, index, v.Get<uint8_t>(row));
            break;
          case TypeId::kInt32:
          case TypeId::kYearMonthInterval:
            rc = sqlite3_bind_int(insert_, index, v.Get<int32_t>(row));
            break;
          case TypeId::kInt64:
          case TypeId::kInterval:
            rc = sqlite3_bind_int64(insert_, index, v.Get<int64_t>(row));
            break;
          case TypeId::kFloat64:
            rc = sqlite3_bind_double(insert_, index, v.Get<double>(row));
            break;
          case TypeId::kDecimal:
            rc = sqlite3_bind_double(insert_, index,
                                     DecimalToDouble(v.Get<Int128>(row), v.type().scale()));
            break;
          case TypeId::kString: {
            std::string_view s = v.Get<std::string_view>(row);
            // The batch outlives the step, so SQLite need not copy. An empty view may have no
            // data pointer, which SQLite would bind as NULL: an empty string is not NULL.
            rc = sqlite3_bind_text(insert_, index, s.empty() ? "" : s.data(),
                                   static_cast<int>(s.size()), SQLITE_STATIC);
            break;
          }
          case TypeId::kBytes: {
            std::string_view s = v.Get<std::string_view>(row);
            rc = sqlite3_bind_blob(insert_, index, s.empty() ? "" : s.data(),
                                   static_cast<int>(s.size()), SQLITE_STATIC);
            break;
          }
          case TypeId::kStruct:
          case TypeId::kList:
            text.clear();
            json_->AppendValue(v, row, text);
            rc = sqlite3_bind_text(insert_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_STATIC);
            break;
          default:  // DATE, TIMESTAMP
            text.clear();
            AppendValueText(v, row, text);
            rc = sqlite3_bind_text(insert_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_STATIC);
            break;
        }
      }
      if (rc != SQLITE_OK) {
        return Error(fmt::format("binding column '{}'", schema_.field(c).name));
      }
    }
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc != SQLITE_DONE) {
      return Error(fmt::format("inserting row {} of the batch", row));
    }
    CountWritten(1);
  }
  return Status::OK();
}

Status SqliteSink::CommitEpoch(uint64_t /*epoch*/, const SourceOffsets& /*positions*/) {
  if (!database_) return Status::OK();
  return database_->Commit().WithContext("table '" + table_ + "'");
}

void SqliteSink::Release() {
  if (insert_ != nullptr) sqlite3_finalize(insert_);
  insert_ = nullptr;
  // The last sink of a file closes it; an open transaction is then rolled back.
  database_.reset();
  db_ = nullptr;
}

Status SqliteSink::Close() {
  Release();
  return Status::OK();
}

std::string SqliteSink::Describe() const {
  return fmt::format("sqlite(path={}, table={}{})", path_, table_name_,
                     schema_.primary_key().empty() ? "" : ", upsert");
}

}  // namespace sluice
