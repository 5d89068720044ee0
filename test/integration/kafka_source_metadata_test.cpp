// The Kafka source's metadata columns on the real broker: every record's timestamp, partition,
// offset, topic, key and headers reach SQL as the producer sent them, positions as the broker's
// delivery reports gave them, across three partitions read in batches.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <map>
#include <optional>

#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

struct SentRecord {
  std::optional<std::string> key;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  int64_t timestamp_ms = 0;
  int32_t partition = -1;
  int64_t offset = -1;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto& sent = *static_cast<std::vector<SentRecord>*>(opaque);
  auto& r = sent[reinterpret_cast<uintptr_t>(m->_private)];
  EXPECT_EQ(m->err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(m->err);
  r.partition = m->partition;
  r.offset = m->offset;
}

// One line per record, the same way for what was sent and what came out: n, position, time,
// topic, key and headers (name=value pairs, '~' for a null value).
std::string Line(int64_t n, int32_t partition, int64_t offset, int64_t ms, std::string_view topic,
                 const std::optional<std::string>& key,
                 const std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>>&
                     headers) {
  std::string line = std::to_string(n) + "|" + std::to_string(partition) + "@" +
                     std::to_string(offset) + "|" + std::to_string(ms) + "|" + std::string(topic) +
                     "|" + (key ? "key=" + *key : "no key") + "|";
  if (!headers) return line + "no headers";
  for (const auto& [name, value] : *headers) line += name + "=" + (value ? *value : "~") + ";";
  return line;
}

TEST(KafkaSourceMetadata, EveryColumnIsWhatTheProducerSentAndTheBrokerAssigned) {
  const std::string suffix = UniqueSuffix();
  const std::string topic = "metadata_" + suffix;
  constexpr int kRecords = 6000;
  constexpr int64_t kBaseMs = 1717200000000;  // 2024-06-01 00:00:00 UTC

  std::vector<SentRecord> sent(kRecords);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", KafkaBootstrap().c_str(), err, sizeof err),
            RD_KAFKA_CONF_OK);
  ASSERT_EQ(rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof err),
            RD_KAFKA_CONF_OK);
  rd_kafka_conf_set_opaque(conf, &sent);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(producer, nullptr) << err;
  CreateTopic(producer, topic, 3);

  for (int i = 0; i < kRecords; ++i) {
    SentRecord& r = sent[static_cast<size_t>(i)];
    if (i % 5 != 0) r.key = "customer_" + std::to_string(i % 17);
    switch (i % 4) {
      case 0: break;  // no headers at all
      case 1: r.headers = {{"trace", "t" + std::to_string(i)}}; break;
      case 2: r.headers = {{"a", "1"}, {"b", std::nullopt}}; break;
      case 3: r.headers = {{"quote", "say \"hi\"\n\\ caf\xc3\xa9"}, {"trace", "x"}}; break;
    }
    r.timestamp_ms = kBaseMs + i * 7;
    std::string value = R"({"n":)" + std::to_string(i) + R"(,"s":"v)" + std::to_string(i) + R"("})";
    rd_kafka_headers_t* headers = nullptr;
    if (!r.headers.empty()) {
      headers = rd_kafka_headers_new(r.headers.size());
      for (const auto& [name, v] : r.headers) {
        rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                            v ? v->data() : nullptr, v ? static_cast<ssize_t>(v->size()) : 0);
      }
    }
    const void* key = r.key ? r.key->data() : nullptr;
    size_t key_size = r.key ? r.key->size() : 0;
    rd_kafka_resp_err_t e = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_size),
        RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_TIMESTAMP(r.timestamp_ms),
        RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(i))), RD_KAFKA_V_END);
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    rd_kafka_poll(producer, 0);
  }
  ASSERT_EQ(rd_kafka_flush(producer, 60000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(producer);

  std::vector<std::string> want;
  std::set<int32_t> partitions;
  for (int i = 0; i < kRecords; ++i) {
    const SentRecord& r = sent[static_cast<size_t>(i)];
    ASSERT_GE(r.offset, 0) << "record " << i << " was not acknowledged";
    partitions.insert(r.partition);
    std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> headers;
    if (!r.headers.empty()) headers = r.headers;
    want.push_back(Line(i, r.partition, r.offset, r.timestamp_ms, topic, r.key, headers));
  }
  ASSERT_EQ(partitions.size(), 3u) << "the keys should spread over every partition";
  std::sort(want.begin(), want.end());

  fs::path dir = fs::temp_directory_path() / ("sluice_metadata_" + suffix);
  fs::create_directories(dir);
  std::ofstream(dir / "metadata.sql") << R"(
SET 'pipeline.name' = 'metadata_)" + suffix + R"(';
CREATE TABLE records (
  n  BIGINT,
  s  STRING,
  ts TIMESTAMP METADATA FROM 'timestamp',
  p  INT METADATA FROM 'partition',
  o  BIGINT METADATA FROM 'offset',
  t  STRING METADATA FROM 'topic',
  k  STRING METADATA FROM 'key',
  h  STRING METADATA FROM 'headers',
  hm MAP<STRING, STRING> METADATA FROM 'headers'
) WITH (
  'connector' = 'kafka',
  'topic' = ')" + topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
CREATE TABLE out (n BIGINT, s STRING, ms BIGINT, p INT, o BIGINT, t STRING, k STRING, h STRING,
                  hm MAP<STRING, STRING>, trace STRING)
WITH ('connector' = 'filesystem', 'path' = ')" + (dir / "out").string() + R"(');
INSERT INTO out SELECT n, s, unix_millis(ts), p, o, t, k, h, hm, hm['trace'] FROM records;
)";
  int code = RunCommand(std::string(SLUICE_BINARY) + " run --bounded " +
                            (dir / "metadata.sql").string(),
                        dir, dir / "log");
  ASSERT_EQ(code, 0) << ReadText(dir / "log");

  std::vector<std::string> got;
  simdjson::dom::parser parser;
  simdjson::dom::parser header_parser;
  for (const auto& entry : fs::directory_iterator(dir / "out")) {
    std::istringstream lines(ReadText(entry.path()));
    for (std::string text; std::getline(lines, text);) {
      simdjson::dom::element row;
      ASSERT_EQ(parser.parse(text).get(row), simdjson::SUCCESS) << text;
      int64_t n = 0, ms = 0, p = 0, o = 0;
      std::string_view s, t;
      ASSERT_EQ(row["n"].get(n), simdjson::SUCCESS) << text;
      ASSERT_EQ(row["s"].get(s), simdjson::SUCCESS) << text;
      EXPECT_EQ(s, "v" + std::to_string(n));
      ASSERT_EQ(row["ms"].get(ms), simdjson::SUCCESS) << text;
      ASSERT_EQ(row["p"].get(p), simdjson::SUCCESS) << text;
      ASSERT_EQ(row["o"].get(o), simdjson::SUCCESS) << text;
      ASSERT_EQ(row["t"].get(t), simdjson::SUCCESS) << text;
      std::optional<std::string> key;
      if (!row["k"].is_null()) key = std::string(row["k"].get_string().value());
      std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> headers;
      if (!row["h"].is_null()) {
        // The headers column is itself a JSON object text: parse it, do not compare its spelling.
        std::string h(row["h"].get_string().value());
        simdjson::dom::object object;
        ASSERT_EQ(header_parser.parse(h).get(object), simdjson::SUCCESS) << h;
        headers.emplace();
        for (auto field : object) {
          std::optional<std::string> value;
          if (!field.value.is_null()) value = std::string(field.value.get_string().value());
          headers->emplace_back(std::string(field.key), value);
        }
      }
      // The same headers read as a MAP: written back as a JSON object, and hm['trace'] finds one.
      std::optional<std::string> trace;
      if (headers) {
        simdjson::dom::object map;
        ASSERT_EQ(row["hm"].get(map), simdjson::SUCCESS) << text;
        std::vector<std::pair<std::string, std::optional<std::string>>> entries;
        for (auto field : map) {
          std::optional<std::string> value;
          if (!field.value.is_null()) value = std::string(field.value.get_string().value());
          entries.emplace_back(std::string(field.key), value);
        }
        EXPECT_EQ(entries, *headers) << text;
        for (const auto& [name, value] : *headers) {
          if (name == "trace") trace = value;
        }
      } else {
        EXPECT_TRUE(row["hm"].is_null()) << text;
      }
      if (trace) {
        EXPECT_EQ(std::string(row["trace"].get_string().value()), *trace) << text;
      } else {
        EXPECT_TRUE(row["trace"].is_null()) << text;
      }
      got.push_back(Line(n, static_cast<int32_t>(p), o, ms, t, key, headers));
    }
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "records of " + topic + " with their metadata");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
