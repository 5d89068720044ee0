#include "plan/compiler.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "aggregate/aggregate_function.h"
#include "exec/fan_out_operator.h"
#include "exec/hash_aggregate_operator.h"
#include "exec/join_operator.h"
#include "exec/lookup_join_operator.h"
#include "exec/over_aggregate_operator.h"
#include "exec/late_row_filter_operator.h"
#include "exec/watermark_operator.h"
#include "exec/window_assign_operator.h"
#include "expr/make_struct.h"
#include "plan/aggregate_planner.h"
#include "common/closest_name.h"
#include "exec/filter_operator.h"
#include "exec/project_operator.h"
#include "exec/rank_operator.h"
#include "exec/session_aggregate_operator.h"
#include "exec/resume_filter_operator.h"
#include "exec/unnest_operator.h"
#include "expr/column_reference.h"
#include "expr/literal.h"
#include "function/cast.h"
#include "function/type_coercion.h"
#include "plan/call_binder.h"
#include "plan/expression_binder.h"
#include "plan/table_definition.h"
#include "sql/parser.h"

namespace sluice {
namespace {

// Whether an option holds a secret, or a url that may carry one: the quoted source line of an
// error must not show it.
bool IsSecretOption(const sql::TableOption& o) {
  const std::string& k = o.key;
  return k.find("password") != std::string::npos || k.find("secret") != std::string::npos ||
         k.find("jaas") != std::string::npos || k.find("token") != std::string::npos ||
         (k.find("url") != std::string::npos &&
          (o.value.find('@') != std::string::npos || o.value.find("password") != std::string::npos));
}

// Where a connector's complaint about a table belongs: the option it names ("option 'x'",
// "'x' = ..."), else the table's CREATE TABLE, not the query that reads or writes it; nullopt
// when that line would show a secret (the error then points at the query, as before).
std::optional<sql::SourceLocation> ConnectorErrorLocation(const sql::SourceText& source,
                                                          const TableDefinition& table,
                                                          std::string_view message) {
  if (table.ddl == nullptr) return std::nullopt;
  const sql::TableOption* best = nullptr;
  size_t best_at = std::string_view::npos;
  for (const auto& o : table.ddl->options) {
    const size_t at = message.find("'" + o.key + "'");
    if (at != std::string_view::npos && at < best_at) {
      best = &o;
      best_at = at;
    }
  }
  const sql::SourceLocation where = best ? best->value_location : table.ddl->location;
  // The line the error quotes.
  const std::string& text = source.text();
  size_t begin = 0;
  for (int line = 1; line < where.line && begin != std::string::npos; ++line) {
    begin = text.find('\n', begin);
    if (begin != std::string::npos) ++begin;
  }
  if (begin == std::string::npos) return std::nullopt;
  const std::string_view quoted =
      std::string_view(text).substr(begin, text.find('\n', begin) - begin);
  for (const auto& o : table.ddl->options) {
    if (IsSecretOption(o) && !o.value.empty() && quoted.find(o.value) != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return where;
}

// Gives every stateful operator below `op` that has no state id yet "<owner>/<kind>" (the
// second of a kind in the same owner "<kind>2", ...): ids that depend on what the query does,
// not on explain's wording or the order of other queries.
void AssignStateIds(Operator& op, const std::string& owner, std::map<std::string, int, std::less<>>& kinds) {
  if (op.has_state() && op.state_id().empty()) {
    const int n = ++kinds[std::string(op.state_kind())];
    op.set_state_id(fmt::format("{}/{}{}", owner, op.state_kind(), n > 1 ? std::to_string(n) : ""));
  }
  for (const auto& child : op.outputs()) AssignStateIds(*child, owner, kinds);
}


using sql::SourceLocation;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A source table's read path, shared by every query that reads it.
struct SourceEntry {
  size_t task_index;
  Operator* attach;  // each query's operators hang off this one
  Scope scope;       // the columns it delivers, qualified by the table name
  std::vector<uint8_t> used;  // per scan column: read by some query (the decoder skips the rest)
  // WATERMARK FOR: the event-time column (its index in `scope`), -1 without a watermark.
  int rowtime = -1;
  // `col - INTERVAL 'd'`: how far the watermark trails event time (0 for other expressions).
  int64_t watermark_delay_us = 0;
  DeadLetterWriter* late_dead_letters = nullptr;  // 'late-records' = 'dead-letter'
  // The source ends (a file, a Kafka topic read up to its end, a generator with a row count):
  // an aggregation over it can hold its results until the end and append them once.
  bool bounded = false;
};

// Where a query's rows end up, for choosing and checking output modes.
struct SinkTraits {
  bool takes_updates = true;  // an upsert table, Kafka or the console
  std::string label = "the console";
  SourceLocation at;
};

// The enclosing query keeps only rows whose rank column is at most `limit` (Top-N).
struct RankLimit {
  std::string column;
  int64_t limit = 0;
};

// A query being planned: operators in a chain that will hang under one source, the columns
// they deliver, and where event time is in them.
struct Relation {
  SourceEntry* entry = nullptr;
  std::unique_ptr<Operator> head;
  Operator* tail = nullptr;
  Scope scope;
  std::string label;         // the table read, for messages
  bool on_source = true;     // the scope starts with the source's columns (decode pruning)
  bool source_rows = true;   // row i is still the source's decoded row i (dead letters)
  int rowtime = -1;          // the column carrying the WATERMARK's event time
  int window_end = -1;       // a window-end column that the watermark closes
  ResumeFilterOperator* resume = nullptr;
  bool stateful = false;
  // The rows are a changing result (an aggregation in update/complete mode, an updating
  // Top-N): a later row for a key replaces an earlier one. When `changelog` is set, that
  // aggregation can instead withdraw its earlier rows, marked in column `retract_column`.
  bool updating = false;
  int retract_column = -1;
  // Columns that bound every row's event time from above (a join on `b.ts <= a.expires`): a
  // GROUP BY on one of them is final, like a window's end, once the watermark passes it.
  std::vector<int> closing_columns;
  HashAggregateOperator* changelog = nullptr;
  std::vector<int> lookup_used;  // columns lookup-join keys read
  // Chains of other inputs (the right sides of joins), each hung under its own source.
  std::vector<std::pair<SourceEntry*, std::unique_ptr<Operator>>> other_heads;
  // The SELECT list, bound but not yet projected: the caller projects it for a sink or for an
  // enclosing query.
  std::vector<ExpressionPtr> outputs;
  std::vector<std::string> output_names;
  std::vector<SourceLocation> output_locations;

  void Append(std::unique_ptr<Operator> op) {
    op->set_rows_are_records(source_rows);
    Operator* raw = op.get();
    if (!head) {
      head = std::move(op);
    } else {
      tail->AddOutput(std::move(op));
    }
    tail = raw;
  }
};

// The planner of one script: a catalog of tables, then one operator chain per INSERT or SELECT,
// hung under the source it reads.
class ScriptPlanner {
 public:
  ScriptPlanner(const sql::SourceText& source, const CompileOptions& options)
      : source_(source), options_(options), registry_(&FunctionRegistry::Builtin()) {}

  Result<std::unique_ptr<CompiledScript>> Plan(const sql::Script& script);

 private:
  Status ApplySetting(const std::string& key, const std::string& value, SourceLocation at,
                      bool from_command_line);
  Status Define(const sql::CreateTable& ddl);
  Status DefineView(const sql::CreateView& view);
  Result<const TableDefinition*> Lookup(const std::string& name, SourceLocation at) const;
  Result<SourceEntry*> SourceFor(const TableDefinition& table, SourceLocation at);
  Result<DeadLetterWriter*> DeadLettersFor(const TableDefinition& table);
  Status PlanQuery(const sql::SelectStatement& select, const sql::InsertInto* insert);
  // A SELECT up to its (unprojected) SELECT list; FROM may nest further SELECTs.
  Result<Relation> PlanSelect(const sql::SelectStatement& select, const SinkTraits& sink,
                              const std::optional<RankLimit>& rank_limit);
  // `left JOIN right ON ...` between two streams: plans the right side and hangs a hash join
  // under both; `left` continues after the join.
  Status PlanStreamJoin(const sql::SelectStatement& select, const sql::JoinClause& join,
                        const SinkTraits& sink, Relation& left);
  // `stream JOIN table [FOR SYSTEM_TIME AS OF ...] ON stream.k = table.col`: key lookups.
  Status PlanLookupJoin(const sql::JoinClause& join, const TableDefinition& table, Relation& left);
  // Reads a table (or plans a view) under `alias`.
  Result<Relation> PlanRead(const std::string& name, SourceLocation at, const std::string& alias,
                            const SinkTraits& sink);
  // Projects a planned SELECT for an enclosing query: its columns become `alias`'s.
  Result<Relation> ProjectSubquery(Relation inner, const std::string& alias);
  Status Unsupported(SourceLocation at, std::string_view what) const {
    return source_.Error(at, fmt::format("{} is not supported yet in this version of sluice", what));
  }

  const sql::SourceText& source_;
  const CompileOptions& options_;
  // The default functions, or the ANSI ones after SET 'spark.sql.ansi.enabled' = 'true'.
  const FunctionRegistry* registry_;

  std::string pipeline_name_;
  int64_t startup_timeout_ms_ = 60'000;  // SET 'pipeline.startup-timeout'
  PipelineOptions pipeline_options_;
  std::map<std::string, TableDefinition> tables_;  // by lower-case name
  std::map<std::string, const sql::CreateView*> views_;  // by lower-case name
  int view_depth_ = 0;
  std::vector<SourceTask> tasks_;
  std::map<std::string, SourceEntry> sources_;  // by lower-case table name
  std::vector<std::unique_ptr<DeadLetterWriter>> dead_letter_writers_;
  std::map<std::string, DeadLetterWriter*> dead_letters_by_table_;
  std::vector<SinkOperator*> sinks_;
  std::set<std::string> written_tables_;
  // The first INSERT's sink operator per table: later INSERTs into it share its sink.
  std::map<std::string, SinkOperator*> sink_by_table_;
  // Stateful operators per sink table so far, so a later INSERT's ids go on from them.
  std::map<std::string, std::map<std::string, int, std::less<>>> state_kinds_by_sink_;
  std::set<const Sink*> stateful_exactly_once_sinks_seen_;
  int queries_ = 0;
  // Stateful queries: SET 'output-mode' (else chosen per query), SET 'trigger.interval' (else
  // the checkpoint interval), SET 'table.exec.source.idle-timeout' (tables may override).
  std::optional<OutputMode> output_mode_;
  int64_t trigger_interval_ms_ = -1;
  int64_t idle_timeout_ms_ = 0;
  // SET 'state.memory-budget': an aggregation's state above it moves to RocksDB.
  uint64_t state_memory_budget_ = uint64_t{1} << 30;
  int spill_folders_ = 0;
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
  } else if (key == "pipeline.startup-timeout") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    if (*ms <= 0) return fail("'pipeline.startup-timeout' must be a positive duration");
    startup_timeout_ms_ = *ms;
    pipeline_options_.startup_timeout_ms = *ms;
  } else if (key == "pipeline.restart-delay") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    pipeline_options_.restart_delay_ms = *ms;
  } else if (key == "pipeline.poll-timeout") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    pipeline_options_.poll_timeout_ms = *ms;
  } else if (key == "state.checkpoints.dir") {
    if (value.empty()) return fail("'state.checkpoints.dir' must name a folder");
    pipeline_options_.state_dir = value;
  } else if (key == "state.memory-budget") {
    auto bytes = parsed.GetBytes(key, 0);
    if (!bytes.ok()) return fail(bytes.status().message());
    state_memory_budget_ = *bytes;
  } else if (key == "output-mode") {
    auto mode = ParseOutputMode(value);
    if (!mode) return fail("'output-mode' must be 'append', 'update' or 'complete'");
    output_mode_ = *mode;
  } else if (key == "trigger.interval") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    if (*ms <= 0) return fail("'trigger.interval' must be a positive duration");
    trigger_interval_ms_ = *ms;
  } else if (key == "spark.sql.ansi.enabled") {
    const std::string lower = Lower(value);
    if (lower != "true" && lower != "false") return fail("'spark.sql.ansi.enabled' must be 'true' or 'false'");
    registry_ = lower == "true" ? &FunctionRegistry::Ansi() : &FunctionRegistry::Builtin();
  } else if (key == "rest.port") {
    auto n = parsed.GetInt(key, 0);
    if (!n.ok()) return fail(n.status().message());
    if (*n < 0 || *n > 65535) return fail("'rest.port' must be 0 (any free port) to 65535");
    pipeline_options_.rest_port = static_cast<int>(*n);
  } else if (key == "rest.bind-address") {
    if (value.empty()) return fail("'rest.bind-address' must name an address, e.g. 127.0.0.1");
    pipeline_options_.rest_bind_address = value;
  } else if (key == "table.exec.source.idle-timeout") {
    auto ms = parsed.GetDurationMs(key, 0);
    if (!ms.ok()) return fail(ms.status().message());
    if (*ms < 0) return fail("the idle timeout must not be negative");
    idle_timeout_ms_ = *ms;
  } else {
    return fail(fmt::format(
        "unknown setting '{}': known settings are 'pipeline.name', 'pipeline.commit-interval' "
        "(or 'execution.checkpointing.interval'), 'pipeline.max-batch-records', "
        "'pipeline.poll-timeout', 'pipeline.restart-attempts', 'pipeline.restart-delay', "
        "'pipeline.startup-timeout', "
        "'output-mode', 'trigger.interval', 'table.exec.source.idle-timeout', "
        "'spark.sql.ansi.enabled', 'rest.port', 'rest.bind-address', "
        "'state.checkpoints.dir', 'state.memory-budget'",
        key));
  }
  return Status::OK();
}

Status ScriptPlanner::DefineView(const sql::CreateView& view) {
  std::string key = Lower(view.name);
  if (tables_.count(key) || views_.count(key)) {
    if (view.if_not_exists) return Status::OK();
    return source_.Error(view.location, fmt::format("'{}' is already defined", view.name));
  }
  views_.emplace(key, &view);
  return Status::OK();
}

Status ScriptPlanner::Define(const sql::CreateTable& ddl) {
  std::string key = Lower(ddl.name);
  if (views_.count(key)) return source_.Error(ddl.location, fmt::format("'{}' is already defined as a view", ddl.name));
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
  std::vector<std::string_view> names;
  for (const auto& [k, t] : tables_) {
    known += (known.empty() ? "'" : ", '") + t.name + "'";
    names.push_back(t.name);
  }
  const std::string closest = ClosestName(name, names);
  return source_.Error(at, fmt::format("unknown table '{}'{}{}", name,
                                       closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest),
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
  sink_options.set_startup_timeout_ms(startup_timeout_ms_);
  auto sink = options_.registry->MakeSink(target->connector, sink_options,
                                          target->write_schema);
  if (!sink.ok()) {
    return source_.Error(
        ConnectorErrorLocation(source_, *target, sink.status().message()).value_or(option->value_location),
        sink.status().message());
  }
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
  source_options.set_startup_timeout_ms(startup_timeout_ms_);
  auto source = options_.registry->MakeSource(table.connector, source_options, scan_schema);
  if (!source.ok()) {
    return source_.Error(ConnectorErrorLocation(source_, table, source.status().message()).value_or(at),
                         source.status().message());
  }
  std::vector<std::string> metadata_keys;
  for (const auto& c : table.scan_columns) {
    if (!c.metadata_key.empty()) metadata_keys.push_back(c.metadata_key);
  }
  (*source)->DeclareMetadata(metadata_keys);
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
  entry.bounded = table.connector == "filesystem" ||
                  (table.connector == "datagen" && source_options.Has("number-of-rows")) ||
                  (table.connector == "kafka" &&
                   source_options.GetString("scan.bounded.mode", "unbounded") != "unbounded");
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
    ExpressionBinder binder(source_, entry.scope, *registry_);
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
    const auto& wm = *table.ddl->watermark;
    auto rowtime = entry.scope.Find("", wm.column);
    if (rowtime.empty()) {
      return source_.Error(wm.location, fmt::format("WATERMARK FOR '{}': no such column in '{}'",
                                                    wm.column, table.name));
    }
    const ScopeColumn& column = entry.scope.columns()[static_cast<size_t>(rowtime[0])];
    if (column.type.id() != TypeId::kTimestamp) {
      return source_.Error(wm.location,
                           fmt::format("WATERMARK FOR '{}': the column must be a TIMESTAMP, not {}",
                                       wm.column, column.type.ToString()));
    }
    ExpressionBinder binder(source_, entry.scope, *registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr e, binder.Bind(*wm.expression));
    mark_used(*e);
    if (e->type().id() != TypeId::kTimestamp) {
      return source_.Error(wm.expression->location,
                           fmt::format("a WATERMARK expression must be a TIMESTAMP, not {}",
                                       e->type().ToString()));
    }
    entry.rowtime = rowtime[0];
    const sql::ParsedExpr& w = *wm.expression;
    if (w.kind == sql::ExprKind::kBinary && w.op == "-" && w.children[1]->kind == sql::ExprKind::kInterval) {
      auto delay = ParseIntervalMicros(w.children[1]->text, w.children[1]->name);
      if (delay.ok() && *delay > 0) entry.watermark_delay_us = *delay;
    }
    if (table.late_records_dead_letter) {
      SLUICE_ASSIGN_OR_RETURN(entry.late_dead_letters, DeadLettersFor(table));
    }
    int64_t idle = table.idle_timeout_ms >= 0 ? table.idle_timeout_ms : idle_timeout_ms_;
    if (idle > 0) task.source->DeclareIdleTimeout();
    auto watermark = std::make_unique<WatermarkOperator>(std::move(e), idle, column.name);
    Operator* raw = watermark.get();
    entry.attach->AddOutput(std::move(watermark));
    entry.attach = raw;
  }
  tasks_.push_back(std::move(task));
  auto [it, inserted] = sources_.emplace(key, std::move(entry));
  return &it->second;
}

// Every column of `scope`, read as is: the start of a projection that adds columns.
void PassThrough(const Scope& scope, std::vector<ExpressionPtr>& expressions, Schema& schema) {
  for (size_t i = 0; i < scope.size(); ++i) {
    const ScopeColumn& c = scope.columns()[i];
    expressions.push_back(std::make_shared<ColumnReference>(static_cast<int>(i), c.name, c.type));
    schema.Add(Field{c.name, c.type, true});
  }
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

// Whether an implicit conversion at an INSERT can meet a value that does not fit the column
// (BIGINT into INT, DOUBLE into DECIMAL(10, 2)): such a value is rejected, never made NULL.
bool ImplicitCastMayNotFit(const DataType& from, const DataType& to) {
  if (from == to || !from.IsNumeric() || !to.IsNumeric()) return false;
  switch (to.id()) {
    case TypeId::kFloat64: return false;
    case TypeId::kInt64: return from.id() != TypeId::kInt32;
    case TypeId::kDecimal: {
      const int digits = to.precision() - to.scale();  // before the point
      if (from.id() == TypeId::kInt32) return digits < 10;
      if (from.id() == TypeId::kInt64) return digits < 19;  // BIGINT has 19 digits
      // Fewer fraction digits round, which can carry past the integer digits (99.995 into
      // DECIMAL(4, 2) is 100.00).
      if (from.id() == TypeId::kDecimal) {
        return digits < from.precision() - from.scale() ||
               (to.scale() < from.scale() && digits <= from.precision() - from.scale());
      }
      return true;
    }
    default: return true;
  }
}

// The column a ranking item of `subquery` delivers and the limit `where` puts on it:
// `rn <= N`, `rn < N`, `rn = 1` (as a top-level AND term of the enclosing WHERE).
std::optional<RankLimit> FindRankLimit(const sql::ParsedExpr* where, const sql::SelectStatement& subquery) {
  if (!where) return std::nullopt;
  std::vector<const sql::ParsedExpr*> terms = {where};
  std::optional<RankLimit> found;
  while (!terms.empty()) {
    const sql::ParsedExpr* e = terms.back();
    terms.pop_back();
    if (e->kind == sql::ExprKind::kBinary && e->op == "AND") {
      terms.push_back(e->children[0].get());
      terms.push_back(e->children[1].get());
      continue;
    }
    if (e->kind != sql::ExprKind::kBinary || (e->op != "<=" && e->op != "<" && e->op != "=")) continue;
    const sql::ParsedExpr& left = *e->children[0];
    const sql::ParsedExpr& right = *e->children[1];
    if (left.kind != sql::ExprKind::kColumn || right.kind != sql::ExprKind::kLiteral ||
        right.value.is_null() || !right.value.type().IsInteger()) {
      continue;
    }
    int64_t n = right.value.int64() - (e->op == "<" ? 1 : 0);
    if (e->op == "=" && n != 1) continue;
    for (const auto& item : subquery.items) {
      const sql::ParsedExpr& x = *item.expression;
      if (x.kind == sql::ExprKind::kFunction && x.has_over &&
          SameIdentifier(item.alias, left.parts.back())) {
        found = RankLimit{item.alias, n};
      }
    }
  }
  return found;
}

namespace {

// A time term of a join condition: `col`, `col + INTERVAL ...` or `col - INTERVAL ...`, as the
// scope column and the offset in microseconds.
std::optional<std::pair<int, int64_t>> TimeTerm(const sql::ParsedExpr& e, const Scope& scope) {
  int64_t offset = 0;
  const sql::ParsedExpr* column = &e;
  if (e.kind == sql::ExprKind::kBinary && (e.op == "+" || e.op == "-") &&
      e.children[1]->kind == sql::ExprKind::kInterval) {
    auto micros = ParseIntervalMicros(e.children[1]->text, e.children[1]->name);
    if (!micros.ok()) return std::nullopt;
    offset = e.op == "+" ? *micros : -*micros;
    column = e.children[0].get();
  }
  if (column->kind != sql::ExprKind::kColumn) return std::nullopt;
  const auto& parts = column->parts;
  std::vector<int> found = parts.size() == 2 && scope.HasQualifier(parts[0]) ? scope.Find(parts[0], parts[1])
                           : parts.size() == 1                              ? scope.Find("", parts[0])
                                                                            : std::vector<int>{};
  if (found.size() != 1) return std::nullopt;
  return std::make_pair(found[0], offset);
}

void AndTerms(const sql::ParsedExpr* e, std::vector<const sql::ParsedExpr*>& out) {
  if (!e) return;
  if (e->kind == sql::ExprKind::kBinary && e->op == "AND") {
    AndTerms(e->children[0].get(), out);
    AndTerms(e->children[1].get(), out);
    return;
  }
  out.push_back(e);
}

}  // namespace

Status ScriptPlanner::PlanLookupJoin(const sql::JoinClause& join, const TableDefinition& table,
                                     Relation& left) {
  if (!join.condition) {
    return source_.Error(join.location, fmt::format("a lookup join needs ON <stream expression> = "
                                                    "{}.<column>",
                                                    table.name));
  }
  Scope right_scope;
  const std::string qualifier = join.right.alias.empty() ? table.name : join.right.alias;
  for (const auto& f : table.write_schema.fields()) {
    right_scope.Add(ScopeColumn{qualifier, f.name, f.type, true});
  }
  Scope merged = left.scope;
  for (const auto& c : right_scope.columns()) merged.Add(c);
  std::vector<const sql::ParsedExpr*> terms;
  AndTerms(join.condition.get(), terms);
  ExpressionBinder on_left(source_, left.scope, *registry_);
  ExpressionBinder on_right(source_, right_scope, *registry_);
  LookupJoinSpec spec;
  std::string key_column;
  for (const sql::ParsedExpr* term : terms) {
    if (term->kind != sql::ExprKind::kBinary || term->op != "=" || spec.key) continue;
    for (int order = 0; order < 2 && !spec.key; ++order) {
      auto l = on_left.Bind(*term->children[order]);
      auto r = on_right.Bind(*term->children[1 - order]);
      if (!l.ok() || !r.ok()) continue;
      const auto* ref = dynamic_cast<const ColumnReference*>(r->get());
      if (!ref) continue;
      key_column = right_scope.columns()[static_cast<size_t>(ref->index())].name;
      spec.key = CastIfNeeded(*l, DataType::String());
      (*l)->CollectColumns(left.lookup_used);
    }
  }
  if (!spec.key) {
    return source_.Error(join.condition->location,
                         fmt::format("a lookup join needs an equality between the stream and a "
                                     "column of '{}', e.g. ON s.customer_id = {}.id",
                                     table.name, qualifier));
  }
  spec.left_outer = join.kind == sql::JoinClause::Kind::kLeft;
  if (spec.left_outer && terms.size() > 1) {
    return Unsupported(join.condition->location, "a LEFT lookup join with more than the key "
                                                 "equality in ON (filter in WHERE instead)");
  }
  if (!spec.left_outer) {
    ExpressionBinder on_both(source_, merged, *registry_);
    SLUICE_ASSIGN_OR_RETURN(spec.condition, on_both.BindCondition(*join.condition, "ON"));
  }
  const ConnectorOptions& options = table.connector_options;
  auto cache_rows = options.GetPositiveInt("lookup.cache.max-rows", 10000);
  auto cache_ttl = options.GetDurationMs("lookup.cache.ttl", 60000);
  auto retry = options.GetDurationMs("lookup.retry.timeout", 30000);
  for (const auto* r : {&cache_rows, &cache_ttl, &retry}) {
    if (!r->ok()) return source_.Error(join.right.location, r->status().message());
  }
  spec.cache_max_rows = static_cast<size_t>(std::max<int64_t>(1, *cache_rows));
  spec.cache_ttl_ms = *cache_ttl;
  spec.retry_timeout_ms = *retry;
  auto made = options_.registry->MakeLookup(table.connector, options, table.write_schema, key_column);
  if (!made.ok()) return source_.Error(join.right.location, made.status().message());
  spec.table = std::move(*made);
  spec.table_schema = table.write_schema;
  spec.output_schema = merged.ToSchema();
  spec.text = fmt::format("ON {}", join.condition->ToString());
  left.Append(std::make_unique<LookupJoinOperator>(std::move(spec)));
  left.scope = std::move(merged);
  left.source_rows = false;
  return Status::OK();
}

Status ScriptPlanner::PlanStreamJoin(const sql::SelectStatement& select, const sql::JoinClause& join,
                                     const SinkTraits& sink, Relation& left) {
  // A table that is looked up, not streamed (PostgreSQL): a lookup join.
  if (join.right.kind == sql::TableReference::Kind::kTable && !views_.count(Lower(join.right.name))) {
    SLUICE_ASSIGN_OR_RETURN(const TableDefinition* table, Lookup(join.right.name, join.right.location));
    const bool lookup = options_.registry->HasLookup(table->connector);
    if (lookup && !options_.registry->HasSource(table->connector)) {
      return PlanLookupJoin(join, *table, left);
    }
    if (join.right.system_time && !lookup) {
      return source_.Error(join.right.location,
                           fmt::format("table '{}' ('connector' = '{}') cannot be looked up: "
                                       "lookup joins read PostgreSQL tables",
                                       table->name, table->connector));
    }
  }
  if (join.kind == sql::JoinClause::Kind::kLeft) {
    return Unsupported(join.location, "LEFT JOIN between two streams (its unmatched rows would "
                                      "have to wait for ever); use an inner join");
  }
  Relation right;
  if (join.right.kind == sql::TableReference::Kind::kSubquery) {
    SLUICE_ASSIGN_OR_RETURN(Relation inner, PlanSelect(*join.right.subquery, sink, std::nullopt));
    SLUICE_ASSIGN_OR_RETURN(right, ProjectSubquery(std::move(inner), join.right.alias));
  } else if (join.right.kind == sql::TableReference::Kind::kTable) {
    SLUICE_ASSIGN_OR_RETURN(right, PlanRead(join.right.name, join.right.location, join.right.alias, sink));
  } else {
    return Unsupported(join.right.location, "a window table function on the right of a join (put it "
                                            "in a view or subquery)");
  }
  for (const Relation* side : {&left, &right}) {
    if (side->updating) {
      return Unsupported(join.location, fmt::format("a join with the changing results of an "
                                                    "aggregation or ranking ('{}')",
                                                    side->label));
    }
    for (const auto& c : side->scope.columns()) {
      if (c.type.IsNested()) {
        return Unsupported(join.location, fmt::format("joining rows with the {} column '{}' (select "
                                                      "the fields you need in a view or subquery)",
                                                      c.type.ToString(), c.name));
      }
    }
    // Both sides keep every column they read.
    if (side->on_source) std::fill(side->entry->used.begin(), side->entry->used.end(), 1);
  }
  const sql::ParsedExpr* condition = join.condition ? join.condition.get() : select.where.get();
  if (!condition) {
    return source_.Error(join.location, "a join between two streams needs a condition with an "
                                        "equality between them, e.g. ON a.id = b.id");
  }
  const Scope left_scope = left.scope;
  const int left_width = static_cast<int>(left_scope.size());
  Scope merged = left_scope;
  for (const auto& c : right.scope.columns()) merged.Add(c);

  JoinSpec spec;
  std::vector<const sql::ParsedExpr*> terms;
  AndTerms(condition, terms);
  ExpressionBinder on_left(source_, left_scope, *registry_);
  ExpressionBinder on_right(source_, right.scope, *registry_);
  std::optional<int64_t> lower, upper;  // bounds on left time - right time
  std::vector<int> closing_columns;     // see Relation::closing_columns
  std::vector<std::pair<int, int>> key_columns;  // column references among the keys
  auto as_column = [](const ExpressionPtr& e) {
    const auto* ref = dynamic_cast<const ColumnReference*>(e.get());
    return ref ? ref->index() : -1;
  };
  for (const sql::ParsedExpr* term : terms) {
    if (term->kind == sql::ExprKind::kBinary && term->op == "=") {
      for (int order = 0; order < 2; ++order) {
        auto l = on_left.Bind(*term->children[order]);
        auto r = on_right.Bind(*term->children[1 - order]);
        if (!l.ok() || !r.ok()) continue;
        ExpressionPtr lk = *l, rk = *r;
        if (lk->type() != rk->type()) {
          auto common = CommonType(lk->type(), rk->type());
          if (!common) {
            return source_.Error(term->location, fmt::format("cannot compare {} with {}",
                                                             lk->type().ToString(), rk->type().ToString()));
          }
          lk = CastIfNeeded(lk, *common);
          rk = CastIfNeeded(rk, *common);
        }
        key_columns.emplace_back(as_column(*l), as_column(*r));
        spec.sides[0].keys.push_back(std::move(lk));
        spec.sides[1].keys.push_back(std::move(rk));
        break;
      }
      continue;
    }
    // Time bounds: L.t op R.t + c, either way round, or BETWEEN.
    auto bound = [&](const sql::ParsedExpr& a, const std::string& op, const sql::ParsedExpr& b) {
      auto ta = TimeTerm(a, merged), tb = TimeTerm(b, merged);
      if (!ta || !tb || left.rowtime < 0 || right.rowtime < 0) return;
      // An event time at most another time column: that column closes the joined rows.
      auto is_rowtime = [&](int c) { return c == left.rowtime || c == left_width + right.rowtime; };
      const bool less = op == "<" || op == "<=";
      const auto& [time, other] = less ? std::pair(*ta, *tb) : std::pair(*tb, *ta);
      if (is_rowtime(time.first) && !is_rowtime(other.first) && other.second - time.second <= 0 &&
          merged.columns()[static_cast<size_t>(other.first)].type.id() == TypeId::kTimestamp) {
        closing_columns.push_back(other.first);
      }
      const bool a_left = ta->first == left.rowtime && tb->first == left_width + right.rowtime;
      const bool a_right = ta->first == left_width + right.rowtime && tb->first == left.rowtime;
      if (!a_left && !a_right) return;
      if (a_left) {  // L + oa op R + ob  <=>  L - R op ob - oa
        (less ? upper : lower) = tb->second - ta->second;
      } else {       // R + oa op L + ob  <=>  L - R (reversed op) oa - ob
        (less ? lower : upper) = ta->second - tb->second;
      }
    };
    if (term->kind == sql::ExprKind::kBinary &&
        (term->op == "<" || term->op == "<=" || term->op == ">" || term->op == ">=")) {
      bound(*term->children[0], term->op, *term->children[1]);
    } else if (term->kind == sql::ExprKind::kBetween && !term->negated) {
      bound(*term->children[0], ">=", *term->children[1]);
      bound(*term->children[0], "<=", *term->children[2]);
    }
  }
  if (spec.sides[0].keys.empty()) {
    return source_.Error(condition->location,
                         "a join between two streams needs an equality between them (a.k = b.k); "
                         "joining every row with every row is not supported");
  }
  ExpressionBinder on_both(source_, merged, *registry_);
  SLUICE_ASSIGN_OR_RETURN(spec.condition, on_both.BindCondition(*condition, join.condition ? "ON" : "WHERE"));
  // How long rows are kept: a window join drops a window's rows once it closes; an interval
  // join drops rows no future row of the other side can be within the bounds of.
  bool window_join = false;
  for (const auto& [l, r] : key_columns) {
    if (l >= 0 && l == left.window_end && r >= 0 && r == right.window_end) window_join = true;
  }
  std::string kind = "regular join: rows are kept for ever";
  if (window_join) {
    spec.sides[0].expiry_column = left.window_end;
    spec.sides[1].expiry_column = right.window_end;
    spec.sides[0].expire_at_equal = spec.sides[1].expire_at_equal = true;
    kind = "window join";
  } else if (lower && upper) {
    if (*lower > *upper) {
      return source_.Error(condition->location, "the join's time bounds leave no interval: the lower "
                                                "bound is above the upper one");
    }
    spec.sides[0].expiry_column = left.rowtime;
    spec.sides[0].expiry_offset_us = -*lower;
    spec.sides[1].expiry_column = right.rowtime;
    spec.sides[1].expiry_offset_us = *upper;
    kind = fmt::format("interval join: left time - right time in [{} s, {} s]",
                       static_cast<double>(*lower) / 1e6, static_cast<double>(*upper) / 1e6);
  }
  spec.sides[0].schema = left_scope.ToSchema();
  spec.sides[1].schema = right.scope.ToSchema();
  spec.output_schema = merged.ToSchema();
  spec.text = fmt::format("{} ON {}", kind, condition->ToString());

  auto core = std::make_unique<JoinOperator>(std::move(spec));
  JoinOperator* core_raw = core.get();
  auto left_input = std::make_unique<JoinInputOperator>(0, core_raw);
  left_input->AddOutput(std::move(core));
  left.Append(std::move(left_input));
  left.tail = core_raw;
  right.Append(std::make_unique<JoinInputOperator>(1, core_raw));
  left.other_heads.emplace_back(right.entry, std::move(right.head));
  for (auto& other : right.other_heads) left.other_heads.push_back(std::move(other));
  left.scope = std::move(merged);
  left.on_source = false;
  left.source_rows = false;
  left.stateful = true;
  left.closing_columns = window_join ? std::vector<int>{} : std::move(closing_columns);
  if (window_join) left.rowtime = -1;
  return Status::OK();
}

Result<Relation> ScriptPlanner::PlanRead(const std::string& name, SourceLocation at,
                                         const std::string& alias, const SinkTraits& sink) {
  if (auto view = views_.find(Lower(name)); view != views_.end()) {
    if (view_depth_ > 16) {
      return source_.Error(at, fmt::format("view '{}' nests too deep (does it read itself?)", name));
    }
    ++view_depth_;
    auto inner = PlanSelect(*view->second->select, sink, std::nullopt);
    --view_depth_;
    if (!inner.ok()) return inner.status();
    SLUICE_ASSIGN_OR_RETURN(Relation rel, ProjectSubquery(std::move(*inner),
                                                          alias.empty() ? view->second->name : alias));
    rel.label = view->second->name;
    return rel;
  }
  Relation rel;
  SLUICE_ASSIGN_OR_RETURN(const TableDefinition* table, Lookup(name, at));
  SLUICE_ASSIGN_OR_RETURN(rel.entry, SourceFor(*table, at));
  rel.label = table->name;
  rel.rowtime = rel.entry->rowtime;
  std::string qualifier = alias.empty() ? table->name : alias;
  for (auto c : rel.entry->scope.columns()) {
    c.qualifier = qualifier;
    rel.scope.Add(std::move(c));
  }
  // First, the filter that skips rows an exactly-once sink already holds after a restart.
  auto resume_filter = std::make_unique<ResumeFilterOperator>();
  rel.resume = resume_filter.get();
  rel.Append(std::move(resume_filter));
  return rel;
}

Result<Relation> ScriptPlanner::ProjectSubquery(Relation inner, const std::string& alias) {
  Relation rel;
  rel.entry = inner.entry;
  rel.head = std::move(inner.head);
  rel.tail = inner.tail;
  rel.label = inner.label;
  rel.resume = inner.resume;
  rel.other_heads = std::move(inner.other_heads);
  rel.on_source = false;
  rel.source_rows = inner.source_rows;
  rel.stateful = inner.stateful;
  rel.updating = inner.updating;
  rel.changelog = inner.changelog;
  if (inner.retract_column >= 0) {
    // The marks of withdrawn rows go along, for an aggregation around this query.
    rel.retract_column = static_cast<int>(inner.outputs.size());
    inner.outputs.push_back(std::make_shared<ColumnReference>(inner.retract_column, "$retract",
                                                              DataType::Boolean()));
    inner.output_names.push_back("$retract");
  }
  Schema schema;
  for (size_t i = 0; i < inner.outputs.size(); ++i) {
    const ExpressionPtr& e = inner.outputs[i];
    if (const auto* ref = dynamic_cast<const ColumnReference*>(e.get())) {
      if (ref->index() == inner.rowtime) rel.rowtime = static_cast<int>(i);
      if (ref->index() == inner.window_end) rel.window_end = static_cast<int>(i);
    }
    schema.Add(Field{inner.output_names[i], e->type(), true});
    rel.scope.Add(ScopeColumn{alias, inner.output_names[i], e->type(), true});
  }
  rel.Append(std::make_unique<ProjectOperator>(std::move(inner.outputs), std::move(schema)));
  return rel;
}

Result<Relation> ScriptPlanner::PlanSelect(const sql::SelectStatement& select, const SinkTraits& sink,
                                           const std::optional<RankLimit>& rank_limit) {
  if (!select.from) return Unsupported(select.location, "a SELECT without FROM");
  const sql::TableReference& from = *select.from;
  if (!select.order_by.empty()) {
    return source_.Error(select.order_by[0].expression->location,
                         "ORDER BY on a stream is not supported: a stream never ends, so it is "
                         "never sorted; rank within windows instead, e.g. ROW_NUMBER() OVER "
                         "(PARTITION BY window_start, window_end ORDER BY ...) AS rownum, "
                         "filtered by rownum <= N in the enclosing query");
  }
  if (select.limit) return Unsupported(select.location, "LIMIT on a stream");
  if (select.distinct) return Unsupported(select.location, "SELECT DISTINCT");
  // A window table function: TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]) or
  // HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]).
  const sql::TableReference* window_tvf = nullptr;
  Relation rel;
  if (from.kind == sql::TableReference::Kind::kSubquery) {
    SLUICE_ASSIGN_OR_RETURN(Relation inner,
                            PlanSelect(*from.subquery, sink, FindRankLimit(select.where.get(), *from.subquery)));
    SLUICE_ASSIGN_OR_RETURN(rel, ProjectSubquery(std::move(inner), from.alias));
  } else {
    std::string table_name = from.name;
    SourceLocation table_location = from.location;
    if (from.kind == sql::TableReference::Kind::kFunction) {
      if (from.function_name != "tumble" && from.function_name != "hop" &&
          from.function_name != "session") {
        return Unsupported(from.location, fmt::format("the window function {}()", from.function_name));
      }
      if (from.arguments.empty() || from.arguments[0]->op != "TABLE") {
        return source_.Error(from.location,
                             fmt::format("{}() takes TABLE t first, e.g. {}(TABLE t, DESCRIPTOR(ts), "
                                         "INTERVAL '10' MINUTES)",
                                         from.function_name, Upper(from.function_name)));
      }
      window_tvf = &from;
      table_name = from.arguments[0]->parts[0];
      table_location = from.arguments[0]->location;
    } else if (from.kind != sql::TableReference::Kind::kTable) {
      return Unsupported(from.location, "reading FROM UNNEST alone");
    }
    SLUICE_ASSIGN_OR_RETURN(rel, PlanRead(table_name, table_location, from.alias, sink));
  }
  Scope& scope = rel.scope;
  SourceEntry* entry = rel.entry;
  auto append = [&rel](std::unique_ptr<Operator> op) { rel.Append(std::move(op)); };
  std::vector<int> used_columns;

  // Event-time windows: TUMBLE/HOP in FROM, or Spark's window() in GROUP BY. When the window's
  // time column is the source's WATERMARK column, windows close as the watermark passes them
  // and rows arriving behind the watermark are late.
  const sql::ParsedExpr* spark_window = nullptr;
  for (const auto& g : select.group_by) {
    if (g->kind != sql::ExprKind::kFunction || (g->name != "window" && g->name != "session_window")) {
      continue;
    }
    if (spark_window) return source_.Error(g->location, "only one window per GROUP BY");
    if (window_tvf) {
      return source_.Error(g->location, fmt::format("GROUP BY {}() over a window table function: use "
                                                    "one of the two",
                                                    g->name));
    }
    if (g->name == "session_window" && g->children.size() != 2) {
      return source_.Error(g->location, "session_window() takes (time, gap), e.g. "
                                        "session_window(ts, '5 minutes')");
    }
    if (g->children.size() < 2 || g->children.size() > 4) {
      return source_.Error(g->location, "window() takes (time, size[, slide[, start]]), e.g. "
                                        "window(ts, '10 minutes')");
    }
    spark_window = g.get();
  }
  if (rel.updating) {
    // The rows are another query's changing results: only filters, projections and (with
    // retractable aggregates) aggregations can follow them.
    const char* what = window_tvf || spark_window ? "windows over"
                       : !select.joins.empty()    ? "a join with"
                                                  : nullptr;
    for (const auto& item : select.items) {
      if (!what && item.expression->has_over) what = "a ranking over";
    }
    if (what) {
      return Unsupported(from.location, fmt::format("{} the changing results of an aggregation "
                                                    "or ranking ('{}')",
                                                    what, rel.label));
    }
  }
  const bool session = (window_tvf && window_tvf->function_name == "session") ||
                       (spark_window && spark_window->name == "session_window");
  int64_t session_gap_us = 0;
  const sql::ParsedExpr* window_time = nullptr;
  if (window_tvf) {
    const auto& args = window_tvf->arguments;
    size_t wanted = window_tvf->function_name == "hop" ? 4 : 3;
    size_t most = window_tvf->function_name == "session" ? 3 : wanted + 1;
    if (args.size() < wanted || args.size() > most) {
      return source_.Error(window_tvf->location,
                           window_tvf->function_name == "tumble"
                               ? "TUMBLE takes (TABLE t, DESCRIPTOR(time), size[, offset])"
                           : window_tvf->function_name == "hop"
                               ? "HOP takes (TABLE t, DESCRIPTOR(time), slide, size[, offset])"
                               : "SESSION takes (TABLE t [PARTITION BY key], DESCRIPTOR(time), gap)");
    }
    const sql::ParsedExpr& d = *args[1];
    if (d.kind != sql::ExprKind::kFunction || d.name != "descriptor" || d.children.size() != 1 ||
        d.children[0]->kind != sql::ExprKind::kColumn) {
      return source_.Error(d.location, "expected DESCRIPTOR(time_column) as the second argument");
    }
    window_time = d.children[0].get();
  } else if (spark_window) {
    window_time = spark_window->children[0].get();
  }
  bool event_time = false;
  if (window_time && rel.rowtime >= 0) {
    ExpressionBinder binder(source_, scope, *registry_);
    auto bound = binder.Bind(*window_time);
    const auto* ref = bound.ok() ? dynamic_cast<const ColumnReference*>(bound->get()) : nullptr;
    event_time = ref && ref->index() == rel.rowtime;
  }
  if (event_time && output_mode_ != OutputMode::kComplete) {
    const ScopeColumn& c = scope.columns()[static_cast<size_t>(rel.rowtime)];
    used_columns.push_back(rel.rowtime);
    // Late rows become dead letters while rows are still the source's records.
    auto filter = std::make_unique<LateRowFilterOperator>(
        std::make_shared<ColumnReference>(rel.rowtime, c.name, c.type),
        rel.source_rows ? entry->late_dead_letters : nullptr);
    append(std::move(filter));
  }
  // A duration argument: INTERVAL '10' MINUTE or '10 minutes'.
  auto duration = [&](const sql::ParsedExpr& e, std::string_view what) -> Result<int64_t> {
    Result<int64_t> micros = Status::Invalid("");
    if (e.kind == sql::ExprKind::kInterval) {
      micros = ParseIntervalMicros(e.text, e.name);
    } else if (e.kind == sql::ExprKind::kLiteral && !e.value.is_null() &&
               e.value.type().id() == TypeId::kString) {
      micros = ParseIntervalMicros(e.value.string(), "");
    } else {
      return source_.Error(e.location, fmt::format("the window {} must be an INTERVAL or a text such "
                                                   "as '10 minutes'",
                                                   what));
    }
    if (!micros.ok()) return source_.Error(e.location, micros.status().message());
    if (*micros <= 0 && what != "offset") {
      return source_.Error(e.location, fmt::format("the window {} must be positive", what));
    }
    return *micros;
  };
  // Adds window_start / window_end columns for `spec` over the time column `time_expr`.
  int window_end_column = -1;
  auto assign_windows = [&](const sql::ParsedExpr& time_expr, WindowSpec spec,
                            const std::string& window_qualifier, const std::string& prefix) -> Status {
    ExpressionBinder binder(source_, scope, *registry_);
    SLUICE_ASSIGN_OR_RETURN(spec.time, binder.Bind(time_expr));
    if (spec.time->type().id() != TypeId::kTimestamp) {
      return source_.Error(time_expr.location,
                           fmt::format("windows need a TIMESTAMP time column, but '{}' is {}",
                                       time_expr.ToString(), spec.time->type().ToString()));
    }
    if (spec.slide_us > spec.size_us) {
      return source_.Error(time_expr.location, "the window slide must not exceed its size");
    }
    spec.time->CollectColumns(used_columns);
    scope.Add(ScopeColumn{window_qualifier, prefix + "window_start", DataType::Timestamp(), false});
    window_end_column = static_cast<int>(scope.size());
    scope.Add(ScopeColumn{window_qualifier, prefix + "window_end", DataType::Timestamp(), false});
    if (spec.window_time) {
      scope.Add(ScopeColumn{window_qualifier, prefix + "window_time", DataType::Timestamp(), false});
    }
    append(std::make_unique<WindowAssignOperator>(std::move(spec)));
    rel.source_rows = false;
    if (event_time) rel.window_end = window_end_column;
    return Status::OK();
  };
  // Session windows have no bounds until rows arrive: the aggregation fills window_start and
  // window_end; until then they are placeholders.
  auto session_columns = [&](const sql::ParsedExpr& gap, const std::string& window_qualifier,
                             const std::string& prefix) -> Status {
    SLUICE_ASSIGN_OR_RETURN(session_gap_us, duration(gap, "gap"));
    std::vector<ExpressionPtr> pass;
    Schema out;
    PassThrough(scope, pass, out);
    for (const char* name : {"window_start", "window_end"}) {
      pass.push_back(std::make_shared<Literal>(Value::Null(DataType::Timestamp())));
      out.Add(Field{prefix + name, DataType::Timestamp(), true});
      scope.Add(ScopeColumn{window_qualifier, prefix + name, DataType::Timestamp(), true});
    }
    window_end_column = static_cast<int>(scope.size()) - 1;
    if (event_time) rel.window_end = window_end_column;
    append(std::make_unique<ProjectOperator>(std::move(pass), std::move(out)));
    return Status::OK();
  };
  if (window_tvf && session) {
    SLUICE_RETURN_NOT_OK(session_columns(*window_tvf->arguments[2],
                                         from.alias.empty() ? rel.label : from.alias, ""));
  } else if (window_tvf) {
    const auto& args = window_tvf->arguments;
    WindowSpec spec;
    spec.window_time = true;
    if (window_tvf->function_name == "tumble") {
      SLUICE_ASSIGN_OR_RETURN(spec.size_us, duration(*args[2], "size"));
      spec.slide_us = spec.size_us;
      if (args.size() > 3) {
        SLUICE_ASSIGN_OR_RETURN(spec.offset_us, duration(*args[3], "offset"));
      }
    } else {
      SLUICE_ASSIGN_OR_RETURN(spec.slide_us, duration(*args[2], "slide"));
      SLUICE_ASSIGN_OR_RETURN(spec.size_us, duration(*args[3], "size"));
      if (args.size() > 4) {
        SLUICE_ASSIGN_OR_RETURN(spec.offset_us, duration(*args[4], "offset"));
      }
    }
    SLUICE_RETURN_NOT_OK(assign_windows(*window_time, std::move(spec),
                                        from.alias.empty() ? rel.label : from.alias, ""));
  }
  // Unnests copy only the columns read after them: every bound expression records its inputs.
  struct PlannedUnnest {
    UnnestOperator* op;
    size_t input_width;
  };
  std::vector<PlannedUnnest> unnests;
  // Adds the unnesting of `list` to the chain: element columns join the scope.
  // `generator`: empty for Flink's UNNEST, which spreads a ROW element's fields into columns;
  // Spark's explode keeps it one column, posexplode adds the position first, inline spreads
  // the fields; `outer` keeps a row whose array is NULL or empty, with NULLs.
  auto unnest = [&](const sql::ParsedExpr& list_expr, const std::string& alias,
                    const std::vector<std::string>& column_names, SourceLocation at,
                    const std::string& generator = "", bool outer = false) -> Status {
    ExpressionBinder binder(source_, scope, *registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr list, binder.Bind(list_expr));
    if (list->type().id() != TypeId::kList) {
      return source_.Error(list_expr.location,
                           fmt::format("UNNEST expects an ARRAY or a MAP, but '{}' is {}", list_expr.ToString(),
                                       list->type().ToString()));
    }
    const size_t input_width = scope.size();
    const DataType& element = list->type().element();
    if (generator == "inline" && element.id() != TypeId::kStruct) {
      return source_.Error(list_expr.location,
                           fmt::format("inline() expects an ARRAY of ROWs, but '{}' is {}",
                                       list_expr.ToString(), list->type().ToString()));
    }
    UnnestShape shape;
    // explode of a MAP gives two columns, key and value, as Spark.
    shape.expand_struct = element.id() == TypeId::kStruct &&
                          (generator.empty() || generator == "inline" || list->type().IsMap());
    shape.position = generator == "posexplode";
    shape.outer = outer;
    const bool expand = shape.expand_struct;
    std::string element_qualifier = alias;
    std::vector<std::string> names = column_names;
    if (shape.position) {
      if (names.size() > 2) {
        return source_.Error(at, fmt::format("posexplode gives 2 columns (pos, col), but {} names are given",
                                             names.size()));
      }
      scope.Add(ScopeColumn{element_qualifier, names.size() == 2 ? names[0] : "pos", DataType::Int32(), true});
      if (names.size() == 2) names.erase(names.begin());
    }
    const std::vector<std::string>& column_names_left = names;
    if (expand) {
      const auto& fields = element.fields();
      if (!column_names_left.empty() && column_names_left.size() != fields.size()) {
        return source_.Error(at, fmt::format("UNNEST of {} gives {} columns, but {} names are given",
                                             element.ToString(), fields.size(), column_names_left.size()));
      }
      for (size_t f = 0; f < fields.size(); ++f) {
        scope.Add(ScopeColumn{element_qualifier,
                              column_names_left.empty() ? fields[f].name : column_names_left[f],
                              fields[f].type, true});
      }
    } else {
      if (column_names_left.size() > 1) {
        return source_.Error(at, fmt::format("UNNEST of {} gives 1 column, but {} names are given",
                                             element.ToString(), column_names_left.size()));
      }
      std::string name = !column_names_left.empty() ? column_names_left[0]
                         : !generator.empty() || alias.empty() ? "col"  // Spark's name
                                                               : alias;
      scope.Add(ScopeColumn{element_qualifier, name, element, true});
    }
    auto op = std::make_unique<UnnestOperator>(
        list, shape, fmt::format("Unnest {}{}", list->ToString(), alias.empty() ? "" : " AS " + alias));
    unnests.push_back({op.get(), input_width});
    rel.source_rows = false;
    list->CollectColumns(used_columns);
    append(std::move(op));
    return Status::OK();
  };

  for (const auto& join : select.joins) {
    if (join.right.kind != sql::TableReference::Kind::kUnnest) {
      SLUICE_RETURN_NOT_OK(PlanStreamJoin(select, join, sink, rel));
      continue;
    }
    if (join.kind != sql::JoinClause::Kind::kCross) {
      return Unsupported(join.location, "a join with UNNEST other than CROSS JOIN UNNEST");
    }
    if (join.right.arguments.size() != 1) {
      return Unsupported(join.right.location, "UNNEST of several arrays at once");
    }
    SLUICE_RETURN_NOT_OK(unnest(*join.right.arguments[0], join.right.alias,
                                join.right.column_aliases, join.right.location,
                                join.right.generator, join.right.outer));
  }

  if (select.where) {
    ExpressionBinder binder(source_, scope, *registry_);
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr predicate, binder.BindCondition(*select.where, "WHERE"));
    predicate->CollectColumns(used_columns);
    append(std::make_unique<FilterOperator>(std::move(predicate)));
  }

  if (spark_window && session) {
    SLUICE_RETURN_NOT_OK(session_columns(*spark_window->children[1], "", "$"));
  } else if (spark_window) {
    WindowSpec spec;
    const auto& args = spark_window->children;
    SLUICE_ASSIGN_OR_RETURN(spec.size_us, duration(*args[1], "size"));
    spec.slide_us = spec.size_us;
    if (args.size() > 2) {
      SLUICE_ASSIGN_OR_RETURN(spec.slide_us, duration(*args[2], "slide"));
    }
    if (args.size() > 3) {
      SLUICE_ASSIGN_OR_RETURN(spec.offset_us, duration(*args[3], "offset"));
    }
    SLUICE_RETURN_NOT_OK(assign_windows(*window_time, std::move(spec), "", "$"));
  }

  // GROUP BY and aggregates: the aggregation replaces the scope with its keys and results.
  const bool aggregating = !select.group_by.empty() || HasAggregates(select);
  std::map<std::string, int> substitutions;
  Scope grouped_input;
  if (aggregating) {
    std::vector<GroupKey> keys;
    int window_end_key = -1;
    int window_start_key = -1;
    for (const auto& g : select.group_by) {
      if (g.get() == spark_window) {
        for (int offset : {-1, 0}) {  // $window_start, $window_end
          const int index = window_end_column + offset;
          const ScopeColumn& c = scope.columns()[static_cast<size_t>(index)];
          if (offset == 0) window_end_key = static_cast<int>(keys.size());
          keys.push_back(GroupKey{std::make_shared<ColumnReference>(index, c.name, c.type), "", c});
        }
        continue;
      }
      const sql::ParsedExpr* written = g.get();
      // GROUP BY a SELECT alias, as Spark allows.
      if (g->kind == sql::ExprKind::kColumn && g->parts.size() == 1 &&
          scope.Find("", g->parts[0]).empty()) {
        for (const auto& item : select.items) {
          if (SameIdentifier(item.alias, g->parts[0])) written = item.expression.get();
        }
      }
      ExpressionBinder binder(source_, scope, *registry_);
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr bound, binder.Bind(*written));
      ScopeColumn column{"", written->ToString(), bound->type(), true};
      if (const auto* ref = dynamic_cast<const ColumnReference*>(bound.get())) {
        column = scope.columns()[static_cast<size_t>(ref->index())];
        if (window_tvf && ref->index() == window_end_column) window_end_key = static_cast<int>(keys.size());
        if (window_tvf && ref->index() == window_end_column - 1) {
          window_start_key = static_cast<int>(keys.size());
        }
      }
      GroupKey key{std::move(bound), written->ToString(), column};
      if (written != g.get()) {
        key.text = g->ToString();  // the alias; the SELECT item's own text is substituted too
        keys.push_back(key);
        substitutions.emplace(written->ToString(), static_cast<int>(keys.size()) - 1);
        continue;
      }
      keys.push_back(std::move(key));
    }
    // A key that bounds every row's event time (see Relation::closing_columns) closes its
    // groups as a window's end does; so does the window_end of windows assigned in a view or
    // subquery (TUMBLE inside, GROUP BY outside).
    bool closing_key = false;
    for (size_t k = 0; k < keys.size() && window_end_key < 0 && !window_tvf && !spark_window; ++k) {
      const auto* ref = dynamic_cast<const ColumnReference*>(keys[k].bound.get());
      if (ref && (ref->index() == rel.window_end ||
                  std::find(rel.closing_columns.begin(), rel.closing_columns.end(), ref->index()) !=
                      rel.closing_columns.end())) {
        window_end_key = static_cast<int>(k);
        closing_key = true;
      }
    }
    if (window_tvf && window_end_key < 0) {
      return source_.Error(select.group_by.empty() ? select.location : select.group_by[0]->location,
                           fmt::format("an aggregation over {}() groups by its windows: add "
                                       "GROUP BY window_start, window_end",
                                       Upper(window_tvf->function_name)));
    }
    const Scope grouped_input_scope = scope;
    for (const auto& item : select.items) {
      if (item.expression->kind == sql::ExprKind::kStar) {
        return source_.Error(item.expression->location,
                             "SELECT * in an aggregation: list the GROUP BY columns and aggregates");
      }
    }
    auto planned = PlanAggregation(source_, *registry_, select, scope, std::move(keys));
    if (!planned.ok()) {
      return planned.status().message().find(':') != std::string::npos &&
                     planned.status().message().find(source_.name()) == 0
                 ? planned.status()
                 : source_.Error(select.group_by.empty() ? select.location : select.group_by[0]->location,
                                 planned.status().message());
    }
    AggregationPlan plan = std::move(*planned);
    for (auto& [text, column] : substitutions) plan.substitutions.emplace(text, column);
    if (rel.updating) {
      // An aggregation of another's changing results: each change withdraws the old row and
      // adds the new one, so every aggregate has to be able to take a row back out.
      if (!rel.changelog) {
        return Unsupported(select.location, fmt::format("an aggregation over the changing results "
                                                        "of a Top-N ranking ('{}')",
                                                        rel.label));
      }
      for (const auto& call : plan.spec.aggregates) {
        if (!call.function.retractable) {
          return source_.Error(
              select.location,
              fmt::format("{} over the changing results of another aggregation ('{}') is not "
                          "supported: a changed result withdraws its old row, which {}() cannot "
                          "take back out (count, sum, avg, bool_and, bool_or and bit_xor can)",
                          call.text, rel.label, call.function.name));
        }
      }
      Status retracting = rel.changelog->EmitRetractions();
      if (!retracting.ok()) return source_.Error(select.location, retracting.message());
      plan.spec.retract_column = rel.retract_column;
    }
    used_columns.insert(used_columns.end(), plan.used_columns.begin(), plan.used_columns.end());

    // The output mode: asked for with SET 'output-mode', else the natural one for the query
    // and its sink.
    const bool closes_windows = (event_time || closing_key) && window_end_key >= 0;
    // Every input ends: the results are final at the end, where append mode emits them once.
    bool bounded = rel.entry != nullptr && rel.entry->bounded;
    for (const auto& [other, head] : rel.other_heads) bounded = bounded && other->bounded;
    OutputMode mode = output_mode_ ? *output_mode_
                      : closes_windows || (bounded && !sink.takes_updates) ? OutputMode::kAppend
                                                                            : OutputMode::kUpdate;
    SourceLocation at = sink.at;
    if (mode == OutputMode::kAppend && !closes_windows && !bounded) {
      return source_.Error(
          at, fmt::format("append output needs results that become final: {}; or SET "
                          "'output-mode' = 'update' (an upsert sink: a table with a PRIMARY KEY, "
                          "Kafka) or 'complete' (the console)",
                          window_time ? fmt::format("declare WATERMARK FOR {} on '{}' so its "
                                                    "windows close",
                                                    window_time->ToString(), rel.label)
                                      : "group by an event-time window (TUMBLE, HOP, "
                                        "window()) over a WATERMARK column"));
    }
    if (mode != OutputMode::kAppend && !sink.takes_updates) {
      return source_.Error(
          at, fmt::format("this aggregation's results change as rows arrive ({} mode), but {} "
                          "takes appended rows only: write to a table that upserts (PostgreSQL "
                          "or SQLite with a PRIMARY KEY), Kafka or the console, use event-time "
                          "windows with a WATERMARK for append mode, or read bounded input "
                          "('scan.bounded.mode' = 'latest-offset' or run --bounded) so the "
                          "results are appended once at its end",
                          OutputModeName(mode), sink.label));
    }
    plan.spec.mode = mode;
    const bool changing = mode != OutputMode::kAppend && !session;
    if (changing) {
      // Where rows withdrawn for an aggregation around this one are marked (see Relation).
      plan.spec.retract_output = true;
      plan.spec.output_schema.Add(Field{"$retract", DataType::Boolean(), false});
      plan.output_scope.Add(ScopeColumn{"", "$retract", DataType::Boolean(), false});
    }
    plan.spec.window_end_key = closes_windows || (window_end_key >= 0 && mode == OutputMode::kComplete)
                                   ? window_end_key
                                   : -1;
    plan.spec.trigger_interval_ms =
        trigger_interval_ms_ > 0 ? trigger_interval_ms_ : pipeline_options_.commit_interval_ms;
    plan.spec.memory_budget = state_memory_budget_;
    plan.spec.spill_dir = (std::filesystem::path(pipeline_options_.state_dir) / pipeline_name_ /
                           fmt::format("rocksdb-{}-{}", getpid(), ++spill_folders_))
                              .string();
    if (session) {
      if (!closes_windows || mode != OutputMode::kAppend) {
        return source_.Error(sink.at, "session windows emit each session once, when the "
                                      "watermark passes its end: they need a WATERMARK on their "
                                      "time column and append mode");
      }
      SessionSpec session_spec;
      ExpressionBinder binder(source_, grouped_input_scope, *registry_);
      SLUICE_ASSIGN_OR_RETURN(session_spec.time, binder.Bind(*window_time));
      session_spec.gap_us = session_gap_us;
      session_spec.window_end_key = window_end_key;
      session_spec.window_start_key = spark_window ? window_end_key - 1 : window_start_key;
      if (session_spec.window_start_key < 0) {
        return source_.Error(select.location, "a SESSION aggregation groups by window_start and "
                                              "window_end");
      }
      session_spec.aggregate = std::move(plan.spec);
      append(std::make_unique<SessionAggregateOperator>(std::move(session_spec)));
    } else {
      auto aggregate = std::make_unique<HashAggregateOperator>(std::move(plan.spec));
      rel.changelog = changing ? aggregate.get() : nullptr;
      append(std::move(aggregate));
    }
    grouped_input = scope;
    scope = std::move(plan.output_scope);
    rel.updating = changing;
    rel.retract_column = changing ? static_cast<int>(scope.size()) - 1 : -1;
    // Results are new rows: event time is now the closed windows' end, if any.
    rel.rowtime = -1;
    rel.window_end = closes_windows ? window_end_key : -1;
    rel.source_rows = false;
    rel.stateful = true;
    substitutions = std::move(plan.substitutions);
    if (spark_window) {
      // Spark's `window` column: a struct {start, end} built from the two window keys.
      std::vector<ExpressionPtr> pass;
      Schema out;
      PassThrough(scope, pass, out);
      int start = -1;
      for (size_t i = 0; i < scope.size(); ++i) {
        if (scope.columns()[i].name == "$window_start") start = static_cast<int>(i);
      }
      auto window = std::make_shared<MakeStruct>(
          std::vector<std::string>{"start", "end"},
          std::vector<ExpressionPtr>{
              std::make_shared<ColumnReference>(start, "window.start", DataType::Timestamp()),
              std::make_shared<ColumnReference>(start + 1, "window.end", DataType::Timestamp())});
      out.Add(Field{spark_window->name, window->type(), true});
      substitutions.emplace(spark_window->ToString(), static_cast<int>(scope.size()));
      scope.Add(ScopeColumn{"", spark_window->name, window->type(), true});
      pass.push_back(std::move(window));
      append(std::make_unique<ProjectOperator>(std::move(pass), std::move(out)));
    }
    if (select.having) {
      ExpressionBinder binder(source_, scope, *registry_);
      binder.SetGroupedContext(&substitutions, &grouped_input);
      std::map<std::string, const sql::ParsedExpr*> aliases;
      for (const auto& item : select.items) {
        if (!item.alias.empty()) aliases.emplace(item.alias, item.expression.get());
      }
      binder.SetAliases(&aliases);
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr predicate, binder.BindCondition(*select.having, "HAVING"));
      append(std::make_unique<FilterOperator>(std::move(predicate)));
    }
  } else if (select.having) {
    return source_.Error(select.having->location, "HAVING needs GROUP BY or an aggregate");
  }

  // ROW_NUMBER() / RANK() / DENSE_RANK() OVER (...) limited by the enclosing query: Top-N per
  // event-time window, or deduplication (the first row per key).
  const sql::SelectItem* rank_item = nullptr;
  int rank_column = -1;  // `*` leaves it out: the ranking item names it
  std::map<std::string, int> rank_substitutions;
  for (const auto& item : select.items) {
    const sql::ParsedExpr& e = *item.expression;
    if (e.kind != sql::ExprKind::kFunction || !e.has_over) continue;
    if (IsAggregateName(e.name)) continue;  // an OVER aggregate: planned below
    if (e.name != "row_number" && e.name != "rank" && e.name != "dense_rank") {
      return source_.Error(e.location, fmt::format("{}() OVER (...) is not supported: OVER takes "
                                                   "the ranking functions ROW_NUMBER, RANK and "
                                                   "DENSE_RANK, for Top-N and deduplication, and "
                                                   "count, sum, avg, min and max",
                                                   e.name));
    }
    if (rank_item) return source_.Error(e.location, "only one ranking function per SELECT");
    rank_item = &item;
  }
  if (rank_item) {
    const sql::ParsedExpr& e = *rank_item->expression;
    const std::string example = fmt::format(
        "SELECT * FROM (SELECT ..., {}() OVER (...) AS rownum FROM ...) WHERE rownum <= 3", e.name);
    if (aggregating) {
      return source_.Error(e.location, "rank in a query around the aggregation, not in the same "
                                       "SELECT: " + example);
    }
    if (!rank_limit || !SameIdentifier(rank_limit->column, rank_item->alias)) {
      return source_.Error(e.location, fmt::format("{}() OVER needs an alias and a limit on it in "
                                                   "the enclosing query, e.g. {}",
                                                   e.name, example));
    }
    if (!e.children.empty()) return source_.Error(e.location, fmt::format("{}() takes no arguments", e.name));
    if (e.over_order_by.empty()) {
      return source_.Error(e.location, fmt::format("{}() needs ORDER BY inside OVER (...)", e.name));
    }
    if (rank_limit->limit < 1) {
      return source_.Error(e.location, "the rank limit must be at least 1");
    }
    for (const auto& c : scope.columns()) {
      if (c.type.IsNested()) {
        return Unsupported(e.location, fmt::format("ranking rows with the {} column '{}' (select the "
                                                   "fields you need in the subquery)",
                                                   c.type.ToString(), c.name));
      }
    }
    RankSpec spec;
    spec.function = e.name == "row_number" ? RankFunction::kRowNumber
                    : e.name == "rank"     ? RankFunction::kRank
                                           : RankFunction::kDenseRank;
    spec.limit = rank_limit->limit;
    spec.text = e.ToString();
    ExpressionBinder binder(source_, scope, *registry_);
    for (const auto& p : e.partition_by) {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr key, binder.Bind(*p));
      if (const auto* ref = dynamic_cast<const ColumnReference*>(key.get());
          ref && rel.window_end >= 0 && ref->index() == rel.window_end) {
        spec.window_end_key = static_cast<int>(spec.partition_keys.size());
      }
      key->CollectColumns(used_columns);
      spec.partition_keys.push_back(std::move(key));
    }
    for (size_t i = 0; i < e.over_order_by.size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr key, binder.Bind(*e.over_order_by[i]));
      if (key->type().IsNested()) {
        return source_.Error(e.over_order_by[i]->location, "cannot order by a ROW or ARRAY");
      }
      key->CollectColumns(used_columns);
      spec.order_keys.push_back(std::move(key));
      spec.descending.push_back(e.over_descending[i]);
    }
    const auto* order_ref = dynamic_cast<const ColumnReference*>(spec.order_keys[0].get());
    spec.deduplicate = spec.window_end_key < 0 && spec.function == RankFunction::kRowNumber &&
                       spec.limit == 1 && spec.order_keys.size() == 1 && !spec.descending[0] &&
                       order_ref && rel.rowtime >= 0 && order_ref->index() == rel.rowtime;
    bool bounded_input = rel.entry != nullptr && rel.entry->bounded;
    for (const auto& [other, head] : rel.other_heads) bounded_input = bounded_input && other->bounded;
    if (spec.window_end_key < 0 && !spec.deduplicate && bounded_input && !sink.takes_updates &&
        spec.function == RankFunction::kRowNumber) {
      // Top-N over input that ends, into an append-only table: the ranks are final at the end,
      // where they are emitted once.
    } else if (spec.window_end_key < 0 && !spec.deduplicate) {
      // Top-N over a whole stream: its ranks change for ever, so it emits updates.
      if (spec.function != RankFunction::kRowNumber) {
        return Unsupported(e.location,
                           fmt::format("{}() over a whole stream (ties would make the number of "
                                       "rows per partition change); use ROW_NUMBER(), or rank "
                                       "within event-time windows (PARTITION BY window_start, "
                                       "window_end)",
                                       e.name));
      }
      if (!sink.takes_updates) {
        return source_.Error(
            sink.at, fmt::format("a Top-N over a whole stream changes as rows arrive (update "
                                 "mode), but {} takes appended rows only: write to a table that "
                                 "upserts by the partition keys and the rank, Kafka or the "
                                 "console, or rank within event-time windows",
                                 sink.label));
      }
      spec.updating = true;
      rel.updating = true;
      rel.changelog = nullptr;
      rel.retract_column = -1;
      spec.trigger_interval_ms =
          trigger_interval_ms_ > 0 ? trigger_interval_ms_ : pipeline_options_.commit_interval_ms;
    }
    // Spark's dropDuplicatesWithinWatermark: a key is remembered until the watermark passes
    // its time plus the watermark's delay.
    if (spec.deduplicate) spec.retention_us = entry->watermark_delay_us;
    for (const auto& c : scope.columns()) spec.output_schema.Add(Field{c.name, c.type, true});
    spec.output_schema.Add(Field{rank_item->alias, DataType::Int64(), false});
    // A window's ranking comes out as new rows; deduplication passes the source's rows on.
    if (spec.window_end_key >= 0) rel.source_rows = false;
    append(std::make_unique<RankOperator>(std::move(spec)));
    rank_column = static_cast<int>(scope.size());
    rank_substitutions.emplace(e.ToString(), rank_column);
    scope.Add(ScopeColumn{"", rank_item->alias, DataType::Int64(), false});
    rel.stateful = true;
  }

  // count / sum / avg / min / max OVER (PARTITION BY ... ORDER BY t ROWS BETWEEN n PRECEDING
  // AND CURRENT ROW): over each row's partition's last rows, in the order of t.
  std::vector<const sql::SelectItem*> over_items;
  for (const auto& item : select.items) {
    const sql::ParsedExpr& e = *item.expression;
    if (e.kind == sql::ExprKind::kFunction && e.has_over && IsAggregateName(e.name)) {
      over_items.push_back(&item);
    }
  }
  if (!over_items.empty()) {
    const sql::ParsedExpr& first = *over_items[0]->expression;
    if (aggregating || rank_item) {
      return source_.Error(first.location, "an OVER aggregate goes in a query around the "
                                           "aggregation or ranking, not in the same SELECT");
    }
    auto window_of = [](const sql::ParsedExpr& e) {
      std::string text = e.ToString();
      return text.substr(text.find(" OVER ("));
    };
    for (const auto* item : over_items) {
      if (window_of(*item->expression) != window_of(first)) {
        return Unsupported(item->expression->location,
                           "OVER aggregates with different windows in one SELECT");
      }
    }
    ExpressionBinder binder(source_, scope, *registry_);
    OverAggregateSpec spec;
    spec.preceding = first.has_rows_frame ? first.rows_preceding : -1;
    if (spec.preceding > 100000) {
      return source_.Error(first.location, "at most 100000 PRECEDING rows in an OVER frame");
    }
    const ColumnReference* order = nullptr;
    if (first.over_order_by.size() == 1 && !first.over_descending[0]) {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr key, binder.Bind(*first.over_order_by[0]));
      order = dynamic_cast<const ColumnReference*>(key.get());
      if (order && order->index() != rel.window_end) order = nullptr;
    }
    if (!order) {
      return source_.Error(
          first.location,
          "an OVER aggregate orders by the end of windows (or groups) the watermark closes, "
          "ascending: their rows arrive in that order, e.g. ORDER BY window_end over the "
          "results of a windowed aggregation");
    }
    for (const auto& p : first.partition_by) {
      SLUICE_ASSIGN_OR_RETURN(ExpressionPtr key, binder.Bind(*p));
      if (key->type().IsNested()) return source_.Error(p->location, "cannot partition by a ROW or ARRAY");
      key->CollectColumns(used_columns);
      spec.partition_keys.push_back(std::move(key));
    }
    for (const auto& c : scope.columns()) spec.output_schema.Add(Field{c.name, c.type, true});
    for (const auto* item : over_items) {
      const sql::ParsedExpr& e = *item->expression;
      OverCall call;
      call.text = e.ToString();
      const bool star = e.children.size() == 1 && e.children[0]->kind == sql::ExprKind::kStar;
      if (e.distinct || (e.children.size() != 1 && !(e.name == "count" && star))) {
        return source_.Error(e.location, fmt::format("{}() OVER (...) takes one argument", e.name));
      }
      if (!star) {
        SLUICE_ASSIGN_OR_RETURN(call.argument, binder.Bind(*e.children[0]));
        call.argument->CollectColumns(used_columns);
        const TypeId t = call.argument->type().id();
        if (t != TypeId::kInt64 && t != TypeId::kInt32 && t != TypeId::kFloat64) {
          return source_.Error(e.children[0]->location,
                               fmt::format("{}() OVER (...) takes INT, BIGINT or DOUBLE, not {} "
                                           "(CAST it)",
                                           e.name, call.argument->type().ToString()));
        }
      } else if (e.name != "count") {
        return source_.Error(e.location, fmt::format("{}(*) is not a function", e.name));
      }
      const DataType input = call.argument ? call.argument->type() : DataType::Int64();
      if (e.name == "count") {
        call.function = OverCall::Function::kCount;
        call.result_type = DataType::Int64();
      } else if (e.name == "sum") {
        call.function = OverCall::Function::kSum;
        call.result_type = input.id() == TypeId::kInt32 ? DataType::Int64() : input;
      } else if (e.name == "avg" || e.name == "mean") {
        call.function = OverCall::Function::kAvg;
        call.result_type = DataType::Float64();
      } else if (e.name == "min" || e.name == "max") {
        call.function = e.name == "min" ? OverCall::Function::kMin : OverCall::Function::kMax;
        call.result_type = input;
      } else {
        return Unsupported(e.location, fmt::format("{}() OVER (...)", e.name));
      }
      const std::string name = item->alias.empty() ? call.text : item->alias;
      spec.output_schema.Add(Field{name, call.result_type, true});
      rank_substitutions.emplace(e.ToString(), static_cast<int>(scope.size()));
      scope.Add(ScopeColumn{"", name, call.result_type, true});
      spec.calls.push_back(std::move(call));
    }
    append(std::make_unique<OverAggregateOperator>(std::move(spec)));
    rel.source_rows = false;
    rel.stateful = true;
  }

  // Spark's generators as a SELECT item (explode, posexplode, inline and their _outer forms):
  // unnest after the filter, then read the columns they add.
  int explode_column = -1;   // the first column the generator added
  int explode_columns = 0;
  const sql::SelectItem* explode_item = nullptr;
  for (const auto& item : select.items) {
    const sql::ParsedExpr& e = *item.expression;
    if (e.kind != sql::ExprKind::kFunction) continue;
    std::string generator = e.name;
    const bool outer = generator.ends_with("_outer");
    if (outer) generator.resize(generator.size() - 6);
    if (generator != "explode" && generator != "posexplode" && generator != "inline") continue;
    if (explode_item) {
      return source_.Error(e.location, "only one generator (explode, posexplode, inline) per SELECT is supported");
    }
    if (e.children.size() != 1) return source_.Error(e.location, fmt::format("{}(array) takes 1 argument", e.name));
    explode_item = &item;
    const size_t before = scope.size();
    std::vector<std::string> names;
    if (!item.alias.empty()) names.push_back(item.alias);
    SLUICE_RETURN_NOT_OK(unnest(*e.children[0], "", names, e.location, generator, outer));
    explode_column = static_cast<int>(before);
    explode_columns = static_cast<int>(scope.size() - before);
  }

  if (aggregating && explode_item) {
    return source_.Error(explode_item->location,
                         "a generator (explode, posexplode, inline) in an aggregating SELECT is not "
                         "supported: explode in a view or LATERAL VIEW, and aggregate over it");
  }
  // The SELECT list, `*` expanded.
  ExpressionBinder binder(source_, scope, *registry_);
  if (aggregating) binder.SetGroupedContext(&substitutions, &grouped_input);
  if (rank_item || !over_items.empty()) binder.SetGroupedContext(&rank_substitutions, nullptr);
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
        if (static_cast<int>(i) == rank_column) continue;
        if (c.name.starts_with('$')) continue;  // planner-internal ($retract, $window_end)
        expressions.push_back(std::make_shared<ColumnReference>(static_cast<int>(i), c.name, c.type));
        names.push_back(c.name);
        locations.push_back(e.location);
      }
      continue;
    }
    if (&item == explode_item) {
      for (int k = 0; k < explode_columns; ++k) {
        const ScopeColumn& c = scope.columns()[static_cast<size_t>(explode_column + k)];
        expressions.push_back(std::make_shared<ColumnReference>(explode_column + k, c.name, c.type));
        names.push_back(c.name);
        locations.push_back(e.location);
      }
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(ExpressionPtr bound, binder.Bind(e));
    expressions.push_back(std::move(bound));
    names.push_back(ItemName(item));
    locations.push_back(e.location);
  }

  if (!aggregating) {
    for (const auto& e : expressions) e->CollectColumns(used_columns);
  }
  used_columns.insert(used_columns.end(), rel.lookup_used.begin(), rel.lookup_used.end());
  if (rel.on_source) {
    for (int c : used_columns) {
      if (c >= 0 && static_cast<size_t>(c) < entry->used.size()) entry->used[static_cast<size_t>(c)] = 1;
    }
  }
  for (const auto& planned : unnests) {
    std::vector<bool> needed(planned.input_width, false);
    for (int c : used_columns) {
      if (c >= 0 && static_cast<size_t>(c) < needed.size()) needed[static_cast<size_t>(c)] = true;
    }
    planned.op->KeepOnly(std::move(needed));
  }
  rel.outputs = std::move(expressions);
  rel.output_names = std::move(names);
  rel.output_locations = std::move(locations);
  rel.stateful = rel.stateful || aggregating;
  return rel;
}

Status ScriptPlanner::PlanQuery(const sql::SelectStatement& select, const sql::InsertInto* insert) {
  ++queries_;
  SinkTraits traits;
  const TableDefinition* target = nullptr;
  std::unique_ptr<Sink> sink;
  SinkOperator* shared = nullptr;  // another INSERT into the same table made its sink
  if (insert) {
    SLUICE_ASSIGN_OR_RETURN(target, Lookup(insert->table, insert->location));
    if (auto it = sink_by_table_.find(Lower(target->name)); it != sink_by_table_.end()) {
      shared = it->second;
    } else {
      ConnectorOptions sink_options = target->connector_options;
      sink_options.set_pipeline_name(pipeline_name_);
      sink_options.set_startup_timeout_ms(startup_timeout_ms_);
      auto made = options_.registry->MakeSink(target->connector, sink_options, target->write_schema);
      if (!made.ok()) {
        return source_.Error(
            ConnectorErrorLocation(source_, *target, made.status().message()).value_or(insert->location),
            made.status().message());
      }
      sink = std::move(*made);
    }
    traits.label = fmt::format("'{}'", target->name);
    traits.takes_updates = shared ? shared->sink().accepts_updates() : sink->accepts_updates();
    traits.at = insert->location;
  } else {
    traits.at = select.location;
  }
  SLUICE_ASSIGN_OR_RETURN(Relation rel, PlanSelect(select, traits, std::nullopt));
  std::vector<ExpressionPtr> expressions = std::move(rel.outputs);
  std::vector<std::string> names = std::move(rel.output_names);
  std::vector<SourceLocation> locations = std::move(rel.output_locations);
  const bool aggregating = rel.stateful;
  SourceEntry* entry = rel.entry;
  ResumeFilterOperator* resume = rel.resume;
  auto append = [&rel](std::unique_ptr<Operator> op) { rel.Append(std::move(op)); };
  Schema sink_schema;
  std::string sink_name;
  std::vector<SinkOperator::InsertCast> insert_casts;
  if (insert) {
    std::string key = Lower(target->name);
    if (!shared && written_tables_.count(key)) {
      return source_.Error(insert->location,
                           fmt::format("table '{}' holds the dead letters of a source table; "
                                       "INSERT into another table",
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
      if (ImplicitCastMayNotFit(e->type(), field.type)) {
        // Converted by the sink operator, which rejects a value that does not fit.
        insert_casts.push_back({i, field.type});
        ordered.push_back(std::move(e));
        continue;
      }
      ordered.push_back(CastIfNeeded(std::move(e), field.type));
    }
    expressions = std::move(ordered);
    sink_schema = target_schema;
    sink_name = target->name;
    const Sink& target_sink = shared ? shared->sink() : *sink;
    if (aggregating && target_sink.exactly_once()) {
      // Its commits and the state snapshots pair up one to one; two such sinks could commit a
      // checkpoint one without the other.
      stateful_exactly_once_sinks_seen_.insert(&target_sink);
      if (stateful_exactly_once_sinks_seen_.size() > 1) {
        return source_.Error(
            insert->location,
            fmt::format("INSERT INTO {}: only one exactly-once sink per pipeline may follow "
                        "stateful queries (aggregations, windows, joins); make the others "
                        "'sink.delivery-guarantee' = 'at-least-once' or run them as another "
                        "pipeline",
                        target->name));
      }
    }
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

  std::vector<Field> projected_fields = sink_schema.fields();
  for (const auto& cast : insert_casts) {
    projected_fields[cast.column].type = expressions[cast.column]->type();
  }
  Schema projected(std::move(projected_fields));
  append(std::make_unique<ProjectOperator>(std::move(expressions), projected));
  auto sink_operator = shared ? std::make_unique<SinkOperator>(sink_name, *shared)
                              : std::make_unique<SinkOperator>(sink_name, std::move(sink));
  if (insert && !shared) sink_by_table_[Lower(target->name)] = sink_operator.get();
  sink_operator->set_insert_casts(std::move(insert_casts), sink_schema);
  const SourceTask& task = tasks_[entry->task_index];
  RejectPolicy reject;
  reject.policy = task.errors;
  reject.dead_letters = task.dead_letters;
  reject.source_table = task.table_name;
  reject.rows_are_records = rel.source_rows;
  reject.sink_key = pipeline_name_ + "/" + sink_name;
  sink_operator->set_reject_policy(std::move(reject));
  sink_operator->set_resume_filter(resume);
  sinks_.push_back(sink_operator.get());
  append(std::move(sink_operator));
  std::map<std::string, int, std::less<>>& kinds = state_kinds_by_sink_[sink_name];
  AssignStateIds(*rel.head, sink_name, kinds);
  for (auto& [other_entry, other_head] : rel.other_heads) AssignStateIds(*other_head, sink_name, kinds);
  entry->attach->AddOutput(std::move(rel.head));
  for (auto& [other_entry, other_head] : rel.other_heads) other_entry->attach->AddOutput(std::move(other_head));
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
  constexpr size_t kMaxErrors = sql::kMaxScriptErrors;
  pipeline_name_ = std::filesystem::path(source_.name()).stem().string();
  // Every statement is planned even after one fails, so one pass reports the file's errors
  // (up to kMaxErrors); an error caused by an earlier one (a table whose CREATE failed) is not
  // repeated.
  std::vector<Status> errors;
  std::vector<std::string> failed_tables;
  auto note = [&](Status s) {
    if (s.ok()) return;
    for (const auto& name : failed_tables) {
      if (s.message().find("unknown table '" + name + "'") != std::string::npos) return;
    }
    errors.push_back(std::move(s));
  };
  for (const auto& statement : script.statements) {
    if (statement.kind == sql::Statement::Kind::kSet) {
      note(ApplySetting(statement.set->key, statement.set->value, statement.set->location, false));
    }
  }
  // The command line's --set wins over the script, so one file runs in several environments.
  for (const auto& [key, value] : options_.settings) {
    note(ApplySetting(key, value, {}, true));
  }
  for (const auto& statement : script.statements) {
    Status s;
    if (statement.kind == sql::Statement::Kind::kCreateTable) {
      s = Define(*statement.create_table);
      if (!s.ok()) failed_tables.push_back(statement.create_table->name);
    } else if (statement.kind == sql::Statement::Kind::kCreateView) {
      s = DefineView(*statement.create_view);
      if (!s.ok()) failed_tables.push_back(statement.create_view->name);
    }
    note(std::move(s));
  }
  for (const auto& statement : script.statements) {
    if (errors.size() >= kMaxErrors) break;
    if (statement.kind == sql::Statement::Kind::kInsert) {
      Status s = PlanQuery(*statement.insert->select, statement.insert.get());
      for (const auto& branch : statement.insert->union_all) {
        if (s.ok()) s = PlanQuery(*branch, statement.insert.get());
      }
      note(std::move(s));
    } else if (statement.kind == sql::Statement::Kind::kSelect) {
      note(PlanQuery(*statement.select, nullptr));
    }
  }
  if (errors.size() == 1) return errors.front();
  if (!errors.empty()) {
    std::string all;
    for (size_t i = 0; i < errors.size() && i < kMaxErrors; ++i) {
      all += (i ? "\n" : "") + errors[i].message();
    }
    if (errors.size() > kMaxErrors) all += fmt::format("\n(and {} more)", errors.size() - kMaxErrors);
    return Status(errors.front().code(), all);
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
    // What no INSERT owns (a source's watermark) is the source's.
    std::map<std::string, int, std::less<>> kinds;
    AssignStateIds(*task.root, task.table_name, kinds);
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
