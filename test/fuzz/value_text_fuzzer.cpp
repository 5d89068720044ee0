// Text into typed values: CAST(STRING AS type), the path every CSV-like or string-typed input
// takes (Spark's lenient rules: what does not convert becomes NULL). One input line per row.
// Property: a value that converts prints (CAST AS STRING) as text that converts back to the
// same value, for every type.
#include <string>
#include <vector>

#include "expr/expression.h"
#include "function/cast.h"
#include "fuzz_target.h"
#include "types/type_parser.h"
#include "vector/vector.h"

namespace sluice {
namespace {

const std::vector<DataType>& Types() {
  static const std::vector<DataType> types = [] {
    std::vector<DataType> out;
    for (const char* text : {"BOOLEAN", "INT", "BIGINT", "DOUBLE", "DECIMAL(10, 2)", "DECIMAL(18, 6)",
                             "DECIMAL(5, 0)", "DECIMAL(38, 10)", "DATE", "TIMESTAMP", "BYTES"}) {
      auto type = ParseDataType(text);
      if (!type.ok()) fuzz::Fail("type does not parse", text);
      out.push_back(*type);
    }
    return out;
  }();
  return types;
}

Status Cast(const Vector& in, const DataType& to, Vector& out) {
  EvalContext eval;
  SelectionVector all = SelectionVector::All();
  KernelContext ctx{all, in.size(), eval};
  return CastVector(in, to, ctx, out);
}

}  // namespace
}  // namespace sluice

SLUICE_FUZZ_TARGET(value_text) {
  using namespace sluice;
  std::string_view text = fuzz::AsText(data, size);
  Vector strings(DataType::String());
  while (!text.empty()) {
    size_t end = text.find('\n');
    strings.AppendString(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (strings.size() == 0) return 0;
  for (const DataType& type : Types()) {
    Vector values(type);
    if (!Cast(strings, type, values).ok()) continue;  // an error is allowed; a crash is not
    if (values.size() != strings.size()) fuzz::Fail("a cast changed the row count", type.ToString());
    Vector printed(DataType::String());
    for (size_t row = 0; row < values.size(); ++row) {
      if (values.IsNull(row)) {
        printed.AppendNull();
      } else {
        printed.AppendString(CastToText(values, row));
      }
    }
    Vector again(type);
    if (!Cast(printed, type, again).ok()) fuzz::Fail("printed values do not cast back", type.ToString());
    for (size_t row = 0; row < values.size(); ++row) {
      if (values.IsNull(row)) continue;
      if (again.IsNull(row) || CastToText(again, row) != CastToText(values, row)) {
        fuzz::Fail("a value does not survive its own text",
                   type.ToString() + ": " + CastToText(values, row) + " -> " +
                       (again.IsNull(row) ? std::string("NULL") : CastToText(again, row)));
      }
    }
  }
  return 0;
}
