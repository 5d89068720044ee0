// latency_probe: reads a pipeline's output topic as a consumer would (read_committed) and
// reports end-to-end latency: the time a row becomes readable minus the Kafka timestamp of the
// input record it came from, which the pipeline copies into a 'produced_at' field (a TIMESTAMP
// in 'yyyy-MM-dd HH:mm:ss.SSS' form, UTC). Used by bench/cashback_kafka.sh.
//
//   latency_probe --bootstrap 127.0.0.1:9092 --topic out --seconds 30 [--field produced_at]
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "types/timestamp.h"

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap = "127.0.0.1:9092", topic, field = "produced_at";
  double seconds = 30, skip_seconds = 2;
  std::string worst_file;  // --worst F: per 100 ms of arrival time, the worst latency (to find stalls)
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--bootstrap") bootstrap = argv[i + 1];
    else if (k == "--topic") topic = argv[i + 1];
    else if (k == "--field") field = argv[i + 1];
    else if (k == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (k == "--warmup") skip_seconds = std::atof(argv[i + 1]);
    else if (k == "--worst") worst_file = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (topic.empty()) {
    std::fprintf(stderr, "usage: latency_probe --topic T [--bootstrap B] [--seconds S] [--warmup S] [--field F]\n");
    return 2;
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("latency-probe-" + std::to_string(NowMicros())).c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "isolation.level", "read_committed", err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "latest", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "1", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.error.backoff.ms", "1", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    std::fprintf(stderr, "consumer: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, list);
  rd_kafka_topic_partition_list_destroy(list);

  simdjson::dom::parser parser;
  std::vector<int64_t> latencies;
  std::vector<int64_t> worst_by_slot;
  const int64_t start = NowMicros();
  const int64_t warmup_end = start + static_cast<int64_t>(skip_seconds * 1e6);
  const int64_t end = start + static_cast<int64_t>(seconds * 1e6);
  uint64_t bad = 0;
  while (NowMicros() < end) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    int64_t now = NowMicros();
    if (!m->err && m->payload && now >= warmup_end) {
      simdjson::dom::element doc;
      std::string_view text;
      std::optional<int64_t> at;
      if (!parser.parse(static_cast<const char*>(m->payload), m->len).get(doc) &&
          !doc[field].get(text)) {
        at = sluice::ParseTimestamp(text);
      }
      if (at) {
        latencies.push_back(now - *at);
        int64_t slot = (now - start) / 100000;
        if (worst_by_slot.size() <= static_cast<size_t>(slot)) worst_by_slot.resize(static_cast<size_t>(slot) + 1);
        worst_by_slot[static_cast<size_t>(slot)] = std::max(worst_by_slot[static_cast<size_t>(slot)], now - *at);
      } else {
        ++bad;
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (latencies.empty()) {
    std::fprintf(stderr, "no rows with a '%s' field arrived on %s\n", field.c_str(), topic.c_str());
    return 1;
  }
  if (!worst_file.empty()) {
    if (FILE* f = std::fopen(worst_file.c_str(), "w")) {
      for (size_t i = 0; i < worst_by_slot.size(); ++i) {
        std::fprintf(f, "%.1f %.1f\n", static_cast<double>(i) / 10.0,
                     static_cast<double>(worst_by_slot[i]) / 1000.0);
      }
      std::fclose(f);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    size_t i = std::min(latencies.size() - 1, static_cast<size_t>(p * static_cast<double>(latencies.size())));
    return static_cast<double>(latencies[i]) / 1000.0;
  };
  std::printf("rows %zu  latency ms: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%s\n",
              latencies.size(), pct(0.5), pct(0.9), pct(0.99), pct(0.999),
              static_cast<double>(latencies.back()) / 1000.0,
              bad ? ("  (" + std::to_string(bad) + " rows without the field)").c_str() : "");
  return 0;
}
