#include "plan/table_definition.h"

#include <set>

#include <fmt/format.h>

#include "common/secrets.h"
#include "plan/scope.h"

namespace sluice {
namespace {

const sql::TableOption* FindOption(const sql::CreateTable& ddl, std::string_view key) {
  for (const auto& o : ddl.options) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

}  // namespace

Result<TableDefinition> DefineTable(const sql::SourceText& source, const sql::CreateTable& ddl) {
  TableDefinition table;
  table.ddl = &ddl;
  table.name = ddl.name;

  std::set<std::string> seen_options;
  std::map<std::string, std::string> connector_options;
  for (const auto& o : ddl.options) {
    if (!seen_options.insert(o.key).second) {
      return source.Error(o.location, fmt::format("option '{}' is given twice", o.key));
    }
    if (o.key == "connector" || o.key == "errors" || o.key == "errors.table" ||
        o.key == "late-records" || o.key == "scan.watermark.idle-timeout") {
      continue;  // applied by the pipeline, not the connector
    }
    // Secrets stay out of the file: '${env:NAME}', '${file:PATH}', or '<password option>.file'.
    auto value = ResolveReferences(o.value, IsSecretOptionName(o.key));
    if (!value.ok()) {
      return source.Error(o.value_location, fmt::format("option '{}': {}", o.key, value.status().message()));
    }
    constexpr std::string_view kFileSuffix = ".file";
    if (o.key.ends_with(kFileSuffix) &&
        IsSecretOptionName(std::string_view(o.key).substr(0, o.key.size() - kFileSuffix.size()))) {
      const std::string secret_key = o.key.substr(0, o.key.size() - kFileSuffix.size());
      if (FindOption(ddl, secret_key)) {
        return source.Error(o.location, fmt::format("give either '{}' or '{}', not both", secret_key, o.key));
      }
      auto secret = ReadSecretFile(*value);
      if (!secret.ok()) {
        return source.Error(o.value_location, fmt::format("option '{}': {}", o.key, secret.status().message()));
      }
      connector_options[secret_key] = std::move(*secret);
      continue;
    }
    connector_options[o.key] = std::move(*value);
  }
  const sql::TableOption* connector = FindOption(ddl, "connector");
  if (!connector) {
    return source.Error(ddl.location,
                        fmt::format("table '{}' has no 'connector' option: add WITH ('connector' "
                                    "= 'kafka' | 'datagen' | 'filesystem' | 'print' | 'sqlite', ...)",
                                    ddl.name));
  }
  table.connector = connector->value;
  table.format = connector_options.count("format") ? connector_options["format"] : "json";
  if (table.format != "json" && table.format != "raw" && table.format != "csv" &&
      table.format != "parquet") {
    const sql::TableOption* f = FindOption(ddl, "format");
    return source.Error(f->value_location,
                        fmt::format("unknown format '{}': expected 'json', 'csv', 'parquet' or 'raw'",
                                    table.format));
  }

  if (const sql::TableOption* errors = FindOption(ddl, "errors")) {
    if (errors->value == "fail") {
      table.errors = ErrorPolicy::kFail;
    } else if (errors->value == "skip") {
      table.errors = ErrorPolicy::kSkip;
    } else if (errors->value == "dead-letter") {
      table.errors = ErrorPolicy::kDeadLetter;
    } else {
      return source.Error(errors->value_location,
                          fmt::format("'errors' = '{}': expected 'fail', 'skip' or 'dead-letter'",
                                      errors->value));
    }
  }
  if (const sql::TableOption* dlq = FindOption(ddl, "errors.table")) {
    table.errors_table = dlq->value;
    if (!FindOption(ddl, "errors")) table.errors = ErrorPolicy::kDeadLetter;
    if (table.errors != ErrorPolicy::kDeadLetter) {
      return source.Error(dlq->location, "'errors.table' needs 'errors' = 'dead-letter'");
    }
  } else if (table.errors == ErrorPolicy::kDeadLetter) {
    return source.Error(FindOption(ddl, "errors")->value_location,
                        "'errors' = 'dead-letter' needs 'errors.table' = '<table>': the table "
                        "(declared with CREATE TABLE) that receives the bad records");
  }

  if (const sql::TableOption* late = FindOption(ddl, "late-records")) {
    if (late->value == "dead-letter") {
      if (table.errors_table.empty()) {
        return source.Error(late->value_location,
                            "'late-records' = 'dead-letter' needs 'errors.table' = '<table>' for "
                            "the dead letters");
      }
      table.late_records_dead_letter = true;
    } else if (late->value != "drop") {
      return source.Error(late->value_location,
                          fmt::format("'late-records' = '{}': expected 'drop' (counted) or "
                                      "'dead-letter'",
                                      late->value));
    }
    if (!ddl.watermark) {
      return source.Error(late->location, "'late-records' needs a WATERMARK FOR clause on the table");
    }
  }
  if (const sql::TableOption* idle = FindOption(ddl, "scan.watermark.idle-timeout")) {
    ConnectorOptions parsed(ddl.name, {{idle->key, idle->value}});
    auto ms = parsed.GetDurationMs(idle->key, 0);
    if (!ms.ok()) return source.Error(idle->value_location, ms.status().message());
    if (*ms < 0) return source.Error(idle->value_location, "the idle timeout must not be negative");
    table.idle_timeout_ms = *ms;
  }

  std::set<std::string> names;
  for (const auto& column : ddl.columns) {
    std::string lower = column.name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!names.insert(lower).second) {
      return source.Error(column.location, fmt::format("column '{}' is declared twice", column.name));
    }
    if (column.computed) {
      table.computed_columns.push_back(&column);
      continue;
    }
    Field field{column.name, column.type, !column.not_null};
    if (column.is_metadata) {
      std::string key = column.metadata_key.empty() ? column.name : column.metadata_key;
      Status fits = CheckMetadataColumn(column.name, key, column.type);
      if (!fits.ok()) return source.Error(column.location, fits.message());
      table.scan_columns.push_back(ScanColumn{field, key});
      if (!column.is_virtual) table.write_schema.Add(field);
    } else {
      table.scan_columns.push_back(ScanColumn{field, ""});
      table.write_schema.Add(field);
    }
  }
  if (ddl.watermark) {
    for (const auto& column : ddl.columns) {
      if (!column.computed && SameIdentifier(column.name, ddl.watermark->column) &&
          column.type.id() != TypeId::kTimestamp) {
        return source.Error(ddl.watermark->location,
                            fmt::format("WATERMARK FOR '{}': the column must be a TIMESTAMP, not {}",
                                        column.name, column.type.ToString()));
      }
    }
  }
  for (const auto& key : ddl.primary_key) {
    bool found = false;
    for (const auto& c : ddl.columns) found = found || SameIdentifier(c.name, key);
    if (!found) {
      return source.Error(ddl.location,
                          fmt::format("PRIMARY KEY names '{}', which is not a column of '{}'", key,
                                      ddl.name));
    }
  }
  table.write_schema.set_primary_key(ddl.primary_key);  // upsert sinks key on it
  if (!ddl.partition_keys.empty()) {
    if (table.connector != "filesystem") {
      return source.Error(ddl.partition_location,
                          fmt::format("PARTITIONED BY is for 'connector' = 'filesystem' (a folder "
                                      "per value); '{}' is a '{}' table",
                                      ddl.name, table.connector));
    }
    for (const auto& key : ddl.partition_keys) {
      const int index = table.write_schema.IndexOf(key);
      if (index < 0) {
        return source.Error(ddl.partition_location,
                            fmt::format("PARTITIONED BY names '{}', which is not a column of '{}'",
                                        key, ddl.name));
      }
      const TypeId id = table.write_schema.field(static_cast<size_t>(index)).type.id();
      if (id == TypeId::kStruct || id == TypeId::kList) {
        return source.Error(ddl.partition_location,
                            fmt::format("PARTITIONED BY '{}': a partition column must be a plain "
                                        "value (text, number, date), not {}",
                                        key, table.write_schema.field(static_cast<size_t>(index)).type.ToString()));
      }
    }
    if (ddl.partition_keys.size() >= table.write_schema.size()) {
      return source.Error(ddl.partition_location,
                          fmt::format("PARTITIONED BY takes every column of '{}': the files would "
                                      "have no column left",
                                      ddl.name));
    }
    table.write_schema.set_partition_keys(ddl.partition_keys);
  }
  table.connector_options = ConnectorOptions(ddl.name, std::move(connector_options));
  return table;
}

}  // namespace sluice
