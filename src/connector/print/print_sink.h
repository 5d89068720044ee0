#pragma once

#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/sink.h"
#include "format/json_encoder.h"

namespace sluice {

// Prints rows to the console like Spark's console sink: at each commit that wrote rows, a batch
// header and a table in Dataset.show()'s format —
//   -------------------------------------------
//   Batch: 0
//   -------------------------------------------
//   +---+-----+
//   | id| name|
//   +---+-----+
//   |  1|alice|
//   +---+-----+
//   only showing top 20 rows          (when the batch has more than 'numRows' rows)
// followed by an empty line. Columns are at least 3 wide; cells are right-aligned and values
// longer than 20 characters are cut to 17 + "..." — with 'truncate' = 'false' nothing is cut and
// cells are left-aligned, as in Spark. NULL prints as NULL. Commits with no rows print nothing;
// batches are numbered from 0 in print order.
//
// Options:
//   'format'            'table' (default) | 'json' (one JSON object per row and line)
//   'print-identifier'  prefixes every output line with '<identifier>> ' (as Flink's print)
//   'truncate'          'true' (default) | 'false'
//   'numRows'           rows shown per batch, default 20
//   'path'              append to this file instead of stdout
//   'standard-error'    'true': print to stderr
//   'json.ignore-null-fields', 'json.timestamp-format.standard'  as for the filesystem sink
class PrintSink final : public Sink {
 public:
  // `out`, when given, receives the output instead of stdout / 'path' (tests capture it).
  static Result<std::unique_ptr<Sink>> Make(const ConnectorOptions& options, const Schema& schema,
                                            std::ostream* out = nullptr);

  Status Open() override;
  using Sink::Write;
  Status Write(const Batch& batch, const RecordPositions* positions) override;
  Status Close() override;
  std::string Describe() const override;

 protected:
  Status CommitEpoch(uint64_t epoch, const SourceOffsets& positions) override;

 private:
  PrintSink() = default;
  // The buffered rows as a Spark table (without the batch header).
  void RenderTable(std::string& text) const;
  void AppendLine(std::string_view line, std::string& text) const;

  Schema schema_;
  std::string table_;
  std::string identifier_prefix_;  // "<id>> " or empty
  bool json_ = false;
  bool truncate_ = true;
  int64_t num_rows_ = 20;
  std::string path_;
  bool standard_error_ = false;
  std::unique_ptr<JsonEncoder> encoder_;

  std::ostream* out_ = nullptr;
  std::ofstream file_;
  // The current batch: the shown rows' cells (table), or the encoded lines (json).
  std::vector<std::vector<std::string>> rows_;
  uint64_t batch_rows_ = 0;
  std::string pending_;
  std::string line_;
  int64_t batch_number_ = 0;
};

}  // namespace sluice
