#include "plan/scope.h"

#include <strings.h>

namespace sluice {

bool SameIdentifier(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool Scope::HasQualifier(std::string_view qualifier) const {
  for (const auto& c : columns_) {
    if (SameIdentifier(c.qualifier, qualifier)) return true;
  }
  return false;
}

std::vector<int> Scope::Find(std::string_view qualifier, std::string_view name) const {
  std::vector<int> found;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!SameIdentifier(columns_[i].name, name)) continue;
    if (qualifier.empty() && columns_[i].qualifier_only) continue;
    if (!qualifier.empty() && !SameIdentifier(columns_[i].qualifier, qualifier)) continue;
    found.push_back(static_cast<int>(i));
  }
  return found;
}

std::string Scope::ColumnList() const {
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

Schema Scope::ToSchema() const {
  Schema schema;
  for (const auto& c : columns_) schema.Add(Field{c.name, c.type, c.nullable});
  return schema;
}

}  // namespace sluice
