#include "connector/print/print_sink.h"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "format/value_text.h"

namespace sluice {
namespace {

constexpr size_t kTruncateAt = 20;  // Spark's show() default
constexpr size_t kMinColumnWidth = 3;

// Characters (code points) of UTF-8 text, which is what the table aligns on.
size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Byte offset of the `chars`-th code point.
size_t ByteOffsetOfChar(std::string_view s, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == chars) return i;
      ++seen;
    }
  }
  return s.size();
}

void Truncate(std::string& cell) {
  if (CharCount(cell) <= kTruncateAt) return;
  cell.resize(ByteOffsetOfChar(cell, kTruncateAt - 3));
  cell += "...";
}

}  // namespace

Result<std::unique_ptr<Sink>> PrintSink::Make(const ConnectorOptions& options,
                                              const Schema& schema, std::ostream* out) {
  SLUICE_RETURN_NOT_OK(options.CheckKnown(
      "print", {"format", "print-identifier", "truncate", "numRows", "path", "standard-error",
                "json.ignore-null-fields", "json.timestamp-format.standard"}));
  std::unique_ptr<PrintSink> s(new PrintSink());
  s->schema_ = schema;
  s->capabilities_.accepts_updates = true;
  s->table_ = options.table_name();
  // (A Result rather than SLUICE_ASSIGN_OR_RETURN: GCC 12 reports a false maybe-uninitialized.)
  Result<std::string> format = options.GetEnum("format", "table", {"table", "json"});
  if (!format.ok()) return format.status();
  s->json_ = *format == "json";
  if (options.Has("print-identifier")) {
    s->identifier_prefix_ = options.GetString("print-identifier", "") + "> ";
  }
  SLUICE_ASSIGN_OR_RETURN(s->truncate_, options.GetBool("truncate", true));
  SLUICE_ASSIGN_OR_RETURN(s->num_rows_, options.GetInt("numRows", 20));
  if (s->num_rows_ < 1) {
    return Status::Invalid("table '{}': option 'numRows' must be at least 1, found {}", s->table_,
                           s->num_rows_);
  }
  s->path_ = options.GetString("path", "");
  SLUICE_ASSIGN_OR_RETURN(s->standard_error_, options.GetBool("standard-error", false));

  JsonEncodeOptions json;
  SLUICE_ASSIGN_OR_RETURN(json.omit_null_fields, options.GetBool("json.ignore-null-fields", false));
  SLUICE_ASSIGN_OR_RETURN(
      std::string standard,
      options.GetEnum("json.timestamp-format.standard", "ISO-8601", {"ISO-8601", "SQL"}));
  json.timestamp_format =
      standard == "SQL" ? JsonTimestampFormat::kSql : JsonTimestampFormat::kIso8601;
  s->encoder_ = std::make_unique<JsonEncoder>(schema, json);
  s->out_ = out;
  return std::unique_ptr<Sink>(std::move(s));
}

Status PrintSink::Open() {
  if (out_ != nullptr) return Status::OK();
  if (!path_.empty()) {
    file_.open(path_, std::ios::out | std::ios::app | std::ios::binary);
    if (!file_) return Status::IOError("table '{}': cannot open '{}' for writing", table_, path_);
    out_ = &file_;
  } else {
    out_ = standard_error_ ? &std::cerr : &std::cout;
  }
  return Status::OK();
}

void PrintSink::AppendLine(std::string_view line, std::string& text) const {
  text += identifier_prefix_;
  text += line;
  text.push_back('\n');
}

Status PrintSink::Write(const Batch& batch, const RecordPositions* /*positions*/) {
  if (out_ == nullptr) {
    return Status::Internal("table '{}': print sink written before Open", table_);
  }
  const size_t live = batch.num_live_rows();
  const SelectionVector& selection = batch.selection();
  for (size_t i = 0; i < live; ++i) {
    const size_t row = selection[i];
    if (json_) {
      line_.clear();
      encoder_->AppendRow(batch, row, line_);
      AppendLine(line_, pending_);
    } else if (batch_rows_ < static_cast<uint64_t>(num_rows_)) {
      // Only the rows that will be shown are kept, so a big batch costs no memory.
      std::vector<std::string> cells(batch.num_columns());
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        AppendValueText(batch.column(c), row, cells[c], "NULL");
        if (truncate_) Truncate(cells[c]);
      }
      rows_.push_back(std::move(cells));
    }
    ++batch_rows_;
  }
  CountWritten(live);
  return Status::OK();
}

void PrintSink::RenderTable(std::string& text) const {
  const size_t columns = schema_.size();
  std::vector<std::string> header(columns);
  std::vector<size_t> width(columns, kMinColumnWidth);
  for (size_t c = 0; c < columns; ++c) {
    header[c] = schema_.field(c).name;
    if (truncate_) Truncate(header[c]);
    width[c] = std::max(width[c], CharCount(header[c]));
    for (const auto& cells : rows_) width[c] = std::max(width[c], CharCount(cells[c]));
  }
  std::string line = "+";
  for (size_t c = 0; c < columns; ++c) line += std::string(width[c], '-') + "+";
  const std::string separator = line;

  // Right-aligned when truncating, left-aligned otherwise (Spark's leftPad / rightPad).
  auto render_row = [&](const std::vector<std::string>& cells) {
    line = "|";
    for (size_t c = 0; c < columns; ++c) {
      const std::string pad(width[c] - CharCount(cells[c]), ' ');
      line += truncate_ ? pad + cells[c] : cells[c] + pad;
      line += "|";
    }
    AppendLine(line, text);
  };
  AppendLine(separator, text);
  render_row(header);
  AppendLine(separator, text);
  for (const auto& cells : rows_) render_row(cells);
  AppendLine(separator, text);
  if (batch_rows_ > static_cast<uint64_t>(num_rows_)) {
    AppendLine(fmt::format("only showing top {} {}", num_rows_, num_rows_ == 1 ? "row" : "rows"),
               text);
  }
  AppendLine("", text);
}

Status PrintSink::CommitEpoch(uint64_t /*epoch*/, const SourceOffsets& /*positions*/) {
  if (batch_rows_ == 0) return Status::OK();
  std::string text;
  if (json_) {
    text.swap(pending_);
  } else {
    const std::string rule(43, '-');
    AppendLine(rule, text);
    AppendLine(fmt::format("Batch: {}", batch_number_), text);
    AppendLine(rule, text);
    RenderTable(text);
  }
  ++batch_number_;
  rows_.clear();
  batch_rows_ = 0;
  pending_.clear();
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  out_->flush();
  if (!*out_) return Status::IOError("table '{}': writing the print output failed", table_);
  return Status::OK();
}

Status PrintSink::Close() {
  if (file_.is_open()) file_.close();
  return Status::OK();
}

std::string PrintSink::Describe() const {
  return fmt::format("print(format={}{})", json_ ? "json" : "table",
                     path_.empty() ? "" : ", path=" + path_);
}

}  // namespace sluice
