// `sluice produce`: writes a reference scenario's records (or a JSON file's) to a Kafka topic, at
// a given rate, so a pipeline has real input.
#include <CLI/CLI.hpp>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "connector/datagen/scenario_generator.h"
#include "connector/kafka/kafka_client_config.h"
#include "types/timestamp.h"

namespace sluice::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct ProduceArgs {
  std::string scenario;
  std::string file;
  std::string topic;
  std::string bootstrap;
  int64_t count = -1;
  double rate = 0;
  double bad_fraction = 0;
  uint64_t seed = 0;
  std::string start_time;
  int partitions = 3;
  std::string key_field;
  std::vector<std::string> properties;
  bool quiet = false;
};

struct Message {
  std::string key;
  bool has_key = false;
  std::string value;
};

// The records of a file: a JSON array (each element), a JSON object (each value), or JSON
// lines (each non-empty line as written, valid JSON or not, so bad input can be replayed too).
Result<std::vector<Message>> ReadFile(const std::string& path, const std::string& key_field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read '{}'", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  std::vector<Message> out;
  auto key_of = [&](simdjson::dom::element e, Message& m) {
    if (key_field.empty() || !e.is_object()) return;
    simdjson::dom::element k;
    if (e[key_field].get(k)) return;
    std::string_view s;
    m.has_key = true;
    m.key = k.get(s) ? simdjson::minify(k) : std::string(s);
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!parser.parse(text).get(doc) && (doc.is_array() || doc.is_object())) {
    if (doc.is_array()) {
      for (simdjson::dom::element e : doc.get_array()) {
        Message m{{}, false, simdjson::minify(e)};
        key_of(e, m);
        out.push_back(std::move(m));
      }
      return out;
    }
    // One object: either a map of records or a single record (JSON lines with one line).
    bool all_objects = true;
    for (auto field : doc.get_object()) all_objects &= field.value.is_object();
    if (all_objects) {
      for (auto field : doc.get_object()) {
        Message m{{}, false, simdjson::minify(field.value)};
        key_of(field.value, m);
        out.push_back(std::move(m));
      }
      return out;
    }
  }
  std::istringstream lines(text);
  std::string line;
  simdjson::dom::parser line_parser;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Message m{{}, false, line};
    simdjson::dom::element e;
    if (!line_parser.parse(line).get(e)) key_of(e, m);
    out.push_back(std::move(m));
  }
  return out;
}

Status EnsureTopic(rd_kafka_t* rk, const std::string& topic, int partitions) {
  char err[512];
  rd_kafka_NewTopic_t* spec = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (!spec) return Status::Invalid("topic '{}': {}", topic, err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &spec, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  Status status = Status::OK();
  if (!event) {
    status = Status::Unavailable("creating topic '{}': no answer from Kafka in 30 s", topic);
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t n = 0;
    const rd_kafka_topic_result_t** topics = result ? rd_kafka_CreateTopics_result_topics(result, &n) : nullptr;
    if (rd_kafka_event_error(event)) {
      status = Status::Unavailable("creating topic '{}': {}", topic, rd_kafka_event_error_string(event));
    } else if (n == 1 && rd_kafka_topic_result_error(topics[0]) &&
               rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status = Status::Unavailable("creating topic '{}': {}", topic,
                                   rd_kafka_topic_result_error_string(topics[0]));
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(spec);
  return status;
}

struct Delivery {
  uint64_t failed = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (!message->err) return;
  auto* d = static_cast<Delivery*>(opaque);
  if (d->failed++ == 0) d->first_error = rd_kafka_err2str(message->err);
}

Status Produce(const ProduceArgs& args) {
  if (args.scenario.empty() == args.file.empty()) {
    return Status::Invalid("give either --scenario or --file");
  }
  std::vector<Message> file_messages;
  std::unique_ptr<ScenarioGenerator> generator;
  int64_t count = args.count;
  if (!args.file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(file_messages, ReadFile(args.file, args.key_field));
    if (count < 0 || count > static_cast<int64_t>(file_messages.size())) {
      count = static_cast<int64_t>(file_messages.size());
    }
  } else {
    GeneratorConfig config;
    config.seed = args.seed;
    config.bad_fraction = args.bad_fraction;
    config.base_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    if (!args.start_time.empty()) {
      std::optional<int64_t> micros = ParseTimestamp(args.start_time);
      if (!micros) {
        return Status::Invalid("--start-time expects 'YYYY-MM-DD HH:MM:SS' (UTC), found '{}'",
                               args.start_time);
      }
      config.base_time_ms = FloorDiv(*micros, 1000);
    }
    if (args.rate > 0) config.event_interval_us = static_cast<int64_t>(1e6 / args.rate);
    SLUICE_ASSIGN_OR_RETURN(generator, ScenarioGenerator::Make(args.scenario, config));
    if (count < 0) count = 1000;
  }

  std::map<std::string, std::string> properties;
  for (const auto& p : args.properties) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::Invalid("--property expects KEY=VALUE, found '{}'", p);
    properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  properties["bootstrap.servers"] = args.bootstrap;
  Delivery delivery;
  SLUICE_ASSIGN_OR_RETURN(RdKafkaConf conf,
                          MakeKafkaConf("produce", properties,
                                        {{"enable.idempotence", "true"}}));
  rd_kafka_conf_set_opaque(conf.get(), &delivery);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  char err[512];
  RdKafkaHandle producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
  if (!producer) return Status::Invalid("Kafka producer: {}", err);
  conf.release();
  SLUICE_RETURN_NOT_OK(EnsureTopic(producer.get(), args.topic, args.partitions));
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer.get(), args.topic.c_str(), nullptr);

  const bool show_progress = !args.quiet && isatty(STDERR_FILENO);
  const auto started = Clock::now();
  auto last_progress = started;
  GeneratedRecord record;
  uint64_t malformed = 0;
  for (int64_t i = 0; i < count; ++i) {
    if (args.rate > 0) {
      auto due = started + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / args.rate));
      if (due > Clock::now()) {
        rd_kafka_poll(producer.get(), 0);
        std::this_thread::sleep_until(due);
      }
    }
    const std::string* key = nullptr;
    const std::string* value = nullptr;
    if (generator) {
      generator->Next(record);
      malformed += record.malformed;
      key = record.has_key ? &record.key : nullptr;
      value = &record.value;
    } else {
      const Message& m = file_messages[static_cast<size_t>(i)];
      key = m.has_key ? &m.key : nullptr;
      value = &m.value;
    }
    while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                            const_cast<char*>(value->data()), value->size(),
                            key ? key->data() : nullptr, key ? key->size() : 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_topic_destroy(topic);
        return Status::Unavailable("producing to '{}': {}", args.topic,
                                   rd_kafka_err2str(rd_kafka_last_error()));
      }
      rd_kafka_poll(producer.get(), 10);
    }
    if ((i & 1023) == 0) {
      rd_kafka_poll(producer.get(), 0);
      auto now = Clock::now();
      if (show_progress && now - last_progress > std::chrono::milliseconds(250)) {
        double s = std::chrono::duration<double>(now - started).count();
        fmt::print(stderr, "\r{} / {} records to {} ({:.0f}/s)   ", i, count, args.topic,
                   s > 0 ? i / s : 0.0);
        last_progress = now;
      }
    }
  }
  while (rd_kafka_outq_len(producer.get()) > 0) rd_kafka_flush(producer.get(), 1000);
  rd_kafka_topic_destroy(topic);
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (show_progress) fmt::print(stderr, "\r{:60}\r", "");
  if (delivery.failed > 0) {
    return Status::Unavailable("{} of {} records could not be delivered to '{}': {}",
                               delivery.failed, count, args.topic, delivery.first_error);
  }
  fmt::print(stderr, "produced {} records{} to {} at {} in {:.2f} s ({:.0f} records/s)\n", count,
             generator ? fmt::format(" ({} malformed)", malformed) : "", args.topic,
             args.bootstrap, seconds, seconds > 0 ? count / seconds : 0.0);
  return Status::OK();
}

}  // namespace

void RegisterProduceCommand(CLI::App& app) {
  static ProduceArgs args;
  const char* env = std::getenv("SLUICE_KAFKA_BOOTSTRAP");
  args.bootstrap = env ? env : "127.0.0.1:9092";
  std::string scenarios;
  for (auto s : ScenarioGenerator::Scenarios()) scenarios += (scenarios.empty() ? "" : "|") + std::string(s);
  auto* cmd = app.add_subcommand(
      "produce",
      "Write a reference scenario's records (seeded, reproducible) or a JSON file's to a Kafka "
      "topic, rate-limited; creates the topic when missing");
  cmd->add_option("--scenario", args.scenario, "Generate records of this scenario: " + scenarios);
  cmd->add_option("--file", args.file,
                  "Replay a file instead: a JSON array, a JSON object's values, or JSON lines")
      ->check(CLI::ExistingFile);
  cmd->add_option("--topic", args.topic, "Topic to write to")->required();
  cmd->add_option("--bootstrap-servers", args.bootstrap,
                  "Kafka brokers (default: $SLUICE_KAFKA_BOOTSTRAP or 127.0.0.1:9092)");
  cmd->add_option("--count", args.count,
                  "Records to write (default: 1000 generated, or the whole file)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rate", args.rate, "Records per second; 0 = as fast as possible (default)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--bad-fraction", args.bad_fraction,
                  "Fraction of malformed records, 0..1 (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", args.seed, "PRNG seed; the same seed gives the same records (default 0)");
  cmd->add_option("--start-time", args.start_time,
                  "Event time of the first generated record, 'YYYY-MM-DD HH:MM:SS' UTC (default: now)");
  cmd->add_option("--partitions", args.partitions,
                  "Partitions of the topic if it has to be created (default 3)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--key-field", args.key_field, "With --file: the field whose value is the message key");
  cmd->add_option("--property", args.properties,
                  "A librdkafka producer property as KEY=VALUE (repeatable), e.g. for SASL/SSL");
  cmd->add_flag("--quiet", args.quiet, "No progress line");
  cmd->callback([] {
    Status s = Produce(args);
    if (!s.ok()) {
      fmt::print(stderr, "error: {}\n", s.message());
      SetExitCode(s.code() == StatusCode::kInvalidArgument ? 2 : 1);
    }
  });
}

}  // namespace sluice::cli
