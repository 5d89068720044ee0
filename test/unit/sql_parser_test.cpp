#include <gtest/gtest.h>

#include <string>

#include "sql/parser.h"

namespace sluice::sql {
namespace {

Script Parse(const std::string& text) {
  auto script = ParseScript(SourceText("<input>", text));
  EXPECT_TRUE(script.ok()) << script.status().message();
  return script.ok() ? std::move(script).value() : Script{};
}

ParsedExprPtr Expr(const std::string& text) {
  auto e = ParseExpression(SourceText("<input>", text));
  EXPECT_TRUE(e.ok()) << e.status().message();
  return e.ok() ? std::move(e).value() : nullptr;
}

std::string ScriptError(const std::string& text) {
  auto script = ParseScript(SourceText("q.sql", text));
  EXPECT_FALSE(script.ok()) << "parsed: " << text;
  return script.ok() ? "" : script.status().message();
}

std::string ExprError(const std::string& text) {
  auto e = ParseExpression(SourceText("e", text));
  EXPECT_FALSE(e.ok()) << "parsed: " << text;
  return e.ok() ? "" : e.status().message();
}

// The first line of a formatted error, without "name:" — for tests that check location and
// message but not the caret.
std::string Headline(const std::string& error) {
  size_t colon = error.find(':');
  size_t newline = error.find('\n');
  return error.substr(colon + 1, newline - colon - 1);
}

// An S-expression of the tree shape: (OR a (AND b (NOT (= c d)))).
std::string Tree(const ParsedExpr& e) {
  std::string kids;
  for (const auto& c : e.children) kids += " " + Tree(*c);
  switch (e.kind) {
    case ExprKind::kColumn: {
      std::string out;
      for (const auto& p : e.parts) out += (out.empty() ? "" : ".") + p;
      return out;
    }
    case ExprKind::kLiteral: return e.value.ToString();
    case ExprKind::kUnary:
    case ExprKind::kBinary: return "(" + e.op + kids + ")";
    case ExprKind::kIsNull:
      return std::string(e.negated ? "(IS-NOT-NULL" : "(IS-NULL") + kids + ")";
    case ExprKind::kIn: return std::string(e.negated ? "(NOT-IN" : "(IN") + kids + ")";
    case ExprKind::kBetween:
      return std::string(e.negated ? "(NOT-BETWEEN" : "(BETWEEN") + kids + ")";
    case ExprKind::kLike: return "(" + std::string(e.negated ? "NOT-" : "") + e.op + kids + ")";
    case ExprKind::kFunction: return "(" + e.name + "()" + kids + ")";
    case ExprKind::kFieldAccess: return "(." + e.name + kids + ")";
    case ExprKind::kIndex: return "([]" + kids + ")";
    default: return e.ToString();
  }
}

std::string TreeOf(const std::string& text) {
  auto e = Expr(text);
  return e ? Tree(*e) : "<error>";
}

DataType ColumnType(const std::string& type) {
  Script s = Parse("CREATE TABLE t (c " + type + ")");
  if (s.statements.empty()) return DataType::Null();
  return s.statements[0].create_table->columns.at(0).type;
}

const SelectStatement& OnlySelect(const Script& s) {
  static const SelectStatement kEmpty;
  if (s.statements.size() != 1 || !s.statements[0].select) {
    ADD_FAILURE() << "expected one SELECT";
    return kEmpty;
  }
  return *s.statements[0].select;
}

constexpr const char* kCashback = R"sql(-- cashback
SET 'pipeline.name' = 'cashback';
CREATE TABLE cashback (
  transaction_id STRING,
  customer_id STRING NOT NULL,
  `timestamp` TIMESTAMP(3) NOT NULL,
  product_id STRING, amount INT, merchant_id STRING,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'scenario' = 'cashback', 'errors' = 'dead-letter');
INSERT INTO eligible SELECT customer_id, amount, ROUND(amount * 0.15, 2) AS cashback, merchant_id, `timestamp`
FROM cashback WHERE amount > 500 AND merchant_id IN ('merch_1', 'merch_3');
SELECT t.transaction_id, item.product_name, item.quantity * item.unit_price AS total
FROM finance AS t CROSS JOIN UNNEST(t.transaction_items) AS item;
SELECT window_start, SUM(price) FROM TABLE(TUMBLE(TABLE purchases, DESCRIPTOR(event_time), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end;
)sql";

// ---------------------------------------------------------------- whole scripts

TEST(SqlParser, CashbackPipelineParses) {
  Script s = Parse(kCashback);
  ASSERT_EQ(s.statements.size(), 5u);
  EXPECT_EQ(s.statements[0].kind, Statement::Kind::kSet);
  EXPECT_EQ(s.statements[0].set->key, "pipeline.name");
  EXPECT_EQ(s.statements[0].set->value, "cashback");

  ASSERT_EQ(s.statements[1].kind, Statement::Kind::kCreateTable);
  const CreateTable& t = *s.statements[1].create_table;
  EXPECT_EQ(t.name, "cashback");
  ASSERT_EQ(t.columns.size(), 7u);
  EXPECT_EQ(t.columns[1].name, "customer_id");
  EXPECT_TRUE(t.columns[1].not_null);
  EXPECT_EQ(t.columns[2].name, "timestamp");
  EXPECT_EQ(t.columns[2].type, DataType::Timestamp());
  EXPECT_TRUE(t.columns[2].not_null);
  EXPECT_EQ(t.columns[4].type, DataType::Int32());
  const ColumnDefinition& offset = t.columns[6];
  EXPECT_EQ(offset.type, DataType::Int64());
  EXPECT_TRUE(offset.is_metadata);
  EXPECT_EQ(offset.metadata_key, "offset");
  EXPECT_TRUE(offset.is_virtual);
  ASSERT_TRUE(t.watermark.has_value());
  EXPECT_EQ(t.watermark->column, "timestamp");
  EXPECT_EQ(t.watermark->expression->ToString(), "`timestamp` - INTERVAL '5' SECOND");
  ASSERT_EQ(t.options.size(), 3u);
  EXPECT_EQ(t.options[2].key, "errors");
  EXPECT_EQ(t.options[2].value, "dead-letter");

  ASSERT_EQ(s.statements[2].kind, Statement::Kind::kInsert);
  const InsertInto& insert = *s.statements[2].insert;
  EXPECT_EQ(insert.table, "eligible");
  ASSERT_EQ(insert.select->items.size(), 5u);
  EXPECT_EQ(insert.select->items[2].expression->ToString(), "round(amount * 0.15, 2)");
  EXPECT_EQ(insert.select->items[2].alias, "cashback");
  EXPECT_EQ(insert.select->where->ToString(),
            "amount > 500 AND merchant_id IN ('merch_1', 'merch_3')");

  const SelectStatement& unnest = *s.statements[3].select;
  EXPECT_EQ(unnest.from->name, "finance");
  EXPECT_EQ(unnest.from->alias, "t");
  ASSERT_EQ(unnest.joins.size(), 1u);
  EXPECT_EQ(unnest.joins[0].kind, JoinClause::Kind::kCross);
  EXPECT_EQ(unnest.joins[0].right.kind, TableReference::Kind::kUnnest);
  EXPECT_EQ(unnest.joins[0].right.alias, "item");
  EXPECT_TRUE(unnest.joins[0].right.column_aliases.empty());
  EXPECT_EQ(unnest.items[2].expression->ToString(), "item.quantity * item.unit_price");

  const SelectStatement& window = *s.statements[4].select;
  EXPECT_EQ(window.from->kind, TableReference::Kind::kFunction);
  EXPECT_EQ(window.from->function_name, "tumble");
  ASSERT_EQ(window.group_by.size(), 2u);
}

TEST(SqlParser, StatementsSeparatedBySemicolonsLastOneOptional) {
  EXPECT_EQ(Parse("SELECT a FROM t; SELECT b FROM u").statements.size(), 2u);
  EXPECT_EQ(Parse("SELECT a FROM t;;\n;SELECT b FROM u;").statements.size(), 2u);
  EXPECT_EQ(Parse("").statements.size(), 0u);
  EXPECT_EQ(Parse("-- only a comment\n").statements.size(), 0u);
}

TEST(SqlParser, StatementLocationIsItsFirstToken) {
  Script s = Parse("SET 'a' = 'b';\n  SELECT 1");
  EXPECT_EQ(s.statements[1].location.line, 2);
  EXPECT_EQ(s.statements[1].location.column, 3);
  EXPECT_EQ(s.statements[1].select->location.column, 3);
}

// ---------------------------------------------------------------- CREATE TABLE

TEST(SqlParser, CreateTableTemporaryIfNotExists) {
  Script s = Parse("create temporary table if not exists db.Events (id INT) with ('a' = 'b')");
  const CreateTable& t = *s.statements[0].create_table;
  EXPECT_TRUE(t.temporary);
  EXPECT_TRUE(t.if_not_exists);
  EXPECT_EQ(t.name, "db.Events");
  EXPECT_EQ(t.location.column, 38);
  EXPECT_FALSE(Parse("CREATE TABLE t (id INT)").statements[0].create_table->temporary);
}

TEST(SqlParser, CreateTableOptionsKeepKeysValuesAndLocations) {
  Script s =
      Parse("CREATE TABLE t (a INT)\nWITH (\n  'connector' = 'kafka',\n  'topic' = 'it''s')");
  const auto& options = s.statements[0].create_table->options;
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options[0].key, "connector");
  EXPECT_EQ(options[0].value, "kafka");
  EXPECT_EQ(options[1].value, "it's");
  EXPECT_EQ(options[1].location.line, 4);
  EXPECT_EQ(options[1].location.column, 3);
  EXPECT_EQ(options[1].value_location.column, 13);
  EXPECT_TRUE(Parse("CREATE TABLE t (a INT)").statements[0].create_table->options.empty());
}

TEST(SqlParser, MetadataAndComputedColumns) {
  Script s = Parse(
      "CREATE TABLE t (part INT METADATA FROM 'partition', ts TIMESTAMP_LTZ(3) METADATA, "
      "v BIGINT METADATA VIRTUAL, doubled AS amount * 2, amount INT NULL)");
  const auto& c = s.statements[0].create_table->columns;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_TRUE(c[0].is_metadata);
  EXPECT_EQ(c[0].metadata_key, "partition");
  EXPECT_FALSE(c[0].is_virtual);
  EXPECT_TRUE(c[1].is_metadata);
  EXPECT_EQ(c[1].metadata_key, "");
  EXPECT_TRUE(c[2].is_virtual);
  ASSERT_NE(c[3].computed, nullptr);
  EXPECT_EQ(c[3].computed->ToString(), "amount * 2");
  EXPECT_FALSE(c[4].not_null);
  EXPECT_FALSE(c[4].is_metadata);
}

TEST(SqlParser, PrimaryKeyTableLevelAndInline) {
  Script s = Parse(
      "CREATE TABLE a (id STRING, n INT, PRIMARY KEY (id, n) NOT ENFORCED);"
      "CREATE TABLE b (word STRING PRIMARY KEY NOT ENFORCED, c BIGINT);"
      "CREATE TABLE c (id INT, CONSTRAINT pk PRIMARY KEY (id))");
  EXPECT_EQ(s.statements[0].create_table->primary_key, (std::vector<std::string>{"id", "n"}));
  EXPECT_EQ(s.statements[0].create_table->columns.size(), 2u);
  EXPECT_EQ(s.statements[1].create_table->primary_key, (std::vector<std::string>{"word"}));
  EXPECT_EQ(s.statements[2].create_table->primary_key, (std::vector<std::string>{"id"}));
}

TEST(SqlParser, WatermarkIsKeptApartFromColumns) {
  Script s = Parse(
      "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' DAY, x INT)");
  const CreateTable& t = *s.statements[0].create_table;
  EXPECT_EQ(t.columns.size(), 2u);
  ASSERT_TRUE(t.watermark);
  EXPECT_EQ(t.watermark->column, "ts");
  EXPECT_EQ(t.watermark->location.column, 48);
  EXPECT_EQ(t.watermark->expression->ToString(), "ts - INTERVAL '1' DAY");
}

TEST(SqlParser, ColumnsMayBeNamedLikeKeywords) {
  Script s = Parse("CREATE TABLE t (date STRING, key STRING, value STRING, timestamp TIMESTAMP)");
  const auto& c = s.statements[0].create_table->columns;
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].name, "date");
  EXPECT_EQ(c[3].type, DataType::Timestamp());
  EXPECT_EQ(TreeOf("date || key"), "(|| date key)");
}

// ---------------------------------------------------------------- types

TEST(SqlParserTypes, ScalarTypes) {
  EXPECT_EQ(ColumnType("BOOLEAN"), DataType::Boolean());
  for (const char* t : {"TINYINT", "SMALLINT", "INT", "integer"}) {
    EXPECT_EQ(ColumnType(t), DataType::Int32()) << t;
  }
  EXPECT_EQ(ColumnType("BIGINT"), DataType::Int64());
  for (const char* t : {"FLOAT", "DOUBLE", "DOUBLE PRECISION", "REAL"}) {
    EXPECT_EQ(ColumnType(t), DataType::Float64()) << t;
  }
  for (const char* t : {"STRING", "VARCHAR", "VARCHAR(20)", "CHAR(3)", "CHAR", "TEXT"}) {
    EXPECT_EQ(ColumnType(t), DataType::String()) << t;
  }
  for (const char* t : {"BYTES", "VARBINARY", "BINARY(16)"}) {
    EXPECT_EQ(ColumnType(t), DataType::Bytes()) << t;
  }
  EXPECT_EQ(ColumnType("DATE"), DataType::Date());
}

TEST(SqlParserTypes, TimestampSpellings) {
  for (const char* t : {"TIMESTAMP", "TIMESTAMP(3)", "TIMESTAMP_LTZ", "TIMESTAMP_LTZ(3)",
                        "TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP WITH TIME ZONE",
                        "TIMESTAMP(6) WITHOUT TIME ZONE"}) {
    EXPECT_EQ(ColumnType(t), DataType::Timestamp()) << t;
  }
}

TEST(SqlParserTypes, DecimalPrecisionAndScale) {
  EXPECT_EQ(ColumnType("DECIMAL"), DataType::Decimal(10, 0));
  EXPECT_EQ(ColumnType("DECIMAL(12)"), DataType::Decimal(12, 0));
  EXPECT_EQ(ColumnType("NUMERIC(18, 4)"), DataType::Decimal(18, 4));
  EXPECT_EQ(ColumnType("DECIMAL(38, 10)"), DataType::Decimal(38, 10));
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (c DECIMAL(39, 2))")),
            "1:27: error: DECIMAL precision must be 1..38");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (c DECIMAL(0))")),
            "1:27: error: DECIMAL precision must be 1..38");
  EXPECT_NE(ScriptError("CREATE TABLE t (c DECIMAL(5, 6))").find("1:30: error: DECIMAL scale"),
            std::string::npos);
}

TEST(SqlParserTypes, RowAndStructSpellings) {
  DataType expected = DataType::Struct({{"a", DataType::Int32()}, {"b", DataType::String()}});
  EXPECT_EQ(ColumnType("ROW<a INT, b STRING>"), expected);
  EXPECT_EQ(ColumnType("ROW(a INT, b STRING)"), expected);
  EXPECT_EQ(ColumnType("STRUCT<a: INT, b: STRING>"), expected);
  EXPECT_EQ(ColumnType("STRUCT<a INT, b STRING>"), expected);
}

TEST(SqlParserTypes, NestedTypesAndNotNullFields) {
  DataType item = DataType::Struct({{"item_id", DataType::String(), false},
                                    {"quantity", DataType::Int32()},
                                    {"unit_price", DataType::Decimal(10, 2)}});
  EXPECT_EQ(ColumnType("ARRAY<ROW<item_id STRING NOT NULL, quantity INT, "
                       "unit_price DECIMAL(10, 2)>>"),
            DataType::List(item));
  EXPECT_EQ(ColumnType("ARRAY<STRING>"), DataType::List(DataType::String()));
  EXPECT_EQ(ColumnType("ROW<`end` STRING, key ARRAY<INT>>"),
            DataType::Struct({{"end", DataType::String()},
                              {"key", DataType::List(DataType::Int32())}}));
}

TEST(SqlParserTypes, UnknownAndMissingTypes) {
  EXPECT_EQ(ScriptError("CREATE TABLE t (\n  amount STRNG\n)"),
            "q.sql:2:10: error: unknown column type 'STRNG'\n"
            "    2 |   amount STRNG\n"
            "      |          ^");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (amount, b INT)")),
            "1:23: error: expected a column type (INT, BIGINT, STRING, ...) but found ','");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (a ARRAY<INT, b INT)")),
            "1:28: error: expected '>' but found ','");
}

// ---------------------------------------------------------------- INSERT, SET

TEST(SqlParser, InsertWithAndWithoutColumnList) {
  Script s = Parse(
      "INSERT INTO sink (a, `b c`) SELECT x, y FROM src; INSERT INTO s2 SELECT * FROM t");
  const InsertInto& first = *s.statements[0].insert;
  EXPECT_EQ(first.table, "sink");
  EXPECT_EQ(first.location.column, 13);
  EXPECT_EQ(first.columns, (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(first.select->items.size(), 2u);
  EXPECT_TRUE(s.statements[1].insert->columns.empty());
  EXPECT_EQ(s.statements[1].insert->select->items[0].expression->kind, ExprKind::kStar);
}

TEST(SqlParser, SetQuotedAndUnquoted) {
  Script s = Parse(
      "SET 'execution.checkpointing.interval' = '10s';\n"
      "SET table.exec.mini-batch.enabled = true;\n"
      "SET parallelism.default = 2;\n"
      "SET sink.buffer = 10s");
  ASSERT_EQ(s.statements.size(), 4u);
  EXPECT_EQ(s.statements[0].set->key, "execution.checkpointing.interval");
  EXPECT_EQ(s.statements[0].set->value, "10s");
  EXPECT_EQ(s.statements[1].set->key, "table.exec.mini-batch.enabled");
  EXPECT_EQ(s.statements[1].set->value, "true");
  EXPECT_EQ(s.statements[2].set->value, "2");
  EXPECT_EQ(s.statements[3].set->value, "10s");
  EXPECT_EQ(s.statements[1].set->location.line, 2);
  EXPECT_EQ(Headline(ScriptError("SET 'a' 'b'")), "1:9: error: expected '=' but found string 'b'");
}

// ---------------------------------------------------------------- SELECT

TEST(SqlParser, SelectAllClauses) {
  const Script s = Parse(
      "SELECT DISTINCT a, count(*) AS n FROM t WHERE a > 1 GROUP BY a HAVING count(*) > 2 "
      "ORDER BY n DESC, a ASC, b LIMIT 10");
  const SelectStatement& q = OnlySelect(s);
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.items.size(), 2u);
  EXPECT_EQ(q.items[1].alias, "n");
  EXPECT_EQ(q.where->ToString(), "a > 1");
  ASSERT_EQ(q.group_by.size(), 1u);
  EXPECT_EQ(q.having->ToString(), "count(*) > 2");
  ASSERT_EQ(q.order_by.size(), 3u);
  EXPECT_TRUE(q.order_by[0].descending);
  EXPECT_FALSE(q.order_by[1].descending);
  EXPECT_FALSE(q.order_by[2].descending);
  EXPECT_EQ(q.limit, 10);
}

TEST(SqlParser, SelectWithoutFrom) {
  const Script s = Parse("SELECT 1 + 1");
  EXPECT_FALSE(OnlySelect(s).from.has_value());
}

TEST(SqlParser, SelectItemsStarsAndAliases) {
  const Script s = Parse("SELECT *, t.*, a AS x, b y, c `weird alias`, d AS \"q\" FROM t");
  const SelectStatement& q = OnlySelect(s);
  ASSERT_EQ(q.items.size(), 6u);
  EXPECT_EQ(q.items[0].expression->kind, ExprKind::kStar);
  EXPECT_TRUE(q.items[0].expression->parts.empty());
  EXPECT_EQ(q.items[1].expression->kind, ExprKind::kStar);
  EXPECT_EQ(q.items[1].expression->parts, (std::vector<std::string>{"t"}));
  EXPECT_EQ(q.items[2].alias, "x");
  EXPECT_EQ(q.items[3].alias, "y");
  EXPECT_EQ(q.items[4].alias, "weird alias");
  EXPECT_EQ(q.items[5].alias, "q");
  EXPECT_EQ(q.items[2].location.column, 16);
}

TEST(SqlParser, TableReferencesAndAliases) {
  const Script s = Parse("SELECT 1 FROM cat.db.orders o, orders AS p, (SELECT a FROM t) AS sub(x)");
  const SelectStatement& q = OnlySelect(s);
  EXPECT_EQ(q.from->name, "cat.db.orders");
  EXPECT_EQ(q.from->alias, "o");
  ASSERT_EQ(q.joins.size(), 2u);
  EXPECT_EQ(q.joins[0].kind, JoinClause::Kind::kCross);
  EXPECT_EQ(q.joins[0].right.alias, "p");
  EXPECT_EQ(q.joins[1].right.kind, TableReference::Kind::kSubquery);
  ASSERT_NE(q.joins[1].right.subquery, nullptr);
  EXPECT_EQ(q.joins[1].right.subquery->items.size(), 1u);
  EXPECT_EQ(q.joins[1].right.alias, "sub");
  EXPECT_EQ(q.joins[1].right.column_aliases, (std::vector<std::string>{"x"}));
}

TEST(SqlParser, JoinKinds) {
  const Script s = Parse(
      "SELECT * FROM a CROSS JOIN b JOIN c ON a.id = c.id INNER JOIN d ON TRUE "
      "LEFT JOIN e ON e.k = a.k LEFT OUTER JOIN f ON f.k = a.k");
  const SelectStatement& q = OnlySelect(s);
  ASSERT_EQ(q.joins.size(), 5u);
  EXPECT_EQ(q.joins[0].kind, JoinClause::Kind::kCross);
  EXPECT_EQ(q.joins[0].condition, nullptr);
  EXPECT_EQ(q.joins[1].kind, JoinClause::Kind::kInner);
  EXPECT_EQ(q.joins[1].condition->ToString(), "a.id = c.id");
  EXPECT_EQ(q.joins[2].kind, JoinClause::Kind::kInner);
  EXPECT_EQ(q.joins[3].kind, JoinClause::Kind::kLeft);
  EXPECT_EQ(q.joins[4].kind, JoinClause::Kind::kLeft);
  EXPECT_EQ(q.joins[4].right.name, "f");
  EXPECT_EQ(Headline(ScriptError("SELECT * FROM a RIGHT JOIN b ON TRUE")),
            "1:17: error: RIGHT JOIN is not supported yet");
  EXPECT_EQ(Headline(ScriptError("SELECT * FROM a JOIN b WHERE x")),
            "1:24: error: expected ON but found 'WHERE'");
}

TEST(SqlParser, UnnestForms) {
  const Script s = Parse(
      "SELECT * FROM t CROSS JOIN UNNEST(t.items) AS item, "
      "LATERAL UNNEST(t.tags, t.ids) u(tag, id)");
  const SelectStatement& q = OnlySelect(s);
  ASSERT_EQ(q.joins.size(), 2u);
  const TableReference& first = q.joins[0].right;
  EXPECT_EQ(first.kind, TableReference::Kind::kUnnest);
  ASSERT_EQ(first.arguments.size(), 1u);
  EXPECT_EQ(first.arguments[0]->parts, (std::vector<std::string>{"t", "items"}));
  EXPECT_EQ(first.alias, "item");
  const TableReference& second = q.joins[1].right;
  EXPECT_EQ(second.kind, TableReference::Kind::kUnnest);
  EXPECT_EQ(second.arguments.size(), 2u);
  EXPECT_EQ(second.alias, "u");
  EXPECT_EQ(second.column_aliases, (std::vector<std::string>{"tag", "id"}));
}

TEST(SqlParser, WindowTableFunctions) {
  const Script s = Parse(
      "SELECT * FROM TABLE(TUMBLE(TABLE purchases, DESCRIPTOR(event_time), "
      "INTERVAL '10' MINUTES))");
  const TableReference& tumble = *OnlySelect(s).from;
  EXPECT_EQ(tumble.kind, TableReference::Kind::kFunction);
  EXPECT_EQ(tumble.function_name, "tumble");
  ASSERT_EQ(tumble.arguments.size(), 3u);
  EXPECT_EQ(tumble.arguments[0]->kind, ExprKind::kColumn);
  EXPECT_EQ(tumble.arguments[0]->op, "TABLE");
  EXPECT_EQ(tumble.arguments[0]->parts, (std::vector<std::string>{"purchases"}));
  EXPECT_EQ(tumble.arguments[1]->kind, ExprKind::kFunction);
  EXPECT_EQ(tumble.arguments[1]->name, "descriptor");
  EXPECT_EQ(tumble.arguments[1]->children[0]->parts, (std::vector<std::string>{"event_time"}));
  EXPECT_EQ(tumble.arguments[2]->kind, ExprKind::kInterval);
  EXPECT_EQ(tumble.arguments[2]->name, "MINUTE");

  const Script hop = Parse(
      "SELECT * FROM HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '5' "
      "MINUTES, SIZE => INTERVAL '10' MINUTES) w");
  const TableReference& h = *OnlySelect(hop).from;
  EXPECT_EQ(h.function_name, "hop");
  EXPECT_EQ(h.arguments.size(), 4u);
  EXPECT_EQ(h.arguments[0]->op, "TABLE");
  EXPECT_EQ(h.alias, "w");

  const Script session =
      Parse("SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE))");
  EXPECT_EQ(OnlySelect(session).from->function_name, "session");
  const Script cumulate = Parse(
      "SELECT * FROM Cumulate(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)");
  EXPECT_EQ(OnlySelect(cumulate).from->function_name, "cumulate");
  EXPECT_EQ(OnlySelect(cumulate).from->arguments.size(), 4u);
}

// ---------------------------------------------------------------- expressions: precedence

TEST(SqlParserExpr, BooleanPrecedence) {
  EXPECT_EQ(TreeOf("a OR b AND NOT c = d"), "(OR a (AND b (NOT (= c d))))");
  EXPECT_EQ(TreeOf("a AND b OR c"), "(OR (AND a b) c)");
  EXPECT_EQ(TreeOf("NOT NOT a"), "(NOT (NOT a))");
}

TEST(SqlParserExpr, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(TreeOf("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(TreeOf("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(TreeOf("a / b % c * d"), "(* (% (/ a b) c) d)");
  EXPECT_EQ(TreeOf("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(TreeOf("-a * b"), "(* (- a) b)");
  EXPECT_EQ(TreeOf("a || b + c = d"), "(= (|| a (+ b c)) d)");
}

TEST(SqlParserExpr, ComparisonsAndNotEqualSpellings) {
  EXPECT_EQ(TreeOf("a <> b"), "(<> a b)");
  EXPECT_EQ(TreeOf("a != b"), "(<> a b)");
  EXPECT_EQ(TreeOf("a <= b AND c >= d AND e < f AND g > h"),
            "(AND (AND (AND (<= a b) (>= c d)) (< e f)) (> g h))");
}

TEST(SqlParserExpr, Predicates) {
  EXPECT_EQ(TreeOf("a IS NULL"), "(IS-NULL a)");
  EXPECT_EQ(TreeOf("a + 1 IS NOT NULL"), "(IS-NOT-NULL (+ a 1))");
  EXPECT_EQ(TreeOf("x NOT IN (1, 2) OR y IN ('a')"), "(OR (NOT-IN x 1 2) (IN y 'a'))");
  EXPECT_EQ(TreeOf("a BETWEEN 1 AND 2 AND b"), "(AND (BETWEEN a 1 2) b)");
  EXPECT_EQ(TreeOf("a NOT BETWEEN b + 1 AND c"), "(NOT-BETWEEN a (+ b 1) c)");
  EXPECT_EQ(TreeOf("name NOT LIKE 'a%'"), "(NOT-LIKE name 'a%')");
  EXPECT_EQ(TreeOf("ip RLIKE '^[0-9]+$'"), "(RLIKE ip '^[0-9]+$')");
  EXPECT_EQ(TreeOf("ip not regexp 'x'"), "(NOT-REGEXP ip 'x')");
  EXPECT_EQ(TreeOf("NOT a LIKE b"), "(NOT (LIKE a b))");
}

TEST(SqlParserExpr, IsTrueAndIsFalse) {
  auto e = Expr("flag IS NOT TRUE");
  ASSERT_EQ(e->kind, ExprKind::kIsBool);
  EXPECT_TRUE(e->negated);
  EXPECT_TRUE(e->value.boolean());
  auto f = Expr("flag IS FALSE");
  EXPECT_FALSE(f->negated);
  EXPECT_FALSE(f->value.boolean());
}

TEST(SqlParserExpr, LikeEscape) {
  auto e = Expr("a LIKE 'x!%' ESCAPE '!'");
  ASSERT_EQ(e->kind, ExprKind::kLike);
  EXPECT_EQ(e->op, "LIKE");
  ASSERT_EQ(e->children.size(), 3u);
  EXPECT_EQ(e->children[2]->value.string(), "!");
}

TEST(SqlParserExpr, BinaryLocationIsTheOperator) {
  auto e = Expr("a +\n  b * c");
  EXPECT_EQ(e->location.line, 1);
  EXPECT_EQ(e->location.column, 3);
  EXPECT_EQ(e->children[1]->location.line, 2);
  EXPECT_EQ(e->children[1]->location.column, 5);
}

// ---------------------------------------------------------------- expressions: literals

TEST(SqlParserExpr, IntegerLiteralsPickTheNarrowestType) {
  EXPECT_EQ(Expr("42")->value.type(), DataType::Int32());
  EXPECT_EQ(Expr("42")->value.int64(), 42);
  EXPECT_EQ(Expr("2147483647")->value.type(), DataType::Int32());
  EXPECT_EQ(Expr("2147483648")->value.type(), DataType::Int64());
  EXPECT_EQ(Expr("-2147483648")->value.type(), DataType::Int32());
  EXPECT_EQ(Expr("-2147483648")->value.int64(), -2147483648LL);
  EXPECT_EQ(Expr("9223372036854775807")->value.int64(), INT64_MAX);
  EXPECT_EQ(Expr("-9223372036854775808")->value.int64(), INT64_MIN);
  // Beyond BIGINT: a DECIMAL of its digits, as in Spark, up to 38 of them.
  EXPECT_EQ(Expr("9223372036854775808")->value.type(), DataType::Decimal(19, 0));
  EXPECT_EQ(Expr("-9223372036854775809")->value.ToString(), "-9223372036854775809");
  EXPECT_EQ(Expr("99999999999999999999999999999999999999")->value.type(), DataType::Decimal(38, 0));
  EXPECT_EQ(ExprError("123456789012345678901234567890123456789"),
            "e:1:1: error: integer 123456789012345678901234567890123456789 has more than 38 "
            "digits: a DECIMAL holds up to 38 (write it as a DOUBLE, e.g. "
            "123456789012345678901234567890123456789e0)\n"
            "    1 | 123456789012345678901234567890123456789\n"
            "      | ^");
}

TEST(SqlParserExpr, DecimalLiteralsKeepTheWrittenScale) {
  auto e = Expr("0.15");
  EXPECT_EQ(e->value.type(), DataType::Decimal(2, 2));
  EXPECT_TRUE(e->value.decimal() == 15);
  auto f = Expr("1.50");
  EXPECT_EQ(f->value.type(), DataType::Decimal(3, 2));
  EXPECT_TRUE(f->value.decimal() == 150);
  EXPECT_EQ(f->ToString(), "1.50");
  auto g = Expr("-12.5");
  EXPECT_EQ(g->value.type(), DataType::Decimal(3, 1));
  EXPECT_TRUE(g->value.decimal() == -125);
  EXPECT_EQ(Expr(".5")->value.type(), DataType::Decimal(1, 1));
  auto wide = Expr("12345678901234567890.5");
  EXPECT_EQ(wide->value.type(), DataType::Decimal(21, 1));
  EXPECT_EQ(wide->value.ToString(), "12345678901234567890.5");
  // More than 38 digits do not fit a DECIMAL: DOUBLE.
  auto big = Expr("1234567890123456789012345678901234567890.5");
  EXPECT_EQ(big->value.type(), DataType::Float64());
  EXPECT_DOUBLE_EQ(big->value.float64(), 1234567890123456789012345678901234567890.5);
}

TEST(SqlParserExpr, ExponentLiteralsAreDouble) {
  EXPECT_EQ(Expr("1e3")->value.type(), DataType::Float64());
  EXPECT_DOUBLE_EQ(Expr("1e3")->value.float64(), 1000.0);
  EXPECT_DOUBLE_EQ(Expr("2.5E-2")->value.float64(), 0.025);
  EXPECT_DOUBLE_EQ(Expr("-1e2")->value.float64(), -100.0);
  EXPECT_EQ(Expr("1e3")->ToString(), "1000E0");
}

TEST(SqlParserExpr, StringBooleanAndNullLiterals) {
  EXPECT_EQ(Expr("'it''s'")->value.string(), "it's");
  EXPECT_EQ(Expr("'it''s'")->ToString(), "'it''s'");
  EXPECT_TRUE(Expr("NULL")->value.is_null());
  EXPECT_EQ(Expr("NULL")->kind, ExprKind::kLiteral);
  EXPECT_TRUE(Expr("true")->value.boolean());
  EXPECT_FALSE(Expr("FALSE")->value.boolean());
}

TEST(SqlParserExpr, TypedLiterals) {
  auto d = Expr("DATE '2024-01-31'");
  ASSERT_EQ(d->kind, ExprKind::kTypedLiteral);
  EXPECT_EQ(d->type, DataType::Date());
  EXPECT_EQ(d->text, "2024-01-31");
  auto ts = Expr("timestamp '2024-01-31 10:00:00'");
  EXPECT_EQ(ts->type, DataType::Timestamp());
  EXPECT_EQ(ts->ToString(), "TIMESTAMP '2024-01-31 10:00:00'");
  auto t = Expr("TIME '10:00:00'");
  EXPECT_EQ(t->kind, ExprKind::kTypedLiteral);
  EXPECT_EQ(t->op, "TIME");
  EXPECT_EQ(t->text, "10:00:00");
}

TEST(SqlParserExpr, Intervals) {
  struct Case {
    const char* sql;
    const char* text;
    const char* unit;
  };
  for (const Case& c : {Case{"INTERVAL '5' SECOND", "5", "SECOND"},
                        Case{"INTERVAL '10' MINUTES", "10", "MINUTE"},
                        Case{"INTERVAL '1' DAY", "1", "DAY"},
                        Case{"interval '2' hours", "2", "HOUR"},
                        Case{"INTERVAL '100' MILLISECOND", "100", "MILLISECOND"},
                        Case{"INTERVAL 5 SECONDS", "5", "SECOND"},
                        Case{"INTERVAL '10 minutes'", "10 minutes", ""},
                        Case{"INTERVAL '1' YEAR", "1", "YEAR"},
                        Case{"INTERVAL 2 MONTHS", "2", "MONTH"},
                        Case{"INTERVAL '1-6' YEAR TO MONTH", "1-6", "YEAR TO MONTH"},
                        Case{"INTERVAL 3 WEEKS", "3", "WEEK"}}) {
    auto e = Expr(c.sql);
    ASSERT_NE(e, nullptr) << c.sql;
    EXPECT_EQ(e->kind, ExprKind::kInterval) << c.sql;
    EXPECT_EQ(e->text, c.text) << c.sql;
    EXPECT_EQ(e->name, c.unit) << c.sql;
  }
}

// ---------------------------------------------------------------- expressions: forms

TEST(SqlParserExpr, CastAndTryCast) {
  auto e = Expr("CAST(x AS DECIMAL(10, 2))");
  ASSERT_EQ(e->kind, ExprKind::kCast);
  EXPECT_EQ(e->op, "CAST");
  EXPECT_EQ(e->type, DataType::Decimal(10, 2));
  auto t = Expr("try_cast(s AS BIGINT)");
  EXPECT_EQ(t->op, "TRY_CAST");
  EXPECT_EQ(t->ToString(), "TRY_CAST(s AS BIGINT)");
  EXPECT_EQ(Expr("CAST(a AS ARRAY<STRING>)")->type, DataType::List(DataType::String()));
}

TEST(SqlParserExpr, CaseSearchedAndSimple) {
  auto searched = Expr("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END");
  ASSERT_EQ(searched->kind, ExprKind::kCase);
  EXPECT_FALSE(searched->has_operand);
  EXPECT_TRUE(searched->has_else);
  EXPECT_EQ(searched->children.size(), 5u);
  auto simple = Expr("CASE kind WHEN 'a' THEN 1 END");
  EXPECT_TRUE(simple->has_operand);
  EXPECT_FALSE(simple->has_else);
  EXPECT_EQ(simple->children.size(), 3u);
  EXPECT_EQ(simple->ToString(), "CASE kind WHEN 'a' THEN 1 END");
  EXPECT_EQ(Headline(ExprError("CASE a END")), "1:8: error: expected WHEN but found 'END'");
}

TEST(SqlParserExpr, FunctionCalls) {
  auto count = Expr("COUNT(*)");
  ASSERT_EQ(count->kind, ExprKind::kFunction);
  EXPECT_EQ(count->name, "count");
  ASSERT_EQ(count->children.size(), 1u);
  EXPECT_EQ(count->children[0]->kind, ExprKind::kStar);
  auto distinct = Expr("count(DISTINCT user_id)");
  EXPECT_TRUE(distinct->distinct);
  EXPECT_EQ(distinct->ToString(), "count(DISTINCT user_id)");
  auto nested = Expr("Concat_WS(',', collect_list(name))");
  EXPECT_EQ(nested->name, "concat_ws");
  EXPECT_EQ(nested->children[1]->name, "collect_list");
  EXPECT_EQ(Expr("now()")->children.size(), 0u);
}

TEST(SqlParserExpr, FunctionsNamedByKeywords) {
  for (const char* sql : {"left(s, 2)", "RIGHT(s, 2)", "if(a, 1, 2)", "replace(s, 'a', 'b')",
                          "date(ts)", "timestamp(s)", "year(d)", "month(d)", "day(d)",
                          "hour(ts)", "minute(ts)", "second(ts)"}) {
    auto e = Expr(sql);
    ASSERT_NE(e, nullptr) << sql;
    EXPECT_EQ(e->kind, ExprKind::kFunction) << sql;
  }
  EXPECT_EQ(Expr("LEFT(s, 2)")->name, "left");
}

TEST(SqlParserExpr, CurrentTimestampWithOrWithoutParentheses) {
  for (const char* sql : {"CURRENT_TIMESTAMP", "current_timestamp()", "CURRENT_DATE"}) {
    auto e = Expr(sql);
    ASSERT_NE(e, nullptr) << sql;
    EXPECT_EQ(e->kind, ExprKind::kFunction) << sql;
    EXPECT_TRUE(e->children.empty());
  }
  EXPECT_EQ(Expr("CURRENT_TIMESTAMP")->name, "current_timestamp");
}

TEST(SqlParserExpr, Extract) {
  auto e = Expr("EXTRACT(year FROM ts)");
  ASSERT_EQ(e->kind, ExprKind::kFunction);
  EXPECT_EQ(e->name, "extract");
  ASSERT_EQ(e->children.size(), 2u);
  EXPECT_EQ(e->children[0]->value.string(), "YEAR");
  EXPECT_EQ(e->children[1]->parts, (std::vector<std::string>{"ts"}));
  EXPECT_EQ(e->ToString(), "extract(YEAR FROM ts)");
}

TEST(SqlParserExpr, ColumnPathsFieldAccessAndIndex) {
  EXPECT_EQ(Expr("a")->parts, (std::vector<std::string>{"a"}));
  EXPECT_EQ(Expr("t.a.b")->parts, (std::vector<std::string>{"t", "a", "b"}));
  EXPECT_EQ(Expr("t.`end`")->parts, (std::vector<std::string>{"t", "end"}));
  EXPECT_EQ(TreeOf("(info).city"), "(.city info)");
  EXPECT_EQ(TreeOf("items[1].price"), "(.price ([] items 1))");
  EXPECT_EQ(TreeOf("tags['k']"), "([] tags 'k')");
  EXPECT_EQ(TreeOf("f(x).y"), "(.y (f() x))");
}

TEST(SqlParserExpr, KeywordLikeColumnNames) {
  EXPECT_EQ(Expr("date")->kind, ExprKind::kColumn);
  EXPECT_EQ(Expr("timestamp")->kind, ExprKind::kColumn);
  EXPECT_EQ(Expr("`timestamp` - INTERVAL '5' SECOND")->children[0]->parts,
            (std::vector<std::string>{"timestamp"}));
  EXPECT_EQ(TreeOf("key = value"), "(= key value)");
}

// ---------------------------------------------------------------- errors

TEST(SqlParserErrors, MissingParenthesisShowsLineColumnAndCaret) {
  EXPECT_EQ(ScriptError("INSERT INTO out\n  SELECT round(amount FROM t"),
            "q.sql:2:23: error: expected ')' but found 'FROM'\n"
            "    2 |   SELECT round(amount FROM t\n"
            "      |                       ^");
}

TEST(SqlParserErrors, MisspelledStatement) {
  EXPECT_EQ(ScriptError("SET 'a' = 'b';\n\nSELEC a FROM t"),
            "q.sql:3:1: error: expected a statement (CREATE TABLE, CREATE VIEW, INSERT INTO, SELECT, SET) "
            "but found 'SELEC'\n"
            "    3 | SELEC a FROM t\n"
            "      | ^");
}

TEST(SqlParserErrors, EndOfInput) {
  EXPECT_EQ(ScriptError("SELECT a FROM\n"),
            "q.sql:1:14: error: expected a table name but found end of input\n"
            "    1 | SELECT a FROM\n"
            "      |              ^");
  EXPECT_EQ(Headline(ExprError("a +")),
            "1:4: error: expected an expression but found end of input");
}

TEST(SqlParserErrors, TabsInTheLineKeepTheCaretAligned) {
  EXPECT_EQ(ScriptError("SELECT\n\ta,\n\t\tFROM t"),
            "q.sql:3:3: error: expected an expression but found 'FROM'\n"
            "    3 | \t\tFROM t\n"
            "      | \t\t^");
}

TEST(SqlParserErrors, UnterminatedStringInAScript) {
  EXPECT_EQ(Headline(ScriptError("SELECT a FROM t\nWHERE b = 'oops\n")),
            "2:11: error: unterminated string literal");
}

TEST(SqlParserErrors, StatementsMustBeSeparated) {
  EXPECT_EQ(Headline(ScriptError("SELECT a FROM t\nINSERT INTO x SELECT 1")),
            "2:1: error: expected ';' or end of input but found 'INSERT'");
  EXPECT_EQ(Headline(ExprError("a b")), "1:3: error: expected end of input but found 'b'");
}

TEST(SqlParserErrors, ReservedWordsAreNotExpressions) {
  EXPECT_EQ(Headline(ScriptError("SELECT a, FROM t")),
            "1:11: error: expected an expression but found 'FROM'");
  EXPECT_EQ(Headline(ScriptError("SELECT a FROM t WHERE")),
            "1:22: error: expected an expression but found end of input");
}

TEST(SqlParserErrors, CreateTableErrors) {
  EXPECT_EQ(Headline(ScriptError("CREATE VIEW v AS INSERT INTO t SELECT 1")),
            "1:18: error: expected SELECT after CREATE VIEW ... AS but found 'INSERT'");
  EXPECT_EQ(Headline(ScriptError("CREATE FUNCTION f AS 'x'")),
            "1:8: error: expected TABLE but found 'FUNCTION'");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (a INT b INT)")),
            "1:23: error: expected ',' or ')' but found 'b'");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (a INT) WITH (connector = 'kafka')")),
            "1:30: error: expected an option key in quotes, like 'connector' but found "
            "'connector'");
  EXPECT_EQ(Headline(ScriptError("CREATE TABLE t (a INT, WATERMARK FOR a AS a, WATERMARK FOR "
                                 "a AS a)")),
            "1:46: error: a table can have only one WATERMARK");
}

TEST(SqlParser, LookupJoinTableTakesForSystemTimeAsOf) {
  Script s = Parse("SELECT o.id FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc AS c "
                   "ON o.cid = c.id");
  const SelectStatement& select = OnlySelect(s);
  ASSERT_EQ(select.joins.size(), 1u);
  ASSERT_TRUE(select.joins[0].right.system_time);
  EXPECT_EQ(select.joins[0].right.system_time->ToString(), "o.proc");
  EXPECT_EQ(select.joins[0].right.alias, "c");
  EXPECT_EQ(Headline(ScriptError("SELECT 1 FROM a JOIN b FOR SYSTEM AS OF x ON a.k = b.k")),
            "1:28: error: expected SYSTEM_TIME but found 'SYSTEM'");
}

TEST(SqlParser, RankingFunctionsTakeAnOverClause) {
  Script s = Parse("SELECT ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC, d) AS rn FROM t");
  const ParsedExpr& e = *OnlySelect(s).items[0].expression;
  EXPECT_TRUE(e.has_over);
  EXPECT_EQ(e.partition_by.size(), 2u);
  EXPECT_EQ(e.over_descending, (std::vector<bool>{true, false}));
  EXPECT_EQ(e.ToString(), "row_number() OVER (PARTITION BY a, b ORDER BY c DESC, d)");
  EXPECT_EQ(Headline(ScriptError("SELECT a OVER (ORDER BY b) FROM t")),
            "1:10: error: OVER follows a function call");
  EXPECT_EQ(Headline(ScriptError("SELECT rank() OVER (ORDER BY b FROM t")),
            "1:32: error: expected ')' to close OVER (...) but found 'FROM'");
}

TEST(SqlParserErrors, SubqueriesInExpressionsAreNotSupportedYet) {
  EXPECT_NE(ExprError("a IN (SELECT b FROM t)").find("not supported yet"), std::string::npos);
  EXPECT_NE(ExprError("(SELECT 1)").find("not supported yet"), std::string::npos);
}

TEST(SqlParserErrors, DeepNestingIsAnErrorNotACrash) {
  std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_NE(ExprError(deep).find("expression is nested too deeply"), std::string::npos);
  std::string negations;
  for (int i = 0; i < 100000; ++i) negations += "- ";  // spaced: "--" starts a comment
  EXPECT_NE(ExprError(negations + "x").find("nested too deeply"), std::string::npos);
  std::string subqueries = "SELECT 1 FROM t";
  for (int i = 0; i < 1000; ++i) subqueries = "SELECT 1 FROM (" + subqueries + ")";
  EXPECT_NE(ScriptError(subqueries).find("nested too deeply"), std::string::npos);
  EXPECT_NE(Expr(std::string(100, '(') + "1" + std::string(100, ')')), nullptr);
}

// Long left-associative chains are built by loops, not recursion: without a bound on the
// tree's height, `validate` overflowed the stack binding or freeing a 10,000-term OR.
TEST(SqlParserErrors, LongChainsAreAnErrorNotACrash) {
  for (std::string op : {" OR id = ", " AND id = ", " + ", " || ", " * ", " = "}) {
    std::string chain = "id = 0";
    for (int i = 1; i < 10000; ++i) chain += op + std::to_string(i);
    std::string error = ExprError(chain);
    EXPECT_NE(error.find("expression is nested too deeply (more than 1000 levels"),
              std::string::npos)
        << op << ": " << error.substr(0, 300);
    EXPECT_NE(ScriptError("SELECT a FROM t WHERE " + chain).find("nested too deeply"),
              std::string::npos);
  }
  std::string postfix = "a";
  for (int i = 0; i < 10000; ++i) postfix += "[1]";
  EXPECT_NE(ExprError(postfix).find("nested too deeply"), std::string::npos);
  // A chain inside parentheses inside a chain counts whole.
  std::string inner = "x";
  for (int i = 0; i < 600; ++i) inner += " + x";
  EXPECT_NE(ExprError("(" + inner + ") * (" + inner + ") * 2 + (" + inner + " + " + inner + ")")
                .find("nested too deeply"),
            std::string::npos);
  std::string fine = "id = 0";
  for (int i = 1; i < 900; ++i) fine += " OR id = " + std::to_string(i);
  EXPECT_NE(Expr(fine), nullptr);
  EXPECT_EQ(Expr(fine)->height, 901);
}

TEST(SqlParserErrors, LimitNeedsAnInteger) {
  EXPECT_EQ(Headline(ScriptError("SELECT a FROM t LIMIT x")),
            "1:23: error: expected a row count after LIMIT but found 'x'");
}

// A syntax error skips the rest of its statement (to its ';'); parsing goes on with the next,
// so one pass reports every statement's first syntax error, in order.
TEST(SqlParserErrors, EveryStatementsFirstSyntaxErrorIsReported) {
  EXPECT_EQ(ScriptError("SELEC a FROM t;\nSELECT a FROM t WHERE b = 1;\nSELECT round(a FROM t;\n"
                        "INSERT INTO x SELECT 1 +;"),
            "q.sql:1:1: error: expected a statement (CREATE TABLE, CREATE VIEW, INSERT INTO, "
            "SELECT, SET) but found 'SELEC'\n"
            "    1 | SELEC a FROM t;\n"
            "      | ^\n"
            "q.sql:3:16: error: expected ')' but found 'FROM'\n"
            "    3 | SELECT round(a FROM t;\n"
            "      |                ^\n"
            "q.sql:4:25: error: expected an expression but found ';'\n"
            "    4 | INSERT INTO x SELECT 1 +;\n"
            "      |                         ^");
  // Two statements run together: the second is skipped with the first.
  EXPECT_EQ(ScriptError("SELECT a FROM t\nSELECT b FROM t;\nSELEC c"),
            "q.sql:2:1: error: expected ';' or end of input but found 'SELECT'\n"
            "    2 | SELECT b FROM t;\n"
            "      | ^\n"
            "q.sql:3:1: error: expected a statement (CREATE TABLE, CREATE VIEW, INSERT INTO, "
            "SELECT, SET) but found 'SELEC'\n"
            "    3 | SELEC c\n"
            "      | ^");
}

TEST(SqlParserErrors, OneSyntaxErrorPerStatement) {
  EXPECT_EQ(ScriptError("SELECT a, FROM t WHERE;\nSELECT 1 FROM t"),
            "q.sql:1:11: error: expected an expression but found 'FROM'\n"
            "    1 | SELECT a, FROM t WHERE;\n"
            "      |           ^");
}

TEST(SqlParserErrors, RecoverySkipsToTheTopLevelSemicolon) {
  // A ';' inside parentheses does not end the statement; strings are one token.
  EXPECT_EQ(ScriptError("SELECT f(a; b) FROM t WHERE c = ';';\nSELECT 1 FROM t"),
            "q.sql:1:11: error: expected ')' but found ';'\n"
            "    1 | SELECT f(a; b) FROM t WHERE c = ';';\n"
            "      |           ^");
  // Parentheses that never close: the first ';' after the error ends the statement.
  std::string error = ScriptError("SELECT f(a FROM t;\nSELECT g(1) FROM t;\nSELEC");
  EXPECT_EQ(Headline(error), "1:12: error: expected ')' but found 'FROM'");
  EXPECT_NE(error.find("\nq.sql:3:1: error: expected a statement"), std::string::npos) << error;
  EXPECT_EQ(error.find("q.sql:2:"), std::string::npos) << error;
}

TEST(SqlParserErrors, AtMostTenSyntaxErrorsAreListed) {
  std::string script;
  for (int i = 0; i < 12; ++i) script += "SELEC x;\n";
  std::string error = ScriptError(script);
  EXPECT_NE(error.find("q.sql:10:1: error: expected a statement"), std::string::npos) << error;
  EXPECT_EQ(error.find("q.sql:11:1:"), std::string::npos) << error;
  const std::string tail = "\n(and 2 more)";
  ASSERT_GE(error.size(), tail.size());
  EXPECT_EQ(error.substr(error.size() - tail.size()), tail);
}

TEST(SqlParserErrors, ALexerErrorStopsAndSaysSo) {
  EXPECT_EQ(ScriptError("SELECT 'oops;\nSELECT 1"),
            "q.sql:1:8: error: unterminated string literal\n"
            "    1 | SELECT 'oops;\n"
            "      |        ^\n"
            "(parsing stopped at this error: the statements after it were not checked)");
  // Nothing after it: no note.
  EXPECT_EQ(ScriptError("SELEC 1;\nSELECT 'oops"),
            "q.sql:2:8: error: unterminated string literal\n"
            "    2 | SELECT 'oops\n"
            "      |        ^");
}

// ---------------------------------------------------------------- ToString

TEST(SqlParserToString, RendersCompactSql) {
  EXPECT_EQ(Expr("ROUND( amount*0.15 ,2 )")->ToString(), "round(amount * 0.15, 2)");
  EXPECT_EQ(Expr("merchant_id in ('merch_1','merch_3')")->ToString(),
            "merchant_id IN ('merch_1', 'merch_3')");
  EXPECT_EQ(Expr("cast(x as bigint)")->ToString(), "CAST(x AS BIGINT)");
  EXPECT_EQ(Expr("(a + b) * c")->ToString(), "(a + b) * c");
  EXPECT_EQ(Expr("a + (b * c)")->ToString(), "a + b * c");
  EXPECT_EQ(Expr("a - (b - c)")->ToString(), "a - (b - c)");
  EXPECT_EQ(Expr("(a OR b) AND c")->ToString(), "(a OR b) AND c");
  EXPECT_EQ(Expr("NOT (a AND b)")->ToString(), "NOT (a AND b)");
  EXPECT_EQ(Expr("-(a + 1)")->ToString(), "-(a + 1)");
  EXPECT_EQ(Expr("x - -5")->ToString(), "x - -5");
  EXPECT_EQ(Expr("- -x")->ToString(), "-(-x)");
  EXPECT_EQ(Expr("'a' || 'b''c'")->ToString(), "'a' || 'b''c'");
  EXPECT_EQ(Expr("t.`weird name` + `select`")->ToString(), "t.`weird name` + `select`");
  EXPECT_EQ(Expr("(info).city")->ToString(), "(info).city");
  EXPECT_EQ(Expr("t.*")->ToString(), "t.*");
}

TEST(SqlParserToString, RoundTripsThroughTheParser) {
  for (const char* sql : {
           "a OR b AND NOT c = d",
           "(a OR b) AND NOT (c OR d)",
           "a * (b + c) - d / (e % f)",
           "-(a * b) + -3",
           "a || b || (c || d)",
           "x NOT IN (1, 2.50, 'z') AND y BETWEEN 1 + 1 AND 10",
           "(a = b) = c",
           "(a AND b) IS NOT NULL",
           "flag IS NOT FALSE",
           "name NOT LIKE 'a!%' ESCAPE '!' OR ip RLIKE '^1'",
           "CASE WHEN a > 1 THEN 'x' ELSE CASE b WHEN 1 THEN 'y' END END",
           "CAST(a AS DECIMAL(10,2)) + TRY_CAST(b AS ROW<x INT, y STRING>).x",
           "count(DISTINCT u) + count(*) + sum(ALL v)",
           "EXTRACT(HOUR FROM ts) = 3",
           "items[1].price * (info).qty",
           "DATE '2024-01-01' < TIMESTAMP '2024-01-01 00:00:00'",
           "ts - INTERVAL '5' SECOND > INTERVAL '10 minutes'",
           "1e3 + 2.5E-2 + 9223372036854775807 + -2147483648",
           "`timestamp` + `date` + `key`",
           "left(s, 2) || right(s, 1) || if(a, 'y', 'n')",
           "current_timestamp > date(ts)",
           "NOT NOT a",
       }) {
    auto first = Expr(sql);
    ASSERT_NE(first, nullptr) << sql;
    std::string rendered = first->ToString();
    auto second = Expr(rendered);
    ASSERT_NE(second, nullptr) << sql << " -> " << rendered;
    EXPECT_EQ(second->ToString(), rendered) << sql;
    EXPECT_EQ(Tree(*second), Tree(*first)) << sql << " -> " << rendered;
  }
}

}  // namespace
}  // namespace sluice::sql
