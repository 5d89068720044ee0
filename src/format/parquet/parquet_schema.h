#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "format/parquet/thrift_compact_writer.h"
#include "types/schema.h"

namespace sluice::parquet {

enum class PhysicalType : int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kDouble = 5, kByteArray = 6 };
enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// One element of Parquet's flattened schema tree (depth first, the root first).
struct SchemaNode {
  std::string name;
  Repetition repetition = Repetition::kOptional;
  int num_children = 0;     // > 0: a group
  PhysicalType physical{};  // leaves
  DataType type;            // the sluice type it stores (leaves, structs and lists)
  bool list = false;        // the outer group of a 3-level LIST
  bool map = false;         // the outer group of a MAP
};

// A leaf column: where its values sit in the tree and its maximum levels.
struct LeafColumn {
  std::vector<std::string> path;
  PhysicalType physical{};
  DataType type;
  int max_definition = 0;
  int max_repetition = 0;
};

// How a sluice schema is stored in Parquet, the way Spark and pyarrow read it:
//   BOOLEAN BOOLEAN · INT INT32 · BIGINT INT64 · DOUBLE DOUBLE · DECIMAL(p,s) INT32 (p <= 9),
//   INT64 (p <= 18) or BYTE_ARRAY (big-endian two's complement, no min/max statistics) with
//   DECIMAL(p,s) · STRING BYTE_ARRAY (STRING) · BYTES BYTE_ARRAY · DATE INT32 (DATE) ·
//   TIMESTAMP INT64 (TIMESTAMP(MICROS, UTC-adjusted)) · ROW/STRUCT a group · ARRAY the 3-level
//   LIST group (`<name> { repeated group list { element } }`) · MAP<K, V> the MAP group
//   (`<name> { repeated group key_value { required key; value } }`).
// Every column and field is OPTIONAL (a NOT NULL column too: the engine does not promise the
// sink that a value is never null, and readers take OPTIONAL everywhere), but a map's key, which
// Parquet requires to be REQUIRED (sluice's map keys are never NULL). INTERVAL has no Parquet
// type: an error naming the column.
struct ParquetSchema {
  std::vector<SchemaNode> nodes;
  std::vector<LeafColumn> leaves;
};

Result<ParquetSchema> MakeParquetSchema(const Schema& schema);
// The footer's list<SchemaElement> (field 2 of FileMetaData).
void WriteSchemaElements(ThriftCompactWriter& w, const ParquetSchema& schema);

}  // namespace sluice::parquet
