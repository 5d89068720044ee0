#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cql/cql_protocol.h"

namespace sluice::cql {

// A CQL column type as the protocol describes it ([option]): an id and, for collections,
// tuples and user types, the types inside.
struct CqlType {
  enum Id : uint16_t {
    kCustom = 0x0000, kAscii = 0x0001, kBigint = 0x0002, kBlob = 0x0003, kBoolean = 0x0004,
    kCounter = 0x0005, kDecimal = 0x0006, kDouble = 0x0007, kFloat = 0x0008, kInt = 0x0009,
    kTimestamp = 0x000B, kUuid = 0x000C, kVarchar = 0x000D, kVarint = 0x000E,
    kTimeuuid = 0x000F, kInet = 0x0010, kDate = 0x0011, kTime = 0x0012, kSmallint = 0x0013,
    kTinyint = 0x0014, kDuration = 0x0015, kList = 0x0020, kMap = 0x0021, kSet = 0x0022,
    kUdt = 0x0030, kTuple = 0x0031
  };
  uint16_t id = kVarchar;
  std::string custom;                   // kCustom: the Java class; kUdt: the type's name
  std::vector<CqlType> params;          // list/set element, map key and value, tuple, UDT fields
  std::vector<std::string> field_names; // kUdt

  // 'text', 'list<bigint>', 'frozen<address>': for messages.
  std::string ToString() const;
};

// Reads an [option] (bounded nesting).
CqlType ReadType(BodyReader& r, int depth = 0);

}  // namespace sluice::cql
