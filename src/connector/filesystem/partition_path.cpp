#include "connector/filesystem/partition_path.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "function/cast.h"
#include "types/decimal.h"
#include "types/timestamp.h"

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

namespace {

constexpr std::string_view kDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

template <typename T>
bool ParseInteger(std::string_view text, T& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool IsPartitionFolderName(std::string_view name) {
  const size_t eq = name.find('=');
  return eq != std::string_view::npos && eq > 0 && eq + 1 < name.size() && name[0] != '.' &&
         name[0] != '_';
}

std::vector<std::pair<std::string, std::optional<std::string>>> PartitionValuesOf(
    std::string_view relative_path) {
  std::vector<std::pair<std::string, std::optional<std::string>>> values;
  size_t start = 0;
  while (true) {
    const size_t slash = relative_path.find('/', start);
    if (slash == std::string_view::npos) break;  // the last segment is the file
    const std::string_view segment = relative_path.substr(start, slash - start);
    start = slash + 1;
    if (!IsPartitionFolderName(segment)) continue;
    const size_t eq = segment.find('=');
    const std::string_view value = segment.substr(eq + 1);
    values.emplace_back(Unescape(segment.substr(0, eq)),
                        value == kDefaultPartition ? std::nullopt
                                                   : std::optional<std::string>(Unescape(value)));
  }
  return values;
}

Status AppendPartitionValue(const std::optional<std::string>& text, const DataType& type,
                            Vector& out) {
  if (!text) {
    out.AppendNull();
    return Status::OK();
  }
  const std::string_view t = *text;
  bool ok = true;
  switch (type.id()) {
    case TypeId::kString:
    case TypeId::kBytes:
      out.AppendString(t);
      return Status::OK();
    case TypeId::kBoolean:
      ok = t == "true" || t == "false";
      if (ok) out.Append<uint8_t>(t == "true");
      break;
    case TypeId::kInt32: {
      int32_t v = 0;
      ok = ParseInteger(t, v);
      if (ok) out.Append<int32_t>(v);
      break;
    }
    case TypeId::kInt64: {
      int64_t v = 0;
      ok = ParseInteger(t, v);
      if (ok) out.Append<int64_t>(v);
      break;
    }
    case TypeId::kFloat64: {
      char* end = nullptr;
      const std::string copy(t);
      const double v = std::strtod(copy.c_str(), &end);
      ok = !copy.empty() && end == copy.c_str() + copy.size();
      if (ok) out.Append<double>(v);
      break;
    }
    case TypeId::kDecimal: {
      const auto v = ParseDecimal(t, type.precision(), type.scale());
      ok = v.has_value();
      if (ok) out.Append<Int128>(*v);
      break;
    }
    case TypeId::kDate: {
      const auto v = ParseDate(t);
      ok = v.has_value();
      if (ok) out.Append<int32_t>(*v);
      break;
    }
    case TypeId::kTimestamp: {
      const auto v = ParseTimestamp(t);
      ok = v.has_value();
      if (ok) out.Append<int64_t>(*v);
      break;
    }
    default:
      return Status::Invalid("a partition column cannot be {}", type.ToString());
  }
  if (!ok) return Status::Invalid("partition value '{}' is not a {}", t, type.ToString());
  return Status::OK();
}

}  // namespace sluice
