#include "cql/cql_protocol.h"

#include <fmt/format.h>

namespace sluice::cql {
namespace {

struct ConsistencyNameEntry {
  Consistency value;
  std::string_view name;
};

constexpr ConsistencyNameEntry kConsistencies[] = {
    {Consistency::kAny, "ANY"},           {Consistency::kOne, "ONE"},
    {Consistency::kTwo, "TWO"},           {Consistency::kThree, "THREE"},
    {Consistency::kQuorum, "QUORUM"},     {Consistency::kAll, "ALL"},
    {Consistency::kLocalQuorum, "LOCAL_QUORUM"}, {Consistency::kEachQuorum, "EACH_QUORUM"},
    {Consistency::kSerial, "SERIAL"},     {Consistency::kLocalSerial, "LOCAL_SERIAL"},
    {Consistency::kLocalOne, "LOCAL_ONE"},
};

std::string_view ErrorName(int32_t code) {
  switch (code) {
    case 0x0000: return "Server error";
    case 0x000A: return "Protocol error";
    case 0x0100: return "Bad credentials";
    case 0x1000: return "Unavailable";
    case 0x1001: return "Overloaded";
    case 0x1002: return "Is bootstrapping";
    case 0x1003: return "Truncate error";
    case 0x1100: return "Write timeout";
    case 0x1200: return "Read timeout";
    case 0x1300: return "Read failure";
    case 0x1400: return "Function failure";
    case 0x1500: return "Write failure";
    case 0x1600: return "CDC write failure";
    case 0x1700: return "CAS write unknown";
    case 0x2000: return "Syntax error";
    case 0x2100: return "Unauthorized";
    case 0x2200: return "Invalid";
    case 0x2300: return "Config error";
    case 0x2400: return "Already exists";
    case 0x2500: return "Unprepared";
    default: return "Error";
  }
}

// The failed replicas of Read_failure and Write_failure: v4 counts them ([int]); v5 maps each
// replica's address ([inetaddr]) to a reason code ([short]).
int32_t ReadFailures(BodyReader& r, int version) {
  const int32_t n = r.Int();
  if (version < kProtocolV5) return n;
  if (n < 0 || static_cast<size_t>(n) > r.remaining()) {
    r.Fail();
    return 0;
  }
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    const uint8_t address = r.Byte();
    for (uint8_t b = 0; b < address; ++b) r.Byte();
    r.Short();
  }
  return n;
}

}  // namespace

bool ParseConsistency(std::string_view name, Consistency& out) {
  std::string upper(name);
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  for (const auto& e : kConsistencies) {
    if (e.name == upper) {
      out = e.value;
      return true;
    }
  }
  return false;
}

std::string_view ConsistencyName(Consistency c) {
  for (const auto& e : kConsistencies) {
    if (e.value == c) return e.name;
  }
  return "?";
}

void AppendHeader(const FrameHeader& h, std::string& out) {
  out.push_back(static_cast<char>(h.version));
  out.push_back(static_cast<char>(h.flags));
  out.push_back(static_cast<char>(static_cast<uint16_t>(h.stream) >> 8));
  out.push_back(static_cast<char>(static_cast<uint16_t>(h.stream) & 0xFF));
  out.push_back(static_cast<char>(h.opcode));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((h.length >> shift) & 0xFF));
}

Result<FrameHeader> ParseResponseHeader(std::string_view bytes, uint8_t expected_version) {
  if (bytes.size() < kHeaderSize) return Status::Invalid("a CQL frame header is 9 bytes");
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  FrameHeader h;
  h.version = b[0];
  h.flags = b[1];
  h.stream = static_cast<int16_t>((b[2] << 8) | b[3]);
  h.opcode = static_cast<Opcode>(b[4]);
  h.length = (uint32_t{b[5]} << 24) | (uint32_t{b[6]} << 16) | (uint32_t{b[7]} << 8) | b[8];
  if ((h.version & 0x80) == 0) {
    return Status::IOError("the server sent a request frame (version byte 0x{:02x})", h.version);
  }
  if ((h.version & 0x7F) != expected_version) {
    return Status::IOError("the server answered with protocol v{} to a v{} request",
                           h.version & 0x7F, expected_version);
  }
  if ((h.flags & 0x01) && expected_version < kProtocolV5) {
    return Status::IOError("the server sent a compressed frame, not asked for");
  }
  if (h.length > kMaxBodySize) {
    return Status::IOError("the server announced a {}-byte frame, above the {}-byte limit",
                           h.length, kMaxBodySize);
  }
  if (static_cast<uint8_t>(h.opcode) > static_cast<uint8_t>(Opcode::kAuthSuccess)) {
    return Status::IOError("the server sent an unknown opcode 0x{:02x}", b[4]);
  }
  return h;
}

void BodyWriter::Short(uint16_t v) {
  out_.push_back(static_cast<char>(v >> 8));
  out_.push_back(static_cast<char>(v & 0xFF));
}

void BodyWriter::Int(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>((u >> shift) & 0xFF));
}

void BodyWriter::Long(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<char>((u >> shift) & 0xFF));
}

void BodyWriter::String(std::string_view s) {
  Short(static_cast<uint16_t>(s.size()));
  out_.append(s);
}

void BodyWriter::LongString(std::string_view s) {
  Int(static_cast<int32_t>(s.size()));
  out_.append(s);
}

void BodyWriter::Bytes(std::string_view s) {
  Int(static_cast<int32_t>(s.size()));
  out_.append(s);
}

void BodyWriter::ShortBytes(std::string_view s) {
  Short(static_cast<uint16_t>(s.size()));
  out_.append(s);
}

void BodyWriter::StringMap(const std::vector<std::pair<std::string, std::string>>& map) {
  Short(static_cast<uint16_t>(map.size()));
  for (const auto& [k, v] : map) {
    String(k);
    String(v);
  }
}

std::string_view BodyReader::Take(size_t n) {
  if (!ok_ || n > body_.size() - position_) {
    ok_ = false;
    position_ = body_.size();
    return {};
  }
  std::string_view s = body_.substr(position_, n);
  position_ += n;
  return s;
}

uint8_t BodyReader::Byte() {
  std::string_view s = Take(1);
  return s.empty() ? 0 : static_cast<uint8_t>(s[0]);
}

uint16_t BodyReader::Short() {
  std::string_view s = Take(2);
  if (s.size() < 2) return 0;
  return static_cast<uint16_t>((static_cast<uint8_t>(s[0]) << 8) | static_cast<uint8_t>(s[1]));
}

int32_t BodyReader::Int() {
  std::string_view s = Take(4);
  if (s.size() < 4) return 0;
  uint32_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int32_t>(v);
}

int64_t BodyReader::Long() {
  std::string_view s = Take(8);
  if (s.size() < 8) return 0;
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

std::string_view BodyReader::String() { return Take(Short()); }

std::string_view BodyReader::LongString() {
  const int32_t n = Int();
  if (n < 0) {
    ok_ = false;
    return {};
  }
  return Take(static_cast<size_t>(n));
}

std::string_view BodyReader::Bytes(bool* null) {
  const int32_t n = Int();
  if (null) *null = n < 0;
  if (n < 0) return {};
  return Take(static_cast<size_t>(n));
}

std::string_view BodyReader::ShortBytes() { return Take(Short()); }

std::vector<std::string_view> BodyReader::StringList() {
  std::vector<std::string_view> list;
  const uint16_t n = Short();
  for (uint16_t i = 0; i < n && ok_; ++i) list.push_back(String());
  return list;
}

int32_t LeadingCode(std::string_view body) {
  BodyReader r(body);
  const int32_t code = r.Int();
  return r.ok() ? code : 0;
}

Status ErrorResponseStatus(std::string_view body, int version) {
  BodyReader r(body);
  const int32_t code = r.Int();
  const std::string message(r.String());
  if (!r.ok()) return Status::IOError("the server sent an unreadable ERROR response");
  std::string detail;
  if (code == 0x1000) {  // Unavailable: consistency, required, alive
    const uint16_t cl = r.Short();
    const int32_t required = r.Int(), alive = r.Int();
    if (r.ok()) {
      detail = fmt::format(" ({} needs {} replicas, {} alive)",
                           ConsistencyName(static_cast<Consistency>(cl)), required, alive);
    }
  } else if (code == 0x1100) {  // Write_timeout: consistency, received, block_for, write type
    const uint16_t cl = r.Short();
    const int32_t received = r.Int(), block_for = r.Int();
    const std::string_view write_type = r.String();
    if (r.ok()) {
      detail = fmt::format(" ({} write at {}: {} of {} replicas answered)", write_type,
                           ConsistencyName(static_cast<Consistency>(cl)), received, block_for);
    }
  } else if (code == 0x1300 || code == 0x1500) {  // Read_failure, Write_failure
    const uint16_t cl = r.Short();
    const int32_t received = r.Int(), block_for = r.Int();
    const int32_t failed = ReadFailures(r, version);
    const std::string what = code == 0x1500 ? fmt::format("{} write", r.String()) : "read";
    if (r.ok()) {
      detail = fmt::format(" ({} at {}: {} of {} replicas answered, {} failed)", what,
                           ConsistencyName(static_cast<Consistency>(cl)), received, block_for, failed);
    }
  }
  const std::string text =
      fmt::format("Cassandra: {} (0x{:04x}): {}{}", ErrorName(code), code, message, detail);
  switch (code) {
    case 0x0000:  // Server error: an internal failure, often transient (e.g. while starting)
    case 0x1000:
    case 0x1001:
    case 0x1002:
    case 0x1003:
    case 0x1100:
    case 0x1200:
    case 0x2500:
      return Status::Unavailable("{}", text);
    default:
      return Status::Invalid("{}", text);
  }
}

}  // namespace sluice::cql
