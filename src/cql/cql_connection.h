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
};

struct ColumnSpec {
  std::string keyspace, table, name;
  CqlType type;
};

struct Prepared {
  std::string id;
  std::vector<ColumnSpec> bind;        // the statement's markers, in order
  std::vector<uint16_t> partition_key; // indexes into `bind` of the partition key's columns
};

struct Rows {
  std::vector<ColumnSpec> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // raw values, nullopt for null
};

// One connection to a Cassandra node speaking native protocol v4: blocking calls, each bounded
// by the request timeout, several requests in flight at once on stream ids. Any I/O failure or
// timeout closes the connection and returns Unavailable (the caller reconnects); server errors
// are mapped by ErrorResponseStatus.
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

  // Bodies for SendAll. `values` are the bound values' bytes (nullopt for NULL), in marker order.
  static void AppendExecute(const Prepared& statement,
                            const std::vector<std::optional<std::string_view>>& values,
                            Consistency consistency, std::string& body);
  // An UNLOGGED batch of one prepared statement, one entry of values per row.
  static void AppendBatch(const Prepared& statement,
                          const std::vector<std::vector<std::optional<std::string_view>>>& rows,
                          Consistency consistency, std::string& body);

  std::string_view peer() const { return peer_; }
  bool open() const { return fd_ >= 0; }

 private:
  Connection() = default;
  Status Handshake(const Endpoint& endpoint);
  // One request, waiting for its response.
  Status RoundTrip(Opcode opcode, std::string_view body, FrameHeader& header, std::string& response);
  Status SendFrame(int16_t stream, Opcode opcode, std::string_view body);
  // Reads the next response frame, waiting until `deadline`.
  Status ReadFrame(std::chrono::steady_clock::time_point deadline, FrameHeader& header,
                   std::string& body);
  Status WriteAll(std::string_view bytes, std::chrono::steady_clock::time_point deadline);
  Status ReadExactly(char* out, size_t n, std::chrono::steady_clock::time_point deadline);
  // An I/O failure: the connection is closed; Unavailable naming the peer.
  Status Broken(std::string_view what);
  void Close();

  int fd_ = -1;
  std::string peer_;
  std::chrono::milliseconds request_timeout_{12'000};
  int max_in_flight_ = 64;
  std::string frame_;  // scratch
};

// Parses a RESULT body of kind Rows, or Prepared (into `prepared`).
Status ParseRows(std::string_view body, Rows& rows);
Status ParsePrepared(std::string_view body, Prepared& prepared);

}  // namespace sluice::cql
