#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/source_text.h"
#include "types/data_type.h"
#include "types/value.h"

namespace sluice::sql {

// The syntax tree the parser produces and the binder consumes. It records what was written
// and where; names are not resolved and types are not checked here.

struct ParsedExpr;
using ParsedExprPtr = std::unique_ptr<ParsedExpr>;

enum class ExprKind {
  kColumn,        // parts = {"a"} or {"t", "a"}; `t.a` may also be field access, the binder decides
  kLiteral,       // value: NULL, TRUE/FALSE, 42 (INT, or BIGINT when it does not fit),
                  // 4.5 (DECIMAL with the written scale), 1e3 (DOUBLE), 'text' (STRING)
  kTypedLiteral,  // DATE '2024-01-01', TIMESTAMP '...': text + type; the binder parses the text
  kInterval,      // INTERVAL '5' SECOND, INTERVAL '10 minutes': text + unit (upper-case, may be
                  // empty when the unit is inside the text)
  kStar,          // `*` or `t.*` (parts = {"t"}) in a select list, or count(*)'s argument
  kFunction,      // name(args...), name lower-cased; distinct for count(DISTINCT x)
  kUnary,         // op "-", "+" or "NOT"; children = {operand}
  kBinary,        // op "+","-","*","/","%","||","=","<>","<","<=",">",">=","AND","OR"
                  // ("!=" is normalised to "<>"); children = {left, right}
  kIsNull,        // children = {operand}; negated for IS NOT NULL
  kIsBool,        // IS [NOT] TRUE|FALSE: children = {operand}; value = the Boolean; negated
  kIn,            // children = {operand, item...}; negated for NOT IN
  kBetween,       // children = {operand, low, high}; negated for NOT BETWEEN
  kLike,          // children = {operand, pattern[, escape]}; op "LIKE" or "RLIKE"/"REGEXP";
                  // negated for NOT LIKE
  kCase,          // children = {[operand,] when1, then1, when2, then2, ..., [else]};
                  // has_operand / has_else tell which are present
  kCast,          // children = {operand}; type = the target; op "CAST" or "TRY_CAST"
  kFieldAccess,   // children = {base}; name = field: written `(expr).field` or `expr.field`
                  // after a non-column expression, e.g. `arr[1].x`
  kIndex,         // children = {base, index}: `arr[0]` (0-based, as Spark)
  kLambda,        // `x -> body` or `(acc, x) -> body`, an argument of a higher-order function:
                  // parts = the parameter names; children = {body}
};

struct ParsedExpr {
  ExprKind kind;
  SourceLocation location;  // where the expression starts (for a binary op: the operator)

  std::vector<std::string> parts;  // kColumn, kStar
  Value value;                     // kLiteral, kIsBool
  std::string text;                // kTypedLiteral, kInterval: the quoted text
  std::string name;                // kFunction (lower-case), kFieldAccess, kInterval unit
  std::string op;                  // kUnary, kBinary, kLike, kCast
  DataType type;                   // kTypedLiteral, kCast
  bool negated = false;
  bool distinct = false;  // kFunction
  // kFunction followed by WITHIN GROUP (ORDER BY x [DESC]): x is its first argument and the
  // direction (TRUE: descending) its last.
  bool within_group = false;
  bool has_operand = false;
  bool has_else = false;
  std::vector<ParsedExprPtr> children;
  int height = 1;  // the longest path down from here, in nodes (the parser bounds it)
  // kFunction with OVER (PARTITION BY ... ORDER BY ...): ROW_NUMBER(), RANK(), DENSE_RANK().
  bool has_over = false;
  std::vector<ParsedExprPtr> partition_by;
  std::vector<ParsedExprPtr> over_order_by;
  std::vector<bool> over_descending;  // per ORDER BY item
  // ROWS BETWEEN <n> PRECEDING AND CURRENT ROW: n (-1 for UNBOUNDED PRECEDING); absent: none.
  bool has_rows_frame = false;
  int64_t rows_preceding = -1;
  // An aggregate's FILTER (WHERE condition): only rows where it is TRUE are aggregated.
  ParsedExprPtr filter;

  // A one-line SQL rendering for explain output and messages: "round(amount * 0.15, 2)".
  std::string ToString() const;
};

// A column of CREATE TABLE:
//   name type [NOT NULL] [METADATA [FROM 'key'] [VIRTUAL]] | name AS expr
struct ColumnDefinition {
  std::string name;
  SourceLocation location;
  DataType type;
  bool not_null = false;
  bool is_metadata = false;
  std::string metadata_key;  // empty: the column's name is the key
  bool is_virtual = false;
  ParsedExprPtr computed;  // `name AS expr`: a computed column, type from the expression
};

struct TableOption {
  std::string key;
  std::string value;
  SourceLocation location;  // of the key
  SourceLocation value_location;
};

struct WatermarkDefinition {
  std::string column;
  SourceLocation location;
  ParsedExprPtr expression;
};

struct CreateTable {
  std::string name;
  SourceLocation location;  // of the name
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDefinition> columns;
  std::vector<std::string> primary_key;  // PRIMARY KEY (a, b) [NOT ENFORCED]
  std::optional<WatermarkDefinition> watermark;
  std::vector<std::string> partition_keys;  // PARTITIONED BY (a, b)
  SourceLocation partition_location;        // of PARTITIONED
  std::vector<TableOption> options;
};

struct SelectStatement;

// One item of a FROM clause.
struct TableReference {
  enum class Kind {
    kTable,     // name [AS alias]
    kUnnest,    // UNNEST(expr [, expr...]) [AS alias(col, ...)]
    kFunction,  // TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL ...)) or TUMBLE(...) directly;
                // function_name lower-case, arguments in function_args (a `TABLE t` argument
                // is a kColumn expression with op "TABLE"; DESCRIPTOR(c) is a kFunction)
    kSubquery,  // (SELECT ...) [AS alias]
  };
  Kind kind = Kind::kTable;
  SourceLocation location;
  std::string name;  // kTable
  std::string alias;
  std::vector<std::string> column_aliases;  // kUnnest, kSubquery: AS t(a, b)
  std::vector<ParsedExprPtr> arguments;     // kUnnest: the arrays; kFunction: the arguments
  std::string function_name;                // kFunction
  std::unique_ptr<SelectStatement> subquery;
  ParsedExprPtr system_time;  // kTable: FOR SYSTEM_TIME AS OF expr (a lookup join's table)
  std::vector<ParsedExprPtr> partition_by;  // kFunction: SESSION(TABLE t PARTITION BY k, ...)
  // kUnnest written as Spark's LATERAL VIEW [OUTER] generator(expr) alias AS c1, ...: the
  // generator (explode, posexplode, inline; lower-case) and whether OUTER keeps rows whose array
  // is NULL or empty. Empty for Flink's UNNEST.
  std::string generator;
  bool outer = false;
};

// FROM a [CROSS JOIN | , | [INNER|LEFT] JOIN ... ON ...] b ...
struct JoinClause {
  enum class Kind { kCross, kInner, kLeft };
  Kind kind = Kind::kCross;
  SourceLocation location;
  TableReference right;
  ParsedExprPtr condition;  // null for kCross
};

struct SelectItem {
  ParsedExprPtr expression;
  std::string alias;  // empty when none was written
  SourceLocation location;
};

struct OrderItem {
  ParsedExprPtr expression;
  bool descending = false;
};

struct SelectStatement {
  SourceLocation location;  // of SELECT
  bool distinct = false;
  std::vector<SelectItem> items;
  std::optional<TableReference> from;
  std::vector<JoinClause> joins;
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> group_by;
  ParsedExprPtr having;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
};

struct InsertInto {
  std::string table;
  SourceLocation location;  // of the table name
  std::vector<std::string> columns;  // INSERT INTO t (a, b) SELECT ...; empty when not written
  std::unique_ptr<SelectStatement> select;
  // SELECT ... UNION ALL SELECT ...: the branches after the first, each written to the table.
  std::vector<std::unique_ptr<SelectStatement>> union_all;
};

// SET 'key' = 'value'  (quotes optional on the key: SET parallelism = 2 works too)
struct SetOption {
  std::string key;
  std::string value;
  SourceLocation location;
};

// CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name AS SELECT ...: a named query other queries read
// like a table (Flink's Nexmark splits its one event stream into person, auction and bid so).
struct CreateView {
  std::string name;
  SourceLocation location;  // of the name
  bool if_not_exists = false;
  std::unique_ptr<SelectStatement> select;
};

struct Statement {
  enum class Kind { kCreateTable, kCreateView, kInsert, kSelect, kSet };
  Kind kind;
  SourceLocation location;
  std::unique_ptr<CreateTable> create_table;
  std::unique_ptr<CreateView> create_view;
  std::unique_ptr<InsertInto> insert;
  std::unique_ptr<SelectStatement> select;
  std::unique_ptr<SetOption> set;
};

struct Script {
  std::vector<Statement> statements;
};

}  // namespace sluice::sql
