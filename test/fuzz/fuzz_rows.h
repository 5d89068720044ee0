// Rows for the fuzz targets that decode into a table schema: the schema from its SQL text, and
// one row as text to compare values by.
#pragma once

#include <string>

#include "format/value_text.h"
#include "fuzz_target.h"
#include "types/type_parser.h"
#include "vector/batch.h"

namespace sluice::fuzz {

inline Schema SchemaFromText(const char* fields) {
  auto type = ParseStructType(fields);
  if (!type.ok()) Fail("a fuzz target's schema does not parse", type.status().ToString());
  return Schema(type->fields());
}

inline std::string RowText(const Batch& batch, size_t row) {
  std::string text;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    text += ValueText(batch.column(c), row);
    text += '|';
  }
  return text;
}

}  // namespace sluice::fuzz
