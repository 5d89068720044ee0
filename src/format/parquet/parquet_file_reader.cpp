#include "format/parquet/parquet_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace sluice::parquet {
namespace {

constexpr int kMaxNesting = 100;

// The file's schema as a tree, with each node's definition and repetition levels.
struct FileNode {
  const FileSchemaElement* element = nullptr;
  std::vector<FileNode> children;
  int definition = 0;
  int repetition = 0;
  int leaf = -1;  // leaves: the index of its column chunk in each row group
  std::string path;

  bool is_group() const { return !element->type.has_value(); }
  const FileNode* FirstLeaf() const {
    if (leaf >= 0) return this;
    for (const FileNode& c : children) {
      if (const FileNode* l = c.FirstLeaf()) return l;
    }
    return nullptr;
  }
};

Status BuildTree(const std::vector<FileSchemaElement>& schema, size_t& next, FileNode& node,
                 int& leaves, int depth) {
  if (depth > kMaxNesting) return Status::ParseError("the schema nests deeper than {}", kMaxNesting);
  const FileSchemaElement& e = *node.element;
  if (e.num_children < 0) return Status::ParseError("'{}' has a negative number of children", e.name);
  if (e.num_children == 0) {
    if (!e.type) return Status::ParseError("'{}' is neither a group nor typed", node.path);
    node.leaf = leaves++;
    return Status::OK();
  }
  for (int i = 0; i < e.num_children; ++i) {
    if (next >= schema.size()) return Status::ParseError("the schema ends inside '{}'", node.path);
    FileNode child;
    child.element = &schema[next++];
    const int repetition = child.element->repetition;
    if (repetition < 0 || repetition > 2) {
      return Status::ParseError("'{}' has an unknown repetition", child.element->name);
    }
    child.definition = node.definition + (repetition != 0 ? 1 : 0);
    child.repetition = node.repetition + (repetition == 2 ? 1 : 0);
    child.path = node.path.empty() ? child.element->name : node.path + "." + child.element->name;
    SLUICE_RETURN_NOT_OK(BuildTree(schema, next, child, leaves, depth + 1));
    node.children.push_back(std::move(child));
  }
  node.element = &e;
  node.leaf = -1;
  return Status::OK();
}

bool NameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

const FileNode* FindChild(const FileNode& group, std::string_view name) {
  for (const FileNode& c : group.children) {
    if (NameEquals(c.element->name, name)) return &c;
  }
  return nullptr;
}

std::string_view PhysicalName(FileType t) {
  switch (t) {
    case FileType::kBoolean: return "BOOLEAN";
    case FileType::kInt32: return "INT32";
    case FileType::kInt64: return "INT64";
    case FileType::kInt96: return "INT96";
    case FileType::kFloat: return "FLOAT";
    case FileType::kDouble: return "DOUBLE";
    case FileType::kByteArray: return "BYTE_ARRAY";
    case FileType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "?";
}

std::string Describe(const FileSchemaElement& e) {
  const LogicalMeaning& m = e.meaning;
  std::string logical;
  static constexpr const char* kUnits[] = {"", "MILLIS", "MICROS", "NANOS"};
  switch (m.kind) {
    case LogicalMeaning::kNone: break;
    case LogicalMeaning::kString: logical = "STRING"; break;
    case LogicalMeaning::kEnum: logical = "ENUM"; break;
    case LogicalMeaning::kJson: logical = "JSON"; break;
    case LogicalMeaning::kBson: logical = "BSON"; break;
    case LogicalMeaning::kUuid: logical = "UUID"; break;
    case LogicalMeaning::kDecimal: logical = fmt::format("DECIMAL({}, {})", m.precision, m.scale); break;
    case LogicalMeaning::kDate: logical = "DATE"; break;
    case LogicalMeaning::kTime: logical = fmt::format("TIME({})", kUnits[m.time_unit & 3]); break;
    case LogicalMeaning::kTimestamp: logical = fmt::format("TIMESTAMP({})", kUnits[m.time_unit & 3]); break;
    case LogicalMeaning::kInteger:
      logical = fmt::format("INT({}, {})", m.bit_width, m.is_signed ? "signed" : "unsigned");
      break;
    case LogicalMeaning::kList: logical = "LIST"; break;
    case LogicalMeaning::kMap: logical = "MAP"; break;
    case LogicalMeaning::kInterval: logical = "INTERVAL"; break;
    case LogicalMeaning::kUnknown: logical = "UNKNOWN"; break;
  }
  if (!e.type) return logical.empty() ? "a group" : "a " + logical + " group";
  std::string text(PhysicalName(*e.type));
  if (*e.type == FileType::kFixedLenByteArray) text += fmt::format("({})", e.type_length);
  return logical.empty() ? text : text + " (" + logical + ")";
}

int64_t PowerOf10(int n) {
  int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// How the leaf `e` is read as `target`; nullopt when it cannot be without loss or guessing.
std::optional<LeafConversion> ConversionFor(const FileSchemaElement& e, const DataType& target) {
  using Lane = LeafConversion::Lane;
  LeafConversion c;
  c.physical = *e.type;
  c.type_length = e.type_length;
  const LogicalMeaning& m = e.meaning;
  const FileType p = *e.type;
  const bool plain_int = m.kind == LogicalMeaning::kNone ||
                         (m.kind == LogicalMeaning::kInteger && (m.is_signed || m.bit_width < 64));
  const int int_bits = m.kind == LogicalMeaning::kInteger ? m.bit_width
                       : p == FileType::kInt32            ? 32
                                                          : 64;
  const bool is_unsigned = m.kind == LogicalMeaning::kInteger && !m.is_signed;
  const bool is_decimal = m.kind == LogicalMeaning::kDecimal;
  const bool is_int = (p == FileType::kInt32 || p == FileType::kInt64) && plain_int;
  c.unsigned_32 = is_unsigned && p == FileType::kInt32 && int_bits == 32;
  switch (target.id()) {
    case TypeId::kBoolean:
      if (p != FileType::kBoolean) return std::nullopt;
      return c;
    case TypeId::kInt32:
      if (!is_int || int_bits > 32 || (is_unsigned && int_bits >= 32)) return std::nullopt;
      return c;
    case TypeId::kInt64:
      if (!is_int || (is_unsigned && int_bits >= 64)) return std::nullopt;
      return c;
    case TypeId::kFloat64:
      c.lane = Lane::kDouble;
      if (p == FileType::kFloat || p == FileType::kDouble) return c;
      if (is_int) {
        c.double_divisor = 1;
        return c;
      }
      if (is_decimal && m.precision <= 18) {
        c.decimal_bytes = p == FileType::kByteArray || p == FileType::kFixedLenByteArray;
        c.double_divisor = static_cast<double>(PowerOf10(m.scale));
        return c;
      }
      return std::nullopt;
    case TypeId::kDecimal:
      if (!is_decimal || m.precision > kMaxDecimalPrecision || m.scale < 0 ||
          m.scale > target.scale() || m.precision - m.scale > target.precision() - target.scale()) {
        return std::nullopt;
      }
      if (p == FileType::kByteArray || p == FileType::kFixedLenByteArray) {
        c.decimal_bytes = true;
      } else if (p != FileType::kInt32 && p != FileType::kInt64) {
        return std::nullopt;
      }
      c.lane = Lane::kDecimal;
      c.decimal_shift = target.scale() - m.scale;
      return c;
    case TypeId::kString:
      c.lane = Lane::kBytes;
      if (p == FileType::kByteArray &&
          (m.kind == LogicalMeaning::kNone || m.kind == LogicalMeaning::kString ||
           m.kind == LogicalMeaning::kEnum || m.kind == LogicalMeaning::kJson)) {
        return c;
      }
      return std::nullopt;
    case TypeId::kBytes:
      c.lane = Lane::kBytes;
      if ((p == FileType::kByteArray || p == FileType::kFixedLenByteArray) && !is_decimal) return c;
      return std::nullopt;
    case TypeId::kDate:
      if (p == FileType::kInt32 && m.kind == LogicalMeaning::kDate) return c;
      return std::nullopt;
    case TypeId::kTimestamp:
      if (p == FileType::kInt96) return c;
      if (p == FileType::kInt32 && m.kind == LogicalMeaning::kDate) {
        c.multiplier = 86'400'000'000;
        return c;
      }
      if (p == FileType::kInt64 && m.kind == LogicalMeaning::kTimestamp) {
        if (m.time_unit == 1) c.multiplier = 1000;
        if (m.time_unit == 3) c.divisor = 1000;
        return c;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// The lane a column read only to tell whether its struct is null decodes into.
LeafConversion ProbeConversion(const FileSchemaElement& e) {
  LeafConversion c;
  c.physical = *e.type;
  c.type_length = e.type_length;
  if (c.physical == FileType::kFloat || c.physical == FileType::kDouble) {
    c.lane = LeafConversion::Lane::kDouble;
  } else if (c.physical == FileType::kByteArray || c.physical == FileType::kFixedLenByteArray) {
    c.lane = LeafConversion::Lane::kBytes;
  }
  return c;
}

}  // namespace

struct ParquetFileReader::Leaf {
  int chunk = 0;  // index of its column chunk in a row group
  std::string path;
  LeafLevels levels;
  LeafConversion conversion;
  ColumnValues values;
  size_t entry = 0;  // cursor: the next level entry
  size_t value = 0;  // cursor: the next non-null value

  bool done() const { return entry >= values.entries; }
  // Past the end reads as level 0 (null), so a malformed file yields nulls, not a crash.
  int definition() const {
    if (done()) return 0;
    return levels.max_definition == 0 ? 0 : values.definition[entry];
  }
  int repetition() const {
    return levels.max_repetition == 0 || done() ? 0 : values.repetition[entry];
  }
  void Advance() {
    if (done()) return;
    if (definition() == levels.max_definition) ++value;
    ++entry;
  }
};

struct ParquetFileReader::ReadNode {
  enum class Kind { kMissing, kLeaf, kStruct, kList };
  Kind kind = Kind::kMissing;
  TypeId target = TypeId::kNull;
  int definition = 0;           // not null when the definition level is >= this
  int repetition = 0;           // the node's repetition level; a list's elements repeat at +1
  int elements_definition = 0;  // lists: non-empty when the definition level is >= this
  int leaf = -1;                // kLeaf: its index in leaves_
  int first_leaf = -1;          // a leaf below whose levels say whether this node is null
  int probe = -1;               // a struct with no field in the file: the leaf read to tell
  std::vector<int> leaves;      // every leaf read below, consumed when the value is skipped
  std::vector<std::unique_ptr<ReadNode>> children;  // struct fields, or a list's element
};

namespace {

class Mapper {
 public:
  using ReadNode = ParquetFileReader::ReadNode;
  Mapper(std::string_view file, std::vector<std::pair<const FileNode*, LeafConversion>>& leaves)
      : file_(file), leaves_(leaves) {}

  Result<std::unique_ptr<ReadNode>> Map(const FileNode& f, const DataType& target,
                                        bool as_element) {
    const FileSchemaElement& e = *f.element;
    auto node = std::make_unique<ReadNode>();
    node->target = target.id();
    node->definition = f.definition;
    node->repetition = f.repetition;
    if (e.repetition == 2 && !as_element) {
      // A repeated field outside a LIST group: an array that is never null, maybe empty.
      if (target.id() != TypeId::kList) return Mismatch(f, target);
      node->kind = ReadNode::Kind::kList;
      node->definition = f.definition - 1;
      node->elements_definition = f.definition;
      node->repetition = f.repetition - 1;
      SLUICE_ASSIGN_OR_RETURN(auto element, Map(f, target.element(), true));
      return List(std::move(node), std::move(element));
    }
    if (f.is_group() && e.meaning.kind == LogicalMeaning::kList) {
      if (target.id() != TypeId::kList) return Mismatch(f, target);
      if (f.children.size() != 1 || f.children[0].element->repetition != 2) {
        return Status::ParseError("'{}': column '{}' is a LIST without one repeated field", file_,
                                  f.path);
      }
      const FileNode& repeated = f.children[0];
      const std::string& name = repeated.element->name;
      // The 3-level form has a repeated group of one field, the element; older writers made
      // the repeated field itself the element (a primitive, a group of several fields, or a
      // group named "array" or "<list>_tuple").
      const bool three_level = repeated.is_group() && repeated.children.size() == 1 &&
                               name != "array" && name != e.name + "_tuple";
      node->kind = ReadNode::Kind::kList;
      node->elements_definition = repeated.definition;
      SLUICE_ASSIGN_OR_RETURN(auto element,
                              three_level ? Map(repeated.children[0], target.element(), false)
                                          : Map(repeated, target.element(), true));
      return List(std::move(node), std::move(element));
    }
    if (f.is_group() && e.meaning.kind == LogicalMeaning::kMap) {
      // `<name> (MAP) { repeated group key_value { required key; value } }`: a list whose
      // element is the repeated group itself, a row of the key and the value.
      if (!target.IsMap()) return Mismatch(f, target);
      if (f.children.size() != 1 || f.children[0].element->repetition != 2 ||
          !f.children[0].is_group() || f.children[0].children.size() != 2) {
        return Status::ParseError("'{}': column '{}' is a MAP without one repeated group of a key "
                                  "and a value",
                                  file_, f.path);
      }
      const FileNode& entries = f.children[0];
      node->kind = ReadNode::Kind::kList;
      node->elements_definition = entries.definition;
      // The key and the value by position: writers name them key/value, but older ones differ.
      const DataType entry = DataType::Struct({{entries.children[0].element->name, target.map_key(), true},
                                               {entries.children[1].element->name, target.map_value(), true}});
      SLUICE_ASSIGN_OR_RETURN(auto element, Map(entries, entry, true));
      return List(std::move(node), std::move(element));
    }
    if (f.is_group()) {
      if (target.id() != TypeId::kStruct) return Mismatch(f, target);
      node->kind = ReadNode::Kind::kStruct;
      for (const Field& field : target.fields()) {
        const FileNode* child = FindChild(f, field.name);
        if (child == nullptr) {
          if (!field.nullable) return MissingNotNull(f.path + "." + field.name);
          node->children.push_back(std::make_unique<ReadNode>());  // kMissing: NULL
          continue;
        }
        SLUICE_ASSIGN_OR_RETURN(auto mapped, Map(*child, field.type, false));
        node->children.push_back(std::move(mapped));
      }
      for (const auto& child : node->children) {
        node->leaves.insert(node->leaves.end(), child->leaves.begin(), child->leaves.end());
      }
      if (node->leaves.empty()) {
        const FileNode* probe = f.FirstLeaf();
        if (probe == nullptr) return Status::ParseError("'{}': group '{}' has no columns", file_, f.path);
        node->probe = AddLeaf(*probe, ProbeConversion(*probe->element));
        node->leaves.push_back(node->probe);
      }
      node->first_leaf = node->leaves.front();
      return node;
    }
    std::optional<LeafConversion> conversion = ConversionFor(e, target);
    if (!conversion) return Mismatch(f, target);
    node->kind = ReadNode::Kind::kLeaf;
    node->leaf = AddLeaf(f, *conversion);
    node->first_leaf = node->leaf;
    node->leaves = {node->leaf};
    return node;
  }

  Status MissingNotNull(const std::string& path) const {
    return Status::Invalid("'{}' has no column '{}', which the table declares NOT NULL", file_, path);
  }

 private:
  std::unique_ptr<ReadNode> List(std::unique_ptr<ReadNode> node,
                                 std::unique_ptr<ReadNode> element) {
    node->leaves = element->leaves;
    node->first_leaf = element->first_leaf;
    node->children.push_back(std::move(element));
    return node;
  }

  int AddLeaf(const FileNode& f, LeafConversion conversion) {
    leaves_.emplace_back(&f, conversion);
    return static_cast<int>(leaves_.size()) - 1;
  }

  Status Mismatch(const FileNode& f, const DataType& target) const {
    return Status::Invalid("'{}': column '{}' is {}{} in the file, which cannot be read as {}",
                           file_, f.path, f.element->repetition == 2 ? "repeated " : "",
                           Describe(*f.element), target.ToString());
  }

  std::string_view file_;
  std::vector<std::pair<const FileNode*, LeafConversion>>& leaves_;
};

}  // namespace

ParquetFileReader::~ParquetFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::Open(const std::string& path,
                                                                    const Schema& schema) {
  std::unique_ptr<ParquetFileReader> r(new ParquetFileReader());
  r->path_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return Status::IOError("cannot open '{}': {}", path, std::strerror(errno));
  struct stat st {};
  if (::fstat(r->fd_, &st) != 0) return Status::IOError("cannot stat '{}': {}", path, std::strerror(errno));
  r->file_size_ = st.st_size;
  auto read_at = [&](int64_t offset, size_t length, std::string& out) -> Status {
    out.resize(length);
    size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(r->fd_, out.data() + done, length - done,
                                static_cast<off_t>(offset + static_cast<int64_t>(done)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return Status::IOError("reading '{}' at byte {}: {}", path, offset + static_cast<int64_t>(done),
                               n < 0 ? std::strerror(errno) : "unexpected end of file");
      }
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  };
  if (r->file_size_ < 12) {
    return Status::ParseError("'{}' is not a Parquet file: {} bytes is too short", path, r->file_size_);
  }
  std::string head, tail;
  SLUICE_RETURN_NOT_OK(read_at(0, 4, head));
  SLUICE_RETURN_NOT_OK(read_at(r->file_size_ - 8, 8, tail));
  if (tail.substr(4) == "PARE") {
    return Status::NotImplemented("'{}' is an encrypted Parquet file, which sluice cannot read", path);
  }
  if (head != "PAR1" || tail.substr(4) != "PAR1") {
    return Status::ParseError("'{}' is not a Parquet file (no PAR1 magic at its start and end)", path);
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, tail.data(), 4);
  if (footer_length > static_cast<uint64_t>(r->file_size_ - 12)) {
    return Status::ParseError("'{}': the footer length {} exceeds the file", path, footer_length);
  }
  std::string footer;
  SLUICE_RETURN_NOT_OK(read_at(r->file_size_ - 8 - footer_length, footer_length, footer));
  Result<FileMetadata> metadata = ParseFileMetadata(footer);
  if (!metadata.ok()) return metadata.status().WithContext(fmt::format("'{}' footer", path));
  r->metadata_ = std::move(metadata).value();

  FileNode root;
  root.element = &r->metadata_.schema[0];
  size_t next = 1;
  int leaves = 0;
  Status tree = BuildTree(r->metadata_.schema, next, root, leaves, 0);
  if (!tree.ok()) return tree.WithContext(fmt::format("'{}' schema", path));
  int64_t rows_in_groups = 0;
  for (size_t g = 0; g < r->metadata_.row_groups.size(); ++g) {
    const RowGroupMeta& group = r->metadata_.row_groups[g];
    if (group.columns.size() != static_cast<size_t>(leaves) || group.num_rows < 0) {
      return Status::ParseError("'{}': row group {} has {} columns, the schema {}", path, g,
                                group.columns.size(), leaves);
    }
    if (__builtin_add_overflow(rows_in_groups, group.num_rows, &rows_in_groups)) rows_in_groups = -1;
  }
  // A damaged count would otherwise decide how many rows come out when no column is read.
  if (rows_in_groups != r->metadata_.num_rows) {
    return Status::ParseError("'{}': the footer says {} rows, its row groups hold {}", path,
                              r->metadata_.num_rows, rows_in_groups);
  }

  std::vector<std::pair<const FileNode*, LeafConversion>> mapped;
  Mapper mapper(path, mapped);
  for (const Field& field : schema.fields()) {
    const FileNode* column = FindChild(root, field.name);
    if (column == nullptr) {
      if (!field.nullable) return mapper.MissingNotNull(field.name);
      r->columns_.push_back(std::make_unique<ReadNode>());
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(auto node, mapper.Map(*column, field.type, false));
    r->columns_.push_back(std::move(node));
  }
  for (const auto& [file_node, conversion] : mapped) {
    Leaf leaf;
    leaf.chunk = file_node->leaf;
    leaf.path = file_node->path;
    leaf.levels = LeafLevels{file_node->definition, file_node->repetition};
    leaf.conversion = conversion;
    r->leaves_.push_back(std::move(leaf));
  }
  return r;
}

Status ParquetFileReader::LoadRowGroup(size_t index) {
  const RowGroupMeta& group = metadata_.row_groups[index];
  std::string bytes;
  for (Leaf& leaf : leaves_) {
    const ColumnChunkMeta& chunk = group.columns[static_cast<size_t>(leaf.chunk)];
    auto fail = [&](const Status& s) {
      return s.WithContext(fmt::format("'{}' row group {} column '{}'", path_, index, leaf.path));
    };
    if (chunk.external) return fail(Status::NotImplemented("the column chunk is in another file"));
    if (chunk.type != leaf.conversion.physical) {
      return fail(Status::ParseError("the chunk's type differs from the schema's"));
    }
    const int64_t start =
        chunk.dictionary_page_offset > 0 && chunk.dictionary_page_offset < chunk.data_page_offset
            ? chunk.dictionary_page_offset
            : chunk.data_page_offset;
    if (start < 4 || chunk.total_compressed_size < 0 || chunk.num_values < 0 ||
        chunk.total_compressed_size > file_size_ - start) {
      return fail(Status::ParseError("the chunk's offsets lie outside the file"));
    }
    bytes.resize(static_cast<size_t>(chunk.total_compressed_size));
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done,
                                static_cast<off_t>(start + static_cast<int64_t>(done)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(Status::IOError("read failed: {}", n < 0 ? std::strerror(errno) : "end of file"));
      done += static_cast<size_t>(n);
    }
    leaf.values = ColumnValues{};
    leaf.entry = leaf.value = 0;
    Status s = ReadColumnChunk(bytes, chunk, leaf.levels, leaf.conversion, leaf.values);
    if (!s.ok()) return fail(s);
    // Rows start where the repetition level is 0: every column must hold the group's rows.
    int64_t rows = static_cast<int64_t>(leaf.values.entries);
    if (leaf.levels.max_repetition > 0) {
      rows = 0;
      for (uint16_t r : leaf.values.repetition) rows += r == 0;
    }
    if (rows != group.num_rows) {
      return fail(Status::ParseError("the chunk holds {} rows, the row group {}", rows, group.num_rows));
    }
  }
  return Status::OK();
}

void ParquetFileReader::AppendLeaf(const ReadNode& node, Vector& out) {
  Leaf& leaf = leaves_[static_cast<size_t>(node.leaf)];
  const bool present = !leaf.done() && leaf.definition() == leaf.levels.max_definition;
  const ColumnValues& v = leaf.values;
  const size_t i = leaf.value;
  using Lane = LeafConversion::Lane;
  const Lane lane = leaf.conversion.lane;
  const size_t lane_size = lane == Lane::kInt       ? v.ints.size()
                           : lane == Lane::kDouble  ? v.doubles.size()
                           : lane == Lane::kDecimal ? v.decimals.size()
                                                    : v.bytes.size();
  if (!present || i >= lane_size) {
    out.AppendNull();
  } else {
    switch (node.target) {
      case TypeId::kBoolean: out.Append<uint8_t>(v.ints[i] != 0); break;
      case TypeId::kInt32:
      case TypeId::kDate: out.Append<int32_t>(static_cast<int32_t>(v.ints[i])); break;
      case TypeId::kInt64:
      case TypeId::kTimestamp: out.Append<int64_t>(v.ints[i]); break;
      case TypeId::kDecimal: out.Append<Int128>(v.decimals[i]); break;
      case TypeId::kFloat64: out.Append<double>(v.doubles[i]); break;
      case TypeId::kString:
      case TypeId::kBytes: out.AppendString(v.bytes[i]); break;
      default: out.AppendNull(); break;
    }
  }
  leaf.Advance();
}

void ParquetFileReader::SkipValue(const ReadNode& node) {
  for (int index : node.leaves) {
    Leaf& leaf = leaves_[static_cast<size_t>(index)];
    leaf.Advance();
    while (!leaf.done() && leaf.repetition() > node.repetition) leaf.Advance();
  }
}

void ParquetFileReader::Assemble(const ReadNode& node, Vector& out) {
  if (node.kind == ReadNode::Kind::kMissing) {
    out.AppendNull();
    return;
  }
  const Leaf& first = leaves_[static_cast<size_t>(node.first_leaf)];
  const int definition = first.definition();
  if (node.kind == ReadNode::Kind::kLeaf) return AppendLeaf(node, out);
  if (definition < node.definition || first.done()) {
    out.AppendNull();
    SkipValue(node);
    return;
  }
  if (node.kind == ReadNode::Kind::kStruct) {
    const size_t row = out.size();
    for (size_t i = 0; i < node.children.size(); ++i) Assemble(*node.children[i], out.child(i));
    if (node.probe >= 0) {
      ReadNode probe;
      probe.repetition = node.repetition;
      probe.leaves = {node.probe};
      SkipValue(probe);
    }
    out.Resize(row + 1);
    return;
  }
  // A list: empty, or elements until the first leaf's next entry starts something else.
  if (definition < node.elements_definition) {
    SkipValue(node);
  } else {
    const ReadNode& element = *node.children[0];
    do {
      Assemble(element, out.list_child());
    } while (!first.done() && first.repetition() > node.repetition);
  }
  out.AppendListEnd();
}

Result<size_t> ParquetFileReader::Read(Batch& out, size_t max_rows) {
  size_t produced = 0;
  while (produced < max_rows) {
    if (rows_left_in_group_ == 0) {
      if (next_row_group_ >= metadata_.row_groups.size()) break;
      if (metadata_.row_groups[next_row_group_].num_rows == 0) {  // nothing to load
        ++next_row_group_;
        continue;
      }
      SLUICE_RETURN_NOT_OK(LoadRowGroup(next_row_group_));
      rows_left_in_group_ = metadata_.row_groups[next_row_group_++].num_rows;
      continue;
    }
    const size_t n = std::min<size_t>(max_rows - produced, static_cast<size_t>(rows_left_in_group_));
    for (size_t row = 0; row < n; ++row) {
      for (size_t c = 0; c < columns_.size(); ++c) Assemble(*columns_[c], out.column(c));
    }
    produced += n;
    rows_left_in_group_ -= static_cast<int64_t>(n);
  }
  out.set_num_rows(out.num_rows() + produced);
  return produced;
}

}  // namespace sluice::parquet
