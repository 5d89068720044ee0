// What the Kafka source tells event time about records it has not delivered yet, on the real
// broker: a partition with records waiting, or not fetched from yet, is never counted idle (so
// replaying a backlog does not make one partition's records late behind another's), and a
// partition read to its end is not waiting for anything, also when a transaction's commit
// marker follows its last record.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <map>
#include <thread>

#include "connector/kafka/kafka_source.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

// Produces `count` records to `partition` of `topic`, in one committed transaction when
// `transactional_id` is set (the partition then ends with a commit marker after its records).
void ProduceToPartition(const std::string& topic, int32_t partition, int count,
                        const std::string& transactional_id = "") {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", KafkaBootstrap().c_str(), err, sizeof err),
            RD_KAFKA_CONF_OK) << err;
  if (!transactional_id.empty()) {
    ASSERT_EQ(rd_kafka_conf_set(conf, "transactional.id", transactional_id.c_str(), err, sizeof err),
              RD_KAFKA_CONF_OK) << err;
  }
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(producer, nullptr) << err;
  auto check = [](rd_kafka_error_t* error) {
    std::string message = error ? rd_kafka_error_string(error) : "";
    if (error) rd_kafka_error_destroy(error);
    return message;
  };
  if (!transactional_id.empty()) {
    ASSERT_EQ(check(rd_kafka_init_transactions(producer, 30000)), "");
    ASSERT_EQ(check(rd_kafka_begin_transaction(producer)), "");
  }
  for (int i = 0; i < count; ++i) {
    const std::string value = "{\"n\": " + std::to_string(i) + "}";
    rd_kafka_resp_err_t e = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  }
  if (!transactional_id.empty()) {
    ASSERT_EQ(check(rd_kafka_commit_transaction(producer, 30000)), "");
  }
  ASSERT_EQ(rd_kafka_flush(producer, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(producer);
}

// The partitions of the topic's two that the source says hold unread records.
std::vector<int32_t> Unread(const Source& source) {
  std::vector<int32_t> unread;
  for (int32_t partition : {0, 1}) {
    if (source.HasUnreadRecords(partition)) unread.push_back(partition);
  }
  return unread;
}

TEST(KafkaSourceUnread, APartitionIsWaitingUntilReadToItsEndPastTheCommitMarker) {
  const std::string topic = "unread_" + UniqueSuffix();
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", KafkaBootstrap().c_str(), err, sizeof err),
              RD_KAFKA_CONF_OK);
    rd_kafka_t* admin = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    ASSERT_NE(admin, nullptr) << err;
    CreateTopic(admin, topic, 2);
    rd_kafka_destroy(admin);
  }
  constexpr int kPerPartition = 300;
  // Partition 0: records then a transaction's commit marker (its end offset is one past the
  // last record). Partition 1: plain records.
  ProduceToPartition(topic, 0, kPerPartition, "unread-test-" + topic);
  ProduceToPartition(topic, 1, kPerPartition);

  auto made = KafkaSource::Make(ConnectorOptions(
      "events", {{"topic", topic},
                 {"properties.bootstrap.servers", KafkaBootstrap()},
                 {"properties.group.id", "unread-test-" + topic},
                 {"scan.startup.mode", "earliest-offset"},
                 {"format", "json"}}));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::unique_ptr<Source> source = std::move(*made);
  source->DeclareIdleTimeout();  // as a WATERMARK with an idle timeout does
  ASSERT_TRUE(source->Open().ok());

  RawBatch batch;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (batch.size() == 0 && std::chrono::steady_clock::now() < deadline) {
    auto polled = source->Poll(batch, 1, std::chrono::milliseconds(500));
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  }
  ASSERT_EQ(batch.size(), 1u) << "no record from " << topic << " within a minute";
  // The first record: both partitions still hold records, the one it came from the rest of
  // its own, the other all of its (fetched with it, or not fetched yet: then unknown, which
  // counts as waiting too).
  const int32_t first_partition = batch[0].partition;
  const std::vector<int32_t> waiting = Unread(*source);
  EXPECT_EQ(waiting, (std::vector<int32_t>{0, 1}))
      << "after one record of partition " << first_partition << ", every partition holds more";

  // Everything read: nothing is waiting anywhere, not even behind partition 0's commit marker.
  std::map<int32_t, int> read{{first_partition, 1}};
  auto total = [&read] { return read[0] + read[1]; };
  std::vector<int32_t> still_waiting = waiting;
  while ((total() < 2 * kPerPartition || !still_waiting.empty()) &&
         std::chrono::steady_clock::now() < deadline) {
    RawBatch more;
    auto polled = source->Poll(more, 50, std::chrono::milliseconds(200));
    ASSERT_TRUE(polled.ok()) << polled.status().ToString();
    for (size_t i = 0; i < more.size(); ++i) ++read[more[i].partition];
    still_waiting = Unread(*source);
    // A partition that delivered some of its records (its end offset came in the same fetch)
    // and not all of them holds unread records.
    for (const auto& [partition, n] : read) {
      if (n > 0 && n < kPerPartition) {
        EXPECT_NE(std::find(still_waiting.begin(), still_waiting.end(), partition),
                  still_waiting.end())
            << "partition " << partition << " delivered " << n << " of " << kPerPartition
            << " records, yet is not said to hold unread ones";
      }
    }
  }
  EXPECT_EQ(read[0], kPerPartition);
  EXPECT_EQ(read[1], kPerPartition);
  EXPECT_TRUE(still_waiting.empty()) << "after reading every record, partition "
                                     << still_waiting.front() << " still said to hold some";
  EXPECT_TRUE(source->Close().ok());
}

}  // namespace
}  // namespace sluice::testing
