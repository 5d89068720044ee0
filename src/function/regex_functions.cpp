// regexp_extract, regexp_extract_all, regexp_replace, regexp_count, regexp_substr, regexp_instr
// and rlike with RE2. Patterns follow Java's syntax where RE2
// shares it (classes, quantifiers, groups, (?i) flags); lookaround and backreferences inside a
// pattern are rejected at bind time. A literal pattern is compiled once; a pattern computed per
// row is compiled per distinct value (cached), and an invalid one makes that row NULL.
#include <vector>

#include "function/function_registry.h"
#include "function/function_util.h"
#include "function/regex_util.h"

namespace sluice {
namespace {

using fnutil::StrAt;

Status ExpectTextArgs(std::string_view fn, const BindArguments& args, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectText(fn, fmt::format("argument {}", i + 1), args.types[i]));
  }
  return Status::OK();
}

size_t CharBytesAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 1;
  auto c = static_cast<unsigned char>(s[i]);
  return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

// ---- regexp_extract ----------------------------------------------------------------------------

Result<int> CheckGroup(const RE2& re, int64_t group) {
  if (group < 0) {
    return Status::Invalid("regexp_extract: the group index cannot be negative, got {}", group);
  }
  if (group > re.NumberOfCapturingGroups()) {
    return Status::Invalid(
        "regexp_extract: regex '{}' has {} group(s), but the specified group index is {}",
        re.pattern(), re.NumberOfCapturingGroups(), group);
  }
  return static_cast<int>(group);
}

Result<BoundFunction> BindRegexpExtract(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("regexp_extract(str, regex[, idx])", args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_extract", args, 2));
  std::vector<DataType> arg_types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("regexp_extract", "idx", args.types[2]));
    arg_types.push_back(DataType::Int64());
  }
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_extract", args, 1));
  // With both the pattern and the index literal, a bad index is a bind error, as Spark's is a
  // query error; otherwise such rows are NULL.
  if (regex->constant()) {
    const Value* idx = args.types.size() == 3 ? fnutil::Constant(args, 2) : nullptr;
    if (args.types.size() == 2) {
      SLUICE_RETURN_NOT_OK(CheckGroup(*regex->constant(), 1).status());
    } else if (idx && idx->type().IsInteger()) {
      SLUICE_RETURN_NOT_OK(CheckGroup(*regex->constant(), idx->int64()).status());
    }
  }
  BoundFunction f{DataType::String(), arg_types, nullptr};
  f.kernel = [regex](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    std::vector<re2::StringPiece> groups;
    kernel::StringResult(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
      std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
      if (!re) return std::nullopt;
      int64_t idx = a.size() == 3 ? fnutil::IntAt(*a[2], row) : 1;
      if (idx < 0 || idx > re->NumberOfCapturingGroups()) return std::nullopt;
      std::string_view s = StrAt(*a[0], row);
      groups.assign(static_cast<size_t>(idx) + 1, re2::StringPiece());
      if (!re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED,
                     groups.data(), static_cast<int>(groups.size()))) {
        return std::string_view();  // no match: '' like Spark
      }
      const re2::StringPiece& g = groups[static_cast<size_t>(idx)];
      // A group that took no part in the match is '' too.
      return g.data() ? std::string_view(g.data(), g.size()) : std::string_view();
    });
    return Status::OK();
  };
  return f;
}

// ---- regexp_replace ------------------------------------------------------------------------------

// A Java replacement string ('$1' group references, '\' escapes) split into literal text and
// group references.
struct Replacement {
  struct Piece {
    std::string literal;
    int group = -1;  // >= 0: insert this group instead of the literal
  };
  std::vector<Piece> pieces;
};

// Parses like java.util.regex.Matcher.appendReplacement: '$' takes the longest run of digits
// that still names an existing group.
Result<Replacement> ParseReplacement(std::string_view rep, int num_groups) {
  Replacement r;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) r.pieces.push_back({std::move(literal), -1});
    literal.clear();
  };
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\') {
      if (++i >= rep.size()) {
        return Status::Invalid("regexp_replace: replacement '{}' ends with a lone '\\'", rep);
      }
      literal += rep[i];
    } else if (c == '$') {
      if (i + 1 >= rep.size() || rep[i + 1] < '0' || rep[i + 1] > '9') {
        return Status::Invalid(
            "regexp_replace: replacement '{}' has an illegal group reference (use \\$ for '$'; "
            "named groups are not supported)", rep);
      }
      int group = rep[++i] - '0';
      while (i + 1 < rep.size() && rep[i + 1] >= '0' && rep[i + 1] <= '9' &&
             group * 10 + (rep[i + 1] - '0') <= num_groups) {
        group = group * 10 + (rep[++i] - '0');
      }
      if (group > num_groups) {
        return Status::Invalid("regexp_replace: replacement '{}' refers to group {}, but the "
                               "regex has {} group(s)", rep, group, num_groups);
      }
      flush();
      r.pieces.push_back({{}, group});
    } else {
      literal += c;
    }
  }
  flush();
  return r;
}

// Replaces every match from byte `from` on, with Java's Matcher.find stepping (an empty match
// moves the search one character on, and may directly follow a non-empty one).
void ReplaceAll(std::string_view s, size_t from, const RE2& re, const Replacement& rep,
                std::vector<re2::StringPiece>& groups, std::string& out) {
  out.clear();
  groups.assign(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1, re2::StringPiece());
  re2::StringPiece text(s.data(), s.size());
  size_t appended = 0;
  size_t search = from;
  while (search <= s.size() && re.Match(text, search, s.size(), RE2::UNANCHORED, groups.data(),
                                        static_cast<int>(groups.size()))) {
    size_t start = static_cast<size_t>(groups[0].data() - s.data());
    size_t end = start + groups[0].size();
    out.append(s.substr(appended, start - appended));
    for (const auto& piece : rep.pieces) {
      if (piece.group < 0) {
        out.append(piece.literal);
      } else if (const auto& g = groups[static_cast<size_t>(piece.group)]; g.data()) {
        out.append(g.data(), g.size());
      }
    }
    appended = end;
    search = end == start ? end + CharBytesAt(s, end) : end;
  }
  out.append(s.substr(appended));
}

Result<BoundFunction> BindRegexpReplace(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("regexp_replace(str, regex, replacement[, position])",
                                          args.types.size(), 3, 4));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_replace", args, 3));
  std::vector<DataType> arg_types(3, DataType::String());
  if (args.types.size() == 4) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("regexp_replace", "position", args.types[3]));
    arg_types.push_back(DataType::Int64());
  }
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_replace", args, 1));
  // Pattern and replacement literal: parse the replacement once and check its group references.
  std::shared_ptr<const Replacement> fixed;
  if (const Value* rep = fnutil::Constant(args, 2); rep && regex->constant()) {
    SLUICE_ASSIGN_OR_RETURN(
        Replacement r,
        ParseReplacement(rep->string(), regex->constant()->NumberOfCapturingGroups()));
    fixed = std::make_shared<const Replacement>(std::move(r));
  }
  BoundFunction f{DataType::String(), arg_types, nullptr};
  f.kernel = [regex, fixed](const std::vector<VectorPtr>& a, const KernelContext& ctx,
                            Vector& out) {
    std::vector<re2::StringPiece> groups;
    std::string buf;
    kernel::StringResult(a, ctx, out, [&](size_t row) -> std::optional<std::string_view> {
      std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
      if (!re) return std::nullopt;
      std::optional<Replacement> parsed;
      const Replacement* rep = fixed.get();
      if (!rep) {
        auto r = ParseReplacement(StrAt(*a[2], row), re->NumberOfCapturingGroups());
        if (!r.ok()) return std::nullopt;
        parsed = std::move(*r);
        rep = &*parsed;
      }
      std::string_view s = StrAt(*a[0], row);
      size_t from = 0;
      if (a.size() == 4) {
        // 1-based character position to start searching at; past the end, nothing changes.
        int64_t pos = fnutil::IntAt(*a[3], row);
        if (pos < 1) return std::nullopt;
        for (int64_t c = 1; c < pos; ++c) {
          if (from >= s.size()) return s;
          from += CharBytesAt(s, from);
        }
        if (from > s.size()) return s;
      }
      ReplaceAll(s, from, *re, *rep, groups, buf);
      return std::string_view(buf);
    });
    return Status::OK();
  };
  return f;
}

// ---- rlike ---------------------------------------------------------------------------------

Result<BoundFunction> BindRlike(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("rlike(str, regex)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("rlike", args, 2));
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("rlike", args, 1));
  BoundFunction f{DataType::Boolean(), {DataType::String(), DataType::String()}, nullptr};
  // A match anywhere in the string, like Java's Matcher.find.
  f.kernel = fnutil::ValueKernel<uint8_t>(
      [regex](const std::vector<VectorPtr>& a, size_t row) -> std::optional<uint8_t> {
        std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
        if (!re) return std::nullopt;
        std::string_view s = StrAt(*a[0], row);
        return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re) ? 1 : 0;
      });
  return f;
}

// ---- regexp_count, regexp_extract_all, regexp_substr, regexp_instr -------------------------------

// Calls fn(groups) for each match of `re` in s from left to right, as Java's Matcher.find does:
// after an empty match the search moves on one character. fn returns false to stop.
template <typename Fn>
void ForEachMatch(std::string_view s, const RE2& re, std::vector<re2::StringPiece>& groups, Fn&& fn) {
  const re2::StringPiece text(s.data(), s.size());
  size_t from = 0;
  while (from <= s.size()) {
    if (!re.Match(text, from, s.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
      return;
    }
    if (!fn(groups)) return;
    const size_t start = static_cast<size_t>(groups[0].data() - s.data());
    const size_t end = start + groups[0].size();
    from = end > start ? end : end + CharBytesAt(s, end);
  }
}

Result<BoundFunction> BindRegexpCount(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("regexp_count(str, regex)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_count", args, 2));
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_count", args, 1));
  BoundFunction f{DataType::Int32(), {DataType::String(), DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [regex](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
        if (!re) return std::nullopt;
        std::vector<re2::StringPiece> groups(1);
        int32_t n = 0;
        ForEachMatch(StrAt(*a[0], row), *re, groups, [&](auto&) { return ++n, true; });
        return n;
      });
  return f;
}

// regexp_substr(str, regex): the first match, NULL when there is none.
Result<BoundFunction> BindRegexpSubstr(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("regexp_substr(str, regex)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_substr", args, 2));
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_substr", args, 1));
  BoundFunction f{DataType::String(), {DataType::String(), DataType::String()}, nullptr};
  f.kernel = fnutil::StringKernel([regex](const std::vector<VectorPtr>& a, size_t row,
                                          std::string&) -> std::optional<std::string_view> {
    std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
    if (!re) return std::nullopt;
    std::vector<re2::StringPiece> groups(1);
    std::optional<std::string_view> first;
    ForEachMatch(StrAt(*a[0], row), *re, groups, [&](auto& g) {
      first = std::string_view(g[0].data(), g[0].size());
      return false;
    });
    return first;
  });
  return f;
}

// regexp_instr(str, regex): the 1-based character position where the first match starts, 0
// when there is none.
Result<BoundFunction> BindRegexpInstr(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(fnutil::CheckArity("regexp_instr(str, regex)", args.types.size(), 2, 2));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_instr", args, 2));
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_instr", args, 1));
  BoundFunction f{DataType::Int32(), {DataType::String(), DataType::String()}, nullptr};
  f.kernel = fnutil::ValueKernel<int32_t>(
      [regex](const std::vector<VectorPtr>& a, size_t row) -> std::optional<int32_t> {
        std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
        if (!re) return std::nullopt;
        const std::string_view s = StrAt(*a[0], row);
        std::vector<re2::StringPiece> groups(1);
        int32_t position = 0;
        ForEachMatch(s, *re, groups, [&](auto& g) {
          const size_t start = static_cast<size_t>(g[0].data() - s.data());
          position = 1;
          for (size_t i = 0; i < start; i += CharBytesAt(s, i)) ++position;
          return false;
        });
        return position;
      });
  return f;
}

// regexp_extract_all(str, regex[, idx=1]): group idx of every match ('' where the group took
// no part), as an ARRAY<STRING>.
Result<BoundFunction> BindRegexpExtractAll(const BindArguments& args) {
  SLUICE_RETURN_NOT_OK(
      fnutil::CheckArity("regexp_extract_all(str, regex[, idx])", args.types.size(), 2, 3));
  SLUICE_RETURN_NOT_OK(ExpectTextArgs("regexp_extract_all", args, 2));
  std::vector<DataType> arg_types{DataType::String(), DataType::String()};
  if (args.types.size() == 3) {
    SLUICE_RETURN_NOT_OK(fnutil::ExpectInteger("regexp_extract_all", "idx", args.types[2]));
    arg_types.push_back(DataType::Int64());
  }
  SLUICE_ASSIGN_OR_RETURN(auto regex, RegexArgument::Bind("regexp_extract_all", args, 1));
  if (regex->constant()) {
    const Value* idx = args.types.size() == 3 ? fnutil::Constant(args, 2) : nullptr;
    const int64_t group = idx && idx->type().IsInteger() ? idx->int64() : 1;
    if (group < 0 || group > regex->constant()->NumberOfCapturingGroups()) {
      return Status::Invalid("regexp_extract_all: regex '{}' has {} group(s), but the specified "
                             "group index is {}",
                             regex->constant()->pattern(), regex->constant()->NumberOfCapturingGroups(),
                             group);
    }
  }
  BoundFunction f{DataType::List(DataType::String()), arg_types, nullptr};
  f.kernel = [regex](const std::vector<VectorPtr>& a, const KernelContext& ctx, Vector& out) {
    Vector& items = out.list_child();
    std::vector<re2::StringPiece> groups;
    kernel::ForEachRowInOrder(ctx, [&](size_t row, bool live) {
      if (!live || kernel::AnyNull(a, row)) {
        out.AppendNull();
        return;
      }
      std::shared_ptr<const RE2> re = regex->Get(StrAt(*a[1], row));
      const int64_t idx = a.size() == 3 ? fnutil::IntAt(*a[2], row) : 1;
      if (!re || idx < 0 || idx > re->NumberOfCapturingGroups()) {
        out.AppendNull();
        return;
      }
      groups.assign(static_cast<size_t>(idx) + 1, re2::StringPiece());
      ForEachMatch(StrAt(*a[0], row), *re, groups, [&](auto& g) {
        const re2::StringPiece& piece = g[static_cast<size_t>(idx)];
        items.AppendString(piece.data() ? std::string_view(piece.data(), piece.size()) : std::string_view());
        return true;
      });
      out.AppendListEnd();
    });
    return Status::OK();
  };
  return f;
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& registry) {
  registry.Register({"regexp_extract",
                     "regexp_extract(str, regex[, idx=1]); a regex that is not a literal is "
                     "compiled per distinct value (invalid: NULL)",
                     BindRegexpExtract});
  registry.Register({"regexp_replace",
                     "regexp_replace(str, regex, replacement[, position]); a regex that is not "
                     "a literal is compiled per distinct value (invalid: NULL)",
                     BindRegexpReplace});
  registry.Register({"rlike",
                     "rlike(str, regex); a regex that is not a literal is compiled per distinct "
                     "value (invalid: NULL)",
                     BindRlike});
  registry.Alias("regexp_like", "rlike");
  registry.Alias("regexp", "rlike");
  registry.Register({"regexp_count", "regexp_count(str, regex)", BindRegexpCount});
  registry.Register({"regexp_substr", "regexp_substr(str, regex)", BindRegexpSubstr});
  registry.Register({"regexp_instr", "regexp_instr(str, regex)", BindRegexpInstr});
  registry.Register({"regexp_extract_all", "regexp_extract_all(str, regex[, idx=1])",
                     BindRegexpExtractAll});
}

}  // namespace sluice
