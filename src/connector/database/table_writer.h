#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <set>

#include "common/result.h"
#include "connector/connector_options.h"
#include "connector/source_offsets.h"
#include "connector/value_limits.h"
#include "vector/batch.h"

namespace sluice {

// What a transactional database sink (DatabaseSink) needs from one kind of database, and all it
// needs: rows encoded as one line each, one all-or-nothing transaction of lines plus the source
// positions they cover, those positions read back, and which lines the database refuses. The
// delivery, retries, spill and replay around them are DatabaseSink's, written once.
//
// AppendRows and the declarations run on the pipeline's thread; everything that talks to the
// server runs on the sink's delivery thread only (after Open), one call at a time.
// What every table writer reads from a table's options the same way.
struct TableSettings {
  std::string table;           // the SQL table: the sink its progress rows name
  std::string pipeline;        // the pipeline its progress rows name
  std::string table_name;      // the database's table: 'table-name', default the SQL table's name
  std::string progress_table;  // 'sink.progress-table', default sluice_progress
  bool create_table = true;    // 'sink.create-table'

  // These options, and the connection's ('url', 'username', 'password', 'connect-timeout').
  static const std::set<std::string>& OptionNames();
  static Result<TableSettings> FromOptions(const ConnectorOptions& options);
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;

  // "PostgreSQL": for messages.
  virtual std::string_view database() const = 0;
  // The values the database cannot store (checked before rows are written).
  virtual const ValueLimits& limits() const = 0;
  // The table has a PRIMARY KEY: a row replaces the row with its key.
  virtual bool upserts() const = 0;
  // "table=analytics.daily, upsert": the target, for explain.
  virtual std::string Describe() const = 0;

  // Rows the database will refuse for a reason the writer can tell before sending them (a
  // value its column's type cannot take), beyond limits(); known once EnsureTables has run.
  virtual void FindUnwritableRows(const Batch& /*batch*/, std::vector<RowReject>& /*out*/) const {}
  // Appends the live rows of `batch` to `out`, one line each; returns how many.
  virtual size_t AppendRows(const Batch& batch, std::string& out) const = 0;

  // Connects if needed and creates or checks the table, and the progress table when
  // `with_progress`. Unavailable when the server does not answer; Invalid when the table is not
  // what the sink needs.
  virtual Status EnsureTables(bool with_progress) = 0;
  // One transaction: the lines of `rows` (possibly none) and, when given, `progress` as what
  // this sink of this pipeline has reached. Unavailable: worth retrying; DataError: the
  // database refuses some of the rows (ProbeLines finds which); anything else is fatal.
  virtual Status Transaction(std::string_view rows, const SourceOffsets* progress) = 0;
  // What this sink of this pipeline committed last.
  virtual Result<SourceOffsets> ReadProgress() = 0;
  // Each line of `rows` the database refuses, with its reason, found in a transaction that is
  // rolled back.
  virtual Result<std::vector<std::pair<size_t, std::string>>> ProbeLines(std::string_view rows) = 0;
  virtual void Disconnect() = 0;
};

}  // namespace sluice
