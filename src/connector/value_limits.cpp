#include "connector/value_limits.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>


namespace sluice {
namespace {

// Length of the valid UTF-8 sequence starting at `at`, or 0 (overlong forms, surrogates and
// code points above U+10FFFF are invalid, as in RFC 3629).
size_t Utf8SequenceAt(std::string_view s, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(at);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (at + n > s.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  static constexpr uint32_t kMinOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinOfLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Short ASCII text without NUL (when NUL is not allowed): the usual value, checked in one pass
// without a call or a string made.
inline bool PlainAscii(std::string_view text, bool may_contain_nul) {
  if (text.size() > 64) return false;
  unsigned char any_high = 0;
  bool nul = false;
  for (char c : text) {
    any_high |= static_cast<unsigned char>(c) & 0x80;
    nul |= c == '\0';
  }
  return !any_high && (!nul || may_contain_nul);
}

std::string NestedTextProblem(const Vector& v, size_t row, const ValueLimits& limits) {
  if (v.IsNull(row)) return {};
  switch (v.type().id()) {
    case TypeId::kString:
      return TextProblem(v.Get<std::string_view>(row), limits.text_must_be_utf8,
                         limits.text_may_contain_nul);
    case TypeId::kStruct:
      for (size_t i = 0; i < v.num_children(); ++i) {
        std::string problem = NestedTextProblem(v.child(i), row, limits);
        if (!problem.empty()) return problem;
      }
      return {};
    case TypeId::kList:
      for (uint32_t i = v.offsets()[row]; i < v.offsets()[row + 1]; ++i) {
        std::string problem = NestedTextProblem(v.list_child(), i, limits);
        if (!problem.empty()) return problem;
      }
      return {};
    default:
      return {};
  }
}

bool HasText(const DataType& type) {
  switch (type.id()) {
    case TypeId::kString: return true;
    case TypeId::kStruct:
      for (const auto& f : type.fields()) {
        if (HasText(f.type)) return true;
      }
      return false;
    case TypeId::kList: return HasText(type.element());
    default: return false;
  }
}

// Rejects the live rows of a fixed-width column whose value lies outside [min, max].
template <typename T, typename Format>
void RangeRejects(const Vector& v, const SelectionVector& selection, size_t live, T min, T max,
                  std::string_view what, const std::string& column, std::string_view target,
                  Format format, std::vector<RowReject>& rejects) {
  for (size_t i = 0; i < live; ++i) {
    const uint32_t row = selection[i];
    if (v.IsNull(row)) continue;
    const T value = v.Get<T>(row);
    if (value >= min && value <= max) continue;
    rejects.push_back({row, column,
                       fmt::format("{} {} is outside the range {} can store ({} to {})", what,
                                   format(value), target, format(min), format(max))});
  }
}

}  // namespace

std::string TextProblem(std::string_view text, bool must_be_utf8, bool may_contain_nul) {
  if (PlainAscii(text, may_contain_nul)) return {};
  if (!may_contain_nul) {
    if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
      return fmt::format("a NUL byte at byte {}",
                         static_cast<const char*>(nul) - text.data());
    }
  }
  if (must_be_utf8 && !simdjson::validate_utf8(text.data(), text.size())) {
    for (size_t at = 0; at < text.size();) {
      size_t n = Utf8SequenceAt(text, at);
      if (n == 0) {
        return fmt::format("bytes that are not UTF-8 (0x{:02X} at byte {})",
                           static_cast<unsigned char>(text[at]), at);
      }
      at += n;
    }
  }
  return {};
}

std::string EscapeUnstorableText(std::string_view text) {
  if (TextProblem(text, true, false).empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t at = 0; at < text.size();) {
    size_t n = text[at] == '\0' ? 0 : Utf8SequenceAt(text, at);
    if (n == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[at]));
      ++at;
    } else {
      out.append(text.data() + at, n);
      at += n;
    }
  }
  return out;
}

void FindValuesOutsideLimits(const Schema& schema, const Batch& batch, const ValueLimits& limits,
                             std::vector<RowReject>& rejects) {
  const size_t before = rejects.size();
  const bool check_text = limits.text_must_be_utf8 || !limits.text_may_contain_nul;
  const size_t live = batch.num_live_rows();
  const SelectionVector& selection = batch.selection();
  for (size_t c = 0; c < schema.size() && c < batch.num_columns(); ++c) {
    const Field& field = schema.field(c);
    const Vector& v = batch.column(c);
    switch (v.type().id()) {
      case TypeId::kString:
      case TypeId::kStruct:
      case TypeId::kList:
        if (!check_text || !HasText(v.type())) break;
        for (size_t i = 0; i < live; ++i) {
          const uint32_t row = selection[i];
          if (v.type().id() == TypeId::kString &&
              PlainAscii(v.Get<std::string_view>(row), limits.text_may_contain_nul)) {
            continue;  // the usual value; null rows hold an empty view
          }
          std::string problem = NestedTextProblem(v, row, limits);
          if (problem.empty()) continue;
          rejects.push_back({row, field.name,
                             fmt::format("text with {}, which {} cannot store", problem,
                                         limits.target)});
        }
        break;
      case TypeId::kTimestamp:
        RangeRejects<int64_t>(v, selection, live, limits.min_timestamp_micros,
                              limits.max_timestamp_micros, "timestamp", field.name,
                              limits.target, FormatTimestamp, rejects);
        break;
      case TypeId::kDate:
        RangeRejects<int32_t>(v, selection, live, limits.min_date_days, limits.max_date_days,
                              "date", field.name, limits.target, FormatDate, rejects);
        break;
      default:
        break;
    }
  }
  if (rejects.size() > before) NormalizeRejects(rejects);
}

void NormalizeRejects(std::vector<RowReject>& rejects) {
  std::stable_sort(rejects.begin(), rejects.end(),
                   [](const RowReject& a, const RowReject& b) { return a.row < b.row; });
  rejects.erase(std::unique(rejects.begin(), rejects.end(),
                            [](const RowReject& a, const RowReject& b) { return a.row == b.row; }),
                rejects.end());
}

}  // namespace sluice
