#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "connector/raw_record.h"
#include "exec/dead_letter.h"
#include "format/json_decoder.h"
#include "types/schema.h"
#include "vector/batch.h"

namespace sluice {

// Where a column of a source table gets its value: from the record's value (decoded by the
// format), or from the record's metadata (Flink's `col TYPE METADATA FROM 'timestamp'`).
struct ScanColumn {
  Field field;
  std::string metadata_key;  // empty for a physical column; else timestamp|partition|offset|topic|key
};

// The metadata keys a source table may declare, with their types.
Result<DataType> MetadataType(const std::string& key);
// Checks a metadata column's declared type against its key: MetadataType's, or for 'headers'
// also a MAP<STRING, STRING | BYTES> of header name to value.
Status CheckMetadataColumn(const std::string& column, const std::string& key, const DataType& declared);

// Turns raw records into rows of a table's scan schema. A record that does not decode becomes
// a DeadLetter with its reason and location instead of a row.
class RecordDecoder {
 public:
  // `format` is 'json' or 'raw' (the whole value as the single physical STRING/BYTES column).
  static Result<std::unique_ptr<RecordDecoder>> Make(std::vector<ScanColumn> columns,
                                                     const std::string& format);

  const Schema& schema() const { return schema_; }
  // Decodes only the columns marked in `needed` (by index in the declared columns) plus every
  // NOT NULL one, whose check is part of what makes a record valid; the others become
  // placeholders nothing reads. Pruning is what keeps wide records cheap (Spark prunes JSON
  // columns the same way); a type error in a pruned field then goes unnoticed, as it would there.
  void Prune(const std::vector<bool>& needed);
  // The columns JSON decoding fills (after pruning), which a source may fill itself instead
  // (Source::FillColumns); null for 'raw'.
  const Schema* fillable_schema() const {
    return json_ || filled_only_ ? &physical_schema_ : nullptr;
  }
  // Whether only a source that fills the columns can deliver this format ('parquet').
  bool requires_filled() const { return filled_only_; }
  // The declared columns that are decoded, for explain: "a, b, c".
  std::string DecodedColumns() const;
  // Appends the decoded rows of `in` to a new batch; bad records go to `dead_letters`. When
  // `record_of_row` is given it receives, per row, the index of its record in `in`.
  Result<Batch> Decode(const RawBatch& in, std::vector<DeadLetter>& dead_letters,
                       std::vector<uint32_t>* record_of_row = nullptr);

 private:
  RecordDecoder() = default;
  // Rows a source filled with a NULL in a NOT NULL column become dead letters; `kept` receives
  // the index of each remaining row's record, and `physical` keeps only those rows.
  void DropNullsInNotNullColumns(const RawBatch& in, Batch& physical, std::vector<uint32_t>& kept,
                                 std::vector<DeadLetter>& dead_letters) const;

  std::vector<ScanColumn> columns_;
  Schema schema_;           // every column, in declared order
  Schema physical_schema_;  // the columns the format decodes
  // Per declared column: index in the physical batch, -1 for metadata, -2 when pruned.
  std::vector<int> physical_position_;
  bool raw_ = false;
  bool filled_only_ = false;  // 'parquet': the source fills the physical columns
  std::unique_ptr<JsonDecoder> json_;
  // Reads a 'headers' metadata column declared as a MAP (made on first use).
  mutable std::unique_ptr<JsonDecoder> headers_;
};

}  // namespace sluice
