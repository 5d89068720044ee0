#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/connector_options.h"
#include "exec/pipeline.h"
#include "exec/record_decoder.h"
#include "sql/ast.h"
#include "sql/source_text.h"
#include "types/schema.h"

namespace sluice {

// A table of the script's catalog, as CREATE TABLE declared it, with its options split into
// what the connector receives and what the pipeline applies itself (format, error handling).
struct TableDefinition {
  const sql::CreateTable* ddl = nullptr;
  std::string name;
  std::string connector;
  ConnectorOptions connector_options;  // without 'connector' and 'errors*'
  std::string format;                  // 'json' (default) or 'raw'
  std::vector<ScanColumn> scan_columns;  // physical and metadata columns, as read
  std::vector<const sql::ColumnDefinition*> computed_columns;  // `name AS expr`, after the scan
  Schema write_schema;                 // what a sink of this table receives: physical columns
  ErrorPolicy errors = ErrorPolicy::kFail;
  std::string errors_table;            // 'errors.table': where dead letters go
  // Event time (with WATERMARK FOR): late rows of stateful queries go to the dead letters
  // ('late-records' = 'dead-letter') or are dropped and counted ('drop', the default); a
  // partition silent for 'scan.watermark.idle-timeout' stops holding the watermark back
  // (-1: not set on the table; the pipeline's default applies).
  bool late_records_dead_letter = false;
  int64_t idle_timeout_ms = -1;
};

// Checks a CREATE TABLE and turns it into a TableDefinition.
Result<TableDefinition> DefineTable(const sql::SourceText& source, const sql::CreateTable& ddl);

}  // namespace sluice
