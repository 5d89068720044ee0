#include "format/parquet/parquet_schema.h"

namespace sluice::parquet {
namespace {

// Converted types (the older annotations, written beside the logical ones for old readers).
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedMap = 1;
constexpr int32_t kConvertedList = 3;
constexpr int32_t kConvertedDecimal = 5;
constexpr int32_t kConvertedDate = 6;
constexpr int32_t kConvertedTimestampMicros = 10;

Status AddNode(const std::string& name, const DataType& type, bool nullable,
               std::vector<std::string> path, int definition, int repetition,
               ParquetSchema& out) {
  SchemaNode node;
  node.name = name;
  node.type = type;
  node.repetition = nullable ? Repetition::kOptional : Repetition::kRequired;
  if (nullable) ++definition;
  path.push_back(name);
  auto leaf = [&](PhysicalType physical) {
    node.physical = physical;
    out.nodes.push_back(node);
    out.leaves.push_back({path, physical, type, definition, repetition});
    return Status::OK();
  };
  switch (type.id()) {
    case TypeId::kBoolean: return leaf(PhysicalType::kBoolean);
    case TypeId::kInt32:
    case TypeId::kDate: return leaf(PhysicalType::kInt32);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return leaf(PhysicalType::kInt64);
    case TypeId::kDecimal:  // beyond 18 digits: big-endian two's complement bytes
      return leaf(type.precision() <= 9    ? PhysicalType::kInt32
                  : type.precision() <= 18 ? PhysicalType::kInt64
                                           : PhysicalType::kByteArray);
    case TypeId::kFloat64: return leaf(PhysicalType::kDouble);
    case TypeId::kString:
    case TypeId::kBytes: return leaf(PhysicalType::kByteArray);
    case TypeId::kStruct: {
      node.num_children = static_cast<int>(type.fields().size());
      if (node.num_children == 0) {
        return Status::Invalid("column '{}': Parquet has no empty groups", name);
      }
      out.nodes.push_back(node);
      for (const Field& f : type.fields()) {
        SLUICE_RETURN_NOT_OK(AddNode(f.name, f.type, true, path, definition, repetition, out));
      }
      return Status::OK();
    }
    case TypeId::kList: {
      // The annotated outer group, then the repeated group: LIST's `list` of one element, or
      // MAP's `key_value` of a REQUIRED key and a value.
      const bool map = type.IsMap();
      node.num_children = 1;
      node.list = !map;
      node.map = map;
      out.nodes.push_back(node);
      SchemaNode repeated;
      repeated.name = map ? "key_value" : "list";
      repeated.repetition = Repetition::kRepeated;
      repeated.num_children = map ? 2 : 1;
      out.nodes.push_back(repeated);
      path.push_back(repeated.name);
      if (!map) {
        return AddNode("element", type.element(), true, path, definition + 1, repetition + 1, out);
      }
      SLUICE_RETURN_NOT_OK(
          AddNode("key", type.map_key(), false, path, definition + 1, repetition + 1, out));
      return AddNode("value", type.map_value(), true, path, definition + 1, repetition + 1, out);
    }
    case TypeId::kInterval:
    case TypeId::kYearMonthInterval:
      return Status::Invalid("column '{}' is an {}, which Parquet has no type for: CAST it "
                             "to STRING",
                             name, type.ToString());
    case TypeId::kNull:
      return Status::Invalid("column '{}' has no type (an untyped NULL): CAST it to a type", name);
  }
  return Status::Invalid("column '{}': unsupported type for Parquet", name);
}

// logicalType (SchemaElement field 10) of a kind with no parameters: LogicalType's union member
// `member` holding an empty struct.
void AnnotationWithoutParameters(ThriftCompactWriter& w, int16_t member) {
  w.FieldStruct(10);
  w.BeginStruct();
  w.FieldStruct(member);
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
}

}  // namespace

Result<ParquetSchema> MakeParquetSchema(const Schema& schema) {
  ParquetSchema out;
  SchemaNode root;
  root.name = "schema";
  root.repetition = Repetition::kRequired;
  root.num_children = static_cast<int>(schema.size());
  out.nodes.push_back(root);
  for (size_t i = 0; i < schema.size(); ++i) {
    const Field& f = schema.field(i);
    SLUICE_RETURN_NOT_OK(AddNode(f.name, f.type, true, {}, 0, 0, out));
  }
  return out;
}

void WriteSchemaElements(ThriftCompactWriter& w, const ParquetSchema& schema) {
  w.FieldList(2, ThriftCompactWriter::kStruct, schema.nodes.size());
  for (size_t i = 0; i < schema.nodes.size(); ++i) {
    const SchemaNode& n = schema.nodes[i];
    w.BeginStruct();
    const bool group = n.num_children > 0 || i == 0;
    if (!group) w.FieldI32(1, static_cast<int32_t>(n.physical));
    if (i > 0) w.FieldI32(3, static_cast<int32_t>(n.repetition));
    w.FieldBinary(4, n.name);
    if (group) w.FieldI32(5, n.num_children);
    // converted_type (6), scale (7), precision (8), logicalType (10)
    const TypeId id = n.type.id();
    if (n.list) {
      w.FieldI32(6, kConvertedList);
      AnnotationWithoutParameters(w, 3);  // LIST
    } else if (n.map) {
      w.FieldI32(6, kConvertedMap);
      AnnotationWithoutParameters(w, 2);  // MAP
    } else if (!group && id == TypeId::kString) {
      w.FieldI32(6, kConvertedUtf8);
      AnnotationWithoutParameters(w, 1);  // STRING
    } else if (!group && id == TypeId::kDecimal) {
      w.FieldI32(6, kConvertedDecimal);
      w.FieldI32(7, n.type.scale());
      w.FieldI32(8, n.type.precision());
      w.FieldStruct(10);
      w.BeginStruct();
      w.FieldStruct(5);  // DECIMAL
      w.BeginStruct();
      w.FieldI32(1, n.type.scale());
      w.FieldI32(2, n.type.precision());
      w.EndStruct();
      w.EndStruct();
    } else if (!group && id == TypeId::kDate) {
      w.FieldI32(6, kConvertedDate);
      AnnotationWithoutParameters(w, 6);  // DATE
    } else if (!group && id == TypeId::kTimestamp) {
      w.FieldI32(6, kConvertedTimestampMicros);
      w.FieldStruct(10);
      w.BeginStruct();
      w.FieldStruct(8);  // TIMESTAMP
      w.BeginStruct();
      w.FieldBool(1, true);  // isAdjustedToUTC
      w.FieldStruct(2);      // unit
      w.BeginStruct();
      w.FieldStruct(2);  // MICROS
      w.BeginStruct();
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
    }
    w.EndStruct();
  }
}

}  // namespace sluice::parquet
