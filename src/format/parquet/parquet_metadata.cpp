#include "format/parquet/parquet_metadata.h"

#include "format/parquet/thrift_compact_reader.h"

namespace sluice::parquet {
namespace {

using Reader = ThriftCompactReader;

// Reads a struct field by field: `on_field(id, type)` returns true when it consumed the value.
template <typename OnField>
void ReadStruct(Reader& r, OnField on_field) {
  r.BeginStruct();
  int16_t id;
  uint8_t type;
  while (r.NextField(id, type)) {
    if (!on_field(id, type)) r.Skip(type);
  }
  r.EndStruct();
}

template <typename OnElement>
void ReadList(Reader& r, uint8_t type, uint8_t expected_element, OnElement on_element) {
  if (type != Reader::kList) return r.Skip(type);
  uint8_t element;
  const size_t n = r.ListBegin(element);
  if (n > 0 && element != expected_element) {
    r.Fail("list of an unexpected element type");
    return;
  }
  for (size_t i = 0; i < n && r.ok(); ++i) on_element();
}

int TimeUnit(Reader& r) {
  int unit = 0;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (type != Reader::kStruct || id < 1 || id > 3) return false;
    unit = id;  // MILLIS = 1, MICROS = 2, NANOS = 3: empty structs of a union
    r.Skip(type);
    return true;
  });
  return unit;
}

void ReadLogicalType(Reader& r, LogicalMeaning& m) {
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (type != Reader::kStruct) return false;
    switch (id) {
      case 1: m.kind = LogicalMeaning::kString; return false;
      case 2: m.kind = LogicalMeaning::kMap; return false;
      case 3: m.kind = LogicalMeaning::kList; return false;
      case 4: m.kind = LogicalMeaning::kEnum; return false;
      case 5:
        m.kind = LogicalMeaning::kDecimal;
        ReadStruct(r, [&](int16_t f, uint8_t t) {
          if (t != Reader::kI32) return false;
          (f == 1 ? m.scale : m.precision) = r.I32();
          return f == 1 || f == 2;
        });
        return true;
      case 6: m.kind = LogicalMeaning::kDate; return false;
      case 7:
      case 8:
        m.kind = id == 7 ? LogicalMeaning::kTime : LogicalMeaning::kTimestamp;
        ReadStruct(r, [&](int16_t f, uint8_t t) {
          if (f == 1 && (t == Reader::kTrue || t == Reader::kFalse)) {
            m.utc_adjusted = r.Bool(t);
            return true;
          }
          if (f == 2 && t == Reader::kStruct) {
            m.time_unit = TimeUnit(r);
            return true;
          }
          return false;
        });
        return true;
      case 10:
        m.kind = LogicalMeaning::kInteger;
        ReadStruct(r, [&](int16_t f, uint8_t t) {
          if (f == 1 && t == Reader::kByte) {
            m.bit_width = r.I8();
            return true;
          }
          if (f == 2 && (t == Reader::kTrue || t == Reader::kFalse)) {
            m.is_signed = r.Bool(t);
            return true;
          }
          return false;
        });
        return true;
      case 11: m.kind = LogicalMeaning::kUnknown; return false;
      case 12: m.kind = LogicalMeaning::kJson; return false;
      case 13: m.kind = LogicalMeaning::kBson; return false;
      case 14: m.kind = LogicalMeaning::kUuid; return false;
      default: return false;
    }
  });
}

// The older ConvertedType, used when a writer gave no LogicalType.
void ApplyConvertedType(int32_t converted, LogicalMeaning& m) {
  switch (converted) {
    case 0: m.kind = LogicalMeaning::kString; break;
    case 1: case 2: m.kind = LogicalMeaning::kMap; break;
    case 3: m.kind = LogicalMeaning::kList; break;
    case 4: m.kind = LogicalMeaning::kEnum; break;
    case 5: m.kind = LogicalMeaning::kDecimal; break;
    case 6: m.kind = LogicalMeaning::kDate; break;
    case 7: case 8: m.kind = LogicalMeaning::kTime; m.time_unit = converted == 7 ? 1 : 2; break;
    case 9: case 10: m.kind = LogicalMeaning::kTimestamp; m.time_unit = converted == 9 ? 1 : 2; break;
    case 11: case 12: case 13: case 14:
      m.kind = LogicalMeaning::kInteger; m.is_signed = false;
      m.bit_width = 8 << (converted - 11);
      break;
    case 15: case 16: case 17: case 18:
      m.kind = LogicalMeaning::kInteger; m.is_signed = true;
      m.bit_width = 8 << (converted - 15);
      break;
    case 19: m.kind = LogicalMeaning::kJson; break;
    case 20: m.kind = LogicalMeaning::kBson; break;
    case 21: m.kind = LogicalMeaning::kInterval; break;
    default: break;
  }
}

FileSchemaElement ReadSchemaElement(Reader& r) {
  FileSchemaElement e;
  std::optional<int32_t> converted;
  int32_t scale = 0, precision = 0;
  bool has_logical = false;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (id == 4 && type == Reader::kBinary) {
      e.name = std::string(r.Binary());
      return true;
    }
    if (id == 10 && type == Reader::kStruct) {
      ReadLogicalType(r, e.meaning);
      has_logical = true;
      return true;
    }
    if (type != Reader::kI32) return false;
    const int32_t v = r.I32();
    switch (id) {
      case 1:
        if (v < 0 || v > 7) r.Fail("unknown physical type");
        e.type = static_cast<FileType>(v);
        break;
      case 2: e.type_length = v; break;
      case 3: e.repetition = v; break;
      case 5: e.num_children = v; break;
      case 6: converted = v; break;
      case 7: scale = v; break;
      case 8: precision = v; break;
      default: break;
    }
    return true;
  });
  if (!has_logical && converted) ApplyConvertedType(*converted, e.meaning);
  if (e.meaning.kind == LogicalMeaning::kDecimal && e.meaning.precision == 0) {
    e.meaning.scale = scale;
    e.meaning.precision = precision;
  }
  return e;
}

ColumnChunkMeta ReadColumnMetadata(Reader& r) {
  ColumnChunkMeta c;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 1:
        if (type != Reader::kI32) return false;
        c.type = static_cast<FileType>(r.I32());
        return true;
      case 3:
        ReadList(r, type, Reader::kBinary, [&] { c.path.emplace_back(r.Binary()); });
        return true;
      case 4:
        if (type != Reader::kI32) return false;
        c.codec = static_cast<Codec>(r.I32());
        return true;
      case 5: case 7: case 9: case 11: {
        if (type != Reader::kI64) return false;
        const int64_t v = r.I64();
        if (id == 5) c.num_values = v;
        if (id == 7) c.total_compressed_size = v;
        if (id == 9) c.data_page_offset = v;
        if (id == 11) c.dictionary_page_offset = v;
        return true;
      }
      default:
        return false;
    }
  });
  return c;
}

RowGroupMeta ReadRowGroup(Reader& r) {
  RowGroupMeta g;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (id == 1) {
      ReadList(r, type, Reader::kStruct, [&] {
        ColumnChunkMeta chunk;
        bool has_metadata = false;
        bool external = false;
        ReadStruct(r, [&](int16_t f, uint8_t t) {
          if (f == 1 && t == Reader::kBinary) {
            external = !r.Binary().empty();
            return true;
          }
          if (f == 3 && t == Reader::kStruct) {
            chunk = ReadColumnMetadata(r);
            has_metadata = true;
            return true;
          }
          return false;
        });
        if (!has_metadata) r.Fail("a column chunk without metadata");
        chunk.external = external;
        g.columns.push_back(std::move(chunk));
      });
      return true;
    }
    if (id == 3 && type == Reader::kI64) {
      g.num_rows = r.I64();
      return true;
    }
    return false;
  });
  return g;
}

}  // namespace

Result<FileMetadata> ParseFileMetadata(std::string_view footer) {
  Reader r(footer);
  FileMetadata m;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    switch (id) {
      case 2:
        ReadList(r, type, Reader::kStruct, [&] { m.schema.push_back(ReadSchemaElement(r)); });
        return true;
      case 3:
        if (type != Reader::kI64) return false;
        m.num_rows = r.I64();
        return true;
      case 4:
        ReadList(r, type, Reader::kStruct, [&] { m.row_groups.push_back(ReadRowGroup(r)); });
        return true;
      case 6:
        if (type != Reader::kBinary) return false;
        m.created_by = std::string(r.Binary());
        return true;
      default:
        return false;
    }
  });
  if (!r.ok()) return r.status();
  if (m.schema.empty()) return Status::ParseError("the footer has no schema");
  return m;
}

Result<PageHeader> ParsePageHeader(std::string_view bytes, size_t& header_size) {
  Reader r(bytes);
  PageHeader h;
  bool has_type = false;
  ReadStruct(r, [&](int16_t id, uint8_t type) {
    if (id >= 1 && id <= 3 && type == Reader::kI32) {
      const int32_t v = r.I32();
      if (id == 1) {
        h.type = static_cast<PageType>(v);
        has_type = true;
      }
      if (id == 2) h.uncompressed_size = v;
      if (id == 3) h.compressed_size = v;
      return true;
    }
    if ((id == 5 || id == 7) && type == Reader::kStruct) {  // data page v1 / dictionary page
      ReadStruct(r, [&](int16_t f, uint8_t t) {
        if (t != Reader::kI32 || f > 2) return false;
        const int32_t v = r.I32();
        if (f == 1) h.num_values = v;
        if (f == 2) h.encoding = static_cast<Encoding>(v);
        return true;
      });
      return true;
    }
    if (id == 8 && type == Reader::kStruct) {
      ReadStruct(r, [&](int16_t f, uint8_t t) {
        if (f == 7 && (t == Reader::kTrue || t == Reader::kFalse)) {
          h.values_compressed = r.Bool(t);
          return true;
        }
        if (t != Reader::kI32) return false;
        const int32_t v = r.I32();
        if (f == 1) h.num_values = v;
        if (f == 4) h.encoding = static_cast<Encoding>(v);
        if (f == 5) h.definition_levels_bytes = v;
        if (f == 6) h.repetition_levels_bytes = v;
        return true;
      });
      return true;
    }
    return false;
  });
  if (!r.ok()) return r.status();
  if (!has_type || h.compressed_size < 0 || h.uncompressed_size < 0 || h.num_values < 0 ||
      h.definition_levels_bytes < 0 || h.repetition_levels_bytes < 0) {
    return Status::ParseError("a page header without a type or with negative sizes");
  }
  header_size = r.position();
  return h;
}

}  // namespace sluice::parquet
