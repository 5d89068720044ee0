#include "types/type_parser.h"

#include "types/decimal.h"
#include "types/interval_text.h"

#include <strings.h>

#include <cctype>
#include <vector>

namespace sluice {
namespace {

// A recursive-descent parser over the text; errors say the 1-based position and what was
// expected there.
class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  // ARRAY<ARRAY<...>> and ROW<f ROW<...>> nest by recursion: deeper than this is refused
  // before the stack runs out (no real schema comes near it).
  static constexpr int kMaxNesting = 100;

  Result<DataType> ParseType() {
    struct Nesting {
      int& depth;
      explicit Nesting(int& d) : depth(++d) {}
      ~Nesting() { --depth; }
    } nesting(depth_);
    if (depth_ > kMaxNesting) {
      return Status::Invalid("type nested more than {} levels deep at position {}", kMaxNesting,
                             pos_ + 1);
    }
    SkipSpace();
    std::string_view word = Word();
    if (word.empty()) return Error("a type name");
    if (Is(word, "ARRAY")) {
      SLUICE_RETURN_NOT_OK(Expect('<'));
      SLUICE_ASSIGN_OR_RETURN(DataType element, ParseType());
      SLUICE_RETURN_NOT_OK(Expect('>'));
      return DataType::List(std::move(element));
    }
    if (Is(word, "MAP")) {
      SLUICE_RETURN_NOT_OK(Expect('<'));
      SLUICE_ASSIGN_OR_RETURN(DataType key, ParseType());
      SLUICE_RETURN_NOT_OK(Expect(','));
      SLUICE_ASSIGN_OR_RETURN(DataType value, ParseType());
      SLUICE_RETURN_NOT_OK(Expect('>'));
      SLUICE_RETURN_NOT_OK(CheckMapKey(key));
      return DataType::Map(std::move(key), std::move(value));
    }
    if (Is(word, "ROW") || Is(word, "STRUCT")) {
      SkipSpace();
      char close = Peek() == '(' ? ')' : '>';
      if (Peek() != '(' && Peek() != '<') return Error("'<' or '('");
      ++pos_;
      SLUICE_ASSIGN_OR_RETURN(std::vector<Field> fields, ParseFields(close));
      SLUICE_RETURN_NOT_OK(Expect(close));
      return DataType::Struct(std::move(fields));
    }
    if (Is(word, "DECIMAL") || Is(word, "NUMERIC") || Is(word, "DEC")) {
      int precision = 10, scale = 0;
      if (Accept('(')) {
        SLUICE_ASSIGN_OR_RETURN(precision, Number());
        if (Accept(',')) {
          SLUICE_ASSIGN_OR_RETURN(scale, Number());
        }
        SLUICE_RETURN_NOT_OK(Expect(')'));
      }
      if (precision < 1 || precision > kMaxDecimalPrecision || scale > precision) {
        return Status::Invalid("type '{}': DECIMAL({}, {}) is not supported: precision 1..38, "
                               "scale 0..precision",
                               text_, precision, scale);
      }
      return DataType::Decimal(precision, scale);
    }
    if (Is(word, "BOOLEAN") || Is(word, "BOOL")) return DataType::Boolean();
    if (Is(word, "TINYINT") || Is(word, "SMALLINT") || Is(word, "INT") || Is(word, "INTEGER")) {
      return DataType::Int32();
    }
    if (Is(word, "BIGINT") || Is(word, "LONG")) return DataType::Int64();
    if (Is(word, "DOUBLE") || Is(word, "FLOAT") || Is(word, "REAL")) {
      SkipSpace();
      size_t save = pos_;
      if (!Is(Word(), "PRECISION")) pos_ = save;  // DOUBLE PRECISION
      return DataType::Float64();
    }
    if (Is(word, "STRING") || Is(word, "TEXT") || Is(word, "VARCHAR") || Is(word, "CHAR")) {
      SLUICE_RETURN_NOT_OK(SkipLength());
      return DataType::String();
    }
    if (Is(word, "BYTES") || Is(word, "BINARY") || Is(word, "VARBINARY")) {
      SLUICE_RETURN_NOT_OK(SkipLength());
      return DataType::Bytes();
    }
    if (Is(word, "INTERVAL")) return ParseIntervalType();
    if (Is(word, "DATE")) return DataType::Date();
    if (Is(word, "TIMESTAMP") || Is(word, "TIMESTAMP_LTZ") || Is(word, "TIMESTAMP_NTZ")) {
      SLUICE_RETURN_NOT_OK(SkipLength());
      // TIMESTAMP [WITHOUT | WITH LOCAL] TIME ZONE: all UTC microseconds here.
      SkipSpace();
      size_t save = pos_;
      std::string_view w = Word();
      if (Is(w, "WITHOUT") || Is(w, "WITH")) {
        SkipSpace();
        size_t save2 = pos_;
        if (!Is(Word(), "LOCAL")) pos_ = save2;
        SkipSpace();
        if (!Is(Word(), "TIME")) return Error("TIME ZONE");
        SkipSpace();
        if (!Is(Word(), "ZONE")) return Error("ZONE");
      } else {
        pos_ = save;
      }
      return DataType::Timestamp();
    }
    pos_ -= word.size();
    return Status::Invalid("type '{}': unknown type '{}' at position {}", text_, word, pos_ + 1);
  }

  // INTERVAL DAY [TO HOUR|MINUTE|SECOND], INTERVAL HOUR [TO ...], ..., INTERVAL YEAR [TO MONTH],
  // INTERVAL MONTH: Spark's two ANSI interval types (a bare INTERVAL is its CalendarInterval,
  // which sluice has no counterpart for).
  Result<DataType> ParseIntervalType() {
    auto field = [&](std::string_view w, bool& year_month) {
      for (int f = DataType::kDay; f <= DataType::kSecond; ++f) {
        if (Is(w, IntervalFieldName(false, f))) {
          year_month = false;
          return f;
        }
      }
      for (int f = DataType::kYear; f <= DataType::kMonth; ++f) {
        if (Is(w, IntervalFieldName(true, f))) {
          year_month = true;
          return f;
        }
      }
      return -1;
    };
    SkipSpace();
    bool year_month = false;
    const int start = field(Word(), year_month);
    if (start < 0) {
      return Status::Invalid("type '{}': INTERVAL needs its fields, e.g. INTERVAL DAY TO SECOND or "
                             "INTERVAL YEAR TO MONTH", text_);
    }
    int end = start;
    SkipSpace();
    const size_t save = pos_;
    if (Is(Word(), "TO")) {
      SkipSpace();
      bool end_year_month = false;
      end = field(Word(), end_year_month);
      if (end <= start || end_year_month != year_month) {
        return Status::Invalid("type '{}': INTERVAL {} TO ... needs a later field of the same kind",
                               text_, IntervalFieldName(year_month, start));
      }
    } else {
      pos_ = save;
    }
    return year_month ? DataType::YearMonthInterval(start, end) : DataType::Interval(start, end);
  }

  // name TYPE [NOT NULL], ... up to (not consuming) `close`, or the end when close is 0.
  Result<std::vector<Field>> ParseFields(char close) {
    std::vector<Field> fields;
    SkipSpace();
    if (close != 0 && Peek() == close) return fields;
    while (true) {
      SkipSpace();
      Field field;
      if (Accept('`')) {
        // `a``b` is the name a`b, as in SQL text.
        while (true) {
          size_t end = text_.find('`', pos_);
          if (end == std::string_view::npos) return Error("a closing '`'");
          field.name.append(text_.substr(pos_, end - pos_));
          pos_ = end + 1;
          if (pos_ < text_.size() && text_[pos_] == '`') {
            field.name += '`';
            ++pos_;
            continue;
          }
          break;
        }
      } else {
        std::string_view name = Word();
        if (name.empty()) return Error("a field name");
        field.name = std::string(name);
      }
      Accept(':');  // Spark's STRUCT<a: INT>
      SLUICE_ASSIGN_OR_RETURN(field.type, ParseType());
      SkipSpace();
      size_t save = pos_;
      if (Is(Word(), "NOT")) {
        SkipSpace();
        if (!Is(Word(), "NULL")) return Error("NULL after NOT");
        field.nullable = false;
      } else {
        pos_ = save;
      }
      for (const Field& f : fields) {
        if (strcasecmp(f.name.c_str(), field.name.c_str()) == 0) {
          return Status::Invalid("type '{}': field '{}' is declared twice", text_, field.name);
        }
      }
      fields.push_back(std::move(field));
      if (!Accept(',')) break;
    }
    return fields;
  }

  Status ExpectEnd() {
    SkipSpace();
    if (pos_ != text_.size()) return Error("the end of the type");
    return Status::OK();
  }

  // Whether the text (from the current position) starts with ROW/STRUCT followed by < or (.
  bool AtStructKeyword() {
    size_t save = pos_;
    SkipSpace();
    std::string_view w = Word();
    SkipSpace();
    bool yes = (Is(w, "ROW") || Is(w, "STRUCT")) && (Peek() == '<' || Peek() == '(');
    pos_ = save;
    return yes;
  }

 private:
  static bool Is(std::string_view word, std::string_view keyword) {
    return word.size() == keyword.size() &&
           strncasecmp(word.data(), keyword.data(), word.size()) == 0;
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  std::string_view Word() {
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  bool Accept(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  Status Expect(char c) {
    if (Accept(c)) return Status::OK();
    return Error(std::string("'") + c + "'");
  }
  Result<int> Number() {
    SkipSpace();
    std::string_view digits = Word();
    if (digits.empty() || digits.size() > 9) return Error("a number");
    int v = 0;
    for (char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        pos_ -= digits.size();
        return Error("a number");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
  // An optional (n) after VARCHAR, TIMESTAMP, ...
  Status SkipLength() {
    if (!Accept('(')) return Status::OK();
    SLUICE_RETURN_NOT_OK(Number().status());
    return Expect(')');
  }
  Status Error(std::string_view expected) const {
    if (pos_ >= text_.size()) {
      return Status::Invalid("type '{}': expected {} at the end", text_, expected);
    }
    return Status::Invalid("type '{}': expected {} at position {}, found '{}'", text_, expected,
                           pos_ + 1, text_.substr(pos_, 10));
  }

  std::string_view text_;
  int depth_ = 0;
  size_t pos_ = 0;
};

}  // namespace

Result<DataType> ParseDataType(std::string_view text) {
  TypeParser parser(text);
  SLUICE_ASSIGN_OR_RETURN(DataType type, parser.ParseType());
  SLUICE_RETURN_NOT_OK(parser.ExpectEnd());
  return type;
}

Result<DataType> ParseStructType(std::string_view text) {
  TypeParser parser(text);
  if (parser.AtStructKeyword()) {
    SLUICE_ASSIGN_OR_RETURN(DataType type, parser.ParseType());
    SLUICE_RETURN_NOT_OK(parser.ExpectEnd());
    return type;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<Field> fields, parser.ParseFields(0));
  SLUICE_RETURN_NOT_OK(parser.ExpectEnd());
  return DataType::Struct(std::move(fields));
}

}  // namespace sluice
