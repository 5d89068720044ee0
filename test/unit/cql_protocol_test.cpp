// sluice's Cassandra native-protocol client (src/cql) without a server: body notation both
// ways, response headers and ERROR mapping, RESULT parsing on damaged bytes, and a fake server
// on 127.0.0.1 that answers the handshake, asks for credentials, goes silent or sends garbage:
// every hostile answer is an error (Unavailable, the connection closed), never a crash or a
// hang past the request timeout. Plus the value conversions of the Cassandra sink.
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
  const Status overloaded = ErrorResponseStatus(ErrorBody(0x1001, "busy"));
  EXPECT_EQ(overloaded.code(), StatusCode::kUnavailable);
  EXPECT_NE(overloaded.message().find("Overloaded (0x1001): busy"), std::string::npos);
  const Status unavailable = ErrorResponseStatus(ErrorBody(0x1000, "down", [](BodyWriter& w) {
    w.Short(0x0006);
    w.Int(2);
    w.Int(1);
  }));
  EXPECT_EQ(unavailable.code(), StatusCode::kUnavailable);
  EXPECT_NE(unavailable.message().find("LOCAL_QUORUM needs 2 replicas, 1 alive"), std::string::npos)
      << unavailable.ToString();
  const Status timeout = ErrorResponseStatus(ErrorBody(0x1100, "slow", [](BodyWriter& w) {
    w.Short(0x0001);
    w.Int(0);
    w.Int(1);
    w.String("BATCH");
  }));
  EXPECT_EQ(timeout.code(), StatusCode::kUnavailable);
  EXPECT_NE(timeout.message().find("BATCH write at ONE: 0 of 1"), std::string::npos);
  for (int32_t code : {0x2000, 0x2100, 0x2200, 0x2300, 0x0100, 0x000A}) {
    EXPECT_EQ(ErrorResponseStatus(ErrorBody(code, "no")).code(), StatusCode::kInvalidArgument) << code;
  }
  EXPECT_EQ(ErrorResponseStatus("\x00\x00").code(), StatusCode::kIOError);
}

std::string PreparedBody() {
  std::string body;
  BodyWriter w(body);
  w.Int(4);  // Prepared
  w.ShortBytes("0123456789abcdef");
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
  ASSERT_TRUE(ParsePrepared(PreparedBody(), p).ok());
  EXPECT_EQ(p.id, "0123456789abcdef");
  ASSERT_EQ(p.bind.size(), 3u);
  EXPECT_EQ(p.bind[0].type.ToString(), "uuid");
  EXPECT_EQ(p.bind[1].type.ToString(), "list<text>");
  EXPECT_EQ(p.bind[2].type.ToString(), "map<int, tuple<int, text>>");
  EXPECT_EQ(p.partition_key, std::vector<uint16_t>{0});
  // Every cut and thousands of random damages: an error or a result, never a crash.
  const std::string good = PreparedBody();
  for (size_t cut = 0; cut < good.size() - 8; ++cut) {
    Prepared q;
    EXPECT_FALSE(ParsePrepared(std::string_view(good).substr(0, cut), q).ok()) << cut;
  }
  std::mt19937 rng(5);
  for (int i = 0; i < 5000; ++i) {
    std::string bad = good;
    for (int f = 0; f < 4; ++f) bad[rng() % bad.size()] = static_cast<char>(rng());
    Prepared q;
    (void)ParsePrepared(bad, q);
    Rows rows;
    (void)ParseRows(bad, rows);
  }
}

// A server on 127.0.0.1 that runs `script` on the accepted connection.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(int)> script) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 4);
    socklen_t length = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, script] {
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd >= 0) {
        script(fd);
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

// Reads one request frame; returns its opcode and body.
std::pair<Opcode, std::string> ReadRequest(int fd) {
  char head[9];
  size_t got = 0;
  while (got < 9) {
    const ssize_t n = ::recv(fd, head + got, 9 - got, 0);
    if (n <= 0) return {Opcode::kError, ""};
    got += static_cast<size_t>(n);
  }
  const uint32_t length = (uint32_t{static_cast<uint8_t>(head[5])} << 24) |
                          (uint32_t{static_cast<uint8_t>(head[6])} << 16) |
                          (uint32_t{static_cast<uint8_t>(head[7])} << 8) | static_cast<uint8_t>(head[8]);
  std::string body(length, '\0');
  got = 0;
  while (got < length) {
    const ssize_t n = ::recv(fd, body.data() + got, length - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return {static_cast<Opcode>(head[4]), body};
}

void Reply(int fd, Opcode opcode, std::string_view body, int16_t stream = 0) {
  std::string frame;
  AppendHeader(FrameHeader{0x84, 0, stream, opcode, static_cast<uint32_t>(body.size())}, frame);
  frame.append(body);
  ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
}

Endpoint Local(int port) {
  Endpoint e;
  e.hosts = {"127.0.0.1"};
  e.port = port;
  e.connect_timeout = std::chrono::milliseconds(2000);
  e.request_timeout = std::chrono::milliseconds(300);
  return e;
}

TEST(CqlConnection, AuthenticatesWithSaslPlain) {
  std::string token;
  FakeServer server([&](int fd) {
    if (ReadRequest(fd).first != Opcode::kStartup) return;
    std::string body;
    BodyWriter(body).String("org.apache.cassandra.auth.PasswordAuthenticator");
    Reply(fd, Opcode::kAuthenticate, body);
    auto [opcode, response] = ReadRequest(fd);
    BodyReader r(response);
    token = std::string(r.Bytes());
    Reply(fd, Opcode::kAuthSuccess, std::string("\xff\xff\xff\xff", 4));
  });
  Endpoint e = Local(server.port());
  e.username = "sluice";
  e.password = "secret";
  auto c = Connection::Connect(e);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(token, std::string("\0sluice\0secret", 14));
}

TEST(CqlConnection, WrongCredentialsAreAClearErrorNotARetry) {
  FakeServer server([&](int fd) {
    ReadRequest(fd);
    std::string body;
    BodyWriter(body).String("org.apache.cassandra.auth.PasswordAuthenticator");
    Reply(fd, Opcode::kAuthenticate, body);
    ReadRequest(fd);
    Reply(fd, Opcode::kError, ErrorBody(0x0100, "Provided username sluice and/or password are incorrect"));
  });
  Endpoint e = Local(server.port());
  e.username = "sluice";
  e.password = "wrong";
  auto c = Connection::Connect(e);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("Bad credentials"), std::string::npos) << c.status().ToString();
  EXPECT_NE(c.status().message().find("user 'sluice'"), std::string::npos);
}

TEST(CqlConnection, SilenceGarbageAndHangUpsAreUnavailableWithinTheTimeout) {
  const std::vector<std::function<void(int)>> behaviours = {
      [](int fd) { ReadRequest(fd); std::this_thread::sleep_for(std::chrono::seconds(2)); },
      [](int fd) { ReadRequest(fd); ::send(fd, "garbage!!!!!!", 13, MSG_NOSIGNAL); std::this_thread::sleep_for(std::chrono::milliseconds(500)); },
      [](int fd) { ReadRequest(fd); },  // hangs up
      [](int fd) {  // a header announcing more than it sends
        ReadRequest(fd);
        std::string frame;
        AppendHeader(FrameHeader{0x84, 0, 0, Opcode::kReady, 100}, frame);
        ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
        std::this_thread::sleep_for(std::chrono::seconds(2));
      },
      [](int fd) {  // an answer on a stream never used
        ReadRequest(fd);
        Reply(fd, Opcode::kReady, "", 77);
      },
  };
  for (size_t i = 0; i < behaviours.size(); ++i) {
    FakeServer server(behaviours[i]);
    const auto start = std::chrono::steady_clock::now();
    auto c = Connection::Connect(Local(server.port()));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(c.ok()) << i;
    EXPECT_EQ(c.status().code(), StatusCode::kUnavailable) << i << ": " << c.status().ToString();
    EXPECT_LT(took, std::chrono::milliseconds(1500)) << i;
  }
}

TEST(CqlConnection, ManyRequestsInFlightAnsweredOutOfOrder) {
  std::vector<int> order;
  FakeServer server([&](int fd) {
    ReadRequest(fd);
    Reply(fd, Opcode::kReady, "");
    // Collect 10 requests (the client sends up to max_in_flight before reading), answer backwards.
    std::vector<int16_t> streams;
    for (int i = 0; i < 10; ++i) {
      char head[9];
      if (::recv(fd, head, 9, MSG_WAITALL) != 9) return;
      const uint32_t length = (uint32_t{static_cast<uint8_t>(head[7])} << 8) | static_cast<uint8_t>(head[8]);
      std::string body(length, '\0');
      if (length) ::recv(fd, body.data(), length, MSG_WAITALL);
      streams.push_back(static_cast<int16_t>((static_cast<uint8_t>(head[2]) << 8) | static_cast<uint8_t>(head[3])));
    }
    std::string void_result;
    BodyWriter(void_result).Int(1);
    for (auto it = streams.rbegin(); it != streams.rend(); ++it) {
      Reply(fd, Opcode::kResult, void_result, *it);
      order.push_back(*it);
    }
  });
  Endpoint e = Local(server.port());
  e.max_in_flight = 16;
  auto c = Connection::Connect(e);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<Connection::Request> requests(10);
  Prepared statement;
  statement.id = "x";
  for (auto& r : requests) Connection::AppendExecute(statement, {std::string_view("v")}, Consistency::kOne, r.body);
  EXPECT_TRUE((*c)->SendAll(requests).ok());
  EXPECT_EQ(order.size(), 10u);
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
