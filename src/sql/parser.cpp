#include "sql/parser.h"

#include "types/decimal.h"
#include "types/interval_text.h"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "sql/keywords.h"
#include "sql/lexer.h"

namespace sluice::sql {

namespace {

constexpr std::string_view kTypeExpectation = "a column type (INT, BIGINT, STRING, ...)";

bool IsNumberToken(const Token& t) {
  return t.Is(TokenKind::kInteger) || t.Is(TokenKind::kDecimal) || t.Is(TokenKind::kFloat);
}

ParsedExprPtr NewExpr(ExprKind kind, SourceLocation location) {
  auto e = std::make_unique<ParsedExpr>();
  e->kind = kind;
  e->location = location;
  return e;
}

// Attaches `child`, keeping `parent.height` (the longest path down from it) up to date.
void AddChild(ParsedExpr& parent, ParsedExprPtr child) {
  parent.height = std::max(parent.height, child->height + 1);
  parent.children.push_back(std::move(child));
}

ParsedExprPtr NewBinary(std::string op, SourceLocation location, ParsedExprPtr left,
                        ParsedExprPtr right) {
  auto e = NewExpr(ExprKind::kBinary, location);
  e->op = std::move(op);
  AddChild(*e, std::move(left));
  AddChild(*e, std::move(right));
  return e;
}

// Recursive descent over the token list, one method per grammar rule. Every error is
// reported at the token that could not be used, as "expected <what> but found <token>".
class Parser {
 public:
  Parser(const SourceText& source, std::vector<Token> tokens)
      : source_(source), tokens_(std::move(tokens)) {}

  // Every statement is parsed even after one fails: a syntax error skips the rest of its
  // statement (to its ';') and parsing goes on with the next, so one pass reports the syntax
  // errors of the file, one per statement, up to kMaxScriptErrors (as the planner does).
  Result<Script> ParseScript() {
    Script script;
    std::vector<Status> errors;
    while (true) {
      while (Match(TokenKind::kSemicolon)) {
      }
      if (Check(TokenKind::kEnd)) break;
      const size_t start = pos_;
      Result<Statement> statement = ParseStatement();
      Status error;
      if (!statement.ok()) {
        error = statement.status();
      } else {
        script.statements.push_back(std::move(statement).value());
        if (!Check(TokenKind::kEnd) && !Check(TokenKind::kSemicolon)) {
          error = ErrorExpected("';' or end of input");
        }
      }
      if (!error.ok()) {
        errors.push_back(std::move(error));
        SkipToStatementEnd(start);
      }
    }
    if (errors.empty()) return script;
    if (errors.size() == 1) return errors.front();
    std::string all;
    for (size_t i = 0; i < errors.size() && i < kMaxScriptErrors; ++i) {
      all += (i ? "\n" : "") + errors[i].message();
    }
    if (errors.size() > kMaxScriptErrors) {
      all += fmt::format("\n(and {} more)", errors.size() - kMaxScriptErrors);
    }
    return Status(errors.front().code(), all);
  }

  Result<ParsedExprPtr> ParseWholeExpression() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
    if (!Check(TokenKind::kEnd)) return ErrorExpected("end of input");
    return e;
  }

 private:
  // After a syntax error in the statement that began at token `start`: moves to the ';' that
  // ends it, or to the end. Brackets are counted from `start`, so a ';' inside them (never
  // valid SQL) does not end the statement; strings are single tokens. When they never close
  // (the error may be a missing ')'), the first ';' from the error on does.
  void SkipToStatementEnd(size_t start) {
    size_t first_semicolon = tokens_.size() - 1;  // the kEnd token
    int depth = 0;
    for (size_t i = start; i + 1 < tokens_.size(); ++i) {
      const Token& t = tokens_[i];
      if (t.Is(TokenKind::kSemicolon) && i >= pos_) {
        if (depth == 0) {
          pos_ = i;
          return;
        }
        first_semicolon = std::min(first_semicolon, i);
      } else if (t.Is(TokenKind::kLParen) || t.Is(TokenKind::kLBracket)) {
        ++depth;
      } else if ((t.Is(TokenKind::kRParen) || t.Is(TokenKind::kRBracket)) && depth > 0) {
        --depth;
      }
    }
    pos_ = first_semicolon;
  }

  // ---- token helpers ----

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Advance() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Check(TokenKind kind) const { return Peek().Is(kind); }
  bool CheckKeyword(std::string_view keyword, size_t ahead = 0) const {
    return Peek(ahead).IsKeyword(keyword);
  }
  bool Match(TokenKind kind) {
    if (!Check(kind)) return false;
    Advance();
    return true;
  }
  bool MatchKeyword(std::string_view keyword) {
    if (!CheckKeyword(keyword)) return false;
    Advance();
    return true;
  }

  std::string_view Raw(const Token& t) const {
    return std::string_view(source_.text()).substr(t.location.offset, t.length);
  }

  std::string Describe(const Token& t) const {
    if (t.Is(TokenKind::kEnd)) return "end of input";
    std::string_view raw = Raw(t);
    constexpr size_t kMax = 40;
    std::string shown = raw.size() > kMax ? std::string(raw.substr(0, kMax)) + "..."
                                          : std::string(raw);
    if (t.Is(TokenKind::kString)) return "string " + shown;
    return "'" + shown + "'";
  }

  Status ErrorAt(const Token& t, std::string_view message) const {
    return source_.Error(t.location, message);
  }
  Status ErrorExpected(std::string_view what) const {
    return ErrorAt(Peek(), fmt::format("expected {} but found {}", what, Describe(Peek())));
  }
  Status Expect(TokenKind kind, std::string_view what) {
    if (!Match(kind)) return ErrorExpected(what);
    return Status::OK();
  }
  Status ExpectKeyword(std::string_view keyword) {
    if (!MatchKeyword(keyword)) return ErrorExpected(keyword);
    return Status::OK();
  }

  // A name usable for a column, table or alias: a non-reserved word or a quoted identifier.
  bool CheckName(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.Is(TokenKind::kQuotedIdentifier) ||
           (t.Is(TokenKind::kIdentifier) && !IsReservedWord(t.text));
  }
  Result<std::string> ParseName(std::string_view what) {
    if (!CheckName()) return ErrorExpected(what);
    return Advance().text;
  }
  // After a '.' or inside ROW<...> any word is a name: `t.end`, ROW<key STRING>.
  Result<std::string> ParseAnyName(std::string_view what) {
    if (!Check(TokenKind::kIdentifier) && !Check(TokenKind::kQuotedIdentifier)) {
      return ErrorExpected(what);
    }
    return Advance().text;
  }
  // catalog.db.table is kept as one dotted name.
  Result<std::string> ParseQualifiedName(std::string_view what) {
    SLUICE_ASSIGN_OR_RETURN(std::string name, ParseName(what));
    while (Check(TokenKind::kDot)) {
      Advance();
      SLUICE_ASSIGN_OR_RETURN(std::string part, ParseAnyName(what));
      name += "." + part;
    }
    return name;
  }
  Result<std::vector<std::string>> ParseNameList(std::string_view what) {
    std::vector<std::string> names;
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'('"));
    do {
      SLUICE_ASSIGN_OR_RETURN(std::string name, ParseName(what));
      names.push_back(std::move(name));
    } while (Match(TokenKind::kComma));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
    return names;
  }
  Result<std::string> ParseStringLiteral(std::string_view what) {
    if (!Check(TokenKind::kString)) return ErrorExpected(what);
    return Advance().text;
  }

  // ---- statements ----

  Result<Statement> ParseStatement() {
    Statement statement;
    statement.location = Peek().location;
    if (CheckKeyword("CREATE") &&
        (Peek(1).IsKeyword("VIEW") || (Peek(1).IsKeyword("TEMPORARY") && Peek(2).IsKeyword("VIEW")))) {
      statement.kind = Statement::Kind::kCreateView;
      SLUICE_ASSIGN_OR_RETURN(statement.create_view, ParseCreateView());
    } else if (CheckKeyword("CREATE")) {
      statement.kind = Statement::Kind::kCreateTable;
      SLUICE_ASSIGN_OR_RETURN(statement.create_table, ParseCreateTable());
    } else if (CheckKeyword("INSERT")) {
      statement.kind = Statement::Kind::kInsert;
      SLUICE_ASSIGN_OR_RETURN(statement.insert, ParseInsert());
    } else if (CheckKeyword("SELECT")) {
      statement.kind = Statement::Kind::kSelect;
      SLUICE_ASSIGN_OR_RETURN(statement.select, ParseSelect());
    } else if (CheckKeyword("SET")) {
      statement.kind = Statement::Kind::kSet;
      SLUICE_ASSIGN_OR_RETURN(statement.set, ParseSet());
    } else {
      return ErrorExpected("a statement (CREATE TABLE, CREATE VIEW, INSERT INTO, SELECT, SET)");
    }
    return statement;
  }

  Result<std::unique_ptr<CreateView>> ParseCreateView() {
    auto view = std::make_unique<CreateView>();
    Advance();  // CREATE
    MatchKeyword("TEMPORARY");
    Advance();  // VIEW
    if (MatchKeyword("IF")) {
      SLUICE_RETURN_NOT_OK(ExpectKeyword("NOT"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("EXISTS"));
      view->if_not_exists = true;
    }
    view->location = Peek().location;
    SLUICE_ASSIGN_OR_RETURN(view->name, ParseQualifiedName("a view name"));
    SLUICE_RETURN_NOT_OK(ExpectKeyword("AS"));
    if (!CheckKeyword("SELECT")) return ErrorExpected("SELECT after CREATE VIEW ... AS");
    SLUICE_ASSIGN_OR_RETURN(view->select, ParseSelect());
    return view;
  }

  Result<std::unique_ptr<CreateTable>> ParseCreateTable() {
    auto table = std::make_unique<CreateTable>();
    Advance();  // CREATE
    table->temporary = MatchKeyword("TEMPORARY");
    SLUICE_RETURN_NOT_OK(ExpectKeyword("TABLE"));
    if (MatchKeyword("IF")) {
      SLUICE_RETURN_NOT_OK(ExpectKeyword("NOT"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("EXISTS"));
      table->if_not_exists = true;
    }
    table->location = Peek().location;
    SLUICE_ASSIGN_OR_RETURN(table->name, ParseQualifiedName("a table name"));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'('"));
    do {
      SLUICE_RETURN_NOT_OK(ParseTableElement(*table));
    } while (Match(TokenKind::kComma));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
    if (MatchKeyword("COMMENT")) {
      SLUICE_RETURN_NOT_OK(ParseStringLiteral("the table's comment in quotes").status());
    }
    if (CheckKeyword("PARTITIONED")) {
      table->partition_location = Advance().location;
      SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'('"));
      do {
        SLUICE_ASSIGN_OR_RETURN(std::string key, ParseName("a column name"));
        table->partition_keys.push_back(std::move(key));
      } while (Match(TokenKind::kComma));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
    }
    if (MatchKeyword("WITH")) {
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'('"));
      do {
        TableOption option;
        option.location = Peek().location;
        SLUICE_ASSIGN_OR_RETURN(option.key,
                                ParseStringLiteral("an option key in quotes, like 'connector'"));
        SLUICE_RETURN_NOT_OK(Expect(TokenKind::kEq, "'='"));
        option.value_location = Peek().location;
        SLUICE_ASSIGN_OR_RETURN(option.value, ParseStringLiteral("an option value in quotes"));
        table->options.push_back(std::move(option));
      } while (Match(TokenKind::kComma));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
    }
    return table;
  }

  // One item between the parentheses of CREATE TABLE: a column, WATERMARK or PRIMARY KEY.
  Status ParseTableElement(CreateTable& table) {
    if (CheckKeyword("WATERMARK") && CheckKeyword("FOR", 1)) {
      const Token& start = Advance();
      if (table.watermark) return ErrorAt(start, "a table can have only one WATERMARK");
      Advance();  // FOR
      WatermarkDefinition watermark;
      watermark.location = Peek().location;
      SLUICE_ASSIGN_OR_RETURN(watermark.column, ParseName("a column name"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("AS"));
      SLUICE_ASSIGN_OR_RETURN(watermark.expression, ParseExpr());
      table.watermark = std::move(watermark);
      return Status::OK();
    }
    if (CheckKeyword("CONSTRAINT")) {
      Advance();
      SLUICE_ASSIGN_OR_RETURN(std::string ignored, ParseName("a constraint name"));
      if (!CheckKeyword("PRIMARY")) return ErrorExpected("PRIMARY KEY");
    }
    if (CheckKeyword("PRIMARY") && CheckKeyword("KEY", 1)) {
      const Token& start = Advance();
      Advance();  // KEY
      if (!table.primary_key.empty()) {
        return ErrorAt(start, "a table can have only one PRIMARY KEY");
      }
      SLUICE_ASSIGN_OR_RETURN(table.primary_key, ParseNameList("a column name"));
      return ParseNotEnforced();
    }
    SLUICE_ASSIGN_OR_RETURN(ColumnDefinition column, ParseColumnDefinition(table));
    table.columns.push_back(std::move(column));
    return Status::OK();
  }

  Status ParseNotEnforced() {
    if (MatchKeyword("NOT")) return ExpectKeyword("ENFORCED");
    return Status::OK();
  }

  Result<ColumnDefinition> ParseColumnDefinition(CreateTable& table) {
    ColumnDefinition column;
    column.location = Peek().location;
    SLUICE_ASSIGN_OR_RETURN(column.name, ParseName("a column name"));
    if (MatchKeyword("AS")) {
      SLUICE_ASSIGN_OR_RETURN(column.computed, ParseExpr());
    } else {
      SLUICE_ASSIGN_OR_RETURN(column.type, ParseType());
    }
    // Constraints and markers, in any order.
    while (true) {
      if (CheckKeyword("NOT") && CheckKeyword("NULL", 1)) {
        Advance();
        Advance();
        column.not_null = true;
      } else if (MatchKeyword("NULL")) {
        column.not_null = false;
      } else if (MatchKeyword("METADATA")) {
        column.is_metadata = true;
        if (MatchKeyword("FROM")) {
          SLUICE_ASSIGN_OR_RETURN(column.metadata_key,
                                  ParseStringLiteral("a metadata key in quotes, like 'offset'"));
        }
        if (MatchKeyword("VIRTUAL")) column.is_virtual = true;
      } else if (CheckKeyword("PRIMARY") && CheckKeyword("KEY", 1)) {
        const Token& start = Advance();
        Advance();
        if (!table.primary_key.empty()) {
          return ErrorAt(start, "a table can have only one PRIMARY KEY");
        }
        table.primary_key = {column.name};
        SLUICE_RETURN_NOT_OK(ParseNotEnforced());
      } else if (MatchKeyword("COMMENT")) {
        SLUICE_ASSIGN_OR_RETURN(std::string ignored, ParseStringLiteral("a comment in quotes"));
      } else {
        break;
      }
    }
    return column;
  }

  Result<std::unique_ptr<InsertInto>> ParseInsert() {
    auto insert = std::make_unique<InsertInto>();
    Advance();  // INSERT
    SLUICE_RETURN_NOT_OK(ExpectKeyword("INTO"));
    insert->location = Peek().location;
    SLUICE_ASSIGN_OR_RETURN(insert->table, ParseQualifiedName("a table name"));
    if (Check(TokenKind::kLParen) && !CheckKeyword("SELECT", 1)) {
      SLUICE_ASSIGN_OR_RETURN(insert->columns, ParseNameList("a column name"));
    }
    SLUICE_ASSIGN_OR_RETURN(insert->select, ParseInsertBranch());
    // UNION ALL: every branch's rows go to the table (each branch is planned as an INSERT of
    // its own into the shared sink). UNION without ALL would need the whole stream's rows.
    while (CheckKeyword("UNION")) {
      const Token& union_token = Advance();
      if (!MatchKeyword("ALL")) {
        return ErrorAt(union_token, "UNION without ALL removes duplicates across the whole "
                                    "stream, which sluice does not do; write UNION ALL");
      }
      SLUICE_ASSIGN_OR_RETURN(auto branch, ParseInsertBranch());
      insert->union_all.push_back(std::move(branch));
    }
    return insert;
  }

  // The query of an INSERT, or one branch of its UNION ALL: SELECT ... or (SELECT ...).
  Result<std::unique_ptr<SelectStatement>> ParseInsertBranch() {
    if (!Match(TokenKind::kLParen)) return ParseSelect();
    SLUICE_ASSIGN_OR_RETURN(auto select, ParseSelect());
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return select;
  }

  // SET 'key' = 'value', or unquoted: SET table.exec.mini-batch.enabled = true.
  Result<std::unique_ptr<SetOption>> ParseSet() {
    auto set = std::make_unique<SetOption>();
    set->location = Advance().location;  // SET
    if (Check(TokenKind::kString)) {
      set->key = Advance().text;
    } else if (Check(TokenKind::kIdentifier) || Check(TokenKind::kQuotedIdentifier)) {
      set->key = ParseAdjacentWords();
    } else {
      return ErrorExpected("an option key, like 'pipeline.name'");
    }
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kEq, "'='"));
    if (Check(TokenKind::kString)) {
      set->value = Advance().text;
    } else if (Check(TokenKind::kIdentifier) || IsNumberToken(Peek()) ||
               Check(TokenKind::kMinus)) {
      set->value = ParseAdjacentWords();
    } else {
      return ErrorExpected("an option value");
    }
    return set;
  }

  // Glues tokens written without spaces between them (`mini-batch.size`, `10s`, `-1`) back
  // into the text the user typed.
  std::string ParseAdjacentWords() {
    std::string out;
    size_t end = Peek().location.offset;
    while (true) {
      const Token& t = Peek();
      bool word = t.Is(TokenKind::kIdentifier) || t.Is(TokenKind::kQuotedIdentifier) ||
                  IsNumberToken(t) || t.Is(TokenKind::kDot) || t.Is(TokenKind::kMinus);
      if (!word || t.location.offset != end) break;
      out += t.Is(TokenKind::kQuotedIdentifier) ? t.text : std::string(Raw(t));
      end = t.location.offset + t.length;
      Advance();
    }
    return out;
  }

  // ---- SELECT ----

  Result<std::unique_ptr<SelectStatement>> ParseSelect() {
    DepthGuard guard(depth_);
    SLUICE_RETURN_NOT_OK(CheckDepth());
    auto select = std::make_unique<SelectStatement>();
    select->location = Peek().location;
    SLUICE_RETURN_NOT_OK(ExpectKeyword("SELECT"));
    if (MatchKeyword("DISTINCT")) {
      select->distinct = true;
    } else {
      MatchKeyword("ALL");
    }
    do {
      SLUICE_ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem());
      select->items.push_back(std::move(item));
    } while (Match(TokenKind::kComma));

    if (MatchKeyword("FROM")) {
      SLUICE_ASSIGN_OR_RETURN(select->from, ParseTableReference());
      SLUICE_RETURN_NOT_OK(ParseJoins(*select));
    }
    if (MatchKeyword("WHERE")) {
      SLUICE_ASSIGN_OR_RETURN(select->where, ParseExpr());
    }
    if (MatchKeyword("GROUP")) {
      SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        select->group_by.push_back(std::move(e));
      } while (Match(TokenKind::kComma));
    }
    if (MatchKeyword("HAVING")) {
      SLUICE_ASSIGN_OR_RETURN(select->having, ParseExpr());
    }
    if (MatchKeyword("ORDER")) {
      SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
      do {
        OrderItem item;
        SLUICE_ASSIGN_OR_RETURN(item.expression, ParseExpr());
        if (MatchKeyword("DESC")) {
          item.descending = true;
        } else {
          MatchKeyword("ASC");
        }
        select->order_by.push_back(std::move(item));
      } while (Match(TokenKind::kComma));
    }
    if (MatchKeyword("LIMIT")) {
      if (!Check(TokenKind::kInteger)) return ErrorExpected("a row count after LIMIT");
      const Token& t = Advance();
      errno = 0;
      long long n = std::strtoll(t.text.c_str(), nullptr, 10);
      if (errno == ERANGE) return ErrorAt(t, "LIMIT is out of range");
      select->limit = n;
    }
    return select;
  }

  Result<SelectItem> ParseSelectItem() {
    SelectItem item;
    item.location = Peek().location;
    if (Check(TokenKind::kStar)) {
      item.expression = NewExpr(ExprKind::kStar, Advance().location);
      return item;
    }
    SLUICE_ASSIGN_OR_RETURN(item.expression, ParseExpr());
    if (item.expression->kind == ExprKind::kStar) return item;
    if (MatchKeyword("AS")) {
      SLUICE_ASSIGN_OR_RETURN(item.alias, ParseName("an alias"));
    } else if (CheckName()) {
      item.alias = Advance().text;
    }
    return item;
  }

  Status ParseJoins(SelectStatement& select) {
    while (true) {
      JoinClause join;
      join.location = Peek().location;
      bool needs_condition = true;
      if (Match(TokenKind::kComma)) {
        join.kind = JoinClause::Kind::kCross;
        needs_condition = false;
      } else if (MatchKeyword("CROSS")) {
        SLUICE_RETURN_NOT_OK(ExpectKeyword("JOIN"));
        join.kind = JoinClause::Kind::kCross;
        needs_condition = false;
      } else if (MatchKeyword("INNER")) {
        SLUICE_RETURN_NOT_OK(ExpectKeyword("JOIN"));
        join.kind = JoinClause::Kind::kInner;
      } else if (MatchKeyword("JOIN")) {
        join.kind = JoinClause::Kind::kInner;
      } else if (MatchKeyword("LEFT")) {
        MatchKeyword("OUTER");
        SLUICE_RETURN_NOT_OK(ExpectKeyword("JOIN"));
        join.kind = JoinClause::Kind::kLeft;
      } else if (CheckKeyword("LATERAL") && CheckKeyword("VIEW", 1)) {
        SLUICE_ASSIGN_OR_RETURN(join.right, ParseLateralView());
        join.kind = JoinClause::Kind::kCross;
        select.joins.push_back(std::move(join));
        continue;
      } else if (CheckKeyword("RIGHT") || CheckKeyword("FULL")) {
        return ErrorAt(Peek(), fmt::format("{} JOIN is not supported yet",
                                           ToUpper(Peek().text)));
      } else {
        return Status::OK();
      }
      SLUICE_ASSIGN_OR_RETURN(join.right, ParseTableReference());
      if (needs_condition) {
        SLUICE_RETURN_NOT_OK(ExpectKeyword("ON"));
        SLUICE_ASSIGN_OR_RETURN(join.condition, ParseExpr());
      }
      select.joins.push_back(std::move(join));
    }
  }

  // Spark's LATERAL VIEW [OUTER] explode|explode_outer|posexplode|posexplode_outer|inline|
  // inline_outer(expr) alias [AS] c1[, c2 ...]: an unnest with Spark's semantics.
  Result<TableReference> ParseLateralView() {
    TableReference ref;
    ref.kind = TableReference::Kind::kUnnest;
    ref.location = Peek().location;
    Advance();  // LATERAL
    Advance();  // VIEW
    ref.outer = MatchKeyword("OUTER");
    if (!Check(TokenKind::kIdentifier) || !Peek(1).Is(TokenKind::kLParen)) {
      return ErrorExpected("a generator like explode(array) after LATERAL VIEW");
    }
    std::string generator = ToLower(Advance().text);
    if (generator.ends_with("_outer")) {
      ref.outer = true;
      generator.resize(generator.size() - 6);
    }
    if (generator == "json_tuple" || generator == "stack") {
      // The rows of several columns inline() spreads (see TableGeneratorAsInline).
      auto call = NewExpr(ExprKind::kFunction, Peek().location);
      call->name = generator == "json_tuple" ? "$json_tuple_rows" : "$stack_rows";
      Advance();  // (
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr arg, ParseExpr());
        AddChild(*call, std::move(arg));
      } while (Match(TokenKind::kComma));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
      ref.generator = "inline";
      ref.arguments.push_back(std::move(call));
    } else {
      if (generator != "explode" && generator != "posexplode" && generator != "inline") {
        return ErrorAt(Peek(), fmt::format("LATERAL VIEW takes explode, posexplode, inline (and "
                                           "their _outer forms), json_tuple or stack, not {}",
                                           generator));
      }
      ref.generator = generator;
      Advance();  // (
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
      ref.arguments.push_back(std::move(e));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    }
    SLUICE_ASSIGN_OR_RETURN(ref.alias, ParseName("the LATERAL VIEW's table alias"));
    if (MatchKeyword("AS") || CheckName()) {
      do {
        SLUICE_ASSIGN_OR_RETURN(std::string column, ParseName("a column alias"));
        ref.column_aliases.push_back(std::move(column));
      } while (Match(TokenKind::kComma));
    }
    return ref;
  }

  static bool IsWindowFunction(const Token& t) {
    return t.IsKeyword("TUMBLE") || t.IsKeyword("HOP") || t.IsKeyword("SESSION") ||
           t.IsKeyword("CUMULATE");
  }

  Result<TableReference> ParseTableReference() {
    TableReference ref;
    ref.location = Peek().location;
    bool lateral = MatchKeyword("LATERAL");
    if (CheckKeyword("UNNEST") && Peek(1).Is(TokenKind::kLParen)) {
      ref.kind = TableReference::Kind::kUnnest;
      Advance();
      Advance();
      do {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        ref.arguments.push_back(std::move(e));
      } while (Match(TokenKind::kComma));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
      SLUICE_RETURN_NOT_OK(ParseAlias(ref, /*with_columns=*/true));
      return ref;
    }
    if (lateral) return ErrorExpected("UNNEST after LATERAL");
    if (Check(TokenKind::kLParen)) {
      Advance();
      if (!CheckKeyword("SELECT")) return ErrorExpected("SELECT");
      ref.kind = TableReference::Kind::kSubquery;
      SLUICE_ASSIGN_OR_RETURN(ref.subquery, ParseSelect());
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      SLUICE_RETURN_NOT_OK(ParseAlias(ref, /*with_columns=*/true));
      return ref;
    }
    if (CheckKeyword("TABLE") && Peek(1).Is(TokenKind::kLParen)) {
      Advance();
      Advance();
      if (!Check(TokenKind::kIdentifier) || !Peek(1).Is(TokenKind::kLParen)) {
        return ErrorExpected("a table function like TUMBLE(...)");
      }
      SLUICE_RETURN_NOT_OK(ParseTableFunction(ref));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      SLUICE_RETURN_NOT_OK(ParseAlias(ref, /*with_columns=*/false));
      return ref;
    }
    if (IsWindowFunction(Peek()) && Peek(1).Is(TokenKind::kLParen)) {
      SLUICE_RETURN_NOT_OK(ParseTableFunction(ref));
      SLUICE_RETURN_NOT_OK(ParseAlias(ref, /*with_columns=*/false));
      return ref;
    }
    ref.kind = TableReference::Kind::kTable;
    SLUICE_ASSIGN_OR_RETURN(ref.name, ParseQualifiedName("a table name"));
    if (MatchKeyword("FOR")) {  // Flink's lookup join: dim FOR SYSTEM_TIME AS OF s.proc_time
      SLUICE_RETURN_NOT_OK(ExpectKeyword("SYSTEM_TIME"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("AS"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("OF"));
      SLUICE_ASSIGN_OR_RETURN(ref.system_time, ParseExpr());
    }
    SLUICE_RETURN_NOT_OK(ParseAlias(ref, /*with_columns=*/false));
    return ref;
  }

  // name(arg, ...) where an argument may be `TABLE t` or named: `DATA => TABLE t`.
  Status ParseTableFunction(TableReference& ref) {
    ref.kind = TableReference::Kind::kFunction;
    ref.function_name = ToLower(Advance().text);
    Advance();  // (
    if (Match(TokenKind::kRParen)) return Status::OK();
    do {
      // The parameter names are positional in all window functions; skip them.
      if (Check(TokenKind::kIdentifier) && Peek(1).Is(TokenKind::kArrow)) {
        Advance();
        Advance();
      }
      if (CheckKeyword("TABLE") && (Peek(1).Is(TokenKind::kIdentifier) ||
                                    Peek(1).Is(TokenKind::kQuotedIdentifier))) {
        Advance();
        auto table = NewExpr(ExprKind::kColumn, Peek().location);
        table->op = "TABLE";
        SLUICE_ASSIGN_OR_RETURN(std::string name, ParseQualifiedName("a table name"));
        table->parts.push_back(std::move(name));
        ref.arguments.push_back(std::move(table));
        // SESSION(TABLE t PARTITION BY k, ...): the keys are the GROUP BY's; parsed and kept.
        if (MatchKeyword("PARTITION")) {
          SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
          while (true) {
            SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr key, ParseExpr());
            ref.partition_by.push_back(std::move(key));
            // The keys end where DESCRIPTOR(...) begins.
            if (!Check(TokenKind::kComma) || Peek(1).IsKeyword("DESCRIPTOR")) break;
            Advance();
          }
        }
      } else {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        ref.arguments.push_back(std::move(e));
      }
    } while (Match(TokenKind::kComma));
    return Expect(TokenKind::kRParen, "',' or ')'");
  }

  // [AS] alias [(column, ...)]
  Status ParseAlias(TableReference& ref, bool with_columns) {
    if (MatchKeyword("AS")) {
      SLUICE_ASSIGN_OR_RETURN(ref.alias, ParseName("an alias"));
    } else if (CheckName()) {
      ref.alias = Advance().text;
    } else {
      return Status::OK();
    }
    if (with_columns && Check(TokenKind::kLParen)) {
      SLUICE_ASSIGN_OR_RETURN(ref.column_aliases, ParseNameList("a column alias"));
    }
    return Status::OK();
  }

  // ---- types ----

  Result<int> ParseTypeParameter() {
    if (!Check(TokenKind::kInteger)) return ErrorExpected("a number");
    const Token& t = Advance();
    if (t.text.size() > 9) return ErrorAt(t, "number is too large");
    return std::atoi(t.text.c_str());
  }

  // Optional `(n)` after VARCHAR, CHAR, BINARY, TIMESTAMP: accepted and not kept.
  Status SkipLength() {
    if (!Match(TokenKind::kLParen)) return Status::OK();
    SLUICE_ASSIGN_OR_RETURN(int ignored, ParseTypeParameter());
    (void)ignored;
    return Expect(TokenKind::kRParen, "')'");
  }

  Result<DataType> ParseType() {
    DepthGuard guard(depth_);
    SLUICE_RETURN_NOT_OK(CheckDepth());
    if (!Check(TokenKind::kIdentifier)) return ErrorExpected(kTypeExpectation);
    const Token& t = Advance();
    std::string name = ToUpper(t.text);
    if (name == "BOOLEAN" || name == "BOOL") return DataType::Boolean();
    if (name == "TINYINT" || name == "SMALLINT" || name == "INT" || name == "INTEGER") {
      return DataType::Int32();
    }
    if (name == "BIGINT") return DataType::Int64();
    if (name == "FLOAT" || name == "REAL") return DataType::Float64();
    if (name == "DOUBLE") {
      MatchKeyword("PRECISION");
      return DataType::Float64();
    }
    if (name == "DECIMAL" || name == "NUMERIC" || name == "DEC") return ParseDecimalType();
    if (name == "STRING" || name == "TEXT") return DataType::String();
    if (name == "VARCHAR" || name == "CHAR" || name == "CHARACTER") {
      SLUICE_RETURN_NOT_OK(SkipLength());
      return DataType::String();
    }
    if (name == "BYTES") return DataType::Bytes();
    if (name == "VARBINARY" || name == "BINARY") {
      SLUICE_RETURN_NOT_OK(SkipLength());
      return DataType::Bytes();
    }
    if (name == "DATE") return DataType::Date();
    if (name == "TIMESTAMP") {
      SLUICE_RETURN_NOT_OK(SkipLength());
      // WITH [LOCAL] TIME ZONE, WITHOUT TIME ZONE: all are instants in microseconds here.
      if ((CheckKeyword("WITH") || CheckKeyword("WITHOUT")) &&
          (CheckKeyword("TIME", 1) || CheckKeyword("LOCAL", 1))) {
        Advance();
        MatchKeyword("LOCAL");
        SLUICE_RETURN_NOT_OK(ExpectKeyword("TIME"));
        SLUICE_RETURN_NOT_OK(ExpectKeyword("ZONE"));
      }
      return DataType::Timestamp();
    }
    if (name == "TIMESTAMP_LTZ") {
      SLUICE_RETURN_NOT_OK(SkipLength());
      return DataType::Timestamp();
    }
    if (name == "ROW" || name == "STRUCT") {
      TokenKind close;
      if (Match(TokenKind::kLt)) {
        close = TokenKind::kGt;
      } else if (name == "ROW" && Match(TokenKind::kLParen)) {
        close = TokenKind::kRParen;
      } else {
        return ErrorExpected(name == "ROW" ? "'<' or '(' after ROW" : "'<' after STRUCT");
      }
      std::vector<Field> fields;
      do {
        Field field;
        SLUICE_ASSIGN_OR_RETURN(field.name, ParseAnyName("a field name"));
        Match(TokenKind::kColon);
        SLUICE_ASSIGN_OR_RETURN(field.type, ParseType());
        if (CheckKeyword("NOT") && CheckKeyword("NULL", 1)) {
          Advance();
          Advance();
          field.nullable = false;
        } else {
          MatchKeyword("NULL");
        }
        fields.push_back(std::move(field));
      } while (Match(TokenKind::kComma));
      SLUICE_RETURN_NOT_OK(
          Expect(close, close == TokenKind::kGt ? "',' or '>'" : "',' or ')'"));
      return DataType::Struct(std::move(fields));
    }
    if (name == "MAP") {
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLt, "'<' after MAP"));
      const Token& key_token = Peek();
      SLUICE_ASSIGN_OR_RETURN(DataType key, ParseType());
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kComma, "',' between the key and value types"));
      SLUICE_ASSIGN_OR_RETURN(DataType value, ParseType());
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kGt, "'>'"));
      Status key_ok = CheckMapKey(key);
      if (!key_ok.ok()) return ErrorAt(key_token, key_ok.message());
      return DataType::Map(std::move(key), std::move(value));
    }
    if (name == "ARRAY") {
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLt, "'<' after ARRAY"));
      SLUICE_ASSIGN_OR_RETURN(DataType element, ParseType());
      if (CheckKeyword("NOT") && CheckKeyword("NULL", 1)) {
        Advance();
        Advance();
      }
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kGt, "'>'"));
      return DataType::List(std::move(element));
    }
    if (name == "INTERVAL") return ParseIntervalType();
    return ErrorAt(t, fmt::format("unknown column type '{}'", t.text));
  }

  // INTERVAL DAY [TO HOUR|MINUTE|SECOND] ... INTERVAL YEAR [TO MONTH]: Spark's ANSI interval
  // types (a bare INTERVAL, Spark's CalendarInterval, has no counterpart here).
  Result<DataType> ParseIntervalType() {
    auto field = [](const Token& token, bool year_month) {
      const std::string word = ToUpper(token.text);
      for (int f = 0; f <= (year_month ? DataType::kMonth : DataType::kSecond); ++f) {
        if (IntervalFieldName(year_month, f) == word) return f;
      }
      return -1;
    };
    const bool year_month = field(Peek(), true) >= 0;
    const int start = field(Peek(), year_month);
    if (start < 0) return ErrorExpected("the interval's fields, e.g. INTERVAL DAY TO SECOND or INTERVAL YEAR TO MONTH");
    Advance();
    int end = start;
    if (CheckKeyword("TO")) {
      Advance();
      end = field(Peek(), year_month);
      if (end <= start) {
        return ErrorExpected(fmt::format("a field after {} of the same kind", IntervalFieldName(year_month, start)));
      }
      Advance();
    }
    return year_month ? DataType::YearMonthInterval(start, end) : DataType::Interval(start, end);
  }

  // DECIMAL [(p [, s])], (10, 0) when not written.
  Result<DataType> ParseDecimalType() {
    int precision = 10;
    int scale = 0;
    if (Match(TokenKind::kLParen)) {
      const Token& p = Peek();
      SLUICE_ASSIGN_OR_RETURN(precision, ParseTypeParameter());
      if (precision < 1 || precision > kMaxDecimalPrecision) {
        return ErrorAt(p, "DECIMAL precision must be 1..38");
      }
      if (Match(TokenKind::kComma)) {
        const Token& s = Peek();
        SLUICE_ASSIGN_OR_RETURN(scale, ParseTypeParameter());
        if (scale > precision) {
          return ErrorAt(s, "DECIMAL scale must be between 0 and the precision");
        }
      }
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    }
    return DataType::Decimal(precision, scale);
  }

  // ---- expressions, lowest precedence first ----

  // Nesting is bounded so that a hostile or generated text cannot overflow the stack: each level
  // is a dozen parser frames, and 500 levels overflowed 8 MB under ASan at -O1.
  static constexpr int kMaxDepth = 200;
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int& depth_;
  };
  Status CheckDepth() const {
    if (depth_ > kMaxDepth) return ErrorAt(Peek(), "expression is nested too deeply");
    return Status::OK();
  }
  // Chains (`a OR b OR ...`, `x + y + ...`, `a[0][0]...`) grow in loops, not by recursion, so
  // the depth above does not see them: the tree's height is checked as they grow, and no later
  // pass (binding, printing, freeing) recurses deeper than kMaxHeight plus kMaxDepth.
  static constexpr int kMaxHeight = 1000;
  Status CheckHeight(const ParsedExpr& e) const {
    if (e.height <= kMaxHeight) return Status::OK();
    return source_.Error(e.location,
                         fmt::format("expression is nested too deeply (more than {} levels; a "
                                     "chain like `a OR b OR ...` counts a level per term): for a "
                                     "long list of values use IN (...)",
                                     kMaxHeight));
  }

  Result<ParsedExprPtr> ParseExpr() {
    DepthGuard guard(depth_);
    SLUICE_RETURN_NOT_OK(CheckDepth());
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseOr());
    SLUICE_RETURN_NOT_OK(CheckHeight(*e));
    return e;
  }

  Result<ParsedExprPtr> ParseOr() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseAnd());
    while (CheckKeyword("OR")) {
      SourceLocation at = Advance().location;
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAnd());
      left = NewBinary("OR", at, std::move(left), std::move(right));
      SLUICE_RETURN_NOT_OK(CheckHeight(*left));
    }
    return left;
  }

  Result<ParsedExprPtr> ParseAnd() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseNot());
    while (CheckKeyword("AND")) {
      SourceLocation at = Advance().location;
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseNot());
      left = NewBinary("AND", at, std::move(left), std::move(right));
      SLUICE_RETURN_NOT_OK(CheckHeight(*left));
    }
    return left;
  }

  Result<ParsedExprPtr> ParseNot() {
    if (!CheckKeyword("NOT")) return ParsePredicate();
    DepthGuard guard(depth_);
    SLUICE_RETURN_NOT_OK(CheckDepth());
    auto e = NewExpr(ExprKind::kUnary, Advance().location);
    e->op = "NOT";
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseNot());
    AddChild(*e, std::move(operand));
    return e;
  }

  static const char* ComparisonOp(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEq: return "=";
      case TokenKind::kNotEq: return "<>";
      case TokenKind::kLt: return "<";
      case TokenKind::kLe: return "<=";
      case TokenKind::kGt: return ">";
      case TokenKind::kGe: return ">=";
      case TokenKind::kNullSafeEq: return "<=>";
      default: return nullptr;
    }
  }

  static bool IsPatternKeyword(const Token& t) {
    return t.IsKeyword("LIKE") || t.IsKeyword("ILIKE") || t.IsKeyword("RLIKE") ||
           t.IsKeyword("REGEXP");
  }

  // Comparisons and the other predicates, all at one level, left to right.
  Result<ParsedExprPtr> ParsePredicate() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseConcat());
    while (true) {
      const Token& t = Peek();
      if (const char* op = ComparisonOp(t)) {
        Advance();
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseConcat());
        left = NewBinary(op, t.location, std::move(left), std::move(right));
        SLUICE_RETURN_NOT_OK(CheckHeight(*left));
        continue;
      }
      if (t.IsKeyword("IS")) {
        Advance();
        bool negated = MatchKeyword("NOT");
        ParsedExprPtr e;
        if (MatchKeyword("NULL")) {
          e = NewExpr(ExprKind::kIsNull, t.location);
        } else if (CheckKeyword("TRUE") || CheckKeyword("FALSE")) {
          e = NewExpr(ExprKind::kIsBool, t.location);
          e->value = Value::Boolean(Advance().IsKeyword("TRUE"));
        } else {
          return ErrorExpected(negated ? "NULL, TRUE or FALSE after IS NOT"
                                       : "NULL, TRUE or FALSE after IS");
        }
        e->negated = negated;
        AddChild(*e, std::move(left));
        left = std::move(e);
        SLUICE_RETURN_NOT_OK(CheckHeight(*left));
        continue;
      }
      bool negated = false;
      const Token& next = t.IsKeyword("NOT") ? Peek(1) : t;
      if (t.IsKeyword("NOT")) {
        if (!next.IsKeyword("IN") && !next.IsKeyword("BETWEEN") && !IsPatternKeyword(next)) {
          break;
        }
        Advance();
        negated = true;
      }
      if (next.IsKeyword("IN")) {
        SLUICE_ASSIGN_OR_RETURN(left, ParseIn(std::move(left), t.location, negated));
      } else if (next.IsKeyword("BETWEEN")) {
        Advance();
        auto e = NewExpr(ExprKind::kBetween, t.location);
        e->negated = negated;
        AddChild(*e, std::move(left));
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr low, ParseConcat());
        SLUICE_RETURN_NOT_OK(ExpectKeyword("AND"));
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr high, ParseConcat());
        AddChild(*e, std::move(low));
        AddChild(*e, std::move(high));
        left = std::move(e);
        SLUICE_RETURN_NOT_OK(CheckHeight(*left));
      } else if (IsPatternKeyword(next)) {
        auto e = NewExpr(ExprKind::kLike, t.location);
        e->op = ToUpper(Advance().text);
        e->negated = negated;
        AddChild(*e, std::move(left));
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr pattern, ParseConcat());
        AddChild(*e, std::move(pattern));
        if ((e->op == "LIKE" || e->op == "ILIKE") && MatchKeyword("ESCAPE")) {
          SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr escape, ParseConcat());
          AddChild(*e, std::move(escape));
        }
        left = std::move(e);
        SLUICE_RETURN_NOT_OK(CheckHeight(*left));
      } else {
        break;
      }
    }
    return left;
  }

  Result<ParsedExprPtr> ParseIn(ParsedExprPtr operand, SourceLocation at, bool negated) {
    Advance();  // IN
    auto e = NewExpr(ExprKind::kIn, at);
    e->negated = negated;
    AddChild(*e, std::move(operand));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'(' after IN"));
    if (CheckKeyword("SELECT")) {
      return ErrorAt(Peek(), "IN (SELECT ...) subqueries are not supported yet");
    }
    do {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr item, ParseExpr());
      AddChild(*e, std::move(item));
    } while (Match(TokenKind::kComma));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "',' or ')'"));
    return e;
  }

  Result<ParsedExprPtr> ParseConcat() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseAdditive());
    while (Check(TokenKind::kConcat)) {
      SourceLocation at = Advance().location;
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseAdditive());
      left = NewBinary("||", at, std::move(left), std::move(right));
      SLUICE_RETURN_NOT_OK(CheckHeight(*left));
    }
    return left;
  }

  Result<ParsedExprPtr> ParseAdditive() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseMultiplicative());
    while (Check(TokenKind::kPlus) || Check(TokenKind::kMinus)) {
      const Token& t = Advance();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseMultiplicative());
      left = NewBinary(t.text, t.location, std::move(left), std::move(right));
      SLUICE_RETURN_NOT_OK(CheckHeight(*left));
    }
    return left;
  }

  Result<ParsedExprPtr> ParseMultiplicative() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr left, ParseUnary());
    // `a div b` is Spark's integral division.
    while (Check(TokenKind::kStar) || Check(TokenKind::kSlash) || Check(TokenKind::kPercent) ||
           (CheckKeyword("DIV") && !Peek(1).Is(TokenKind::kComma) && !Peek(1).Is(TokenKind::kEnd) &&
            !Peek(1).Is(TokenKind::kRParen))) {
      const Token& t = Advance();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr right, ParseUnary());
      left = NewBinary(t.IsKeyword("DIV") ? "DIV" : t.text, t.location, std::move(left),
                       std::move(right));
      SLUICE_RETURN_NOT_OK(CheckHeight(*left));
    }
    return left;
  }

  Result<ParsedExprPtr> ParseUnary() {
    if (!Check(TokenKind::kMinus) && !Check(TokenKind::kPlus)) return ParsePostfix();
    DepthGuard guard(depth_);
    SLUICE_RETURN_NOT_OK(CheckDepth());
    const Token& sign = Advance();
    // -5 is a literal, so that -2147483648 is an INT and constants need no folding.
    if (sign.Is(TokenKind::kMinus) && IsNumberToken(Peek())) {
      return ParseNumber(Advance(), /*negative=*/true, sign.location);
    }
    auto e = NewExpr(ExprKind::kUnary, sign.location);
    e->op = sign.text;
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseUnary());
    AddChild(*e, std::move(operand));
    return e;
  }

  // primary, then any number of `[index]` and `.field`.
  Result<ParsedExprPtr> ParsePostfix() {
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParsePrimary());
    while (true) {
      if (Check(TokenKind::kLBracket)) {
        auto index = NewExpr(ExprKind::kIndex, Advance().location);
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr i, ParseExpr());
        SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRBracket, "']'"));
        AddChild(*index, std::move(e));
        AddChild(*index, std::move(i));
        e = std::move(index);
        SLUICE_RETURN_NOT_OK(CheckHeight(*e));
      } else if (Check(TokenKind::kDot)) {
        auto access = NewExpr(ExprKind::kFieldAccess, Advance().location);
        SLUICE_ASSIGN_OR_RETURN(access->name, ParseAnyName("a field name"));
        AddChild(*access, std::move(e));
        e = std::move(access);
        SLUICE_RETURN_NOT_OK(CheckHeight(*e));
      } else {
        break;
      }
    }
    if (CheckKeyword("WITHIN") && Peek(1).IsKeyword("GROUP") && e->kind == ExprKind::kFunction) {
      // percentile_cont(p) WITHIN GROUP (ORDER BY x [ASC | DESC]): the ordered value comes
      // first, the direction last: percentile_cont(x, p, descending).
      Advance();
      SLUICE_RETURN_NOT_OK(ExpectKeyword("GROUP"));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'(' after WITHIN GROUP"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("ORDER"));
      SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr ordered, ParseExpr());
      const SourceLocation direction_at = Peek().location;
      const bool descending = MatchKeyword("DESC");
      if (!descending) MatchKeyword("ASC");
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      e->height = std::max(e->height, ordered->height + 1);
      e->children.insert(e->children.begin(), std::move(ordered));
      auto direction = NewExpr(ExprKind::kLiteral, direction_at);
      direction->value = Value::Boolean(descending);
      AddChild(*e, std::move(direction));
      e->within_group = true;
    }
    if (CheckKeyword("FILTER") && Peek(1).Is(TokenKind::kLParen) && e->kind == ExprKind::kFunction) {
      Advance();
      Advance();  // (
      SLUICE_RETURN_NOT_OK(ExpectKeyword("WHERE"));
      SLUICE_ASSIGN_OR_RETURN(e->filter, ParseExpr());
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    }
    if (CheckKeyword("OVER")) {
      if (e->kind != ExprKind::kFunction) return ErrorAt(Peek(), "OVER follows a function call");
      Advance();
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kLParen, "'(' after OVER"));
      e->has_over = true;
      if (MatchKeyword("PARTITION")) {
        SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
        do {
          SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr p, ParseExpr());
          e->partition_by.push_back(std::move(p));
        } while (Match(TokenKind::kComma));
      }
      if (MatchKeyword("ORDER")) {
        SLUICE_RETURN_NOT_OK(ExpectKeyword("BY"));
        do {
          SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr o, ParseExpr());
          e->over_order_by.push_back(std::move(o));
          bool descending = MatchKeyword("DESC");
          if (!descending) MatchKeyword("ASC");
          e->over_descending.push_back(descending);
        } while (Match(TokenKind::kComma));
      }
      if (MatchKeyword("ROWS")) {
        // ROWS BETWEEN (UNBOUNDED | n) PRECEDING AND CURRENT ROW
        e->has_rows_frame = true;
        SLUICE_RETURN_NOT_OK(ExpectKeyword("BETWEEN"));
        if (!MatchKeyword("UNBOUNDED")) {
          const Token& n = Peek();
          if (n.kind != TokenKind::kInteger) {
            return ErrorAt(n, "expected UNBOUNDED or a number of rows after ROWS BETWEEN");
          }
          const std::string& text = n.text;
          auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), e->rows_preceding);
          if (ec != std::errc() || end != text.data() + text.size()) {
            return ErrorAt(n, "the number of preceding rows is too large");
          }
          Advance();
        }
        SLUICE_RETURN_NOT_OK(ExpectKeyword("PRECEDING"));
        SLUICE_RETURN_NOT_OK(ExpectKeyword("AND"));
        SLUICE_RETURN_NOT_OK(ExpectKeyword("CURRENT"));
        SLUICE_RETURN_NOT_OK(ExpectKeyword("ROW"));
      }
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')' to close OVER (...)"));
    }
    return e;
  }

  Result<ParsedExprPtr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kFloat: return ParseNumber(Advance(), /*negative=*/false, t.location);
      case TokenKind::kString: {
        auto e = NewExpr(ExprKind::kLiteral, t.location);
        e->value = Value::String(Advance().text);
        return e;
      }
      case TokenKind::kLParen: {
        Advance();
        if (CheckKeyword("SELECT")) {
          return ErrorAt(Peek(), "scalar subqueries are not supported yet");
        }
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr e, ParseExpr());
        SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
        return e;
      }
      case TokenKind::kQuotedIdentifier: return ParseColumnReference();
      case TokenKind::kIdentifier: break;
      default: return ErrorExpected("an expression");
    }

    std::string word = ToUpper(t.text);
    const Token& next = Peek(1);
    bool call = next.Is(TokenKind::kLParen);
    if (word == "NULL" || word == "TRUE" || word == "FALSE") {
      auto e = NewExpr(ExprKind::kLiteral, Advance().location);
      if (word != "NULL") e->value = Value::Boolean(word == "TRUE");
      return e;
    }
    if (word == "X" && next.Is(TokenKind::kString)) {  // X'1F0A': a BINARY literal, as Spark
      auto e = NewExpr(ExprKind::kLiteral, Advance().location);
      const Token& hex = Peek();
      std::string bytes;
      auto nibble = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      };
      for (size_t i = 0; i + 1 < hex.text.size(); i += 2) {
        const int hi = nibble(hex.text[i]), lo = nibble(hex.text[i + 1]);
        if (hi < 0 || lo < 0) break;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
      }
      if (bytes.size() * 2 != hex.text.size()) {
        return ErrorAt(hex, "X'...' takes an even number of hex digits, e.g. X'1F0A'");
      }
      Advance();
      e->value = Value::Bytes(std::move(bytes));
      return e;
    }
    if (word == "CASE") return ParseCase();
    if ((word == "CAST" || word == "TRY_CAST") && call) return ParseCast();
    if (word == "EXTRACT" && call) return ParseExtract();
    if (word == "TRIM" && call) return ParseTrim();
    if (word == "POSITION" && call) return ParsePosition();
    if ((word == "SUBSTRING" || word == "SUBSTR" || word == "OVERLAY") && call) {
      return ParseFromForCall(word == "OVERLAY");
    }
    auto number = [](const Token& token) { return token.Is(TokenKind::kInteger) || token.Is(TokenKind::kDecimal); };
    if (word == "INTERVAL" &&
        (next.Is(TokenKind::kString) || number(next) || (next.Is(TokenKind::kMinus) && number(Peek(2))))) {
      return ParseInterval();
    }
    if ((word == "DATE" || word == "TIME" || word == "TIMESTAMP") && next.Is(TokenKind::kString)) {
      auto e = NewExpr(ExprKind::kTypedLiteral, Advance().location);
      e->op = word;
      e->type = word == "DATE"        ? DataType::Date()
                : word == "TIMESTAMP" ? DataType::Timestamp()
                                      : DataType::String();  // no TIME type yet; op says TIME
      e->text = Advance().text;
      return e;
    }
    // Functions may be named by keywords: left(s, 2), rlike(s, re), if(...), date(...).
    if (call && (!IsReservedWord(word) || IsCallableReservedWord(word))) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr function_call, ParseFunctionCall());
      return TableGeneratorAsInline(std::move(function_call));
    }
    if (word == "CURRENT_TIMESTAMP" || word == "CURRENT_DATE" || word == "CURRENT_TIME" ||
        word == "LOCALTIMESTAMP" || word == "CURRENT_ROW_TIMESTAMP") {
      auto e = NewExpr(ExprKind::kFunction, t.location);
      e->name = ToLower(Advance().text);
      return e;
    }
    if (IsReservedWord(word)) return ErrorExpected("an expression");
    return ParseColumnReference();
  }

  // a, t.a, t.a.b, and `t.*`.
  Result<ParsedExprPtr> ParseColumnReference() {
    auto e = NewExpr(ExprKind::kColumn, Peek().location);
    e->parts.push_back(Advance().text);
    while (Check(TokenKind::kDot)) {
      const Token& after = Peek(1);
      if (after.Is(TokenKind::kStar)) {
        Advance();
        Advance();
        e->kind = ExprKind::kStar;
        return e;
      }
      if (!after.Is(TokenKind::kIdentifier) && !after.Is(TokenKind::kQuotedIdentifier)) {
        Advance();
        return ErrorExpected("a field name");
      }
      Advance();
      e->parts.push_back(Advance().text);
    }
    return e;
  }

  // Spark's generators json_tuple(json, k1, ...) and stack(n, v1, ...) give rows of several
  // columns: they are inline() of the one-row (json_tuple) or n-row (stack) array of ROWs that
  // the internal functions $json_tuple_rows and $stack_rows build. Other calls pass unchanged.
  ParsedExprPtr TableGeneratorAsInline(ParsedExprPtr call) {
    if (call->name != "json_tuple" && call->name != "stack") return call;
    call->name = call->name == "json_tuple" ? "$json_tuple_rows" : "$stack_rows";
    auto e = NewExpr(ExprKind::kFunction, call->location);
    e->name = "inline";
    AddChild(*e, std::move(call));
    return e;
  }

  Result<ParsedExprPtr> ParseFunctionCall() {
    auto e = NewExpr(ExprKind::kFunction, Peek().location);
    e->name = ToLower(Advance().text);
    Advance();  // (
    if (Match(TokenKind::kRParen)) return e;
    if (Check(TokenKind::kStar)) {
      AddChild(*e, NewExpr(ExprKind::kStar, Advance().location));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      return e;
    }
    if (MatchKeyword("DISTINCT")) {
      e->distinct = true;
    } else {
      MatchKeyword("ALL");
    }
    while (true) {
      ParsedExprPtr arg;
      if (LambdaAhead()) {
        SLUICE_ASSIGN_OR_RETURN(arg, ParseLambda());
      } else {
        SLUICE_ASSIGN_OR_RETURN(arg, ParseExpr());
      }
      AddChild(*e, std::move(arg));
      if (Match(TokenKind::kComma)) continue;
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      return e;
    }
  }

  static bool IsName(const Token& t) {
    return t.Is(TokenKind::kIdentifier) || t.Is(TokenKind::kQuotedIdentifier);
  }

  // Whether a lambda starts here: `x ->` or `(a, b) ->`.
  bool LambdaAhead() const {
    if (IsName(Peek()) && Peek(1).Is(TokenKind::kLambdaArrow)) return true;
    if (!Peek().Is(TokenKind::kLParen)) return false;
    for (size_t i = 1;; i += 2) {
      if (!IsName(Peek(i))) return false;
      if (Peek(i + 1).Is(TokenKind::kRParen)) return Peek(i + 2).Is(TokenKind::kLambdaArrow);
      if (!Peek(i + 1).Is(TokenKind::kComma)) return false;
    }
  }

  // x -> body, (acc, x) -> body.
  Result<ParsedExprPtr> ParseLambda() {
    auto e = NewExpr(ExprKind::kLambda, Peek().location);
    if (Match(TokenKind::kLParen)) {
      do {
        e->parts.push_back(Advance().text);
      } while (Match(TokenKind::kComma));
      Advance();  // )
    } else {
      e->parts.push_back(Advance().text);
    }
    Advance();  // ->
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr body, ParseExpr());
    AddChild(*e, std::move(body));
    return e;
  }

  Result<ParsedExprPtr> ParseCast() {
    auto e = NewExpr(ExprKind::kCast, Peek().location);
    e->op = ToUpper(Advance().text);
    Advance();  // (
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseExpr());
    AddChild(*e, std::move(operand));
    SLUICE_RETURN_NOT_OK(ExpectKeyword("AS"));
    SLUICE_ASSIGN_OR_RETURN(e->type, ParseType());
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return e;
  }

  // POSITION(substr IN str) -> locate(substr, str); POSITION(substr, str[, pos]) stays a call.
  Result<ParsedExprPtr> ParsePosition() {
    auto e = NewExpr(ExprKind::kFunction, Peek().location);
    e->name = "locate";
    Advance();
    Advance();  // (
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr first, ParseConcat());
    AddChild(*e, std::move(first));
    if (MatchKeyword("IN")) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
      AddChild(*e, std::move(str));
    } else {
      while (Match(TokenKind::kComma)) {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr arg, ParseExpr());
        AddChild(*e, std::move(arg));
      }
    }
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return e;
  }

  // SUBSTRING(str FROM pos [FOR len]) and OVERLAY(str PLACING repl FROM pos [FOR len]), the SQL
  // standard's forms, as calls substring(str, pos[, len]) / overlay(str, repl, pos[, len]); the
  // comma forms stay plain calls.
  Result<ParsedExprPtr> ParseFromForCall(bool overlay) {
    auto e = NewExpr(ExprKind::kFunction, Peek().location);
    e->name = overlay ? "overlay" : ToLower(Peek().text);
    Advance();
    Advance();  // (
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
    AddChild(*e, std::move(str));
    const bool standard = overlay ? CheckKeyword("PLACING") : CheckKeyword("FROM");
    if (!standard) {
      while (Match(TokenKind::kComma)) {
        SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr arg, ParseExpr());
        AddChild(*e, std::move(arg));
      }
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      return e;
    }
    if (overlay) {
      Advance();  // PLACING
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr replacement, ParseExpr());
      AddChild(*e, std::move(replacement));
    }
    SLUICE_RETURN_NOT_OK(ExpectKeyword("FROM"));
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr pos, ParseExpr());
    AddChild(*e, std::move(pos));
    if (MatchKeyword("FOR")) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr len, ParseExpr());
      AddChild(*e, std::move(len));
    }
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return e;
  }

  // EXTRACT(YEAR FROM ts) -> extract('YEAR', ts)
  Result<ParsedExprPtr> ParseExtract() {
    auto e = NewExpr(ExprKind::kFunction, Peek().location);
    e->name = "extract";
    Advance();
    Advance();  // (
    if (!Check(TokenKind::kIdentifier)) return ErrorExpected("a date/time unit like YEAR");
    auto unit = NewExpr(ExprKind::kLiteral, Peek().location);
    unit->value = Value::String(ToUpper(Advance().text));
    AddChild(*e, std::move(unit));
    SLUICE_RETURN_NOT_OK(ExpectKeyword("FROM"));
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseExpr());
    AddChild(*e, std::move(operand));
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return e;
  }

  // TRIM([BOTH | LEADING | TRAILING] [chars] FROM str) -> trim / ltrim / rtrim([chars, ]str),
  // the SQL standard's form Spark takes; TRIM(str) and TRIM(chars, str) stay plain calls.
  Result<ParsedExprPtr> ParseTrim() {
    auto e = NewExpr(ExprKind::kFunction, Peek().location);
    e->name = "trim";
    Advance();
    Advance();  // (
    bool side = false;
    if (CheckKeyword("BOTH") || CheckKeyword("LEADING") || CheckKeyword("TRAILING")) {
      const std::string which = ToUpper(Advance().text);
      e->name = which == "LEADING" ? "ltrim" : which == "TRAILING" ? "rtrim" : "trim";
      side = true;
    }
    if (CheckKeyword("FROM")) {  // TRIM(BOTH FROM str): spaces
      Advance();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
      AddChild(*e, std::move(str));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      return e;
    }
    SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr first, ParseExpr());
    if (CheckKeyword("FROM")) {
      Advance();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr str, ParseExpr());
      AddChild(*e, std::move(first));  // the characters, then the string (Spark's order)
      AddChild(*e, std::move(str));
      SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
      return e;
    }
    if (side) return ErrorExpected("FROM, as in TRIM(BOTH 'x' FROM str)");
    AddChild(*e, std::move(first));
    while (Check(TokenKind::kComma)) {
      Advance();
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr next, ParseExpr());
      AddChild(*e, std::move(next));
    }
    SLUICE_RETURN_NOT_OK(Expect(TokenKind::kRParen, "')'"));
    return e;
  }

  // INTERVAL '5' SECOND, INTERVAL '10' MINUTES, INTERVAL 5 SECONDS, INTERVAL '10 minutes',
  // INTERVAL '1 02:03' DAY TO MINUTE, INTERVAL '1-6' YEAR TO MONTH.
  Result<ParsedExprPtr> ParseInterval() {
    auto e = NewExpr(ExprKind::kInterval, Advance().location);
    const bool negative = Check(TokenKind::kMinus);  // INTERVAL -7 MONTHS
    if (negative) Advance();
    e->text = (negative ? "-" : "") + Advance().text;
    if (!Check(TokenKind::kIdentifier)) return e;
    std::string unit = ToUpper(Peek().text);
    if (unit.size() > 1 && unit.back() == 'S') unit.pop_back();
    if (unit == "MICROSECOND" || unit == "MILLISECOND" || unit == "SECOND" || unit == "MINUTE" ||
        unit == "HOUR" || unit == "DAY" || unit == "WEEK" || unit == "MONTH") {
      Advance();
      e->name = unit;
      // INTERVAL '1 02:03:04' DAY TO SECOND, '2:30' HOUR TO MINUTE, ...
      const std::string end = ToUpper(Peek(1).text);
      const bool later_end = (unit == "DAY" && (end == "HOUR" || end == "MINUTE" || end == "SECOND")) ||
                             (unit == "HOUR" && (end == "MINUTE" || end == "SECOND")) ||
                             (unit == "MINUTE" && end == "SECOND");
      if (CheckKeyword("TO") && later_end) {
        Advance();
        Advance();
        e->name = unit + " TO " + end;
      }
    } else if (unit == "YEAR") {
      Advance();
      e->name = unit;
      // INTERVAL '1-2' YEAR TO MONTH
      if (CheckKeyword("TO") && ToUpper(Peek(1).text) == "MONTH") {
        Advance();
        Advance();
        e->name = "YEAR TO MONTH";
      }
    }
    return e;
  }

  Result<ParsedExprPtr> ParseCase() {
    auto e = NewExpr(ExprKind::kCase, Advance().location);
    if (!CheckKeyword("WHEN")) {
      e->has_operand = true;
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr operand, ParseExpr());
      AddChild(*e, std::move(operand));
    }
    if (!CheckKeyword("WHEN")) return ErrorExpected("WHEN");
    while (MatchKeyword("WHEN")) {
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr condition, ParseExpr());
      SLUICE_RETURN_NOT_OK(ExpectKeyword("THEN"));
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr result, ParseExpr());
      AddChild(*e, std::move(condition));
      AddChild(*e, std::move(result));
    }
    if (MatchKeyword("ELSE")) {
      e->has_else = true;
      SLUICE_ASSIGN_OR_RETURN(ParsedExprPtr otherwise, ParseExpr());
      AddChild(*e, std::move(otherwise));
    }
    SLUICE_RETURN_NOT_OK(ExpectKeyword("END"));
    return e;
  }

  // Integers are INT when they fit, else BIGINT; 1.50 is DECIMAL(3,2) (DOUBLE beyond 18
  // digits); 1e3 is DOUBLE.
  Status NotADecimalLiteral(const Token& t) const {
    return ErrorAt(t, fmt::format("{} is not a DECIMAL literal: BD takes up to 38 digits with an "
                                  "optional point, e.g. 2.50BD",
                                  t.text));
  }

  Result<ParsedExprPtr> ParseNumber(const Token& t, bool negative, SourceLocation at) {
    auto e = NewExpr(ExprKind::kLiteral, at);
    // Spark's suffixes: L BIGINT, D and F DOUBLE (FLOAT is DOUBLE here, as in column types),
    // BD DECIMAL; S and Y (SMALLINT, TINYINT) have no type here.
    std::string text = t.text;
    char suffix = 0;
    if (text.size() > 2 && std::toupper(static_cast<unsigned char>(text[text.size() - 2])) == 'B' &&
        std::toupper(static_cast<unsigned char>(text.back())) == 'D') {
      suffix = 'B';
      text.resize(text.size() - 2);
    } else if (std::isalpha(static_cast<unsigned char>(text.back()))) {
      suffix = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
      text.pop_back();
    }
    if (suffix == 'S' || suffix == 'Y') {
      return ErrorAt(t, fmt::format("{} is a {} literal, which sluice has no type for: write {} (an INT)",
                                    t.text, suffix == 'S' ? "SMALLINT" : "TINYINT", text));
    }
    if (suffix == 'D' || suffix == 'F') {
      const double v = std::strtod(text.c_str(), nullptr);
      if (std::isinf(v)) return ErrorAt(t, fmt::format("number {} is out of range", t.text));
      e->value = Value::Float64(negative ? -v : v);
      return e;
    }
    if (suffix == 'L') {
      int64_t v = 0;
      const std::string digits = (negative ? "-" : "") + text;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (!t.Is(TokenKind::kInteger) || ec != std::errc() || end != digits.data() + digits.size()) {
        return ErrorAt(t, fmt::format("{}{} is not a BIGINT (L marks one: a whole number from "
                                      "-9223372036854775808 to 9223372036854775807)",
                                      negative ? "-" : "", t.text));
      }
      e->value = Value::Int64(v);
      return e;
    }
    if (suffix == 'B') {
      const std::optional<Int128> unscaled =
          t.Is(TokenKind::kFloat) ? std::nullopt : ParseDecimal(text, kMaxDecimalPrecision, 0);
      if (t.Is(TokenKind::kInteger) && unscaled) {
        const std::string digits = Int128ToString(*unscaled);
        e->value = Value::Decimal(negative ? -*unscaled : *unscaled, static_cast<int>(digits.size()), 0);
        return e;
      }
      if (!t.Is(TokenKind::kDecimal)) return NotADecimalLiteral(t);
    }
    if (t.Is(TokenKind::kInteger)) {
      uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) +
                       (negative ? 1 : 0);
      uint64_t v = 0;
      for (char c : text) {
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (v > (limit - digit) / 10) {
          // Beyond BIGINT, as in Spark: a DECIMAL(digits, 0), up to 38 digits.
          auto unscaled = ParseDecimal(text, kMaxDecimalPrecision, 0);
          if (!unscaled) {
            return ErrorAt(t, fmt::format("integer {}{} has more than 38 digits: a DECIMAL holds "
                                          "up to 38 (write it as a DOUBLE, e.g. {}e0)",
                                          negative ? "-" : "", text, text));
          }
          const std::string digits = Int128ToString(*unscaled);
          e->value = Value::Decimal(negative ? -*unscaled : *unscaled,
                                    static_cast<int>(digits.size()), 0);
          return e;
        }
        v = v * 10 + digit;
      }
      // Two's complement negation of the magnitude; exact for INT64_MIN too.
      int64_t signed_v = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
      if (signed_v >= std::numeric_limits<int32_t>::min() &&
          signed_v <= std::numeric_limits<int32_t>::max()) {
        e->value = Value::Int32(static_cast<int32_t>(signed_v));
      } else {
        e->value = Value::Int64(signed_v);
      }
      return e;
    }
    if (t.Is(TokenKind::kDecimal)) {
      size_t dot = text.find('.');
      std::string whole = text.substr(0, dot);
      std::string fraction = text.substr(dot + 1);
      whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
      int scale = static_cast<int>(fraction.size());
      int precision = std::max<int>(1, static_cast<int>(whole.size()) + scale);
      if (precision <= kMaxDecimalPrecision) {
        std::string digits = whole + fraction;
        Int128 unscaled = digits.empty() ? 0 : *ParseDecimal(digits, kMaxDecimalPrecision, 0);
        e->value = Value::Decimal(negative ? -unscaled : unscaled, precision, scale);
        return e;
      }
    }
    if (suffix == 'B') return NotADecimalLiteral(t);
    double v = std::strtod(text.c_str(), nullptr);
    if (std::isinf(v)) return ErrorAt(t, fmt::format("number {} is out of range", text));
    e->value = Value::Float64(negative ? -v : v);
    return e;
  }

  const SourceText& source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

namespace {

// A lexer error stops the whole script; when statements follow the place of the error, the
// message says they were not checked. The place is read back from "name:line:col: error:".
Status NoteUncheckedStatements(const SourceText& source, Status error) {
  std::string_view message = error.message();
  std::string prefix = source.name() + ":";
  if (message.substr(0, prefix.size()) != prefix) return error;
  int line = 0;
  int column = 0;
  const char* p = message.data() + prefix.size();
  const char* end = message.data() + message.size();
  auto [after_line, e1] = std::from_chars(p, end, line);
  if (e1 != std::errc() || after_line == end || *after_line != ':') return error;
  if (std::from_chars(after_line + 1, end, column).ec != std::errc() || line < 1 || column < 1) {
    return error;
  }
  const std::string& text = source.text();
  size_t offset = 0;
  for (int l = 1; l < line && offset != std::string::npos; ++l) {
    offset = text.find('\n', offset);
    if (offset != std::string::npos) ++offset;
  }
  if (offset == std::string::npos) return error;
  offset += static_cast<size_t>(column - 1);
  size_t semicolon = text.find(';', std::min(offset, text.size()));
  if (semicolon == std::string::npos ||
      text.find_first_not_of(" \t\r\n\f\v", semicolon + 1) == std::string::npos) {
    return error;
  }
  return Status(error.code(), error.message() +
                                  "\n(parsing stopped at this error: the statements after it "
                                  "were not checked)");
}

}  // namespace

Result<Script> ParseScript(const SourceText& source) {
  Result<std::vector<Token>> tokens = Tokenize(source);
  if (!tokens.ok()) return NoteUncheckedStatements(source, tokens.status());
  return Parser(source, std::move(tokens).value()).ParseScript();
}

Result<ParsedExprPtr> ParseExpression(const SourceText& source) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source));
  return Parser(source, std::move(tokens)).ParseWholeExpression();
}

}  // namespace sluice::sql
