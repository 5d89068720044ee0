#include "exec/record_decoder.h"

#include <fmt/format.h>

#include "types/timestamp.h"
#include "vector/take.h"

namespace sluice {

Result<DataType> MetadataType(const std::string& key) {
  if (key == "timestamp") return DataType::Timestamp();
  if (key == "partition") return DataType::Int32();
  if (key == "offset") return DataType::Int64();
  if (key == "topic" || key == "key" || key == "headers") return DataType::String();
  return Status::Invalid(
      "unknown metadata key '{}': expected one of 'timestamp', 'partition', 'offset', 'topic', "
      "'key', 'headers' (STRING, or MAP<STRING, STRING> / MAP<STRING, BYTES>)",
      key);
}

Status CheckMetadataColumn(const std::string& column, const std::string& key, const DataType& declared) {
  SLUICE_ASSIGN_OR_RETURN(DataType type, MetadataType(key));
  // Headers may also be read as a MAP of name to value (Flink's MAP<STRING, BYTES>).
  if (key == "headers" && declared.IsMap() && declared.map_key().id() == TypeId::kString &&
      declared.map_value().IsStringLike()) {
    return Status::OK();
  }
  if (type == declared) return Status::OK();
  return Status::Invalid("metadata column '{}' FROM '{}' must be {}{}, not {}", column, key,
                         type.ToString(), key == "headers" ? " or MAP<STRING, STRING>" : "",
                         declared.ToString());
}

Result<std::unique_ptr<RecordDecoder>> RecordDecoder::Make(std::vector<ScanColumn> columns,
                                                           const std::string& format) {
  std::unique_ptr<RecordDecoder> d(new RecordDecoder());
  for (const ScanColumn& c : columns) {
    d->schema_.Add(c.field);
    if (c.metadata_key.empty()) {
      d->physical_position_.push_back(static_cast<int>(d->physical_schema_.size()));
      d->physical_schema_.Add(c.field);
    } else {
      SLUICE_RETURN_NOT_OK(CheckMetadataColumn(c.field.name, c.metadata_key, c.field.type));
      d->physical_position_.push_back(-1);
    }
  }
  if (format == "raw") {
    if (d->physical_schema_.size() != 1 || !d->physical_schema_.field(0).type.IsStringLike()) {
      return Status::Invalid("format 'raw' needs exactly one physical STRING or BYTES column");
    }
    d->raw_ = true;
  } else if (format == "json" || format == "json-array") {  // json-array: split by the source
    d->json_ = std::make_unique<JsonDecoder>(d->physical_schema_);
  } else if (format == "parquet") {
    d->filled_only_ = true;  // the source reads the columns itself (Source::FillColumns)
  } else if (format == "csv") {
    return Status::Invalid("reading format 'csv' is planned, not supported yet: sources read "
                           "'json', 'parquet' (files) or 'raw'");
  } else {
    return Status::Invalid("unknown format '{}': expected 'json' or 'raw'", format);
  }
  d->columns_ = std::move(columns);
  return d;
}

void RecordDecoder::Prune(const std::vector<bool>& needed) {
  if (raw_) return;  // the one raw column is the record itself
  physical_schema_ = Schema();
  for (size_t c = 0; c < columns_.size(); ++c) {
    const Field& field = columns_[c].field;
    bool keep = (c < needed.size() && needed[c]) || !field.nullable;
    if (!keep) {
      physical_position_[c] = -2;
    } else if (columns_[c].metadata_key.empty()) {
      physical_position_[c] = static_cast<int>(physical_schema_.size());
      physical_schema_.Add(field);
    } else {
      physical_position_[c] = -1;
    }
  }
  if (!filled_only_) json_ = std::make_unique<JsonDecoder>(physical_schema_);
}

void RecordDecoder::DropNullsInNotNullColumns(const RawBatch& in, Batch& physical,
                                              std::vector<uint32_t>& kept,
                                              std::vector<DeadLetter>& dead_letters) const {
  std::vector<uint8_t> bad;
  for (size_t c = 0; c < physical_schema_.size(); ++c) {
    const Field& field = physical_schema_.field(c);
    const Vector& v = physical.column(c);
    if (field.nullable || !v.MayHaveNulls()) continue;
    for (size_t row = 0; row < in.size(); ++row) {
      if (!v.IsNull(row)) continue;
      if (bad.empty()) bad.resize(in.size(), 0);
      if (bad[row]) continue;
      bad[row] = 1;
      const RawRecord& r = in[row];
      dead_letters.push_back(DeadLetter{
          std::string(r.value), std::string(r.key), std::string(in.origin()), r.partition,
          r.offset, r.timestamp_ms,
          fmt::format("column '{}' is NULL, but the table declares it NOT NULL", field.name)});
    }
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (bad.empty() || !bad[i]) kept.push_back(static_cast<uint32_t>(i));
  }
  if (bad.empty()) return;
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < physical.num_columns(); ++c) columns.push_back(Take(physical.column(c), kept));
  physical = Batch(std::move(columns), kept.size());
}

std::string RecordDecoder::DecodedColumns() const {
  std::string out;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (physical_position_[c] == -2) continue;
    out += (out.empty() ? "" : ", ") + columns_[c].field.name;
  }
  return out;
}

Result<Batch> RecordDecoder::Decode(const RawBatch& in, std::vector<DeadLetter>& dead_letters,
                                    std::vector<uint32_t>* record_of_row) {
  Batch physical = Batch::Empty(physical_schema_);
  std::vector<uint32_t> scratch;
  std::vector<uint32_t>& decoded = record_of_row ? *record_of_row : scratch;  // index in `in`
  decoded.clear();
  decoded.reserve(in.size());
  if (const Batch* filled = in.filled()) {
    // The source made the rows itself: nothing to decode; only a NULL in a NOT NULL column
    // makes a row bad.
    physical = *filled;
    DropNullsInNotNullColumns(in, physical, decoded, dead_letters);
  } else if (filled_only_ && !in.empty()) {
    return Status::Internal("format '{}' needs a source that reads it, but got raw records",
                            "parquet");
  } else {
    for (auto& column : physical.columns()) column->Reserve(in.size());
  }
  for (size_t i = 0; i < in.size() && !in.filled(); ++i) {
    const RawRecord& r = in[i];
    if (raw_) {
      physical.column(0).AppendString(r.value);
      physical.set_num_rows(physical.num_rows() + 1);
      decoded.push_back(static_cast<uint32_t>(i));
      continue;
    }
    static_assert(RawBatch::kReadAhead >= JsonDecoder::kJsonReadAhead);
    Status s = json_->DecodePaddedRow(r.value, physical);
    if (s.ok()) {
      decoded.push_back(static_cast<uint32_t>(i));
    } else {
      dead_letters.push_back(DeadLetter{std::string(r.value), std::string(r.key),
                                        std::string(in.origin()), r.partition, r.offset,
                                        r.timestamp_ms, s.message()});
    }
  }
  std::vector<VectorPtr> columns;
  columns.reserve(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (physical_position_[c] >= 0) {
      columns.push_back(physical.shared_column(physical_position_[c]));
      continue;
    }
    if (physical_position_[c] == -2) {
      auto unused = std::make_shared<Vector>(DataType::Null());
      unused->Resize(decoded.size());
      columns.push_back(std::move(unused));
      continue;
    }
    auto v = std::make_shared<Vector>(columns_[c].field.type);
    const std::string& key = columns_[c].metadata_key;
    for (uint32_t i : decoded) {
      const RawRecord& r = in[i];
      if (key == "timestamp") {
        v->Append<int64_t>(r.timestamp_ms * 1000);
      } else if (key == "partition") {
        v->Append<int32_t>(r.partition);
      } else if (key == "offset") {
        v->Append<int64_t>(r.offset);
      } else if (key == "topic") {
        v->AppendString(in.origin());
      } else if (key == "headers") {
        if (r.headers.empty()) {
          v->AppendNull();
        } else if (v->type().IsMap()) {
          // The source hands headers over as a JSON object of name to value.
          if (!headers_) headers_ = std::make_unique<JsonDecoder>(Schema({Field{"h", v->type(), true}}));
          Batch one = Batch::Empty(Schema({Field{"h", v->type(), true}}));
          std::string wrapped = "{\"h\":" + std::string(r.headers) + "}";
          if (headers_->DecodeRow(wrapped, one).ok() && one.num_rows() == 1) {
            ShareArenasDeep(one.column(0), *v);
            AppendRow(one.column(0), 0, *v);
          } else {
            v->AppendNull();
          }
        } else {
          v->AppendString(r.headers);
        }
      } else if (!r.has_key) {
        v->AppendNull();
      } else {
        v->AppendString(r.key);
      }
    }
    columns.push_back(std::move(v));
  }
  return Batch(std::move(columns), decoded.size());
}

}  // namespace sluice
