#include "types/schema.h"

#include <strings.h>

#include <fmt/format.h>

namespace sluice {

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    const std::string& n = fields_[i].name;
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out = "(";
  for (size_t i = 0; i < fields_.size(); ++i) {
    out += fmt::format("{}{} {}{}", i ? ", " : "", fields_[i].name, fields_[i].type.ToString(),
                       fields_[i].nullable ? "" : " NOT NULL");
  }
  return out + ")";
}

}  // namespace sluice
