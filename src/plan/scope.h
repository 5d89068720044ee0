#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "types/schema.h"

namespace sluice {

// The columns a query clause can name, in the order of the batch they will be read from:
// column i of the scope is column i of the operator's input. Each column belongs to a table
// alias (the source table or an UNNEST) so `t.a` and `a` both resolve.
struct ScopeColumn {
  std::string qualifier;  // table name or alias
  std::string name;
  DataType type;
  bool nullable = true;
  // Found only as qualifier.name: a lambda parameter of the same name hides the bare name.
  bool qualifier_only = false;
};

class Scope {
 public:
  void Add(ScopeColumn column) { columns_.push_back(std::move(column)); }
  const std::vector<ScopeColumn>& columns() const { return columns_; }
  size_t size() const { return columns_.size(); }
  bool HasQualifier(std::string_view qualifier) const;
  // Indices of the columns called `name` (under `qualifier`, when not empty).
  std::vector<int> Find(std::string_view qualifier, std::string_view name) const;
  // "a, b, c" for error messages.
  std::string ColumnList() const;
  Schema ToSchema() const;

 private:
  std::vector<ScopeColumn> columns_;
};

// SQL identifiers compare case-insensitively.
bool SameIdentifier(std::string_view a, std::string_view b);

}  // namespace sluice
