#include "connector/filesystem/partition_path.h"

#include <fmt/format.h>

#include "function/cast.h"

namespace sluice {
namespace {

bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"': case '#': case '%': case '\'': case '*': case '/': case ':': case '=': case '?':
    case '\\': case '{': case '[': case ']': case '^':
      return true;
    default:
      return false;
  }
}

void AppendEscaped(std::string_view text, std::string& out) {
  for (unsigned char c : text) {
    if (NeedsEscape(c)) {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

PartitionPath::PartitionPath(const Schema& schema, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    const int index = schema.IndexOf(key);
    columns_.push_back(index);
    names_.push_back(index >= 0 ? schema.field(static_cast<size_t>(index)).name : key);
  }
}

std::string PartitionPath::Of(const Batch& batch, size_t row) const {
  std::string path;
  for (size_t k = 0; k < columns_.size(); ++k) {
    if (k) path += '/';
    AppendEscaped(names_[k], path);
    path += '=';
    const Vector& column = batch.column(static_cast<size_t>(columns_[k]));
    const std::string value = column.IsNull(row) ? std::string() : CastToText(column, row);
    if (value.empty()) {
      path += "__HIVE_DEFAULT_PARTITION__";
    } else {
      AppendEscaped(value, path);
    }
  }
  return path;
}

std::string PartitionPath::Describe() const {
  std::string out;
  for (const auto& name : names_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace sluice
