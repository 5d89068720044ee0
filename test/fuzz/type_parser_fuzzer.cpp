// SQL type text (DDL column types, CAST targets, from_json schemas). Property: a type that
// parses prints (DataType::ToString) as text that parses back to the same type.
#include <string>

#include "fuzz_target.h"
#include "types/type_parser.h"

SLUICE_FUZZ_TARGET(type_parser) {
  using namespace sluice;
  std::string_view text = fuzz::AsText(data, size);
  auto type = ParseDataType(text);
  if (type.ok()) {
    std::string printed = type->ToString();
    auto again = ParseDataType(printed);
    if (!again.ok()) fuzz::Fail("a printed type does not parse", printed + "\n" + again.status().ToString());
    if (again->ToString() != printed) fuzz::Fail("a printed type parses to another type", printed);
  }
  auto row = ParseStructType(text);
  if (row.ok() && row->id() != TypeId::kStruct) fuzz::Fail("a struct schema parsed as another type");
  return 0;
}
