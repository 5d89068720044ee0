// The Kafka sink through a producer queue far smaller than one batch of rows: nothing is lost,
// each key lands in the partition the Java client would choose (murmur2), and the rows of a key
// keep their order.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <map>

#include "connector/datagen/scenario_generator.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

// Kafka's default partitioner for keyed records (the Java client's murmur2 with its seed),
// written here from the algorithm so the test does not ask librdkafka what librdkafka did.
int32_t JavaPartition(std::string_view key, int32_t partitions) {
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t length = key.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(length);
  size_t i = 0;
  for (; i + 4 <= length; i += 4) {
    uint32_t k = uint32_t(data[i]) | uint32_t(data[i + 1]) << 8 | uint32_t(data[i + 2]) << 16 |
                 uint32_t(data[i + 3]) << 24;
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (length % 4) {
    case 3: h ^= uint32_t(data[i + 2]) << 16; [[fallthrough]];
    case 2: h ^= uint32_t(data[i + 1]) << 8; [[fallthrough]];
    case 1: h ^= uint32_t(data[i]); h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

int64_t Sequence(std::string_view transaction_id) {  // "trans_42" -> 42
  return std::stoll(std::string(transaction_id.substr(transaction_id.find('_') + 1)));
}

// Runs 20,000 keyed rows through a Kafka sink whose producer queue is limited by
// `queue_property`, and checks every row arrives, in its key's partition and order.
void ExpectEveryRowInKeyOrder(const std::string& queue_property) {
  const std::string suffix = UniqueSuffix();
  const std::string topic = "sink_order_" + suffix;
  constexpr int kRecords = 20000;
  constexpr int kPartitions = 3;
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", KafkaBootstrap().c_str(), err,
                                sizeof err),
              RD_KAFKA_CONF_OK);
    rd_kafka_t* admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    ASSERT_NE(admin, nullptr) << err;
    CreateTopic(admin, topic, kPartitions);
    rd_kafka_destroy(admin);
  }

  fs::path dir = fs::temp_directory_path() / ("sluice_sink_order_" + suffix);
  fs::create_directories(dir);
  std::ofstream(dir / "order.sql") << R"(
SET 'pipeline.name' = 'sink_order_)" + suffix + R"(';
CREATE TABLE payments (transaction_id STRING, customer_id STRING NOT NULL, amount INT)
WITH ('connector' = 'datagen', 'scenario' = 'cashback', 'number-of-rows' = ')" +
                                             std::to_string(kRecords) + R"(', 'seed' = '5');
CREATE TABLE out (transaction_id STRING, customer_id STRING, amount INT) WITH (
  'connector' = 'kafka',
  'topic' = ')" + topic + R"(',
  'properties.bootstrap.servers' = ')" + KafkaBootstrap() + R"(',
  )" + queue_property + R"(,
  'key.fields' = 'customer_id'
);
INSERT INTO out SELECT transaction_id, customer_id, amount FROM payments;
)";
  int code = RunCommand(std::string(SLUICE_BINARY) + " run " + (dir / "order.sql").string(), dir,
                        dir / "log");
  ASSERT_EQ(code, 0) << ReadText(dir / "log");

  // Expected: the generator's records, in its order per key.
  GeneratorConfig config;
  config.seed = 5;
  auto generator = ScenarioGenerator::Make("cashback", config);
  ASSERT_TRUE(generator.ok());
  std::vector<std::string> want;
  std::map<std::string, std::vector<int64_t>> want_order;  // customer -> sequence numbers
  simdjson::dom::parser parser;
  GeneratedRecord record;
  for (int i = 0; i < kRecords; ++i) {
    (*generator)->Next(record);
    ASSERT_FALSE(record.malformed);
    simdjson::dom::element row;
    ASSERT_EQ(parser.parse(record.value).get(row), simdjson::SUCCESS) << record.value;
    std::string_view id = row["transaction_id"].get_string().value();
    std::string_view customer = row["customer_id"].get_string().value();
    int64_t amount = row["amount"].get_int64().value();
    want.push_back(std::string(id) + "|" + std::string(customer) + "|" + std::to_string(amount));
    want_order[std::string(customer)].push_back(Sequence(id));
  }
  std::sort(want.begin(), want.end());

  std::vector<std::string> got;
  std::map<std::string, std::vector<int64_t>> got_order;
  std::vector<KafkaRecord> records = ReadTopic(topic);
  std::stable_sort(records.begin(), records.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  size_t misplaced = 0;
  for (const KafkaRecord& r : records) {
    simdjson::dom::element row;
    ASSERT_EQ(parser.parse(r.value).get(row), simdjson::SUCCESS) << r.value;
    std::string_view id = row["transaction_id"].get_string().value();
    std::string_view customer = row["customer_id"].get_string().value();
    int64_t amount = row["amount"].get_int64().value();
    ASSERT_TRUE(r.has_key) << r.value;
    EXPECT_EQ(r.key, customer);
    if (r.partition != JavaPartition(r.key, kPartitions)) ++misplaced;
    got.push_back(std::string(id) + "|" + std::string(customer) + "|" + std::to_string(amount));
    got_order[std::string(customer)].push_back(Sequence(id));
  }
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "rows on " + topic);
  EXPECT_EQ(misplaced, 0u) << "records not in the partition murmur2 of their key gives";
  for (const auto& [customer, sequence] : want_order) {
    EXPECT_EQ(got_order[customer], sequence) << "the rows of " << customer << " out of order";
  }
  fs::remove_all(dir);
}

TEST(KafkaSinkOrder, TinyProducerQueueLosesNothingAndKeepsEachKeysOrder) {
  ExpectEveryRowInKeyOrder("'properties.queue.buffering.max.messages' = '16'");
}

// A queue limited in bytes (1 KB: about ten of these messages) fails a batch part way: only a
// failed tail is produced again, so no key's rows change order.
TEST(KafkaSinkOrder, QueueFullByBytesLosesNothingAndKeepsEachKeysOrder) {
  ExpectEveryRowInKeyOrder("'properties.queue.buffering.max.kbytes' = '1'");
}

}  // namespace
}  // namespace sluice::testing
