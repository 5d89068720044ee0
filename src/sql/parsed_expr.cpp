#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "sql/ast.h"
#include "sql/keywords.h"

namespace sluice::sql {

namespace {

// Binding strength of what an expression renders as, matching the parser's levels:
// OR < AND < NOT < comparisons/IS/IN/BETWEEN/LIKE < || < + - < * / % < unary < primary.
int Precedence(const ParsedExpr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
      if (e.op == "OR") return 1;
      if (e.op == "AND") return 2;
      if (e.op == "||") return 5;
      if (e.op == "+" || e.op == "-") return 6;
      if (e.op == "*" || e.op == "/" || e.op == "%" || e.op == "DIV") return 7;
      return 4;
    case ExprKind::kUnary: return e.op == "NOT" ? 3 : 8;
    case ExprKind::kIsNull:
    case ExprKind::kIsBool:
    case ExprKind::kIn:
    case ExprKind::kBetween:
    case ExprKind::kLike: return 4;
    case ExprKind::kLiteral:
      // A negative number renders with its sign, so it binds like a unary minus.
      if (!e.value.is_null()) {
        TypeId id = e.value.type().id();
        if ((id == TypeId::kInt32 || id == TypeId::kInt64) && e.value.int64() < 0) return 8;
        if (id == TypeId::kDecimal && e.value.decimal() < 0) return 8;
        if (id == TypeId::kFloat64 && std::signbit(e.value.float64())) return 8;
      }
      return 9;
    default: return 9;
  }
}

bool NeedsQuotes(const std::string& name) {
  if (name.empty()) return true;
  auto start = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  if (!start(name[0])) return true;
  for (char c : name) {
    if (!start(c) && !std::isdigit(static_cast<unsigned char>(c)) && c != '$') return true;
  }
  // Words the parser reads as something other than a name in expression position.
  std::string upper = ToUpper(name);
  return IsReservedWord(upper) || upper == "DATE" || upper == "TIME" || upper == "TIMESTAMP" ||
         upper == "INTERVAL" || upper == "TRY_CAST" || upper.starts_with("CURRENT_");
}

std::string Name(const std::string& name) {
  if (!NeedsQuotes(name)) return name;
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string Parts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += Name(parts[i]);
  }
  return out;
}

std::string Literal(const Value& value) {
  if (!value.is_null() && value.type().id() == TypeId::kFloat64) {
    // Keep a DOUBLE recognisable as one: "1000" would read back as an INT.
    std::string s = fmt::format("{}", value.float64());
    if (s.find_first_not_of("-0123456789") == std::string::npos) s += "E0";
    return s;
  }
  return value.ToString();
}

// Renders `child`, parenthesised when it binds less tightly than `min_precedence`.
std::string Child(const ParsedExpr& child, int min_precedence) {
  std::string s = child.ToString();
  return Precedence(child) < min_precedence ? "(" + s + ")" : s;
}

std::string List(const std::vector<ParsedExprPtr>& items, size_t from) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i) {
    if (i > from) out += ", ";
    out += items[i]->ToString();
  }
  return out;
}

}  // namespace

std::string ParsedExpr::ToString() const {
  switch (kind) {
    case ExprKind::kColumn: return Parts(parts);
    case ExprKind::kLiteral: return Literal(value);
    case ExprKind::kTypedLiteral: {
      std::string keyword = op;
      if (keyword.empty()) {
        keyword = type.id() == TypeId::kDate        ? "DATE"
                  : type.id() == TypeId::kTimestamp ? "TIMESTAMP"
                                                    : "TIME";
      }
      return keyword + " " + Quote(text);
    }
    case ExprKind::kInterval:
      return name.empty() ? "INTERVAL " + Quote(text) : "INTERVAL " + Quote(text) + " " + name;
    case ExprKind::kStar: return parts.empty() ? "*" : Parts(parts) + ".*";
    case ExprKind::kFunction: {
      if (name == "extract" && children.size() == 2 &&
          children[0]->kind == ExprKind::kLiteral && !children[0]->value.is_null() &&
          children[0]->value.type().id() == TypeId::kString) {
        return fmt::format("extract({} FROM {})", children[0]->value.string(),
                           children[1]->ToString());
      }
      std::string call = fmt::format("{}({}{})", name, distinct ? "DISTINCT " : "", List(children, 0));
      if (filter) call += " FILTER (WHERE " + filter->ToString() + ")";
      if (has_over) {
        std::string over;
        if (!partition_by.empty()) over += "PARTITION BY " + List(partition_by, 0);
        for (size_t i = 0; i < over_order_by.size(); ++i) {
          over += (i == 0 ? std::string(over.empty() ? "" : " ") + "ORDER BY " : ", ") +
                  over_order_by[i]->ToString() + (over_descending[i] ? " DESC" : "");
        }
        if (has_rows_frame) {
          over += (over.empty() ? "" : " ") + std::string("ROWS BETWEEN ") +
                  (rows_preceding < 0 ? std::string("UNBOUNDED") : std::to_string(rows_preceding)) +
                  " PRECEDING AND CURRENT ROW";
        }
        call += " OVER (" + over + ")";
      }
      return call;
    }
    case ExprKind::kUnary: {
      if (op == "NOT") return "NOT " + Child(*children[0], 3);
      std::string operand = Child(*children[0], 8);
      // "--x" would start a comment.
      if (operand.starts_with("-")) operand = "(" + operand + ")";
      return op + operand;
    }
    case ExprKind::kBinary: {
      int p = Precedence(*this);
      // Left-associative: an equal-precedence right child needs parentheses.
      return fmt::format("{} {} {}", Child(*children[0], p), op, Child(*children[1], p + 1));
    }
    case ExprKind::kIsNull:
      return fmt::format("{} IS {}NULL", Child(*children[0], 5), negated ? "NOT " : "");
    case ExprKind::kIsBool:
      return fmt::format("{} IS {}{}", Child(*children[0], 5), negated ? "NOT " : "",
                         value.is_null() || value.boolean() ? "TRUE" : "FALSE");
    case ExprKind::kIn:
      return fmt::format("{} {}IN ({})", Child(*children[0], 5), negated ? "NOT " : "",
                         List(children, 1));
    case ExprKind::kBetween:
      return fmt::format("{} {}BETWEEN {} AND {}", Child(*children[0], 5),
                         negated ? "NOT " : "", Child(*children[1], 5), Child(*children[2], 5));
    case ExprKind::kLike: {
      std::string out = fmt::format("{} {}{} {}", Child(*children[0], 5), negated ? "NOT " : "",
                                    op.empty() ? "LIKE" : op, Child(*children[1], 5));
      if (children.size() > 2) out += " ESCAPE " + Child(*children[2], 5);
      return out;
    }
    case ExprKind::kCase: {
      std::string out = "CASE";
      size_t i = 0;
      if (has_operand) out += " " + children[i++]->ToString();
      size_t pairs_end = children.size() - (has_else ? 1 : 0);
      for (; i + 1 < pairs_end; i += 2) {
        out += fmt::format(" WHEN {} THEN {}", children[i]->ToString(),
                           children[i + 1]->ToString());
      }
      if (has_else) out += " ELSE " + children.back()->ToString();
      return out + " END";
    }
    case ExprKind::kCast:
      return fmt::format("{}({} AS {})", op.empty() ? "CAST" : op, children[0]->ToString(),
                         type.ToString());
    case ExprKind::kFieldAccess: {
      const ParsedExpr& base = *children[0];
      // `(a).b` must keep its parentheses: `a.b` would read back as a column path.
      bool wrap = base.kind == ExprKind::kColumn || base.kind == ExprKind::kLiteral ||
                  Precedence(base) < 9;
      std::string b = base.ToString();
      return (wrap ? "(" + b + ")" : b) + "." + Name(name);
    }
    case ExprKind::kIndex:
      return fmt::format("{}[{}]", Child(*children[0], 9), children[1]->ToString());
    case ExprKind::kLambda: {
      std::string params;
      for (size_t i = 0; i < parts.size(); ++i) params += (i ? ", " : "") + Name(parts[i]);
      return fmt::format("{} -> {}", parts.size() == 1 ? params : "(" + params + ")",
                         children[0]->ToString());
    }
  }
  return "?";
}

}  // namespace sluice::sql
