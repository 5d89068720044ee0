// Proves the stack's Kafka is a real broker: a 3-partition topic, 10,000 keyed messages, a
// consumer group of two members that together see every message exactly once, in order per
// partition.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <future>
#include <iostream>
#include <thread>
#include <vector>

#include "pipeline_harness.h"

namespace {

using sluice::testing::CreateTopic;

using Clock = std::chrono::steady_clock;

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

rd_kafka_conf_t* BaseConf() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  EXPECT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", sluice::testing::KafkaBootstrap().c_str(),
                              err, sizeof err),
            RD_KAFKA_CONF_OK)
      << err;
  return conf;
}

void Set(rd_kafka_conf_t* conf, const char* key, const char* value) {
  char err[512];
  ASSERT_EQ(rd_kafka_conf_set(conf, key, value, err, sizeof err), RD_KAFKA_CONF_OK) << err;
}

std::string UniqueTopic() {
  std::random_device rd;
  return "stack_probe_" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) +
         "_" + std::to_string(rd() % 100000);
}

void DeleteTopic(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_DeleteTopic_t* del = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, &del, 1, nullptr, queue);
  if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000)) rd_kafka_event_destroy(event);
  rd_kafka_DeleteTopic_destroy(del);
  rd_kafka_queue_destroy(queue);
}

struct Received {
  int32_t partition;
  int64_t offset;
  std::string key;
  int sequence;  // the value: the producer's sequence number
};

// A group member: counts its assigned partitions through the rebalance callback so the test can
// wait until both members hold partitions before producing.
struct Member {
  KafkaHandle handle;
  std::atomic<int> assigned{0};
  std::atomic<size_t> count{0};  // received.size(), readable from the test thread
  std::vector<Received> received;
};

void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
               void* opaque) {
  auto* member = static_cast<Member*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, parts);
    member->assigned = parts->cnt;
  } else {
    rd_kafka_assign(rk, nullptr);
    member->assigned = 0;
  }
}

std::unique_ptr<Member> MakeMember(const std::string& group, const std::string& topic) {
  auto member = std::make_unique<Member>();
  rd_kafka_conf_t* conf = BaseConf();
  Set(conf, "group.id", group.c_str());
  Set(conf, "auto.offset.reset", "earliest");
  Set(conf, "partition.assignment.strategy", "range");
  rd_kafka_conf_set_opaque(conf, member.get());
  rd_kafka_conf_set_rebalance_cb(conf, Rebalance);
  char err[512];
  member->handle.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  EXPECT_NE(member->handle, nullptr) << err;
  rd_kafka_poll_set_consumer(member->handle.get());
  rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
  EXPECT_EQ(rd_kafka_subscribe(member->handle.get(), subscription), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(subscription);
  return member;
}

void PollOnce(Member& member) {
  rd_kafka_message_t* msg = rd_kafka_consumer_poll(member.handle.get(), 100);
  if (!msg) return;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string key(static_cast<const char*>(msg->key), msg->key_len);
    std::string value(static_cast<const char*>(msg->payload), msg->len);
    member.received.push_back({msg->partition, msg->offset, key, std::stoi(value)});
    ++member.count;
  }
  rd_kafka_message_destroy(msg);
}

TEST(KafkaStack, ConsumerGroupOfTwoSeesEveryKeyedMessageOnceInOrder) {
  constexpr int kPartitions = 3;
  constexpr int kMessages = 10000;
  constexpr int kKeys = 97;
  const std::string topic = UniqueTopic();

  char err[512];
  rd_kafka_conf_t* producer_conf = BaseConf();
  Set(producer_conf, "enable.idempotence", "true");
  Set(producer_conf, "linger.ms", "5");
  KafkaHandle producer(rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf, err, sizeof err));
  ASSERT_NE(producer, nullptr) << err;
  CreateTopic(producer.get(), topic, kPartitions);

  // Both members must hold partitions before anything is produced, so no rebalance happens while
  // messages flow and "exactly once" is what the group really delivered.
  const std::string group = topic + "_group";
  auto first = MakeMember(group, topic);
  auto second = MakeMember(group, topic);
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while ((first->assigned == 0 || second->assigned == 0 ||
          first->assigned + second->assigned != kPartitions) &&
         Clock::now() < deadline) {
    PollOnce(*first);
    PollOnce(*second);
  }
  ASSERT_GT(first->assigned.load(), 0);
  ASSERT_GT(second->assigned.load(), 0);
  ASSERT_EQ(first->assigned + second->assigned, kPartitions);

  std::atomic<bool> stop{false};
  auto consume = [&](Member& m) {
    while (!stop) PollOnce(m);
  };
  std::thread t1(consume, std::ref(*first));
  std::thread t2(consume, std::ref(*second));

  for (int i = 0; i < kMessages; ++i) {
    std::string key = "key-" + std::to_string(i % kKeys);
    std::string value = std::to_string(i);
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                  RD_KAFKA_V_KEY(key.data(), key.size()),
                                  RD_KAFKA_V_VALUE(value.data(), value.size()),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer.get(), 10);
    }
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);

  deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (first->count + second->count >= static_cast<size_t>(kMessages)) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // catch any duplicate in flight
  stop = true;
  t1.join();
  t2.join();

  EXPECT_FALSE(first->received.empty());
  EXPECT_FALSE(second->received.empty());

  std::vector<int> seen(kMessages, 0);
  std::map<int32_t, std::vector<Received>> by_partition;
  std::map<std::string, int32_t> partition_of_key;
  for (Member* m : {first.get(), second.get()}) {
    for (const Received& r : m->received) {
      ASSERT_GE(r.sequence, 0);
      ASSERT_LT(r.sequence, kMessages);
      ++seen[r.sequence];
      EXPECT_EQ(r.key, "key-" + std::to_string(r.sequence % kKeys));
      by_partition[r.partition].push_back(r);
      auto [it, inserted] = partition_of_key.emplace(r.key, r.partition);
      EXPECT_EQ(it->second, r.partition) << "key " << r.key << " landed in two partitions";
    }
  }
  for (int i = 0; i < kMessages; ++i) EXPECT_EQ(seen[i], 1) << "message " << i;
  EXPECT_EQ(by_partition.size(), static_cast<size_t>(kPartitions));
  for (auto& [partition, records] : by_partition) {
    for (size_t i = 1; i < records.size(); ++i) {
      EXPECT_EQ(records[i].offset, records[i - 1].offset + 1) << "partition " << partition;
      EXPECT_LT(records[i - 1].sequence, records[i].sequence) << "partition " << partition;
    }
  }

  // librdkafka 2.0 can hang for good destroying a closed consumer (rd_kafka_destroy joins a
  // broker thread that never ends; seen once in many runs). Teardown is not what this test
  // checks: it gets 30 s on a thread of its own, and is otherwise left behind as the process ends.
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([first = std::move(first), second = std::move(second), done]() mutable {
    rd_kafka_consumer_close(first->handle.get());
    rd_kafka_consumer_close(second->handle.get());
    first.reset();
    second.reset();
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(30)) == std::future_status::timeout) {
    std::cerr << "librdkafka did not finish destroying the consumers within 30 s; left behind\n";
  }
  DeleteTopic(producer.get(), topic);
}

}  // namespace
