#include "format/parquet/parquet_file_writer.h"

#include <cstring>

#include "format/parquet/thrift_compact_writer.h"

namespace sluice::parquet {

// The shape of a column for shredding: where a null or an empty list stops the levels.
struct ParquetFileWriter::ShredNode {
  enum class Kind { kLeaf, kStruct, kList } kind = Kind::kLeaf;
  uint16_t present_definition = 0;  // definition level when this node's value is there
  uint16_t element_repetition = 0;  // lists: repetition level of every element after the first
  size_t leaf = 0;                  // kLeaf: its column
  size_t first_leaf = 0, end_leaf = 0;
  std::vector<std::unique_ptr<ShredNode>> children;
};

ParquetFileWriter::~ParquetFileWriter() = default;

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Make(const Schema& schema,
                                                                   ParquetWriterOptions options,
                                                                   Output output) {
  SLUICE_ASSIGN_OR_RETURN(auto w, Build(schema, options, std::move(output)));
  SLUICE_RETURN_NOT_OK(w->Emit("PAR1"));
  return w;
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Resume(const Schema& schema,
                                                                     ParquetWriterOptions options,
                                                                     Output output,
                                                                     Progress progress) {
  SLUICE_ASSIGN_OR_RETURN(auto w, Build(schema, options, std::move(output)));
  w->offset_ = progress.bytes;
  w->rows_ = progress.rows;
  w->num_row_groups_ = progress.row_groups;
  w->row_groups_ = std::move(progress.row_groups_metadata);
  return w;
}

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Build(const Schema& schema,
                                                                    ParquetWriterOptions options,
                                                                    Output output) {
  std::unique_ptr<ParquetFileWriter> w(new ParquetFileWriter());
  w->options_ = options;
  w->output_ = std::move(output);
  SLUICE_ASSIGN_OR_RETURN(w->schema_, MakeParquetSchema(schema));
  for (const auto& leaf : w->schema_.leaves) {
    w->columns_.push_back(std::make_unique<ColumnChunkWriter>(leaf, w->options_.columns));
  }
  // Every column is OPTIONAL (MakeParquetSchema), so each level of nesting adds one definition,
  // but a map's entry (the repeated group itself) and its REQUIRED key add none of their own.
  size_t next_leaf = 0;
  std::function<std::unique_ptr<ShredNode>(const DataType&, uint16_t, uint16_t, bool)> build =
      [&](const DataType& type, uint16_t definition, uint16_t repetition, bool optional) {
        auto node = std::make_unique<ShredNode>();
        node->present_definition = static_cast<uint16_t>(definition + (optional ? 1 : 0));
        node->first_leaf = next_leaf;
        if (type.IsMap()) {
          node->kind = ShredNode::Kind::kList;
          node->element_repetition = static_cast<uint16_t>(repetition + 1);
          // The entry is the repeated group: one level for it, then the key and the value.
          auto entry = std::make_unique<ShredNode>();
          entry->kind = ShredNode::Kind::kStruct;
          entry->present_definition = static_cast<uint16_t>(node->present_definition + 1);
          entry->first_leaf = next_leaf;
          entry->children.push_back(
              build(type.map_key(), entry->present_definition, node->element_repetition, false));
          entry->children.push_back(
              build(type.map_value(), entry->present_definition, node->element_repetition, true));
          entry->end_leaf = next_leaf;
          node->children.push_back(std::move(entry));
        } else if (type.id() == TypeId::kStruct) {
          node->kind = ShredNode::Kind::kStruct;
          for (const Field& f : type.fields()) {
            node->children.push_back(build(f.type, node->present_definition, repetition, true));
          }
        } else if (type.id() == TypeId::kList) {
          node->kind = ShredNode::Kind::kList;
          node->element_repetition = static_cast<uint16_t>(repetition + 1);
          // The repeated group adds a level, the element another.
          node->children.push_back(build(type.element(),
                                         static_cast<uint16_t>(node->present_definition + 1),
                                         node->element_repetition, true));
        } else {
          node->leaf = next_leaf++;
        }
        node->end_leaf = next_leaf;
        return node;
      };
  for (size_t i = 0; i < schema.size(); ++i) {
    w->roots_.push_back(build(schema.field(i).type, 0, 0, true));
  }
  return w;
}

Status ParquetFileWriter::Emit(std::string_view bytes) {
  SLUICE_RETURN_NOT_OK(output_(bytes));
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

void ParquetFileWriter::AddNulls(const ShredNode& node, uint16_t definition, uint16_t repetition) {
  for (size_t leaf = node.first_leaf; leaf < node.end_leaf; ++leaf) {
    columns_[leaf]->AddNull(definition, repetition);
  }
}

void ParquetFileWriter::Shred(const ShredNode& node, const Vector& vector, size_t row,
                              uint16_t repetition) {
  if (vector.IsNull(row)) {
    AddNulls(node, static_cast<uint16_t>(node.present_definition - 1), repetition);
    return;
  }
  switch (node.kind) {
    case ShredNode::Kind::kLeaf:
      columns_[node.leaf]->AddValue(vector, row, repetition);
      return;
    case ShredNode::Kind::kStruct:
      for (size_t i = 0; i < node.children.size(); ++i) {
        Shred(*node.children[i], vector.child(i), row, repetition);
      }
      return;
    case ShredNode::Kind::kList: {
      const uint32_t begin = vector.offsets()[row], end = vector.offsets()[row + 1];
      if (begin == end) {  // an empty list: the list is there, no element
        AddNulls(node, node.present_definition, repetition);
        return;
      }
      for (uint32_t k = begin; k < end; ++k) {
        Shred(*node.children[0], vector.list_child(), k,
              k == begin ? repetition : node.element_repetition);
      }
      return;
    }
  }
}

Status ParquetFileWriter::Write(const Batch& batch) {
  if (finished_) return Status::Invalid("the Parquet file is already finished");
  const size_t live = batch.num_live_rows();
  rows_scratch_.resize(live);
  for (size_t i = 0; i < live; ++i) rows_scratch_[i] = batch.selection()[i];
  for (size_t c = 0; c < roots_.size(); ++c) {
    const Vector& column = batch.column(c);
    if (roots_[c]->kind == ShredNode::Kind::kLeaf) {  // flat: a column at a time
      columns_[roots_[c]->leaf]->AddColumn(column, rows_scratch_.data(), live);
      continue;
    }
    for (size_t i = 0; i < live; ++i) Shred(*roots_[c], column, rows_scratch_[i], 0);
  }
  rows_ += live;
  group_rows_ += live;
  size_t buffered = 0;
  for (const auto& column : columns_) buffered += column->buffered_bytes();
  if (buffered >= options_.row_group_bytes) return FlushRowGroup();
  return Status::OK();
}

size_t ParquetFileWriter::approximate_size() const {
  size_t buffered = 0;
  for (const auto& column : columns_) buffered += column->buffered_bytes();
  return static_cast<size_t>(offset_) + buffered;
}

Status ParquetFileWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();
  const int64_t group_offset = offset_;
  std::string metadata;
  ThriftCompactWriter w(metadata);
  // RowGroup { 1: columns, 2: total_byte_size, 3: num_rows, 5: file_offset,
  //            6: total_compressed_size }
  w.BeginStruct();
  w.FieldList(1, ThriftCompactWriter::kStruct, columns_.size());
  int64_t total = 0;
  for (auto& column : columns_) {
    chunk_.clear();
    SLUICE_RETURN_NOT_OK(column->Flush(offset_, chunk_, metadata));
    total += static_cast<int64_t>(chunk_.size());
    SLUICE_RETURN_NOT_OK(Emit(chunk_));
  }
  w.FieldI64(2, total);
  w.FieldI64(3, static_cast<int64_t>(group_rows_));
  w.FieldI64(5, group_offset);
  w.FieldI64(6, total);
  w.EndStruct();
  row_groups_ += metadata;
  ++num_row_groups_;
  group_rows_ = 0;
  return Status::OK();
}

Status ParquetFileWriter::Finish() {
  if (finished_) return Status::OK();
  SLUICE_RETURN_NOT_OK(FlushRowGroup());
  finished_ = true;
  std::string footer;
  ThriftCompactWriter w(footer);
  // FileMetaData { 1: version, 2: schema, 3: num_rows, 4: row_groups, 6: created_by,
  //                7: column_orders }
  w.BeginStruct();
  w.FieldI32(1, 1);
  WriteSchemaElements(w, schema_);
  w.FieldI64(3, static_cast<int64_t>(rows_));
  w.FieldList(4, ThriftCompactWriter::kStruct, num_row_groups_);
  footer += row_groups_;
  w.FieldBinary(6, "sluice version " SLUICE_VERSION);
  // TYPE_ORDER for every column, so readers use the min/max statistics.
  w.FieldList(7, ThriftCompactWriter::kStruct, columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    w.BeginStruct();
    w.FieldStruct(1);
    w.BeginStruct();
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
  const uint32_t length = static_cast<uint32_t>(footer.size());
  char tail[8];
  std::memcpy(tail, &length, 4);
  std::memcpy(tail + 4, "PAR1", 4);
  footer.append(tail, 8);
  return Emit(footer);
}

}  // namespace sluice::parquet
