#include "plan/compiler.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "exec/fan_out_operator.h"
#include "exec/filter_operator.h"
#include "exec/project_operator.h"
#include "exec/resume_filter_operator.h"
#include "exec/unnest_operator.h"
#include "expr/column_reference.h"
#include "expr/literal.h"
#include "function/cast.h"
#include "plan/call_binder.h"
#include "plan/expression_binder.h"
#include "plan/table_definition.h"
#include "sql/parser.h"

namespace sluice {
namespace {

using sql::SourceLocation;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A source table's read path, shared by every query that reads it.
struct SourceEntry {
  size_t task_index;
  Operator* attach;  // each query's operators hang off this one
  Scope scope;       // the columns it delivers, qualified by the table name
  std::vector<uint8_t> used;  // per scan column: read by some query (the decoder skips the rest)
};

// The planner of one script: a catalog of tables, then one operator chain per INSERT or SELECT,
// hung under the source it reads.
class ScriptPlanner {
 public:
  ScriptPlanner(const sql::SourceText& source, const CompileOptions& options)
      : source_(source), options_(options), registry_(FunctionRegistry::Builtin()) {}

  Result<std::unique_ptr<CompiledScript>> Plan(const sql::Script& script);

 private:
  Status ApplySetting(const std::string& key, const std::string& value, SourceLocation at,
                      bool from_command_line);
  Status Define(const sql::CreateTable& ddl);
  Result<const TableDefinition*> Lookup(const std::string& name, SourceLocation at) const;
  Result<SourceEntry*> SourceFor(const TableDefinition& table, SourceLocation at);
  Result<DeadLetterWriter*> DeadLettersFor(const TableDefinition& table);
  Status PlanQuery(const sql::SelectStatement& select, const sql::InsertInto* insert);
  Status Unsupported(SourceLocation at, std::string_view what) const {
    return source_.Error(at, fmt::format("{} is not supported yet in this version of sluice", what));
  }

  const sql::SourceText& source_;
  const CompileOptions& options_;
  const FunctionRegistry& registry_;

  std::string pipeline_name_;
  PipelineOptions pipeline_options_;
  std::map<std::string, TableDefinition> tables_;  // by lower-case name
  std::vector<SourceTask> tasks_;
  std::map<std::string, SourceEntry> sources_;  // by lower-case table name
  std::vector<std::unique_ptr<DeadLetterWriter>> dead_letter_writers_;
  std::map<std::string, DeadLetterWriter*> dead_letters_by_table_;
  std::vector<SinkOperator*> sinks_;
  std::set<std::string> written_tables_;
  int queries_ = 0;
};

Status ScriptPlanner::ApplySetting(const std::string& key, const std::string& value,
                                   SourceLocation at, bool from_command_line) {
  auto fail = [&](const std::string& message) {
    if (from_command_line) return Status::Invalid("--set {}={}: {}", key, value, message);
    return source_.Error(at, message);
  };
  ConnectorOptions parsed("SET", {{key, value}});
  if (key == "pipeline.name") {
    pipeline_name_ = value;
  } else if (key == "pipeline.commit-interval" || key == "execution.checkpointing.interval") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    if (*ms <= 0) return fail(fmt::format("'{}' must be a positive duration", key));
    pipeline_options_.commit_interval_ms = *ms;
  } else if (key == "pipeline.max-batch-records") {
    auto n = parsed.GetInt(key, 0);
    if (!n.ok()) return fail(n.status().message());
    if (*n <= 0 || *n > 1'000'000) return fail(fmt::format("'{}' must be 1..1000000", key));
    pipeline_options_.max_batch_records = static_cast<size_t>(*n);
  } else if (key == "pipeline.restart-attempts") {
    auto n = parsed.GetInt(key, 0);
    if (!n.ok()) return fail(n.status().message());
    if (*n < 0 || *n > 1'000'000) return fail(fmt::format("'{}' must be 0..1000000", key));
    pipeline_options_.restart_attempts = static_cast<int>(*n);
  } else if (key == "pipeline.restart-delay") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    pipeline_options_.restart_delay_ms = *ms;
  } else if (key == "pipeline.poll-timeout") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    pipeline_options_.poll_timeout_ms = *ms;
  } else {
    return fail(fmt::format(
        "unknown setting '{}': known settings are 'pipeline.name', 'pipeline.commit-interval' "
        "(or 'execution.checkpointing.interval'), 'pipeline.max-batch-records', "
        "'pipeline.poll-timeout', 'pipeline.restart-attempts', 'pipeline.restart-delay'",
        key));
  }
  return Status::OK();
}

Status ScriptPlanner::Define(const sql::CreateTable& ddl) {
  std::string key = Lower(ddl.name);
  if (tables_.count(key)) {
    if (ddl.if_not_exists) return Status::OK();
    return source_.Error(ddl.location, fmt::format("table '{}' is already defined", ddl.name));
  }
  SLUICE_ASSIGN_OR_RETURN(TableDefinition table, DefineTable(source_, ddl));
  tables_.emplace(key, std::move(table));
  return Status::OK();
}

Result<const TableDefinition*> ScriptPlanner::Lookup(const std::string& name,
                                                     SourceLocation at) const {
  auto it = tables_.find(Lower(name));
  if (it != tables_.end()) return &it->second;
  std::string known;
  for (const auto& [k, t] : tables_) known += (known.empty() ? "'" : ", '") + t.name + "'";
  return source_.Error(at, fmt::format("unknown table '{}'{}", name,
                                       known.empty() ? ": declare it with CREATE TABLE first"
                                                     : "; the tables are " + known));
}

Result<DeadLetterWriter*> ScriptPlanner::DeadLettersFor(const TableDefinition& table) {
  std::string key = Lower(table.errors_table);
  if (auto it = dead_letters_by_table_.find(key); it != dead_letters_by_table_.end()) {
    return it->second;
  }
  const sql::TableOption* option = nullptr;
  for (const auto& o : table.ddl->options) {
    if (o.key == "errors.table") option = &o;
  }
  SLUICE_ASSIGN_OR_RETURN(const TableDefinition* target,
                          Lookup(table.errors_table, option->value_location));
  ConnectorOptions sink_options = target->connector_options;
  sink_options.set_pipeline_name(pipeline_name_);
  auto sink = options_.registry->MakeSink(target->connector, sink_options,
                                          target->write_schema);
  if (!sink.ok()) return source_.Error(option->value_location, sink.status().message());
  auto writer = DeadLetterWriter::Make(
      target->write_schema, std::make_unique<SinkOperator>(target->name, std::move(*sink)),
      pipeline_name_);
  if (!writer.ok()) {
    return source_.Error(option->value_location,
                         fmt::format("dead-letter table '{}': {}", target->name,
                                     writer.status().message()));
  }
  DeadLetterWriter* raw = writer->get();
  dead_letter_writers_.push_back(std::move(*writer));
  dead_letters_by_table_[key] = raw;
  written_tables_.insert(key);
  return raw;
}

Result<SourceEntry*> ScriptPlanner::SourceFor(const TableDefinition& table, SourceLocation at) {
  std::string key = Lower(table.name);
  if (auto it = sources_.find(key); it != sources_.end()) return &it->second;

  Schema scan_schema;
  for (const auto& c : table.scan_columns) scan_schema.Add(c.field);
  ConnectorOptions source_options = table.connector_options;
  source_options.set_pipeline_name(pipeline_name_);
  if (options_.bounded && table.connector == "kafka" && !source_options.Has("scan.bounded.mode")) {
    auto all = source_options.all();
    all["scan.bounded.mode"] = "latest-offset";
    source_options = ConnectorOptions(source_options.table_name(), std::move(all));
    source_options.set_pipeline_name(pipeline_name_);
  }
  auto source = options_.registry->MakeSource(table.connector, source_options, scan_schema);
  if (!source.ok()) return source_.Error(at, source.status().message());
  auto decoder = RecordDecoder::Make(table.scan_columns, table.format);
  if (!decoder.ok()) return source_.Error(at, fmt::format("table '{}': {}", table.name,
                                                          decoder.status().message()));
  SourceTask task;
  task.table_name = table.name;
  task.source = std::move(*source);
  task.decoder = std::move(*decoder);
  task.errors = table.errors;
  if (table.errors == ErrorPolicy::kDeadLetter) {
    SLUICE_ASSIGN_OR_RETURN(task.dead_letters, DeadLettersFor(table));
  }

  SourceEntry entry;
  entry.task_index = tasks_.size();
  entry.used.assign(table.scan_columns.size(), 0);
  auto mark_used = [&entry](const Expression& e) {
    std::vector<int> columns;
    e.CollectColumns(columns);
    for (int c : columns) {
      if (c >= 0 && static_cast<size_t>(c) < entry.used.size()) entry.used[static_cast<size_t>(c)] = 1;
    }
  };
  for (const auto& c : table.scan_columns) {
    entry.scope.Add(ScopeColumn{table.name, c.field.name, c.field.type, c.field.nullable});
  }
  std::string decode = fmt::format("Decode {}", table.format);
  if (!table.computed_columns.empty()) {
    // Computed columns are evaluated once, at the source, for every query that reads them.
    std::vector<ExpressionPtr> expressions;
    Schema out;
    for (size_t i = 0; i < entry.scope.size(); ++i) {
      const ScopeColumn& c = entry.scope.columns()[i];
      expressions.push_back(std::make_shared<ColumnReference>(static_cast<int>(i), c.name, c.type));
      out.Add(Field{c.name, c.type, c.nullable});
    }
    ExpressionBinder binder(source_, entry.scope, registry_);
    Scope widened = entry.scope;
    for (const auto* column : table.computed_columns) {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr e, binder.Bind(*column->computed));
      mark_used(*e);
      expressions.push_back(e);
      out.Add(Field{column->name, e->type(), true});
      widened.Add(ScopeColumn{table.name, column->name, e->type(), true});
    }
    auto project = std::make_unique<ProjectOperator>(std::move(expressions), std::move(out));
    entry.attach = project.get();
    task.root = std::move(project);
    entry.scope = std::move(widened);
  } else {
    auto fan_out = std::make_unique<FanOutOperator>(decode);
    entry.attach = fan_out.get();
    task.root = std::move(fan_out);
  }
  if (table.ddl->watermark) {
    // Checked now so a typo fails early; event-time operators use it (stateful streaming).
    const auto& wm = *table.ddl->watermark;
    if (entry.scope.Find("", wm.column).empty()) {
      return source_.Error(wm.location, fmt::format("WATERMARK FOR '{}': no such column in '{}'",
                                                    wm.column, table.name));
    }
    ExpressionBinder binder(source_, entry.scope, registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr e, binder.Bind(*wm.expression));
    mark_used(*e);
    if (e->type().id() != TypeId::kTimestamp) {
      return source_.Error(wm.expression->location,
                           fmt::format("a WATERMARK expression must be a TIMESTAMP, not {}",
                                       e->type().ToString()));
    }
  }
  tasks_.push_back(std::move(task));
  auto [it, inserted] = sources_.emplace(key, std::move(entry));
  return &it->second;
}

// A column name for a SELECT item written without an alias: the column or field it reads,
// else the expression's text (as Spark names it).
std::string ItemName(const sql::SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  const sql::ParsedExpr& e = *item.expression;
  if (e.kind == sql::ExprKind::kColumn) return e.parts.back();
  if (e.kind == sql::ExprKind::kFieldAccess) return e.name;
  return e.ToString();
}

// Whether a value of `from` may be stored in a sink column of `to` without an explicit CAST:
// widening, and anything into a string; never text into a number, which could turn into NULL.
bool AssignableWithoutCast(const DataType& from, const DataType& to) {
  if (from == to || from.id() == TypeId::kNull) return true;
  if (!CanCast(from, to)) return false;
  if (to.id() == TypeId::kString) return true;
  if (from.IsStringLike()) return false;
  if (from.IsNumeric() && to.IsNumeric()) return true;
  bool from_time = from.id() == TypeId::kDate || from.id() == TypeId::kTimestamp;
  bool to_time = to.id() == TypeId::kDate || to.id() == TypeId::kTimestamp;
  return from_time && to_time;
}

Status ScriptPlanner::PlanQuery(const sql::SelectStatement& select, const sql::InsertInto* insert) {
  ++queries_;
  if (!select.from) return Unsupported(select.location, "a SELECT without FROM");
  const sql::TableReference& from = *select.from;
  if (from.kind == sql::TableReference::Kind::kFunction) {
    return Unsupported(from.location, fmt::format("the window function {}()", from.function_name));
  }
  if (from.kind != sql::TableReference::Kind::kTable) {
    return Unsupported(from.location, "reading FROM a subquery or UNNEST alone");
  }
  if (!select.group_by.empty()) return Unsupported(select.group_by[0]->location, "GROUP BY");
  if (select.having) return Unsupported(select.having->location, "HAVING");
  if (!select.order_by.empty()) {
    return Unsupported(select.order_by[0].expression->location, "ORDER BY on a stream");
  }
  if (select.limit) return Unsupported(select.location, "LIMIT on a stream");
  if (select.distinct) return Unsupported(select.location, "SELECT DISTINCT");

  SLUICE_ASSIGN_OR_RETURN(const TableDefinition* table, Lookup(from.name, from.location));
  SLUICE_ASSIGN_OR_RETURN(SourceEntry * entry, SourceFor(*table, from.location));
  Scope scope;
  std::string qualifier = from.alias.empty() ? table->name : from.alias;
  for (auto c : entry->scope.columns()) {
    c.qualifier = qualifier;
    scope.Add(std::move(c));
  }

  // The query's operators, built as a chain and hung under the source at the end.
  std::unique_ptr<Operator> head;
  Operator* tail = nullptr;
  auto append = [&](std::unique_ptr<Operator> op) {
    Operator* raw = op.get();
    if (!head) {
      head = std::move(op);
    } else {
      tail->AddOutput(std::move(op));
    }
    tail = raw;
  };
  // First, the filter that skips rows an exactly-once sink already holds after a restart.
  auto resume_filter = std::make_unique<ResumeFilterOperator>();
  ResumeFilterOperator* resume = resume_filter.get();
  append(std::move(resume_filter));
  // Unnests copy only the columns read after them: every bound expression records its inputs.
  struct PlannedUnnest {
    UnnestOperator* op;
    size_t input_width;
  };
  std::vector<PlannedUnnest> unnests;
  std::vector<int> used_columns;
  // Adds the unnesting of `list` to the chain: element columns join the scope.
  auto unnest = [&](const sql::ParsedExpr& list_expr, const std::string& alias,
                    const std::vector<std::string>& column_names, SourceLocation at) -> Status {
    ExpressionBinder binder(source_, scope, registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr list, binder.Bind(list_expr));
    if (list->type().id() != TypeId::kList) {
      return source_.Error(list_expr.location,
                           fmt::format("UNNEST expects an ARRAY, but '{}' is {}", list_expr.ToString(),
                                       list->type().ToString()));
    }
    const size_t input_width = scope.size();
    const DataType& element = list->type().element();
    bool expand = element.id() == TypeId::kStruct;
    std::string element_qualifier = alias;
    if (expand) {
      const auto& fields = element.fields();
      if (!column_names.empty() && column_names.size() != fields.size()) {
        return source_.Error(at, fmt::format("UNNEST of {} gives {} columns, but {} names are given",
                                             element.ToString(), fields.size(), column_names.size()));
      }
      for (size_t f = 0; f < fields.size(); ++f) {
        scope.Add(ScopeColumn{element_qualifier,
                              column_names.empty() ? fields[f].name : column_names[f],
                              fields[f].type, true});
      }
    } else {
      if (column_names.size() > 1) {
        return source_.Error(at, fmt::format("UNNEST of {} gives 1 column, but {} names are given",
                                             element.ToString(), column_names.size()));
      }
      std::string name = !column_names.empty() ? column_names[0] : !alias.empty() ? alias : "col";
      scope.Add(ScopeColumn{element_qualifier, name, element, true});
    }
    auto op = std::make_unique<UnnestOperator>(
        list, expand, fmt::format("Unnest {}{}", list->ToString(), alias.empty() ? "" : " AS " + alias));
    unnests.push_back({op.get(), input_width});
    list->CollectColumns(used_columns);
    append(std::move(op));
    return Status::OK();
  };

  for (const auto& join : select.joins) {
    if (join.kind != sql::JoinClause::Kind::kCross ||
        join.right.kind != sql::TableReference::Kind::kUnnest) {
      return Unsupported(join.location, "a join other than CROSS JOIN UNNEST");
    }
    if (join.right.arguments.size() != 1) {
      return Unsupported(join.right.location, "UNNEST of several arrays at once");
    }
    SLUICE_RETURN_NOT_OK(unnest(*join.right.arguments[0], join.right.alias,
                                join.right.column_aliases, join.right.location));
  }

  if (select.where) {
    ExpressionBinder binder(source_, scope, registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr predicate, binder.BindCondition(*select.where, "WHERE"));
    predicate->CollectColumns(used_columns);
    append(std::make_unique<FilterOperator>(std::move(predicate)));
  }

  // Spark's explode() as a SELECT item: unnest after the filter, then read the element column.
  int explode_column = -1;
  const sql::SelectItem* explode_item = nullptr;
  for (const auto& item : select.items) {
    const sql::ParsedExpr& e = *item.expression;
    if (e.kind != sql::ExprKind::kFunction || e.name != "explode") continue;
    if (explode_item) return source_.Error(e.location, "only one explode() per SELECT is supported");
    if (e.children.size() != 1) return source_.Error(e.location, "explode(array) takes 1 argument");
    explode_item = &item;
    SLUICE_RETURN_NOT_OK(unnest(*e.children[0], "", {item.alias.empty() ? "col" : item.alias},
                                e.location));
    explode_column = static_cast<int>(scope.size()) - 1;
  }

  // The SELECT list, `*` expanded.
  ExpressionBinder binder(source_, scope, registry_);
  std::vector<ExpressionPtr> expressions;
  std::vector<std::string> names;
  std::vector<SourceLocation> locations;
  for (const auto& item : select.items) {
    const sql::ParsedExpr& e = *item.expression;
    if (e.kind == sql::ExprKind::kStar) {
      if (!e.parts.empty() && !scope.HasQualifier(e.parts[0])) {
        return source_.Error(e.location, fmt::format("unknown table '{}' in '{}.*'", e.parts[0],
                                                     e.parts[0]));
      }
      for (size_t i = 0; i < scope.size(); ++i) {
        const ScopeColumn& c = scope.columns()[i];
        if (!e.parts.empty() && !SameIdentifier(c.qualifier, e.parts[0])) continue;
        expressions.push_back(std::make_shared<ColumnReference>(static_cast<int>(i), c.name, c.type));
        names.push_back(c.name);
        locations.push_back(e.location);
      }
      continue;
    }
    if (&item == explode_item) {
      const ScopeColumn& c = scope.columns()[static_cast<size_t>(explode_column)];
      expressions.push_back(std::make_shared<ColumnReference>(explode_column, c.name, c.type));
    } else {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr bound, binder.Bind(e));
      expressions.push_back(std::move(bound));
    }
    names.push_back(ItemName(item));
    locations.push_back(e.location);
  }

  for (const auto& e : expressions) e->CollectColumns(used_columns);
  for (int c : used_columns) {
    if (c >= 0 && static_cast<size_t>(c) < entry->used.size()) entry->used[static_cast<size_t>(c)] = 1;
  }
  for (const auto& planned : unnests) {
    std::vector<bool> needed(planned.input_width, false);
    for (int c : used_columns) {
      if (c >= 0 && static_cast<size_t>(c) < needed.size()) needed[static_cast<size_t>(c)] = true;
    }
    planned.op->KeepOnly(std::move(needed));
  }

  Schema sink_schema;
  std::unique_ptr<Sink> sink;
  std::string sink_name;
  if (insert) {
    SLUICE_ASSIGN_OR_RETURN(const TableDefinition* target, Lookup(insert->table, insert->location));
    std::string key = Lower(target->name);
    if (written_tables_.count(key)) {
      return source_.Error(insert->location,
                           fmt::format("table '{}' is already written by another statement; "
                                       "write each sink table from one INSERT",
                                       target->name));
    }
    written_tables_.insert(key);
    const Schema& target_schema = target->write_schema;
    // Which query column feeds each sink column: by position, or by the INSERT's column list.
    std::vector<int> feeds(target_schema.size(), -1);
    if (insert->columns.empty()) {
      if (expressions.size() != target_schema.size()) {
        return source_.Error(insert->location,
                             fmt::format("INSERT INTO {}: the query gives {} columns but '{}' has {} "
                                         "{}",
                                         target->name, expressions.size(), target->name,
                                         target_schema.size(), target_schema.ToString()));
      }
      for (size_t i = 0; i < feeds.size(); ++i) feeds[i] = static_cast<int>(i);
    } else {
      if (insert->columns.size() != expressions.size()) {
        return source_.Error(insert->location,
                             fmt::format("INSERT INTO {}: {} columns are listed but the query gives {}",
                                         target->name, insert->columns.size(), expressions.size()));
      }
      for (size_t i = 0; i < insert->columns.size(); ++i) {
        int index = target_schema.IndexOf(insert->columns[i]);
        if (index < 0) {
          return source_.Error(insert->location,
                               fmt::format("table '{}' has no column '{}'; its columns are {}",
                                           target->name, insert->columns[i], target_schema.ToString()));
        }
        feeds[static_cast<size_t>(index)] = static_cast<int>(i);
      }
    }
    std::vector<ExpressionPtr> ordered;
    for (size_t i = 0; i < feeds.size(); ++i) {
      const Field& field = target_schema.field(i);
      if (feeds[i] < 0) {
        if (!field.nullable) {
          return source_.Error(insert->location,
                               fmt::format("INSERT INTO {}: NOT NULL column '{}' is given no value",
                                           target->name, field.name));
        }
        ordered.push_back(std::make_shared<Literal>(Value::Null(field.type)));
        continue;
      }
      ExpressionPtr e = expressions[static_cast<size_t>(feeds[i])];
      if (!AssignableWithoutCast(e->type(), field.type)) {
        return source_.Error(
            locations[static_cast<size_t>(feeds[i])],
            fmt::format("column '{}' of '{}' is {}, but the query gives {} ({}); add a CAST if "
                        "that is intended",
                        field.name, target->name, field.type.ToString(), e->type().ToString(),
                        e->ToString()));
      }
      ordered.push_back(CastIfNeeded(std::move(e), field.type));
    }
    expressions = std::move(ordered);
    sink_schema = target_schema;
    ConnectorOptions sink_options = target->connector_options;
    sink_options.set_pipeline_name(pipeline_name_);
    auto made = options_.registry->MakeSink(target->connector, sink_options,
                                            target_schema);
    if (!made.ok()) return source_.Error(insert->location, made.status().message());
    sink = std::move(*made);
    sink_name = target->name;
  } else {
    for (size_t i = 0; i < expressions.size(); ++i) {
      sink_schema.Add(Field{names[i], expressions[i]->type(), true});
    }
    sink_name = fmt::format("select_{}", queries_);
    ConnectorOptions select_options(sink_name, {});
    auto made = options_.select_sink ? options_.select_sink(select_options, sink_schema)
                                     : options_.registry->MakeSink("print", select_options, sink_schema);
    if (!made.ok()) return source_.Error(select.location, made.status().message());
    sink = std::move(*made);
  }

  append(std::make_unique<ProjectOperator>(std::move(expressions), sink_schema));
  auto sink_operator = std::make_unique<SinkOperator>(sink_name, std::move(sink));
  sink_operator->set_resume_filter(resume);
  sinks_.push_back(sink_operator.get());
  append(std::move(sink_operator));
  entry->attach->AddOutput(std::move(head));
  return Status::OK();
}

void DescribeTree(const Operator& op, int depth, std::string& out) {
  std::string line = op.Describe();
  if (!line.empty()) out += std::string(static_cast<size_t>(depth) * 2, ' ') + "-> " + line + "\n";
  for (const auto& child : op.outputs()) DescribeTree(*child, depth + (line.empty() ? 0 : 1), out);
}

std::string PolicyName(ErrorPolicy p) {
  switch (p) {
    case ErrorPolicy::kFail: return "fail";
    case ErrorPolicy::kSkip: return "skip";
    case ErrorPolicy::kDeadLetter: return "dead-letter";
  }
  return "";
}

Result<std::unique_ptr<CompiledScript>> ScriptPlanner::Plan(const sql::Script& script) {
  pipeline_name_ = std::filesystem::path(source_.name()).stem().string();
  for (const auto& statement : script.statements) {
    if (statement.kind == sql::Statement::Kind::kSet) {
      SLUICE_RETURN_NOT_OK(ApplySetting(statement.set->key, statement.set->value,
                                        statement.set->location, false));
    }
  }
  // The command line's --set wins over the script, so one file runs in several environments.
  for (const auto& [key, value] : options_.settings) {
    SLUICE_RETURN_NOT_OK(ApplySetting(key, value, {}, true));
  }
  for (const auto& statement : script.statements) {
    if (statement.kind == sql::Statement::Kind::kCreateTable) {
      SLUICE_RETURN_NOT_OK(Define(*statement.create_table));
    }
  }
  for (const auto& statement : script.statements) {
    if (statement.kind == sql::Statement::Kind::kInsert) {
      SLUICE_RETURN_NOT_OK(PlanQuery(*statement.insert->select, statement.insert.get()));
    } else if (statement.kind == sql::Statement::Kind::kSelect) {
      SLUICE_RETURN_NOT_OK(PlanQuery(*statement.select, nullptr));
    }
  }
  if (queries_ == 0 && options_.require_query) {
    SourceLocation end;
    end.line = 1 + static_cast<int>(std::count(source_.text().begin(), source_.text().end(), '\n'));
    return source_.Error(script.statements.empty() ? end : script.statements.back().location,
                         "the script has no INSERT INTO or SELECT statement: nothing to run");
  }

  std::string plan = fmt::format("pipeline '{}': {} source{}, {} sink{}\n", pipeline_name_,
                                 tasks_.size(), tasks_.size() == 1 ? "" : "s", sinks_.size(),
                                 sinks_.size() == 1 ? "" : "s");
  for (auto& [key, entry] : sources_) tasks_[entry.task_index].decoder->Prune({entry.used.begin(), entry.used.end()});
  auto pipeline = std::make_unique<Pipeline>(pipeline_name_, pipeline_options_);
  for (auto& task : tasks_) {
    const TableDefinition& table = tables_.at(Lower(task.table_name));
    plan += fmt::format("Source {}: {}\n", task.table_name, task.source->Describe());
    plan += fmt::format("  decoded columns: {}\n", task.decoder->DecodedColumns());
    plan += fmt::format("  bad records: {}{}\n", PolicyName(task.errors),
                        table.errors_table.empty() ? "" : " -> " + table.errors_table);
    if (table.ddl->watermark) {
      plan += fmt::format("  watermark: {} AS {}\n", table.ddl->watermark->column,
                          table.ddl->watermark->expression->ToString());
    }
    DescribeTree(*task.root, 1, plan);
    pipeline->AddSource(std::move(task));
  }
  for (auto& writer : dead_letter_writers_) {
    plan += fmt::format("Dead letters -> {}\n", writer->sink().Describe());
    pipeline->AddDeadLetterWriter(std::move(writer));
  }
  for (auto* sink : sinks_) pipeline->RegisterSink(sink);
  return std::make_unique<CompiledScript>(std::move(pipeline), std::move(plan),
                                          static_cast<int>(script.statements.size()));
}

}  // namespace

Result<std::unique_ptr<CompiledScript>> CompileScript(std::string_view text,
                                                      std::string_view file_name,
                                                      const CompileOptions& options) {
  // The plan keeps no reference to the text or the syntax tree: both may go once planned.
  sql::SourceText source{std::string(file_name), std::string(text)};
  SLUICE_ASSIGN_OR_RETURN(sql::Script script, sql::ParseScript(source));
  ScriptPlanner planner(source, options);
  return planner.Plan(script);
}

Result<std::unique_ptr<CompiledScript>> CompileFile(const std::string& path,
                                                    const CompileOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '{}': {}", path, std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return CompileScript(text.str(), path, options);
}

}  // namespace sluice
