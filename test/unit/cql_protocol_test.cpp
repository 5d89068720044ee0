// sluice's Cassandra native-protocol client (src/cql) without a server: body notation both
// ways, response headers and ERROR mapping in v4 and v5, RESULT parsing on damaged bytes, v5
// segments against vectors computed independently (a Python script from the spec's
// description), and a fake server on 127.0.0.1 that speaks v5 or only v4, answers the
// handshake, asks for credentials, goes silent, sends garbage or damaged segments: every
// hostile answer is an error (Unavailable, the connection closed), never a crash or a hang past
// the request timeout. Plus the value conversions of the Cassandra sink.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include "connector/cassandra/cql_values.h"
#include "cql/cql_connection.h"
#include "cql/cql_protocol.h"
#include "cql/cql_segment.h"

namespace sluice::cql {
namespace {

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(CqlProtocol, BodyNotationRoundTrips) {
  std::string body;
  BodyWriter w(body);
  w.Byte(7);
  w.Short(0xBEEF);
  w.Int(-5);
  w.Long(int64_t{1} << 40);
  w.String("hé");
  w.LongString("long");
  w.Bytes(std::string("\0\1", 2));
  w.NullBytes();
  w.ShortBytes("id");
  w.StringMap({{"CQL_VERSION", "3.0.0"}});
  BodyReader r(body);
  EXPECT_EQ(r.Byte(), 7);
  EXPECT_EQ(r.Short(), 0xBEEF);
  EXPECT_EQ(r.Int(), -5);
  EXPECT_EQ(r.Long(), int64_t{1} << 40);
  EXPECT_EQ(r.String(), "hé");
  EXPECT_EQ(r.LongString(), "long");
  EXPECT_EQ(r.Bytes(), std::string_view("\0\1", 2));
  bool null = false;
  r.Bytes(&null);
  EXPECT_TRUE(null);
  EXPECT_EQ(r.ShortBytes(), "id");
  EXPECT_EQ(r.Short(), 1);
  EXPECT_EQ(r.String(), "CQL_VERSION");
  EXPECT_EQ(r.String(), "3.0.0");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.done());
  // Reading past the end is sticky: zeros and empties, never bytes beyond.
  for (size_t cut = 0; cut < body.size(); ++cut) {
    BodyReader t(std::string_view(body).substr(0, cut));
    t.Byte(), t.Short(), t.Int(), t.Long(), t.String(), t.LongString(), t.Bytes(), t.Bytes(),
        t.ShortBytes(), t.Short(), t.String(), t.String();
    EXPECT_FALSE(t.ok()) << cut;
  }
}

TEST(CqlProtocol, ResponseHeadersAreChecked) {
  std::string h;
  AppendHeader(FrameHeader{0x84, 0, 3, Opcode::kResult, 12}, h);
  EXPECT_EQ(Hex(h), "84000003080000000c");
  Result<FrameHeader> ok = ParseResponseHeader(h, 4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->stream, 3);
  EXPECT_EQ(ok->length, 12u);
  auto refused = [](uint8_t version, uint8_t flags, uint8_t opcode, uint32_t length) {
    std::string b;
    AppendHeader(FrameHeader{version, flags, 0, static_cast<Opcode>(opcode), length}, b);
    return !ParseResponseHeader(b, 4).ok();
  };
  EXPECT_TRUE(refused(0x04, 0, 0x08, 0));         // a request, not a response
  EXPECT_TRUE(refused(0x83, 0, 0x08, 0));         // another version
  EXPECT_TRUE(refused(0x84, 0x01, 0x08, 0));      // compressed, never asked for
  EXPECT_TRUE(refused(0x84, 0, 0x42, 0));         // no such opcode
  EXPECT_TRUE(refused(0x84, 0, 0x08, 0x7FFFFFFF)); // a body too large to allocate
  // v5 envelopes: the compression flag is deprecated and ignored; other versions are refused.
  std::string v5;
  AppendHeader(FrameHeader{0x85, 0x01, 0, Opcode::kResult, 0}, v5);
  EXPECT_TRUE(ParseResponseHeader(v5, 5).ok());
  EXPECT_FALSE(ParseResponseHeader(v5, 4).ok());
}

std::string ErrorBody(int32_t code, std::string_view message, const std::function<void(BodyWriter&)>& extra = {}) {
  std::string body;
  BodyWriter w(body);
  w.Int(code);
  w.String(message);
  if (extra) extra(w);
  return body;
}

TEST(CqlProtocol, ServerErrorsMapToRetryableOrNot) {
  const Status overloaded = ErrorResponseStatus(ErrorBody(0x1001, "busy"), 4);
  EXPECT_EQ(overloaded.code(), StatusCode::kUnavailable);
  EXPECT_NE(overloaded.message().find("Overloaded (0x1001): busy"), std::string::npos);
  const Status unavailable = ErrorResponseStatus(ErrorBody(0x1000, "down", [](BodyWriter& w) {
    w.Short(0x0006);
    w.Int(2);
    w.Int(1);
  }), 5);
  EXPECT_EQ(unavailable.code(), StatusCode::kUnavailable);
  EXPECT_NE(unavailable.message().find("LOCAL_QUORUM needs 2 replicas, 1 alive"), std::string::npos)
      << unavailable.ToString();
  // Write_timeout reads the same in both versions (v5's <contentions> follows only for CAS).
  for (int version : {4, 5}) {
    const Status timeout = ErrorResponseStatus(ErrorBody(0x1100, "slow", [](BodyWriter& w) {
      w.Short(0x0001);
      w.Int(0);
      w.Int(1);
      w.String("BATCH");
    }), version);
    EXPECT_EQ(timeout.code(), StatusCode::kUnavailable);
    EXPECT_NE(timeout.message().find("BATCH write at ONE: 0 of 1"), std::string::npos) << version;
  }
  // Write_failure: v4 counts the failed replicas, v5 maps each one's address to a reason.
  const Status failure4 = ErrorResponseStatus(ErrorBody(0x1500, "failed", [](BodyWriter& w) {
    w.Short(0x0004);
    w.Int(1);
    w.Int(2);
    w.Int(1);  // failures
    w.String("SIMPLE");
  }), 4);
  EXPECT_NE(failure4.message().find("SIMPLE write at QUORUM: 1 of 2 replicas answered, 1 failed"),
            std::string::npos) << failure4.ToString();
  const Status failure5 = ErrorResponseStatus(ErrorBody(0x1500, "failed", [](BodyWriter& w) {
    w.Short(0x0004);
    w.Int(1);
    w.Int(2);
    w.Int(1);  // reason map: 10.0.0.7 -> 0x0001
    w.Byte(4);
    w.Int(0x0A000007);
    w.Short(1);
    w.String("SIMPLE");
  }), 5);
  EXPECT_NE(failure5.message().find("SIMPLE write at QUORUM: 1 of 2 replicas answered, 1 failed"),
            std::string::npos) << failure5.ToString();
  for (int32_t code : {0x2000, 0x2100, 0x2200, 0x2300, 0x0100, 0x000A}) {
    EXPECT_EQ(ErrorResponseStatus(ErrorBody(code, "no"), 5).code(), StatusCode::kInvalidArgument) << code;
  }
  EXPECT_EQ(ErrorResponseStatus("\x00\x00", 4).code(), StatusCode::kIOError);
}

std::string PreparedBody(int version) {
  std::string body;
  BodyWriter w(body);
  w.Int(4);  // Prepared
  w.ShortBytes("0123456789abcdef");
  if (version >= 5) w.ShortBytes("metadata-id");
  w.Int(1);  // global table spec
  w.Int(3);  // columns
  w.Int(1);  // partition key columns
  w.Short(0);
  w.String("ks");
  w.String("t");
  w.String("id");
  w.Short(0x000C);  // uuid
  w.String("tags");
  w.Short(0x0020);  // list<text>
  w.Short(0x000D);
  w.String("m");
  w.Short(0x0021);  // map<int, frozen<tuple<int, text>>>
  w.Short(0x0009);
  w.Short(0x0031);
  w.Short(2);
  w.Short(0x0009);
  w.Short(0x000D);
  w.Int(0);  // result metadata: flags
  w.Int(0);
  return body;
}

TEST(CqlProtocol, PreparedResultsParseAndDamageIsAnError) {
  Prepared p;
  ASSERT_TRUE(ParsePrepared(PreparedBody(5), p, 5).ok());
  EXPECT_EQ(p.id, "0123456789abcdef");
  EXPECT_EQ(p.result_metadata_id, "metadata-id");
  ASSERT_TRUE(ParsePrepared(PreparedBody(4), p, 4).ok());
  EXPECT_EQ(p.result_metadata_id, "");
  ASSERT_EQ(p.bind.size(), 3u);
  EXPECT_EQ(p.bind[0].type.ToString(), "uuid");
  EXPECT_EQ(p.bind[1].type.ToString(), "list<text>");
  EXPECT_EQ(p.bind[2].type.ToString(), "map<int, tuple<int, text>>");
  EXPECT_EQ(p.partition_key, std::vector<uint16_t>{0});
  // Every cut and thousands of random damages: an error or a result, never a crash.
  std::mt19937 rng(5);
  for (int version : {4, 5}) {
    const std::string good = PreparedBody(version);
    for (size_t cut = 0; cut < good.size() - 8; ++cut) {
      Prepared q;
      EXPECT_FALSE(ParsePrepared(std::string_view(good).substr(0, cut), q, version).ok()) << cut;
    }
    for (int i = 0; i < 5000; ++i) {
      std::string bad = good;
      for (int f = 0; f < 4; ++f) bad[rng() % bad.size()] = static_cast<char>(rng());
      Prepared q;
      (void)ParsePrepared(bad, q, version);
      Rows rows;
      (void)ParseRows(bad, rows, version);
    }
  }
}

TEST(CqlProtocol, RowsCarryV5sNewMetadataId) {
  std::string body;
  BodyWriter w(body);
  w.Int(2);  // Rows
  w.Int(0x0001 | 0x0008);  // global table spec, metadata changed
  w.Int(1);
  w.ShortBytes("new-id");
  w.String("ks");
  w.String("t");
  w.String("n");
  w.Short(0x0009);  // int
  w.Int(1);
  w.Bytes(std::string("\0\0\0\7", 4));
  Rows rows;
  ASSERT_TRUE(ParseRows(body, rows, 5).ok());
  EXPECT_EQ(rows.new_metadata_id, "new-id");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(*rows.rows[0][0], std::string("\0\0\0\7", 4));
}

// Expected bytes from /tmp/cqlv5/vector.py-style reference code written from the spec (CRC24:
// init 0x875060, polynomial 0x1974F0B over the 3 header bytes in wire order; CRC32: zlib's over
// FA 2D 55 CA then the payload; both little-endian), not from this C++.
TEST(CqlSegment, MatchesIndependentlyComputedVectors) {
  // A v5 OPTIONS request (stream 0, empty body) alone in a self-contained segment.
  std::string out;
  SegmentWriter writer(out);
  writer.Add(FrameHeader{0x05, 0, 0, Opcode::kOptions, 0}, "");
  writer.Finish();
  EXPECT_EQ(Hex(out), "090002a4c8c1" "050000000500000000" "1086284d");
  // An empty self-contained segment.
  Result<SegmentHeader> empty = ParseSegmentHeader(std::string("\x00\x00\x02\x6a\x36\xc4", 6));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->payload_length, 0u);
  EXPECT_TRUE(empty->self_contained);
  EXPECT_EQ(SegmentPayloadCrc(""), 0x44777ed3u);
  // The largest payload, not self-contained: 131071 bytes of 0xAB.
  Result<SegmentHeader> largest = ParseSegmentHeader(std::string("\xff\xff\x01\x38\x91\xfe", 6));
  ASSERT_TRUE(largest.ok()) << largest.status().ToString();
  EXPECT_EQ(largest->payload_length, kMaxSegmentPayload);
  EXPECT_FALSE(largest->self_contained);
  EXPECT_EQ(SegmentPayloadCrc(std::string(kMaxSegmentPayload, '\xab')), 0x28eaf855u);
}

TEST(CqlSegment, DamagedSegmentsAreRejected) {
  std::string out;
  SegmentWriter writer(out);
  writer.Add(FrameHeader{0x85, 0, 3, Opcode::kResult, 4}, std::string("\0\0\0\1", 4));
  writer.Finish();
  ASSERT_EQ(out.size(), kSegmentHeaderSize + kHeaderSize + 4 + kSegmentTrailerSize);
  const auto intact = [](const std::string& segment) {
    Result<SegmentHeader> h = ParseSegmentHeader(segment);
    if (!h.ok()) return false;
    const std::string_view rest = std::string_view(segment).substr(kSegmentHeaderSize);
    return h->payload_length == rest.size() - kSegmentTrailerSize &&
           CheckSegmentPayload(rest.substr(0, h->payload_length), rest.substr(h->payload_length)).ok();
  };
  EXPECT_TRUE(intact(out));
  // Any one bit flipped anywhere — header (padding included), payload or trailer — is caught.
  for (size_t i = 0; i < out.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = out;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_FALSE(intact(bad)) << i << ":" << bit;
    }
  }
  EXPECT_FALSE(ParseSegmentHeader("\x01\x02").ok());
}

std::string Envelope(int16_t stream, std::string_view body) {
  std::string e;
  AppendHeader(FrameHeader{0x85, 0, stream, Opcode::kResult, static_cast<uint32_t>(body.size())}, e);
  e.append(body);
  return e;
}

// Splits `wire` into segments, checking each, and feeds them to `assembler`; the envelopes.
std::vector<std::string> Reassemble(std::string_view wire, std::vector<SegmentHeader>* headers = nullptr) {
  EnvelopeAssembler assembler;
  std::vector<std::string> envelopes;
  while (!wire.empty()) {
    Result<SegmentHeader> h = ParseSegmentHeader(wire);
    EXPECT_TRUE(h.ok());
    if (!h.ok()) break;
    if (headers) headers->push_back(*h);
    const std::string_view payload = wire.substr(kSegmentHeaderSize, h->payload_length);
    EXPECT_TRUE(CheckSegmentPayload(payload, wire.substr(kSegmentHeaderSize + h->payload_length, 4)).ok());
    EXPECT_TRUE(assembler.Feed(payload, h->self_contained).ok());
    std::string_view e;
    while (assembler.Next(e)) envelopes.emplace_back(e);
    wire.remove_prefix(kSegmentHeaderSize + h->payload_length + kSegmentTrailerSize);
  }
  return envelopes;
}

TEST(CqlSegment, SmallEnvelopesShareASegmentALargeOneIsSplit) {
  std::string large(300'000, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 7);
  const std::vector<std::string> sent = {Envelope(1, "a"), Envelope(2, "bb"), Envelope(3, large),
                                         Envelope(4, "c")};
  std::string wire;
  SegmentWriter writer(wire);
  for (const std::string& e : sent) {
    writer.Add(*ParseResponseHeader(e, 5), std::string_view(e).substr(kHeaderSize));
  }
  writer.Finish();
  std::vector<SegmentHeader> headers;
  EXPECT_EQ(Reassemble(wire, &headers), sent);
  // Envelopes 1 and 2 together; 3 (300009 bytes) over 131071 + 131071 + 37867; then 4.
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_TRUE(headers[0].self_contained);
  EXPECT_EQ(headers[0].payload_length, 2 * kHeaderSize + 3);
  for (int i : {1, 2, 3}) EXPECT_FALSE(headers[i].self_contained) << i;
  EXPECT_EQ(headers[1].payload_length, kMaxSegmentPayload);
  EXPECT_EQ(headers[2].payload_length, kMaxSegmentPayload);
  EXPECT_EQ(headers[3].payload_length, 300'009 - 2 * kMaxSegmentPayload);
  EXPECT_TRUE(headers[4].self_contained);
  // Many small envelopes fill segments to the limit and no further.
  std::string many;
  SegmentWriter packer(many);
  std::vector<std::string> small;
  for (int i = 0; i < 3000; ++i) {
    small.push_back(Envelope(static_cast<int16_t>(i), std::string(100, 'x')));
    packer.Add(*ParseResponseHeader(small.back(), 5), std::string(100, 'x'));
  }
  packer.Finish();
  headers.clear();
  EXPECT_EQ(Reassemble(many, &headers), small);
  EXPECT_EQ(headers.size(), 3u);  // 3000 * 109 bytes in segments of at most 131071
  for (const SegmentHeader& h : headers) EXPECT_TRUE(h.self_contained);
}

TEST(CqlSegment, AssemblerRefusesWhatDoesNotFitTheFormat) {
  const std::string e = Envelope(1, "body");
  EnvelopeAssembler cut;  // a self-contained segment ending inside an envelope
  EXPECT_FALSE(cut.Feed(std::string_view(e).substr(0, e.size() - 1), true).ok());
  EnvelopeAssembler header_cut;
  EXPECT_FALSE(header_cut.Feed(std::string_view(e).substr(0, 5), true).ok());
  EnvelopeAssembler inside;  // a self-contained segment in the middle of a split envelope
  EXPECT_TRUE(inside.Feed(std::string_view(e).substr(0, 4), false).ok());
  EXPECT_FALSE(inside.Feed(e, true).ok());
  EnvelopeAssembler two;  // a split run carrying more than its one envelope
  EXPECT_FALSE(two.Feed(e + e, false).ok());
  EnvelopeAssembler huge;  // a split envelope announcing more than the limit: refused up front
  std::string h;
  AppendHeader(FrameHeader{0x85, 0, 1, Opcode::kResult, 0x7FFFFFFF}, h);
  EXPECT_FALSE(huge.Feed(h, false).ok());
  // A split envelope whose header itself is cut across segments still assembles.
  EnvelopeAssembler pieces;
  std::string_view got;
  for (char c : e) {
    EXPECT_TRUE(pieces.Feed(std::string_view(&c, 1), false).ok());
  }
  ASSERT_TRUE(pieces.Next(got));
  EXPECT_EQ(got, e);
  EXPECT_FALSE(pieces.Next(got));
}



// One accepted connection seen from the server: requests read and responses written in
// `version`, bare until STARTUP is answered with READY or AUTHENTICATE, in segments after that
// when the version is 5 (as Cassandra does).
class Peer {
 public:
  struct Request {
    uint8_t version = 0;
    int16_t stream = 0;
    Opcode opcode = Opcode::kError;  // kError: the client hung up, or sent something unreadable
    std::string body;
  };

  Peer(int fd, uint8_t version) : fd_(fd), version_(version) {}

  Request Read() {
    Request request;
    std::string envelope;
    if (framed_) {
      std::string_view e;
      while (!assembler_.Next(e)) {
        char head[kSegmentHeaderSize];
        if (!ReadBytes(head, sizeof head)) return request;
        Result<SegmentHeader> h = ParseSegmentHeader(std::string_view(head, sizeof head));
        if (!h.ok()) return request;
        std::string payload(h->payload_length + kSegmentTrailerSize, '\0');
        if (!ReadBytes(payload.data(), payload.size())) return request;
        const std::string_view p = std::string_view(payload).substr(0, h->payload_length);
        if (!CheckSegmentPayload(p, std::string_view(payload).substr(h->payload_length)).ok() ||
            !assembler_.Feed(p, h->self_contained).ok()) {
          return request;
        }
      }
      envelope = std::string(e);
    } else {
      envelope.resize(kHeaderSize);
      if (!ReadBytes(envelope.data(), kHeaderSize)) return request;
      const uint32_t length = (uint32_t{static_cast<uint8_t>(envelope[5])} << 24) |
                              (uint32_t{static_cast<uint8_t>(envelope[6])} << 16) |
                              (uint32_t{static_cast<uint8_t>(envelope[7])} << 8) |
                              static_cast<uint8_t>(envelope[8]);
      envelope.resize(kHeaderSize + length);
      if (!ReadBytes(envelope.data() + kHeaderSize, length)) return request;
    }
    request.version = static_cast<uint8_t>(envelope[0]);
    request.stream = static_cast<int16_t>((static_cast<uint8_t>(envelope[2]) << 8) | static_cast<uint8_t>(envelope[3]));
    request.opcode = static_cast<Opcode>(envelope[4]);
    request.body = envelope.substr(kHeaderSize);
    return request;
  }

  void Reply(Opcode opcode, std::string_view body, int16_t stream = 0) {
    const FrameHeader header{static_cast<uint8_t>(0x80 | version_), 0, stream, opcode,
                             static_cast<uint32_t>(body.size())};
    std::string out;
    if (framed_) {
      SegmentWriter segments(out);
      segments.Add(header, body);
      segments.Finish();
    } else {
      AppendHeader(header, out);
      out.append(body);
    }
    Send(out);
    if (version_ >= 5 && (opcode == Opcode::kReady || opcode == Opcode::kAuthenticate)) framed_ = true;
  }

  // STARTUP answered with READY; false when the client sent something else.
  bool Ready() {
    const Request startup = Read();
    if (startup.opcode != Opcode::kStartup || startup.version != version_) return false;
    Reply(Opcode::kReady, "");
    return true;
  }

  void Send(std::string_view bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  bool framed() const { return framed_; }

 private:
  bool ReadBytes(char* out, size_t n) {
    while (n > 0) {
      const ssize_t got = ::recv(fd_, out, n, 0);
      if (got <= 0) return false;
      out += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }

  int fd_;
  uint8_t version_;
  bool framed_ = false;
  EnvelopeAssembler assembler_;
};

// A server on 127.0.0.1 that runs `script` on each of the first `connections` connections,
// one after the other; `script` gets the connection's index.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(int fd, int index)> script, int connections = 1) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 4);
    socklen_t length = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, script, connections] {
      for (int i = 0; i < connections; ++i) {
        const int fd = ::accept(listen_, nullptr, nullptr);
        if (fd < 0) return;
        script(fd, i);
        ::close(fd);
      }
    });
  }
  ~FakeServer() {
    ::shutdown(listen_, SHUT_RDWR);
    ::close(listen_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int listen_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// A v5 server: `script` gets the connection as a Peer speaking v5.
std::function<void(int, int)> V5(std::function<void(Peer&)> script) {
  return [script](int fd, int) {
    Peer peer(fd, 5);
    script(peer);
  };
}

Endpoint Local(int port) {
  Endpoint e;
  e.hosts = {"127.0.0.1"};
  e.port = port;
  e.connect_timeout = std::chrono::milliseconds(2000);
  e.request_timeout = std::chrono::milliseconds(300);
  return e;
}

std::string VoidResult() {
  std::string body;
  BodyWriter(body).Int(1);
  return body;
}

TEST(CqlConnection, AuthenticatesWithSaslPlainInSegments) {
  std::string token;
  bool framed_answer = false;
  FakeServer server(V5([&](Peer& peer) {
    if (peer.Read().opcode != Opcode::kStartup) return;
    std::string body;
    BodyWriter(body).String("org.apache.cassandra.auth.PasswordAuthenticator");
    peer.Reply(Opcode::kAuthenticate, body);
    // From AUTHENTICATE on, both ways in segments: the credentials arrive in one.
    framed_answer = peer.framed();
    const Peer::Request response = peer.Read();
    if (response.opcode != Opcode::kAuthResponse || response.version != 5) return;
    BodyReader r(response.body);
    token = std::string(r.Bytes());
    peer.Reply(Opcode::kAuthSuccess, std::string("\xff\xff\xff\xff", 4));
  }));
  Endpoint e = Local(server.port());
  e.username = "sluice";
  e.password = "secret";
  auto c = Connection::Connect(e);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->protocol_version(), 5);
  EXPECT_TRUE(framed_answer);
  EXPECT_EQ(token, std::string("\0sluice\0secret", 14));
}

TEST(CqlConnection, WrongCredentialsAreAClearErrorNotARetry) {
  FakeServer server(V5([&](Peer& peer) {
    peer.Read();
    std::string body;
    BodyWriter(body).String("org.apache.cassandra.auth.PasswordAuthenticator");
    peer.Reply(Opcode::kAuthenticate, body);
    peer.Read();
    peer.Reply(Opcode::kError, ErrorBody(0x0100, "Provided username sluice and/or password are incorrect"));
  }));
  Endpoint e = Local(server.port());
  e.username = "sluice";
  e.password = "wrong";
  auto c = Connection::Connect(e);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("Bad credentials"), std::string::npos) << c.status().ToString();
  EXPECT_NE(c.status().message().find("user 'sluice'"), std::string::npos);
}

// A server with v4 only, refusing v5 in one of the ways servers do, then taking v4 on the next
// connection: QUERY, PREPARE and EXECUTE in v4's layout.
TEST(CqlConnection, AServerWithoutV5GetsAV4Connection) {
  enum class Refusal { kErrorInV4, kBetaErrorInV5, kHangUp };
  for (Refusal refusal : {Refusal::kErrorInV4, Refusal::kBetaErrorInV5, Refusal::kHangUp}) {
    SCOPED_TRACE(static_cast<int>(refusal));
    uint8_t first_version = 0;
    std::string query_body, prepare_body, execute_body;
    FakeServer server([&](int fd, int index) {
      if (index == 0) {
        Peer peer(fd, refusal == Refusal::kBetaErrorInV5 ? 5 : 4);
        first_version = peer.Read().version;
        if (refusal == Refusal::kErrorInV4) {
          peer.Reply(Opcode::kError, ErrorBody(0x000A, "Invalid or unsupported protocol version (5); "
                                                       "supported versions are (3/v3, 4/v4)"));
        } else if (refusal == Refusal::kBetaErrorInV5) {
          peer.Reply(Opcode::kError, ErrorBody(0x000A, "Beta version of the protocol used (5/v5-beta), "
                                                       "but USE_BETA flag is unset"));
        }
        return;  // and hang up
      }
      Peer peer(fd, 4);
      if (!peer.Ready()) return;
      Peer::Request q = peer.Read();
      query_body = q.body;
      peer.Reply(Opcode::kResult, VoidResult(), q.stream);
      Peer::Request p = peer.Read();
      prepare_body = p.body;
      std::string prepared;
      BodyWriter w(prepared);
      w.Int(4);
      w.ShortBytes("id");
      w.Int(1);  // global table spec
      w.Int(1);
      w.Int(1);
      w.Short(0);
      w.String("ks");
      w.String("t");
      w.String("k");
      w.Short(0x000D);
      w.Int(4);  // result metadata: no metadata
      w.Int(0);
      peer.Reply(Opcode::kResult, prepared, p.stream);
      Peer::Request x = peer.Read();
      execute_body = x.body;
      peer.Reply(Opcode::kResult, VoidResult(), x.stream);
    }, 2);
    auto c = Connection::Connect(Local(server.port()));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(first_version, 5);
    EXPECT_EQ((*c)->protocol_version(), 4);
    ASSERT_TRUE((*c)->Query("SELECT 1", Consistency::kOne).ok());
    Result<Prepared> p = (*c)->Prepare("INSERT INTO ks.t (k) VALUES (?)");
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->id, "id");
    std::vector<Connection::Request> requests(1);
    (*c)->AppendExecute(*p, {std::string_view("v")}, Consistency::kOne, requests[0].body);
    ASSERT_TRUE((*c)->SendAll(requests).ok());
    // v4: flags are a [byte], PREPARE has none, EXECUTE no result metadata id.
    EXPECT_EQ(Hex(query_body), "00000008" + Hex("SELECT 1") + "0001" "00");
    EXPECT_EQ(Hex(prepare_body), "0000001f" + Hex("INSERT INTO ks.t (k) VALUES (?)"));
    EXPECT_EQ(Hex(execute_body), "0002" + Hex("id") + "0001" "03" "0001" "00000001" + Hex("v"));
  }
}

TEST(CqlConnection, V5BodiesCarryIntFlagsAndTheResultMetadataId) {
  std::string query_body, prepare_body, execute_body, batch_body;
  FakeServer server(V5([&](Peer& peer) {
    if (!peer.Ready()) return;
    Peer::Request q = peer.Read();
    query_body = q.body;
    peer.Reply(Opcode::kResult, VoidResult(), q.stream);
    Peer::Request p = peer.Read();
    prepare_body = p.body;
    std::string prepared;
    BodyWriter w(prepared);
    w.Int(4);
    w.ShortBytes("id");
    w.ShortBytes("md");  // result metadata id
    w.Int(1);
    w.Int(1);
    w.Int(1);
    w.Short(0);
    w.String("ks");
    w.String("t");
    w.String("k");
    w.Short(0x000D);
    w.Int(4);
    w.Int(0);
    peer.Reply(Opcode::kResult, prepared, p.stream);
    for (std::string* body : {&execute_body, &batch_body}) {
      Peer::Request x = peer.Read();
      *body = x.body;
      peer.Reply(Opcode::kResult, VoidResult(), x.stream);
    }
  }));
  auto c = Connection::Connect(Local(server.port()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->protocol_version(), 5);
  ASSERT_TRUE((*c)->Query("SELECT 1", Consistency::kOne).ok());
  Result<Prepared> p = (*c)->Prepare("INSERT INTO ks.t (k) VALUES (?)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->result_metadata_id, "md");
  std::vector<Connection::Request> execute(1), batch(1);
  (*c)->AppendExecute(*p, {std::string_view("v")}, Consistency::kOne, execute[0].body);
  batch[0].opcode = Opcode::kBatch;
  (*c)->AppendBatch(*p, {{std::string_view("v")}}, Consistency::kOne, batch[0].body);
  ASSERT_TRUE((*c)->SendAll(execute).ok());
  ASSERT_TRUE((*c)->SendAll(batch).ok());
  EXPECT_EQ(Hex(query_body), "00000008" + Hex("SELECT 1") + "0001" "00000000");
  EXPECT_EQ(Hex(prepare_body), "0000001f" + Hex("INSERT INTO ks.t (k) VALUES (?)") + "00000000");
  EXPECT_EQ(Hex(execute_body), "0002" + Hex("id") + "0002" + Hex("md") + "0001" "00000003" "0001" "00000001" + Hex("v"));
  EXPECT_EQ(Hex(batch_body), "01" "0001" "01" "0002" + Hex("id") + "0001" "00000001" + Hex("v") + "0001" "00000000");
}

TEST(CqlConnection, SilenceGarbageAndHangUpsAreUnavailableWithinTheTimeout) {
  const std::vector<std::function<void(Peer&)>> behaviours = {
      [](Peer& p) { p.Read(); std::this_thread::sleep_for(std::chrono::seconds(2)); },
      [](Peer& p) { p.Read(); p.Send("garbage!!!!!!"); std::this_thread::sleep_for(std::chrono::milliseconds(500)); },
      [](Peer& p) { p.Read(); },  // hangs up (and so would the v4 retry find no server)
      [](Peer& p) {  // a header announcing more than it sends
        p.Read();
        std::string frame;
        AppendHeader(FrameHeader{0x85, 0, 0, Opcode::kReady, 100}, frame);
        p.Send(frame);
        std::this_thread::sleep_for(std::chrono::seconds(2));
      },
      [](Peer& p) {  // an answer on a stream never used
        p.Read();
        p.Reply(Opcode::kReady, "", 77);
      },
  };
  for (size_t i = 0; i < behaviours.size(); ++i) {
    FakeServer server(V5(behaviours[i]));
    const auto start = std::chrono::steady_clock::now();
    auto c = Connection::Connect(Local(server.port()));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(c.ok()) << i;
    EXPECT_EQ(c.status().code(), StatusCode::kUnavailable) << i << ": " << c.status().ToString();
    EXPECT_LT(took, std::chrono::milliseconds(1500)) << i;
  }
}

// After READY, what a damaged or hostile v5 server sends: each an error that closes the
// connection, within the request timeout, never an allocation the server chose.
TEST(CqlConnection, DamagedOrHostileSegmentsAreUnavailable) {
  const auto segment = [](std::string_view payload, bool self_contained) {
    std::string s(kSegmentHeaderSize, '\0');
    const uint32_t word = static_cast<uint32_t>(payload.size()) | (self_contained ? 1u << 17 : 0);
    for (int i = 0; i < 3; ++i) s[i] = static_cast<char>(word >> (8 * i));
    const uint32_t crc = SegmentHeaderCrc(s.substr(0, 3));
    for (int i = 0; i < 3; ++i) s[3 + i] = static_cast<char>(crc >> (8 * i));
    s.append(payload);
    const uint32_t payload_crc = SegmentPayloadCrc(payload);
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(payload_crc >> (8 * i)));
    return s;
  };
  const std::string answer = Envelope(0, VoidResult());
  std::string huge;
  AppendHeader(FrameHeader{0x85, 0, 0, Opcode::kResult, 0x7FFFFFFF}, huge);
  const std::vector<std::string> sends = {
      [&] { std::string s = segment(answer, true); s[8] ^= 1; return s; }(),  // payload CRC
      [&] { std::string s = segment(answer, true); s[1] ^= 4; return s; }(),  // header CRC
      [&] { std::string s = segment(answer, true); s.back() ^= 1; return s; }(),  // trailer
      segment(answer.substr(0, answer.size() - 1), true),  // an envelope cut short
      segment(huge, false),  // a split envelope of 2 GiB announced
      segment(answer, true).substr(0, 10),  // and then silence
      segment(Envelope(0, "").substr(0, 9) + std::string("\x81\x02\x03\x04", 4), true),  // trailing junk
  };
  for (size_t i = 0; i < sends.size(); ++i) {
    FakeServer server(V5([&](Peer& peer) {
      if (!peer.Ready()) return;
      peer.Read();
      peer.Send(sends[i]);
      std::this_thread::sleep_for(std::chrono::milliseconds(400));  // past the client's timeout
    }));
    auto c = Connection::Connect(Local(server.port()));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    const auto start = std::chrono::steady_clock::now();
    Status s = (*c)->Query("SELECT 1", Consistency::kOne);
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << i << ": " << s.ToString();
    EXPECT_FALSE((*c)->open()) << i;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000)) << i;
  }
}

TEST(CqlConnection, ManyRequestsInFlightAnsweredOutOfOrderInOneSegment) {
  std::vector<int> order;
  FakeServer server(V5([&](Peer& peer) {
    if (!peer.Ready()) return;
    // Collect 10 requests (the client sends up to max_in_flight before reading), answer
    // backwards, all in one segment.
    std::vector<int16_t> streams;
    for (int i = 0; i < 10; ++i) {
      Peer::Request r = peer.Read();
      if (r.opcode != Opcode::kExecute) return;
      streams.push_back(r.stream);
    }
    std::string out;
    SegmentWriter segments(out);
    const std::string void_result = VoidResult();
    for (auto it = streams.rbegin(); it != streams.rend(); ++it) {
      segments.Add(FrameHeader{0x85, 0, *it, Opcode::kResult, static_cast<uint32_t>(void_result.size())},
                   void_result);
      order.push_back(*it);
    }
    segments.Finish();
    peer.Send(out);
  }));
  Endpoint e = Local(server.port());
  e.max_in_flight = 16;
  auto c = Connection::Connect(e);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<Connection::Request> requests(10);
  Prepared statement;
  statement.id = "x";
  for (auto& r : requests) (*c)->AppendExecute(statement, {std::string_view("v")}, Consistency::kOne, r.body);
  EXPECT_TRUE((*c)->SendAll(requests).ok());
  EXPECT_EQ(order.size(), 10u);
}

// Requests and results larger than a segment travel split, both ways.
TEST(CqlConnection, LargeEnvelopesCrossSegmentsBothWays) {
  const std::string big(400'000, 'q');
  std::string received;
  FakeServer server(V5([&](Peer& peer) {
    if (!peer.Ready()) return;
    Peer::Request r = peer.Read();
    received = r.body;
    std::string rows;
    BodyWriter w(rows);
    w.Int(2);  // Rows
    w.Int(0x0001);
    w.Int(1);
    w.String("ks");
    w.String("t");
    w.String("v");
    w.Short(0x000D);
    w.Int(3);
    for (int i = 0; i < 3; ++i) w.Bytes(big);
    peer.Reply(Opcode::kResult, rows, r.stream);
  }));
  auto c = Connection::Connect(Local(server.port()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Rows rows;
  const std::string cql = "SELECT v FROM ks.t WHERE k = '" + big + "'";
  ASSERT_TRUE((*c)->Query(cql, Consistency::kOne, &rows).ok());
  EXPECT_EQ(received.substr(4, cql.size()), cql);
  ASSERT_EQ(rows.rows.size(), 3u);
  for (const auto& row : rows.rows) EXPECT_EQ(*row[0], big);
}

TEST(CassandraValues, ConversionsToTheTableColumnTypes) {
  auto convert = [](std::string_view natural, const DataType& type, uint16_t column) {
    CqlType t;
    t.id = column;
    std::string out;
    Status s = ConvertValue(natural, type, t, out);
    return s.ok() ? Hex(out) : "error: " + s.message();
  };
  const std::string one("\x00\x00\x00\x01", 4), big("\x00\x00\x00\x00\x00\x01\x00\x00", 8);
  EXPECT_EQ(convert(one, DataType::Int32(), CqlType::kBigint), "0000000000000001");
  EXPECT_EQ(convert(one, DataType::Int32(), CqlType::kTinyint), "01");
  EXPECT_EQ(convert(big, DataType::Int64(), CqlType::kInt), "00010000");
  EXPECT_EQ(convert(big, DataType::Int64(), CqlType::kSmallint), "error: 65536 does not fit smallint");
  EXPECT_EQ(convert(big, DataType::Int64(), CqlType::kVarint), "010000");
  EXPECT_EQ(convert(std::string("\x00\x00\x00\x80", 4), DataType::Int32(), CqlType::kVarint), "0080");
  EXPECT_EQ(convert(std::string("\xff\xff\xff\x7f", 4), DataType::Int32(), CqlType::kVarint), "ff7f");
  EXPECT_EQ(convert("123e4567-e89b-12d3-a456-426614174000", DataType::String(), CqlType::kUuid),
            "123e4567e89b12d3a456426614174000");
  EXPECT_EQ(convert("123e4567-e89b-12d3-a456-42661417400", DataType::String(), CqlType::kUuid).substr(0, 6), "error:");
  EXPECT_EQ(convert("not-a-uuid", DataType::String(), CqlType::kUuid).substr(0, 6), "error:");
  EXPECT_EQ(convert("10.0.0.1", DataType::String(), CqlType::kInet), "0a000001");
  EXPECT_EQ(convert("caf\xc3\xa9", DataType::String(), CqlType::kAscii).substr(0, 6), "error:");
  EXPECT_EQ(convert("abc", DataType::String(), CqlType::kVarchar), "616263");
}

}  // namespace
}  // namespace sluice::cql
