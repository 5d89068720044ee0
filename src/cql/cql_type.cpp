#include "cql/cql_type.h"

namespace sluice::cql {

CqlType ReadType(BodyReader& r, int depth) {
  CqlType t;
  t.id = r.Short();
  if (depth > 32) {  // a hostile server's endless nesting
    r.Fail();
    return t;
  }
  switch (t.id) {
    case CqlType::kCustom:
      t.custom = std::string(r.String());
      break;
    case CqlType::kList:
    case CqlType::kSet:
      t.params.push_back(ReadType(r, depth + 1));
      break;
    case CqlType::kMap:
      t.params.push_back(ReadType(r, depth + 1));
      t.params.push_back(ReadType(r, depth + 1));
      break;
    case CqlType::kUdt: {
      r.String();  // keyspace
      t.custom = std::string(r.String());
      const uint16_t n = r.Short();
      for (uint16_t i = 0; i < n && r.ok(); ++i) {
        t.field_names.emplace_back(r.String());
        t.params.push_back(ReadType(r, depth + 1));
      }
      break;
    }
    case CqlType::kTuple: {
      const uint16_t n = r.Short();
      for (uint16_t i = 0; i < n && r.ok(); ++i) t.params.push_back(ReadType(r, depth + 1));
      break;
    }
    default:
      break;
  }
  return t;
}

std::string CqlType::ToString() const {
  switch (id) {
    case kCustom: return "'" + custom + "'";
    case kAscii: return "ascii";
    case kBigint: return "bigint";
    case kBlob: return "blob";
    case kBoolean: return "boolean";
    case kCounter: return "counter";
    case kDecimal: return "decimal";
    case kDouble: return "double";
    case kFloat: return "float";
    case kInt: return "int";
    case kTimestamp: return "timestamp";
    case kUuid: return "uuid";
    case kVarchar: return "text";
    case kVarint: return "varint";
    case kTimeuuid: return "timeuuid";
    case kInet: return "inet";
    case kDate: return "date";
    case kTime: return "time";
    case kSmallint: return "smallint";
    case kTinyint: return "tinyint";
    case kDuration: return "duration";
    case kList: return "list<" + (params.empty() ? "?" : params[0].ToString()) + ">";
    case kSet: return "set<" + (params.empty() ? "?" : params[0].ToString()) + ">";
    case kMap:
      return "map<" + (params.size() < 2 ? "?" : params[0].ToString() + ", " + params[1].ToString()) + ">";
    case kUdt: return "frozen<" + custom + ">";
    case kTuple: {
      std::string s = "tuple<";
      for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + params[i].ToString();
      return s + ">";
    }
    default: return "type 0x" + std::to_string(id);
  }
}

}  // namespace sluice::cql
