#include "cql/cql_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sluice::cql {
namespace {

using Clock = std::chrono::steady_clock;
// Requests gathered by SendAll are written once they reach this many bytes.
constexpr size_t kFlushBytes = size_t{1} << 20;

// The RESULT kinds sluice reads (Void, Set_keyspace and Schema_change carry nothing it needs).
constexpr int32_t kResultRows = 2, kResultPrepared = 4;

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Metadata flags.
constexpr int32_t kGlobalTablesSpec = 0x0001, kHasMorePages = 0x0002, kNoMetadata = 0x0004,
                  kMetadataChanged = 0x0008;

// The <flags> of QUERY, EXECUTE and BATCH: a [byte] in v4, an [int] in v5.
void AppendQueryFlags(BodyWriter& w, int version, uint8_t flags) {
  if (version >= kProtocolV5) {
    w.Int(flags);
  } else {
    w.Byte(flags);
  }
}

void ReadColumnSpecs(BodyReader& r, int32_t flags, int32_t count, std::vector<ColumnSpec>& out) {
  std::string keyspace, table;
  if (flags & kGlobalTablesSpec) {
    keyspace = std::string(r.String());
    table = std::string(r.String());
  }
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    ColumnSpec c;
    if (flags & kGlobalTablesSpec) {
      c.keyspace = keyspace;
      c.table = table;
    } else {
      c.keyspace = std::string(r.String());
      c.table = std::string(r.String());
    }
    c.name = std::string(r.String());
    c.type = ReadType(r);
    out.push_back(std::move(c));
  }
}

// [short] n, then n [bytes] values (NULL as length -1).
void AppendValues(BodyWriter& w, const std::vector<std::optional<std::string_view>>& values) {
  w.Short(static_cast<uint16_t>(values.size()));
  for (const auto& v : values) {
    if (v) {
      w.Bytes(*v);
    } else {
      w.NullBytes();
    }
  }
}

}  // namespace

Status ParseRows(std::string_view body, Rows& rows, int version) {
  BodyReader r(body);
  const int32_t kind = r.Int();
  if (kind != kResultRows) return Status::IOError("expected a Rows result, got kind {}", kind);
  const int32_t flags = r.Int();
  const int32_t count = r.Int();
  if (count < 0 || static_cast<size_t>(count) > r.remaining()) {
    return Status::IOError("a Rows result with {} columns", count);
  }
  if (flags & kHasMorePages) r.Bytes();  // paging state: the statements read one page
  rows.new_metadata_id.clear();
  if (version >= kProtocolV5 && (flags & kMetadataChanged)) rows.new_metadata_id = std::string(r.ShortBytes());
  rows.columns.clear();
  rows.rows.clear();
  if (!(flags & kNoMetadata)) ReadColumnSpecs(r, flags, count, rows.columns);
  const int32_t n = r.Int();
  if (n < 0 || static_cast<size_t>(n) > r.remaining()) return Status::IOError("a Rows result with {} rows", n);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    std::vector<std::optional<std::string>> row;
    for (int32_t c = 0; c < count && r.ok(); ++c) {
      bool null = false;
      std::string_view v = r.Bytes(&null);
      row.push_back(null ? std::nullopt : std::optional<std::string>(std::string(v)));
    }
    rows.rows.push_back(std::move(row));
  }
  if (!r.ok()) return Status::IOError("a malformed Rows result");
  return Status::OK();
}

Status ParsePrepared(std::string_view body, Prepared& prepared, int version) {
  BodyReader r(body);
  const int32_t kind = r.Int();
  if (kind != kResultPrepared) return Status::IOError("expected a Prepared result, got kind {}", kind);
  prepared.id = std::string(r.ShortBytes());
  prepared.result_metadata_id.clear();
  if (version >= kProtocolV5) prepared.result_metadata_id = std::string(r.ShortBytes());
  const int32_t flags = r.Int();
  const int32_t count = r.Int();
  const int32_t pk_count = r.Int();
  if (count < 0 || pk_count < 0 || static_cast<size_t>(count) > r.remaining() ||
      static_cast<size_t>(pk_count) > r.remaining()) {
    return Status::IOError("a malformed Prepared result");
  }
  prepared.partition_key.clear();
  for (int32_t i = 0; i < pk_count && r.ok(); ++i) {
    const uint16_t index = r.Short();
    if (index >= count) return Status::IOError("a partition key index beyond the markers");
    prepared.partition_key.push_back(index);
  }
  prepared.bind.clear();
  ReadColumnSpecs(r, flags, count, prepared.bind);
  if (!r.ok() || prepared.id.empty()) return Status::IOError("a malformed Prepared result");
  return Status::OK();  // the result metadata after it is not needed for writes
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status Connection::Broken(std::string_view what) {
  Close();
  return Status::Unavailable("Cassandra at {}: {}", peer_, what);
}

Result<std::unique_ptr<Connection>> Connection::Connect(const Endpoint& endpoint) {
  Status last = Status::Invalid("no Cassandra host given ('hosts')");
  const int newest = std::clamp<int>(endpoint.max_protocol_version, kProtocolV4, kProtocolV5);
  for (const std::string& host : endpoint.hosts) {
    for (int version = newest; version >= kProtocolV4; --version) {
      std::unique_ptr<Connection> c(new Connection());
      c->peer_ = fmt::format("{}:{}", host, endpoint.port);
      c->request_timeout_ = endpoint.request_timeout;
      c->max_in_flight_ = std::clamp(endpoint.max_in_flight, 1, 1024);
      c->version_ = static_cast<uint8_t>(version);
      last = c->Open(host, endpoint);
      if (!last.ok()) break;
      bool refused = false;
      last = c->Handshake(endpoint, refused);
      if (last.ok()) {
        spdlog::debug("Cassandra at {}: native protocol v{}", c->peer_, version);
        return c;
      }
      if (refused) continue;  // the next version, on a new connection
      if (last.code() != StatusCode::kUnavailable) return last;  // bad credentials: stop
      break;
    }
  }
  return last;
}

Status Connection::Open(const std::string& host, const Endpoint& endpoint) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::Invalid("Cassandra host '{}': {}", host, gai_strerror(rc));
  }
  const auto deadline = Clock::now() + endpoint.connect_timeout;
  Status connected = Status::Unavailable("Cassandra at {}: no address", peer_);
  for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, MillisLeft(deadline));
      int error = 0;
      socklen_t length = sizeof error;
      if (rc == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0) {
        rc = 0;
      } else {
        connected = Status::Unavailable("Cassandra at {}: cannot connect: {}", peer_,
                                        rc == 0 ? "timed out" : std::strerror(error ? error : errno));
        rc = -1;
      }
    } else if (rc != 0) {
      connected = Status::Unavailable("Cassandra at {}: cannot connect: {}", peer_, std::strerror(errno));
    }
    if (rc == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  return fd_ >= 0 ? Status::OK() : connected;
}

Status Connection::Handshake(const Endpoint& endpoint, bool& refused) {
  refused = false;
  std::string body;
  BodyWriter w(body);
  w.StringMap({{"CQL_VERSION", "3.0.0"}, {"DRIVER_NAME", "sluice"}});
  FrameHeader header;
  std::string response;
  // STARTUP and its answer are never in segments (v5 spec, 2.3.1). A server without this version
  // answers with a protocol error in the newest version it has (v4 spec, 2.1; Cassandra 5.0 does
  // so unframed), one that has it only as a beta with a protocol error in it; either way this
  // connection is done and the next version goes on a new one.
  SLUICE_RETURN_NOT_OK(SendFrame(0, Opcode::kStartup, body));
  bool lower = false;
  Status read = ReadUnframed(Clock::now() + request_timeout_, header, response, &lower);
  if (!read.ok()) {
    refused = version_ > kProtocolV4 && (lower || peer_closed_);
    return read;
  }
  if (header.stream != 0) return Broken("an answer on a stream never used");
  if (header.opcode == Opcode::kError) {
    refused = version_ > kProtocolV4 && LeadingCode(response) == kErrorProtocol;
    return Broken(ErrorResponseStatus(response, version_).message());
  }
  if (header.opcode != Opcode::kReady && header.opcode != Opcode::kAuthenticate) {
    return Broken(fmt::format("unexpected answer 0x{:02x} to STARTUP", static_cast<int>(header.opcode)));
  }
  // From the server's READY or AUTHENTICATE on, v5 puts everything in segments (spec 2.3.1).
  framed_ = version_ >= kProtocolV5;
  if (header.opcode == Opcode::kReady) return Status::OK();
  if (endpoint.username.empty()) {
    Close();
    return Status::Invalid("Cassandra at {} requires authentication: set 'username' and 'password'",
                           peer_);
  }
  // SASL PLAIN: authorization id (empty), user, password.
  std::string token;
  token.push_back('\0');
  token += endpoint.username;
  token.push_back('\0');
  token += endpoint.password;
  body.clear();
  BodyWriter(body).Bytes(token);
  SLUICE_RETURN_NOT_OK(RoundTrip(Opcode::kAuthResponse, body, header, response));
  if (header.opcode == Opcode::kAuthSuccess) return Status::OK();
  if (header.opcode == Opcode::kError) {
    Close();
    Status error = ErrorResponseStatus(response, version_);
    return Status::Invalid("{} (user '{}')", error.message(), endpoint.username);
  }
  return Broken("unexpected answer to the credentials");
}

Status Connection::WriteAll(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      const int rc = ::poll(&p, 1, MillisLeft(deadline));
      if (rc == 0) return Broken("timed out sending a request");
      if (rc < 0 && errno != EINTR) return Broken(std::strerror(errno));
      continue;
    }
    return Broken(fmt::format("connection lost while sending: {}", std::strerror(errno)));
  }
  return Status::OK();
}

Status Connection::ReadExactly(char* out, size_t n, Clock::time_point deadline) {
  while (n > 0) {
    const ssize_t got = ::recv(fd_, out, n, 0);
    if (got > 0) {
      out += got;
      n -= static_cast<size_t>(got);
      continue;
    }
    if (got == 0) {
      peer_closed_ = true;
      return Broken("the server closed the connection");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLIN, 0};
      const int rc = ::poll(&p, 1, MillisLeft(deadline));
      if (rc == 0) return Broken(fmt::format("no answer within {} ms", request_timeout_.count()));
      if (rc < 0 && errno != EINTR) return Broken(std::strerror(errno));
      continue;
    }
    return Broken(fmt::format("connection lost: {}", std::strerror(errno)));
  }
  return Status::OK();
}

Status Connection::SendFrame(int16_t stream, Opcode opcode, std::string_view body) {
  if (fd_ < 0) return Status::Unavailable("Cassandra at {}: not connected", peer_);
  frame_.clear();
  SegmentWriter segments(frame_);
  Queue(stream, opcode, body, segments);
  return Flush(segments);
}

void Connection::Queue(int16_t stream, Opcode opcode, std::string_view body, SegmentWriter& segments) {
  const FrameHeader header{version_, 0, stream, opcode, static_cast<uint32_t>(body.size())};
  if (framed_) {
    segments.Add(header, body);
  } else {
    AppendHeader(header, frame_);
    frame_.append(body);
  }
}

Status Connection::Flush(SegmentWriter& segments) {
  segments.Finish();
  Status written = WriteAll(frame_, Clock::now() + request_timeout_);
  frame_.clear();
  return written;
}

Status Connection::ReadUnframed(Deadline deadline, FrameHeader& header, std::string& body, bool* lower) {
  char head[kHeaderSize];
  SLUICE_RETURN_NOT_OK(ReadExactly(head, kHeaderSize, deadline));
  const uint8_t answered = static_cast<uint8_t>(head[0]) & 0x7F;
  if (lower && (static_cast<uint8_t>(head[0]) & 0x80) && answered < version_) {
    *lower = true;
    return Broken(fmt::format("the server answered protocol v{} with v{}", version_, answered));
  }
  Result<FrameHeader> parsed = ParseResponseHeader(std::string_view(head, kHeaderSize), version_);
  if (!parsed.ok()) return Broken(parsed.status().message());
  header = *parsed;
  body.resize(header.length);
  return ReadExactly(body.data(), body.size(), deadline);
}

Status Connection::ReadSegment(Deadline deadline) {
  char head[kSegmentHeaderSize];
  SLUICE_RETURN_NOT_OK(ReadExactly(head, kSegmentHeaderSize, deadline));
  Result<SegmentHeader> parsed = ParseSegmentHeader(std::string_view(head, kSegmentHeaderSize));
  if (!parsed.ok()) return Broken(parsed.status().message());
  segment_.resize(parsed->payload_length + kSegmentTrailerSize);  // at most 128 KiB + 3
  SLUICE_RETURN_NOT_OK(ReadExactly(segment_.data(), segment_.size(), deadline));
  const std::string_view payload = std::string_view(segment_).substr(0, parsed->payload_length);
  Status checked = CheckSegmentPayload(payload, std::string_view(segment_).substr(parsed->payload_length));
  if (checked.ok()) checked = assembler_.Feed(payload, parsed->self_contained);
  if (!checked.ok()) return Broken(checked.message());
  return Status::OK();
}

Status Connection::ReadFrame(Deadline deadline, FrameHeader& header, std::string& body) {
  if (framed_) {
    std::string_view envelope;
    while (!assembler_.Next(envelope)) SLUICE_RETURN_NOT_OK(ReadSegment(deadline));
    Result<FrameHeader> parsed = ParseResponseHeader(envelope, version_);
    if (!parsed.ok()) return Broken(parsed.status().message());
    header = *parsed;
    body.assign(envelope.substr(kHeaderSize));  // the assembler checked its length
  } else {
    SLUICE_RETURN_NOT_OK(ReadUnframed(deadline, header, body));
  }
  if (header.flags & 0x08) {  // warnings first: [string list]; the body follows
    BodyReader r(body);
    r.StringList();
    if (!r.ok()) return Broken("a malformed warning list");
    body.erase(0, body.size() - r.remaining());
  }
  return Status::OK();
}

Status Connection::RoundTrip(Opcode opcode, std::string_view body, FrameHeader& header,
                             std::string& response) {
  SLUICE_RETURN_NOT_OK(SendFrame(0, opcode, body));
  const auto deadline = Clock::now() + request_timeout_;
  while (true) {
    SLUICE_RETURN_NOT_OK(ReadFrame(deadline, header, response));
    if (header.stream == 0) return Status::OK();
    if (header.stream > 0) return Broken("an answer on a stream never used");
    // Negative streams are server events, not asked for: skipped.
  }
}

Status Connection::Query(std::string_view cql, Consistency consistency, Rows* rows) {
  std::string body;
  BodyWriter w(body);
  w.LongString(cql);
  w.Short(static_cast<uint16_t>(consistency));
  AppendQueryFlags(w, version_, 0);  // no values, no paging state
  FrameHeader header;
  std::string response;
  SLUICE_RETURN_NOT_OK(RoundTrip(Opcode::kQuery, body, header, response));
  if (header.opcode == Opcode::kError) return ErrorResponseStatus(response, version_);
  if (header.opcode != Opcode::kResult) return Broken("unexpected answer to QUERY");
  if (rows) return ParseRows(response, *rows, version_);
  return Status::OK();
}

Result<Prepared> Connection::Prepare(std::string_view cql) {
  std::string body;
  BodyWriter w(body);
  w.LongString(cql);
  if (version_ >= kProtocolV5) w.Int(0);  // PREPARE's flags: no keyspace
  FrameHeader header;
  std::string response;
  SLUICE_RETURN_NOT_OK(RoundTrip(Opcode::kPrepare, body, header, response));
  if (header.opcode == Opcode::kError) return ErrorResponseStatus(response, version_);
  if (header.opcode != Opcode::kResult) return Broken("unexpected answer to PREPARE");
  Prepared prepared;
  Status parsed = ParsePrepared(response, prepared, version_);
  if (!parsed.ok()) return Broken(parsed.message());
  return prepared;
}

void Connection::AppendExecute(const Prepared& statement,
                               const std::vector<std::optional<std::string_view>>& values,
                               Consistency consistency, std::string& body) const {
  BodyWriter w(body);
  w.ShortBytes(statement.id);
  if (version_ >= kProtocolV5) w.ShortBytes(statement.result_metadata_id);
  w.Short(static_cast<uint16_t>(consistency));
  AppendQueryFlags(w, version_, 0x01 | 0x02);  // values; skip result metadata
  AppendValues(w, values);
}

void Connection::AppendBatch(const Prepared& statement,
                             const std::vector<std::vector<std::optional<std::string_view>>>& rows,
                             Consistency consistency, std::string& body) const {
  BodyWriter w(body);
  w.Byte(1);  // UNLOGGED
  w.Short(static_cast<uint16_t>(rows.size()));
  for (const auto& values : rows) {
    w.Byte(1);  // a prepared statement's id
    w.ShortBytes(statement.id);
    AppendValues(w, values);
  }
  w.Short(static_cast<uint16_t>(consistency));
  AppendQueryFlags(w, version_, 0);  // no serial consistency, no default timestamp
}

Status Connection::SendAll(const std::vector<Request>& requests, Rows* last_rows) {
  if (fd_ < 0) return Status::Unavailable("Cassandra at {}: not connected", peer_);
  // Streams 1..max_in_flight; a free list keeps each id used by one request at a time.
  std::vector<int16_t> free_streams;
  for (int s = max_in_flight_; s >= 1; --s) free_streams.push_back(static_cast<int16_t>(s));
  std::map<int16_t, size_t> outstanding;  // stream -> request index
  Status first_error;
  size_t next = 0;
  FrameHeader header;
  std::string response;
  frame_.clear();
  SegmentWriter segments(frame_);
  while (next < requests.size() || !outstanding.empty()) {
    // As many as the free streams allow, several to a segment and a write.
    while (next < requests.size() && !free_streams.empty()) {
      const int16_t stream = free_streams.back();
      free_streams.pop_back();
      Queue(stream, requests[next].opcode, requests[next].body, segments);
      outstanding[stream] = next++;
      if (frame_.size() >= kFlushBytes) SLUICE_RETURN_NOT_OK(Flush(segments));
    }
    if (!frame_.empty()) SLUICE_RETURN_NOT_OK(Flush(segments));
    SLUICE_RETURN_NOT_OK(ReadFrame(Clock::now() + request_timeout_, header, response));
    if (header.stream < 0) continue;  // a server event
    auto it = outstanding.find(header.stream);
    if (it == outstanding.end()) return Broken("an answer on a stream with no request");
    outstanding.erase(it);
    free_streams.push_back(header.stream);
    if (header.opcode == Opcode::kError) {
      if (first_error.ok()) first_error = ErrorResponseStatus(response, version_);
      continue;
    }
    if (header.opcode != Opcode::kResult) return Broken("unexpected answer to a request");
    if (last_rows && LeadingCode(response) == kResultRows) {
      SLUICE_RETURN_NOT_OK(ParseRows(response, *last_rows, version_));
    }
  }
  return first_error;
}

}  // namespace sluice::cql
