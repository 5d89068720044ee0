#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "cql/cql_protocol.h"
#include "cql/cql_segment.h"
#include "cql/cql_type.h"

namespace sluice::cql {

// Where and how to connect.
struct Endpoint {
  std::vector<std::string> hosts{"127.0.0.1"};  // tried in order
  int port = 9042;
  std::string username, password;  // SASL PLAIN when the server asks to authenticate
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{12'000};  // above Cassandra's 2 s write timeout
  int max_in_flight = 64;  // requests outstanding on the connection at once (stream ids)
  // The native protocol version asked for first; a server without it gets v4 on a new connection.
  int max_protocol_version = kProtocolV5;
};

struct ColumnSpec {
  std::string keyspace, table, name;
  CqlType type;
};

struct Prepared {
  std::string id;
  std::string result_metadata_id;      // v5: EXECUTE sends it back
  std::vector<ColumnSpec> bind;        // the statement's markers, in order
  std::vector<uint16_t> partition_key; // indexes into `bind` of the partition key's columns
};

struct Rows {
  std::vector<ColumnSpec> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // raw values, nullopt for null
  // v5: set when the statement's result columns changed since PREPARE; later EXECUTEs should
  // send it instead of the prepared result_metadata_id (the old one still works: the server
  // then sends the columns again).
  std::string new_metadata_id;
};

// One connection to a Cassandra node speaking native protocol v5 (segments with CRCs, from the
// end of the STARTUP exchange on), or v4 with a server that has no v5: blocking calls, each
// bounded by the request timeout, several requests in flight at once on stream ids. Any I/O
// failure, damaged segment or timeout closes the connection and returns Unavailable (the caller
// reconnects); server errors are mapped by ErrorResponseStatus.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Connect(const Endpoint& endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A statement without bound values; `rows` receives a Rows result.
  Status Query(std::string_view cql, Consistency consistency, Rows* rows = nullptr);
  Result<Prepared> Prepare(std::string_view cql);

  // A request whose body the caller built (EXECUTE, BATCH).
  struct Request {
    Opcode opcode = Opcode::kExecute;
    std::string body;
  };
  // Sends every request, at most max_in_flight outstanding, and waits for all their responses;
  // returns the first error (after every response has arrived, so the connection stays usable
  // for server errors).
  Status SendAll(const std::vector<Request>& requests, Rows* last_rows = nullptr);

  // Bodies for SendAll, in this connection's protocol version (a statement prepared on it).
  // `values` are the bound values' bytes (nullopt for NULL), in marker order.
  void AppendExecute(const Prepared& statement,
                     const std::vector<std::optional<std::string_view>>& values,
                     Consistency consistency, std::string& body) const;
  // An UNLOGGED batch of one prepared statement, one entry of values per row.
  void AppendBatch(const Prepared& statement,
                   const std::vector<std::vector<std::optional<std::string_view>>>& rows,
                   Consistency consistency, std::string& body) const;

  std::string_view peer() const { return peer_; }
  bool open() const { return fd_ >= 0; }
  // The negotiated native protocol version: 5, or 4.
  int protocol_version() const { return version_; }

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  Connection() = default;
  // A TCP connection to `host`; Invalid when the name does not resolve.
  Status Open(const std::string& host, const Endpoint& endpoint);
  // STARTUP and authentication. `refused` is set when the server does not speak version_ (it
  // answered with a protocol error or a lower version, or hung up): retry lower on a new one.
  Status Handshake(const Endpoint& endpoint, bool& refused);
  // One request, waiting for its response.
  Status RoundTrip(Opcode opcode, std::string_view body, FrameHeader& header, std::string& response);
  Status SendFrame(int16_t stream, Opcode opcode, std::string_view body);
  // Adds a request to frame_: a bare envelope before v5's framing starts, else into `segments`
  // (which write to frame_). Flush sends what was added.
  void Queue(int16_t stream, Opcode opcode, std::string_view body, SegmentWriter& segments);
  Status Flush(SegmentWriter& segments);
  // Reads the next response, waiting until `deadline`.
  Status ReadFrame(Deadline deadline, FrameHeader& header, std::string& body);
  // A response straight from the socket (before v5's framing starts, and always in v4). With
  // `lower` given, an answer in a lower version sets it and fails.
  Status ReadUnframed(Deadline deadline, FrameHeader& header, std::string& body, bool* lower = nullptr);
  // Reads one segment, checks its CRCs and feeds its payload to assembler_.
  Status ReadSegment(Deadline deadline);
  Status WriteAll(std::string_view bytes, Deadline deadline);
  Status ReadExactly(char* out, size_t n, Deadline deadline);
  // An I/O failure: the connection is closed; Unavailable naming the peer.
  Status Broken(std::string_view what);
  void Close();

  int fd_ = -1;
  std::string peer_;
  std::chrono::milliseconds request_timeout_{12'000};
  int max_in_flight_ = 64;
  uint8_t version_ = kProtocolV5;
  bool framed_ = false;       // v5 after STARTUP's answer: everything in segments
  bool peer_closed_ = false;  // the server hung up (rather than the read failing or timing out)
  std::string frame_;         // scratch: requests on their way out
  std::string segment_;       // scratch: one segment's payload and trailer
  EnvelopeAssembler assembler_;
};

// Parses a RESULT body of kind Rows, or Prepared (into `prepared`), in protocol `version`.
Status ParseRows(std::string_view body, Rows& rows, int version);
Status ParsePrepared(std::string_view body, Prepared& prepared, int version);

}  // namespace sluice::cql
