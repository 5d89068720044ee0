// String functions with Spark's semantics: positions and lengths count UTF-8 characters, case
// mapping covers all of Unicode (unicode_case.h), invalid arguments give NULL, not errors.
#include <algorithm>
#include <climits>

#include "function/array_functions.h"
#include "function/cast.h"
#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/regex_util.h"
#include "function/unicode_case.h"

namespace sluice {
namespace {

using fnutil::StrAt;

// ---- UTF-8 helpers ------------------------------------------------------------------------

// Bytes of the character a lead byte starts (a stray continuation byte counts as one).
inline size_t CharBytes(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

int64_t NumChars(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); i += CharBytes(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

// Byte offset of character `chars` (the end of the string if it has fewer characters).
size_t ByteOffset(std::string_view s, int64_t chars) {
  size_t i = 0;
  for (; chars > 0 && i < s.size(); --chars) i += CharBytes(static_cast<unsigned char>(s[i]));
  return std::min(i, s.size());
}

// Characters [start, end) of s, clamped to the string.
std::string_view CharRange(std::string_view s, int64_t start, int64_t end) {
  if (start >= end) return {};
  size_t b = ByteOffset(s, start);
  size_t e = b + ByteOffset(s.substr(b), end - start);
  return s.substr(b, e - b);
}

// Spark's substringSQL: 1-based pos, 0 acts as 1, negative counts from the end.
// start + len, saturating: len is any BIGINT.
int64_t SubstringEnd(int64_t start, int64_t len) {
  int64_t end = 0;
  if (__builtin_add_overflow(start, len, &end)) return len > 0 ? INT64_MAX : INT64_MIN;
  return end;
}

std::string_view SubstringSql(std::string_view s, int64_t pos, int64_t len) {
  int64_t start = pos > 0 ? pos - 1 : pos < 0 ? NumChars(s) + pos : 0;
  const int64_t end = SubstringEnd(start, len);
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  return CharRange(s, start, end);
}

// Character index of `needle` in `s` searching from character `from`, or -1; like Spark's
// UTF8String.indexOf an empty needle is found at 0.
int64_t IndexOf(std::string_view s, std::string_view needle, int64_t from) {
  if (needle.empty()) return 0;
  size_t begin = ByteOffset(s, from);
  size_t found = s.find(needle, begin);
  if (found == std::string_view::npos) return -1;
  return from + NumChars(s.substr(begin, found - begin));
}

// ---- binding helpers -------------------------------------------------------------------------

Status ExpectTexts(std::string_view fn, const BindArguments& args, size_t first, size_t last) {
  for (size_t i = first; i < last && i < args.types.size(); ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, fmt::format("argument {}", i + 1), args.types[i]));
  }
  return Status::OK();
}

// A function of one text argument returning text.
template <typename Op>
ScalarFunction TextToText(const char* name, const char* signature, Op op) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 1));
            SLUICE_RETURN_NOT_OK(ExpectTexts(name, args, 0, 1));
            BoundFunction f{DataType::String(), {DataType::String()}, nullptr};
            f.kernel = fnutil::StringKernel(
                [op](const std::vector<VectorPtr>& a, size_t row,
                     std::string& buf) -> std::optional<std::string_view> {
                  buf.clear();
                  op(StrAt(*a[0], row), buf);
                  return std::string_view(buf);
                });
            return f;
          }};
}

// ---- trim ----------------------------------------------------------------------------------

enum class TrimSide { kBoth, kLeft, kRight };

// Whether the character at the front (or back) of s is one of `chars`; returns its byte length.
size_t TrimmableFront(std::string_view s, std::string_view chars) {
  size_t n = CharBytes(static_cast<unsigned char>(s[0]));
  std::string_view c = s.substr(0, n);
  for (size_t i = 0; i < chars.size(); i += CharBytes(static_cast<unsigned char>(chars[i]))) {
    if (chars.substr(i, CharBytes(static_cast<unsigned char>(chars[i]))) == c) return c.size();
  }
  return 0;
}

size_t TrimmableBack(std::string_view s, std::string_view chars) {
  size_t start = s.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return TrimmableFront(s.substr(start), chars) ? s.size() - start : 0;
}

std::string_view Trim(std::string_view s, std::string_view chars, TrimSide side) {
  if (side != TrimSide::kRight) {
    while (!s.empty()) {
      size_t n = TrimmableFront(s, chars);
      if (!n) break;
      s.remove_prefix(n);
    }
  }
  if (side != TrimSide::kLeft) {
    while (!s.empty()) {
      size_t n = TrimmableBack(s, chars);
      if (!n) break;
      s.remove_suffix(n);
    }
  }
  return s;
}

// trim/ltrim/rtrim(str) and, as Spark takes two arguments, trim(chars, str) — the characters
// first (what TRIM(chars FROM str) means); btrim(str, chars) has the string first. Without
// chars only ' ' is removed, as Spark.
ScalarFunction TrimFunction(const char* name, const char* signature, TrimSide side,
                            bool chars_first) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 1, 2));
            SLUICE_RETURN_NOT_OK(ExpectTexts(name, args, 0, 2));
            BoundFunction f{DataType::String(),
                            std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
            f.kernel = fnutil::StringKernel(
                [side, chars_first](const std::vector<VectorPtr>& a, size_t row,
                                    std::string&) -> std::optional<std::string_view> {
                  if (a.size() == 1) return Trim(StrAt(*a[0], row), " ", side);
                  const size_t str = chars_first ? 1 : 0;
                  return Trim(StrAt(*a[str], row), StrAt(*a[1 - str], row), side);
                });
            return f;
          }};
}

// ---- concat / concat_ws ----------------------------------------------------------------------

Result<BoundFunction> BindConcat(const BindArguments& args) {
  if (!args.types.empty() && args.types[0].id() == TypeId::kList) return BindArrayConcat(args);
  for (size_t i = 0; i < args.types.size(); ++i) {
    if (args.types[i].IsNested() || args.types[i].IsInterval()) {
      return Status::Invalid("concat: argument {} must be a string (or cast to one), found {}",
                             i + 1, args.types[i].ToString());
    }
  }
  BoundFunction f{DataType::String(),
                  std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    buf.clear();
    for (const auto& v : a) buf += StrAt(*v, row);
    return std::string_view(buf);
  });
  return f;
}

// concat_ws(sep, ...): NULL only when sep is; NULL values and NULL array elements are skipped,
// arrays contribute each element (so concat_ws(',', collect_list(x)) joins a list).
Result<BoundFunction> BindConcatWs(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("concat_ws(sep, str | array<str>, ...)", args.types.size(), 1, SIZE_MAX));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("concat_ws", "separator", args.types[0]));
  std::vector<DataType> arg_types{DataType::String()};
  for (size_t i = 1; i < args.types.size(); ++i) {
    const DataType& t = args.types[i];
    if (t.id() == TypeId::kList && !t.element().IsNested()) {
      arg_types.push_back(t);  // elements of any scalar type are written as CAST(x AS STRING)
    } else if (t.IsNested() || t.IsInterval()) {
      return Status::Invalid("concat_ws: argument {} must be a string or an array of strings, "
                             "found {}", i + 1, t.ToString());
    } else {
      arg_types.push_back(DataType::String());
    }
  }
  BoundFunction f{DataType::String(), arg_types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    std::string buf;
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a[0]->IsNull(row)) {
        out.SetNull(row);
        return;
      }
      std::string_view sep = StrAt(*a[0], row);
      buf.clear();
      bool first = true;
      auto add = [&](std::string_view s) {
        if (!first) buf += sep;
        buf += s;
        first = false;
      };
      for (size_t i = 1; i < a.size(); ++i) {
        const Vector& v = *a[i];
        if (v.IsNull(row)) continue;
        if (v.type().id() != TypeId::kList) {
          add(StrAt(v, row));
          continue;
        }
        const Vector& child = v.list_child();
        bool text = child.type().IsStringLike();
        for (uint32_t e = v.offsets()[row]; e < v.offsets()[row + 1]; ++e) {
          if (child.IsNull(e)) continue;
          if (text) {
            add(StrAt(child, e));
          } else {
            add(CastToText(child, e));
          }
        }
      }
      out.SetString(row, buf);
    });
    return Status::OK();
  };
  return f;
}

// ---- split -------------------------------------------------------------------------------------

// java.lang.String.split(regex, limit) as Spark 3 calls it (limit 0 acts as -1, so trailing empty
// strings are kept); an empty regex splits a non-empty string into characters.
void SplitInto(std::string_view s, const RE2& re, bool empty_pattern, int64_t limit,
               std::vector<std::string_view>& parts) {
  parts.clear();
  if (empty_pattern && !s.empty()) {
    int64_t chars = NumChars(s);
    int64_t n = limit > chars || limit <= 0 ? chars : limit;
    size_t pos = 0;
    for (int64_t i = 0; i + 1 < n; ++i) {
      size_t len = CharBytes(static_cast<unsigned char>(s[pos]));
      parts.push_back(s.substr(pos, len));
      pos += len;
    }
    parts.push_back(s.substr(pos));
    return;
  }
  bool limited = limit > 0;
  size_t index = 0;
  size_t search = 0;
  bool done = false;
  re2::StringPiece text(s.data(), s.size());
  re2::StringPiece m;
  while (search <= s.size() && re.Match(text, search, s.size(), RE2::UNANCHORED, &m, 1)) {
    size_t start = static_cast<size_t>(m.data() - s.data());
    size_t end = start + m.size();
    if (!limited || static_cast<int64_t>(parts.size()) < limit - 1) {
      // Java drops the empty leading piece a zero-width match at position 0 would make.
      if (!(index == 0 && start == 0 && end == 0)) {
        parts.push_back(s.substr(index, start - index));
        index = end;
      }
    } else {
      parts.push_back(s.substr(index));
      index = end;
      done = true;
      break;
    }
    // After an empty match Java's Matcher.find resumes one character further.
    search = end == start ? end + (end < s.size() ? CharBytes(static_cast<unsigned char>(s[end])) : 1)
                          : end;
  }
  if (index == 0) {
    parts.assign(1, s);
    return;
  }
  if (!done) parts.push_back(s.substr(index));
}

Result<BoundFunction> BindSplit(const BindArguments& args) {
  const char* sig = "split(str, regex[, limit])";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(sig, args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("split", args, 0, 2));
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("split", "limit", args.types[2]));
  }
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("split", args, 1));
  std::vector<DataType> arg_types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) arg_types.push_back(DataType::Int64());
  BoundFunction f{DataType::List(DataType::String()), arg_types, nullptr};
  f.kernel = [regex](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    // Lists are built row by row in order; rows outside the selection are NULL.
    Vector& child = out.list_child();
    std::vector<std::string_view> parts;
    size_t next_live = 0;
    const auto& live = ctx.selection.rows();
    for (size_t row = 0; row < ctx.num_rows; ++row) {
      bool is_live = ctx.selection.IsAll();
      if (!is_live && next_live < live.size() && live[next_live] == row) {
        is_live = true;
        ++next_live;
      }
      if (!is_live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        continue;
      }
      std::string_view pattern = StrAt(*a[1], row);
      std::shared_ptr<const RE2> re = regex->Get(pattern);
      if (!re) {
        out.AppendNull();
        continue;
      }
      int64_t limit = a.size() == 3 ? fnutil::IntAt(*a[2], row) : -1;
      SplitInto(StrAt(*a[0], row), *re, re->pattern().empty(), limit, parts);
      for (std::string_view p : parts) child.AppendString(p);
      out.AppendListEnd();
    }
    return Status::OK();
  };
  return f;
}

// ---- substring and friends ---------------------------------------------------------------------

Result<BoundFunction> BindSubstring(const BindArguments& args) {
  const char* sig = "substring(str, pos[, len])";
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity(sig, args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("substring", args, 0, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("substring", "pos", args.types[1]));
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("substring", "len", args.types[2]));
  }
  // A BINARY is cut by bytes into a BINARY, as Spark's.
  const DataType text = args.types[0].id() == TypeId::kBytes ? DataType::Bytes() : DataType::String();
  std::vector<DataType> arg_types{text, DataType::Int64()};
  if (args.types.size() == 3) arg_types.push_back(DataType::Int64());
  BoundFunction f{text, arg_types, nullptr};
  f.kernel = fnutil::StringKernel([bytes = text.id() == TypeId::kBytes](
                                      const std::vector<VectorPtr>& a, size_t row,
                                      std::string&) -> std::optional<std::string_view> {
    int64_t len = a.size() == 3 ? fnutil::IntAt(*a[2], row) : INT_MAX;
    const std::string_view s = StrAt(*a[0], row);
    const int64_t pos = fnutil::IntAt(*a[1], row);
    if (!bytes) return SubstringSql(s, pos, len);
    const int64_t size = static_cast<int64_t>(s.size());
    int64_t start = pos > 0 ? pos - 1 : pos < 0 ? size + pos : 0;
    const int64_t end = std::min(size, SubstringEnd(start, len));
    start = std::max<int64_t>(start, 0);
    if (start >= end) return std::string_view();
    return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
  });
  return f;
}

// left(str, len) = substring(str, 1, len); right(str, len) = substring(str, -len) for len > 0.
ScalarFunction LeftRight(const char* name, const char* signature, bool left) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 2));
            SLUICE_RETURN_NOT_OK(ExpectTexts(name, args, 0, 1));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger(name, "len", args.types[1]));
            BoundFunction f{DataType::String(), {DataType::String(), DataType::Int64()}, nullptr};
            f.kernel = fnutil::StringKernel([left](const std::vector<VectorPtr>& a, size_t row,
                                                   std::string&)
                                                -> std::optional<std::string_view> {
              std::string_view s = StrAt(*a[0], row);
              int64_t len = std::clamp<int64_t>(fnutil::IntAt(*a[1], row), INT_MIN, INT_MAX);
              if (left) return SubstringSql(s, 1, len);
              if (len <= 0) return std::string_view();
              return SubstringSql(s, -len, INT_MAX);
            });
            return f;
          }};
}

Result<BoundFunction> BindLength(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("length(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectTexts("length", args, 0, 1));
  // BYTES count bytes, strings count characters, as in Spark.
  DataType t = fnutil::TextType(args.types[0]);
  bool bytes = t.id() == TypeId::kBytes;
  BoundFunction f{DataType::Int32(), {t}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [bytes](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        std::string_view s = StrAt(*a[0], row);
        return static_cast<int32_t>(bytes ? static_cast<int64_t>(s.size()) : NumChars(s));
      });
  return f;
}

Result<BoundFunction> BindReplace(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("replace(str, search[, replace])", args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("replace", args, 0, 3));
  BoundFunction f{DataType::String(),
                  std::vector<DataType>(args.types.size(), DataType::String()), nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    std::string_view s = StrAt(*a[0], row);
    std::string_view search = StrAt(*a[1], row);
    std::string_view with = a.size() == 3 ? StrAt(*a[2], row) : std::string_view();
    if (search.empty()) return s;
    buf.clear();
    size_t from = 0;
    for (size_t at; (at = s.find(search, from)) != std::string_view::npos;) {
      buf.append(s.substr(from, at - from));
      buf.append(with);
      from = at + search.size();
    }
    buf.append(s.substr(from));
    return std::string_view(buf);
  });
  return f;
}

// lpad/rpad(str, len[, pad=' ']): shorter strings are cut to len characters; an empty pad
// leaves the string unpadded (Spark).
ScalarFunction Pad(const char* name, const char* signature, bool left) {
  return {name, signature, [=](const BindArguments& args) -> Result<BoundFunction> {
            SLUICE_RETURN_NOT_OK(fnutil::CheckArity(signature, args.types.size(), 2, 3));
            SLUICE_RETURN_NOT_OK(ExpectTexts(name, args, 0, 1));
            SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger(name, "len", args.types[1]));
            SLUICE_RETURN_NOT_OK(ExpectTexts(name, args, 2, 3));
            std::vector<DataType> arg_types{DataType::String(), DataType::Int64()};
            if (args.types.size() == 3) arg_types.push_back(DataType::String());
            BoundFunction f{DataType::String(), arg_types, nullptr};
            f.kernel = fnutil::StringKernel([left](const std::vector<VectorPtr>& a, size_t row,
                                                   std::string& buf)
                                                -> std::optional<std::string_view> {
              std::string_view s = StrAt(*a[0], row);
              int64_t len = fnutil::IntAt(*a[1], row);
              std::string_view pad = a.size() == 3 ? StrAt(*a[2], row) : " ";
              if (len <= 0) return std::string_view();
              if (len > (1 << 28)) return std::nullopt;  // Spark would fail; too large a row
              int64_t missing = len - NumChars(s);
              if (missing <= 0 || pad.empty()) return CharRange(s, 0, len);
              buf.clear();
              if (!left) buf.append(s);
              int64_t pad_chars = NumChars(pad);
              for (int64_t done = 0; done < missing; done += pad_chars) {
                buf.append(CharRange(pad, 0, missing - done));
              }
              if (left) buf.append(s);
              return std::string_view(buf);
            });
            return f;
          }};
}

Result<BoundFunction> BindRepeat(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("repeat(str, n)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTexts("repeat", args, 0, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("repeat", "n", args.types[1]));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    std::string_view s = StrAt(*a[0], row);
    int64_t n = fnutil::IntAt(*a[1], row);
    if (n <= 0 || s.empty()) return std::string_view();
    if (n > (int64_t{1} << 28) / static_cast<int64_t>(s.size())) return std::nullopt;
    buf.clear();
    for (int64_t i = 0; i < n; ++i) buf.append(s);
    return std::string_view(buf);
  });
  return f;
}

// space(n): n spaces ('' for n <= 0).
Result<BoundFunction> BindSpace(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("space(n)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("space", "n", args.types[0]));
  BoundFunction f{DataType::String(), {DataType::Int64()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    const int64_t n = fnutil::IntAt(*a[0], row);
    if (n > (int64_t{1} << 28)) return std::nullopt;
    buf.assign(static_cast<size_t>(std::max<int64_t>(n, 0)), ' ');
    return std::string_view(buf);
  });
  return f;
}

// find_in_set(str, list): the 1-based place of str among list's comma-separated items; 0 when
// it is not there or str holds a comma.
Result<BoundFunction> BindFindInSet(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("find_in_set(str, list)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTexts("find_in_set", args, 0, 2));
  BoundFunction f{DataType::Int32(), {DataType::String(), DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        const std::string_view s = StrAt(*a[0], row);
        std::string_view list = StrAt(*a[1], row);
        if (s.find(',') != std::string_view::npos) return 0;
        for (int32_t place = 1;; ++place) {
          const size_t comma = list.find(',');
          if (list.substr(0, comma) == s) return place;
          if (comma == std::string_view::npos) return 0;
          list.remove_prefix(comma + 1);
        }
      });
  return f;
}

// luhn_check(str): whether a string of digits passes the Luhn checksum (card numbers); false
// for an empty string or any other character.
Result<BoundFunction> BindLuhnCheck(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("luhn_check(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(ExpectTexts("luhn_check", args, 0, 1));
  BoundFunction f{DataType::Boolean(), {DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<uint8_t>(
      [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<uint8_t> {
        const std::string_view s = StrAt(*a[0], row);
        if (s.empty()) return 0;
        int sum = 0;
        bool twice = false;
        for (size_t i = s.size(); i-- > 0;) {
          if (s[i] < '0' || s[i] > '9') return 0;
          int d = s[i] - '0';
          if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
          sum += d;
          twice = !twice;
        }
        return sum % 10 == 0 ? 1 : 0;
      });
  return f;
}

// translate(str, from, to): each character of `from` in str becomes the character at its place
// in `to`, or is removed when `to` is shorter; the first occurrence in `from` wins (Spark).
Result<BoundFunction> BindTranslate(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("translate(str, from, to)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("translate", args, 0, 3));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::String(), DataType::String()},
                  nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    const std::string_view s = StrAt(*a[0], row), from = StrAt(*a[1], row), to = StrAt(*a[2], row);
    auto chars = [](std::string_view text) {
      std::vector<std::string_view> out;
      for (size_t i = 0; i < text.size();) {
        const size_t n = std::min(CharBytes(static_cast<unsigned char>(text[i])), text.size() - i);
        out.push_back(text.substr(i, n));
        i += n;
      }
      return out;
    };
    const std::vector<std::string_view> from_chars = chars(from), to_chars = chars(to);
    buf.clear();
    for (std::string_view c : chars(s)) {
      auto it = std::find(from_chars.begin(), from_chars.end(), c);
      if (it == from_chars.end()) {
        buf.append(c);
        continue;
      }
      const size_t at = static_cast<size_t>(it - from_chars.begin());
      if (at < to_chars.size()) buf.append(to_chars[at]);
    }
    return std::string_view(buf);
  });
  return f;
}

// split_part(str, delimiter, part): the part-th piece (1-based; negative counts from the end);
// '' when there is no such piece. Spark raises an error for part 0; here it is NULL.
Result<BoundFunction> BindSplitPart(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("split_part(str, delimiter, part)", args.types.size(), 3, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("split_part", args, 0, 2));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("split_part", "part", args.types[2]));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::String(), DataType::Int64()},
                  nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    const std::string_view s = StrAt(*a[0], row), delimiter = StrAt(*a[1], row);
    const int64_t part = fnutil::IntAt(*a[2], row);
    if (part == 0) return std::nullopt;
    std::vector<std::string_view> pieces;
    if (delimiter.empty()) {
      pieces.push_back(s);  // an empty delimiter does not split (Spark)
    } else {
      size_t start = 0;
      while (true) {
        const size_t at = s.find(delimiter, start);
        pieces.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) break;
        start = at + delimiter.size();
      }
    }
    const int64_t n = static_cast<int64_t>(pieces.size());
    const int64_t index = part > 0 ? part - 1 : n + part;
    if (index < 0 || index >= n) return std::string_view();
    buf.assign(pieces[static_cast<size_t>(index)]);
    return std::string_view(buf);
  });
  return f;
}

Result<BoundFunction> BindInstr(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("instr(str, substr)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTexts("instr", args, 0, 2));
  BoundFunction f{DataType::Int32(), {DataType::String(), DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        return static_cast<int32_t>(IndexOf(StrAt(*a[0], row), StrAt(*a[1], row), 0) + 1);
      });
  return f;
}

// locate(substr, str[, pos=1]): 1-based; pos < 1 gives 0 and a NULL pos gives 0 (Spark, Hive).
Result<BoundFunction> BindLocate(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("locate(substr, str[, pos])", args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTexts("locate", args, 0, 2));
  std::vector<DataType> arg_types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("locate", "pos", args.types[2]));
    arg_types.push_back(DataType::Int64());
  }
  BoundFunction f{DataType::Int32(), arg_types, nullptr};
  f.kernel = [](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    out.Resize(ctx.num_rows);
    auto* o = out.data<int32_t>();
    kernel::ForEachLive(ctx, [&](size_t row) {
      if (a.size() == 3 && a[2]->IsNull(row)) {
        o[row] = 0;
        return;
      }
      if (a[0]->IsNull(row) || a[1]->IsNull(row)) {
        out.SetNull(row);
        return;
      }
      int64_t pos = a.size() == 3 ? fnutil::IntAt(*a[2], row) : 1;
      o[row] = pos < 1 ? 0
                       : static_cast<int32_t>(
                             IndexOf(StrAt(*a[1], row), StrAt(*a[0], row), pos - 1) + 1);
    });
    return Status::OK();
  };
  return f;
}

// overlay(str, replacement, pos[, len]) (also OVERLAY(str PLACING r FROM pos [FOR len])): str
// with `len` characters from the 1-based `pos` (len: the replacement's length when omitted or
// negative) replaced, as Spark's substringSQL pieces.
Result<BoundFunction> BindOverlay(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("overlay(str, replacement, pos[, len])", args.types.size(), 3, 4));
  SLUICE_RETURN_NOT_OK(ExpectTexts("overlay", args, 0, 2));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("overlay", "pos", args.types[2]));
  std::vector<DataType> types{DataType::String(), DataType::String(), DataType::Int64()};
  if (args.types.size() == 4) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("overlay", "len", args.types[3]));
    types.push_back(DataType::Int64());
  }
  BoundFunction f{DataType::String(), types, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& buf) -> std::optional<std::string_view> {
    const std::string_view s = StrAt(*a[0], row), replacement = StrAt(*a[1], row);
    const int64_t pos = std::clamp<int64_t>(fnutil::IntAt(*a[2], row), INT_MIN, INT_MAX);
    int64_t len = a.size() == 4 ? fnutil::IntAt(*a[3], row) : -1;
    if (len < 0) len = NumChars(replacement);
    len = std::min<int64_t>(len, INT_MAX);
    buf.assign(SubstringSql(s, 1, pos - 1));
    buf.append(replacement);
    buf.append(SubstringSql(s, pos + len, INT_MAX));
    return std::string_view(buf);
  });
  return f;
}

// quote(str): the text in single quotes, each single quote in it preceded by a backslash.
Result<BoundFunction> BindQuote(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("quote(str)", args.types.size(), 1, 1));
  SLUICE_RETURN_NOT_OK(fnutil::ExpectText("quote", "str", args.types[0]));
  BoundFunction f{DataType::String(), {DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([](const std::vector<VectorPtr>& a, size_t row,
                                     std::string& out) -> std::optional<std::string_view> {
    out = "'";
    for (char c : StrAt(*a[0], row)) {
      if (c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
    return std::string_view(out);
  });
  return f;
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& registry) {
  registry.Register(TextToText("lower", "lower(str)", AppendLower));
  registry.Alias("lcase", "lower");
  registry.Register(TextToText("upper", "upper(str)", AppendUpper));
  registry.Alias("ucase", "upper");
  registry.Register(TextToText("initcap", "initcap(str)", AppendInitcap));
  static const ScalarFunction reverse_text =
      TextToText("reverse", "reverse(str | array)", [](std::string_view s, std::string& o) {
        size_t end = s.size();
        while (end > 0) {
          size_t start = end - 1;
          while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
          o.append(s.substr(start, end - start));
          end = start;
        }
      });
  registry.Register({"reverse", "reverse(str | array)", [](const BindArguments& args) {
                       if (args.types.size() == 1 && args.types[0].id() == TypeId::kList) {
                         return BindArrayReverse(args);
                       }
                       return reverse_text.bind(args);
                     }});
  registry.Register(TrimFunction("trim", "trim([trim_chars, ]str)", TrimSide::kBoth, true));
  registry.Register(TrimFunction("ltrim", "ltrim([trim_chars, ]str)", TrimSide::kLeft, true));
  registry.Register(TrimFunction("rtrim", "rtrim([trim_chars, ]str)", TrimSide::kRight, true));
  registry.Register(TrimFunction("btrim", "btrim(str[, trim_chars])", TrimSide::kBoth, false));
  registry.Register({"translate", "translate(str, from, to)", BindTranslate});
  registry.Register({"split_part", "split_part(str, delimiter, part)", BindSplitPart});
  registry.Register({"concat", "concat(str, ...) | concat(array, ...)", BindConcat});
  registry.Register({"concat_ws", "concat_ws(sep, str | array<str>, ...)", BindConcatWs});
  registry.Register({"split",
                     "split(str, regex[, limit]) -> ARRAY<STRING>; a regex that is not a "
                     "literal is compiled per distinct value (invalid: NULL)",
                     BindSplit});
  registry.Register({"substring", "substring(str, pos[, len])", BindSubstring});
  registry.Alias("substr", "substring");
  registry.Register(LeftRight("left", "left(str, len)", true));
  registry.Register(LeftRight("right", "right(str, len)", false));
  registry.Register({"length", "length(str)", BindLength});
  registry.Alias("char_length", "length");
  registry.Alias("character_length", "length");
  registry.Alias("len", "length");
  registry.Register({"space", "space(n)", BindSpace});
  registry.Register({"find_in_set", "find_in_set(str, list)", BindFindInSet});
  registry.Register({"luhn_check", "luhn_check(str)", BindLuhnCheck});
  registry.Register({"replace", "replace(str, search[, replace])", BindReplace});
  registry.Register(Pad("lpad", "lpad(str, len[, pad])", true));
  registry.Register(Pad("rpad", "rpad(str, len[, pad])", false));
  registry.Register({"repeat", "repeat(str, n)", BindRepeat});
  registry.Register({"instr", "instr(str, substr)", BindInstr});
  registry.Register({"locate", "locate(substr, str[, pos])", BindLocate});
  registry.Register({"overlay", "overlay(str, replacement, pos[, len])", BindOverlay});
  registry.Register({"quote", "quote(str)", BindQuote});
  registry.Alias("position", "locate");
}

}  // namespace sluice
