#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

// Cassandra's native protocol (CQL binary protocol, v4 and v5): frames — v5's envelopes, which
// v5 wraps in segments (cql_segment.h) — and the notation of their bodies. Only what a writing
// client needs: STARTUP and SASL PLAIN authentication, OPTIONS, QUERY, PREPARE, EXECUTE, BATCH,
// and the RESULT and ERROR responses.
namespace sluice::cql {

enum class Opcode : uint8_t {
  kError = 0x00, kStartup = 0x01, kReady = 0x02, kAuthenticate = 0x03, kOptions = 0x05,
  kSupported = 0x06, kQuery = 0x07, kResult = 0x08, kPrepare = 0x09, kExecute = 0x0A,
  kRegister = 0x0B, kEvent = 0x0C, kBatch = 0x0D, kAuthChallenge = 0x0E, kAuthResponse = 0x0F,
  kAuthSuccess = 0x10
};

enum class Consistency : uint16_t {
  kAny = 0x0000, kOne = 0x0001, kTwo = 0x0002, kThree = 0x0003, kQuorum = 0x0004, kAll = 0x0005,
  kLocalQuorum = 0x0006, kEachQuorum = 0x0007, kSerial = 0x0008, kLocalSerial = 0x0009,
  kLocalOne = 0x000A
};

// 'LOCAL_QUORUM' (any case) and the rest of Cassandra's names.
bool ParseConsistency(std::string_view name, Consistency& out);
std::string_view ConsistencyName(Consistency c);

// The versions this client speaks; it asks for the newest and falls back.
constexpr uint8_t kProtocolV4 = 4;
constexpr uint8_t kProtocolV5 = 5;

constexpr size_t kHeaderSize = 9;
// The largest frame body Cassandra accepts by default (native_transport_max_frame_size 16 MiB);
// a response claiming more is refused before anything is allocated.
constexpr uint32_t kMaxBodySize = 256u << 20;

struct FrameHeader {
  uint8_t version = 4;  // with 0x80 set in responses
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::kError;
  uint32_t length = 0;
};

void AppendHeader(const FrameHeader& header, std::string& out);
// Parses 9 header bytes; an error when they are not a response this client can read. The
// compression flag is an error in v4 (never asked for) and ignored in v5, where it is deprecated.
Result<FrameHeader> ParseResponseHeader(std::string_view bytes, uint8_t expected_version);

// Appends the protocol's big-endian notation to a body.
class BodyWriter {
 public:
  explicit BodyWriter(std::string& out) : out_(out) {}
  void Byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Short(uint16_t v);
  void Int(int32_t v);
  void Long(int64_t v);
  void String(std::string_view s);      // [string]: short length
  void LongString(std::string_view s);  // [long string]: int length
  void Bytes(std::string_view s);       // [bytes]: int length
  void NullBytes() { Int(-1); }
  void ShortBytes(std::string_view s);  // [short bytes]
  void StringMap(const std::vector<std::pair<std::string, std::string>>& map);
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

// Reads the notation from untrusted bytes. Errors are sticky: after the first read past the
// end every read returns zero or empty and ok() is false.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : body_(body) {}
  uint8_t Byte();
  uint16_t Short();
  int32_t Int();
  int64_t Long();
  std::string_view String();
  std::string_view LongString();
  // [bytes]: `null` set for a negative length.
  std::string_view Bytes(bool* null = nullptr);
  std::string_view ShortBytes();
  std::vector<std::string_view> StringList();
  bool ok() const { return ok_; }
  void Fail() {
    ok_ = false;
    position_ = body_.size();
  }
  bool done() const { return position_ == body_.size(); }
  size_t remaining() const { return body_.size() - position_; }

 private:
  std::string_view Take(size_t n);
  std::string_view body_;
  size_t position_ = 0;
  bool ok_ = true;
};

// An ERROR response as a Status: Unavailable for what retrying can fix (Overloaded, Unavailable,
// Is_bootstrapping, Write_timeout — sluice's writes are idempotent upserts — Read_timeout,
// Truncate_error, Server_error, Unprepared), Invalid for the rest (syntax, invalid query,
// unauthorized, bad credentials, configuration, already exists), each with Cassandra's name for
// the code and its message. `version` is the connection's: the extras of Read_failure and
// Write_failure differ between v4 and v5.
Status ErrorResponseStatus(std::string_view body, int version);
// The [int] a response body starts with (0 when unreadable): an ERROR's code (Unprepared is
// 0x2500), a RESULT's kind (Rows is 2).
int32_t LeadingCode(std::string_view body);

constexpr int32_t kErrorProtocol = 0x000A;
constexpr int32_t kErrorUnprepared = 0x2500;
constexpr int32_t kErrorAlreadyExists = 0x2400;

}  // namespace sluice::cql
