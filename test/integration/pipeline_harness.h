#pragma once
// Helpers for end-to-end tests that run the `sluice` executable against the real stack: child
// processes that can be killed, reading a topic back, querying PostgreSQL.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "stack_env.h"

namespace sluice::testing {

namespace fs = std::filesystem;

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string UniqueSuffix() {
  return std::to_string(getpid()) + "_" +
         std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000000);
}

// A child process started with /bin/sh -c, output to a log file, in a working folder.
class ChildProcess {
 public:
  ChildProcess(const std::string& command, const fs::path& cwd, const fs::path& log) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      std::string full = "exec " + command + " >>" + log.string() + " 2>&1";
      execl("/bin/sh", "sh", "-c", full.c_str(), nullptr);
      _exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  pid_t pid() const { return pid_; }
  void Signal(int sig) const { kill(pid_, sig); }
  // Exit code (128 + signal when killed).
  int Wait() {
    if (reaped_) return code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }
  bool Running() {
    if (reaped_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
};

// Runs a command to completion; returns its exit code.
inline int RunCommand(const std::string& command, const fs::path& cwd, const fs::path& log) {
  ChildProcess child(command, cwd, log);
  return child.Wait();
}

struct KafkaRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  bool has_key = false;
  std::string value;
  int64_t timestamp_ms = 0;  // the record's timestamp (CreateTime unless the topic says otherwise)
};

// Every record of `topic` from the beginning, read with isolation.level=read_committed (so
// records of aborted or open transactions are not seen), in partition order.
inline std::vector<KafkaRecord> ReadTopic(const std::string& topic) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const std::string& v) {
    EXPECT_EQ(rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err), RD_KAFKA_CONF_OK) << err;
  };
  set("bootstrap.servers", KafkaBootstrap());
  set("group.id", "sluice-test-reader-" + UniqueSuffix());
  set("isolation.level", "read_committed");
  set("enable.partition.eof", "true");
  set("enable.auto.commit", "false");
  set("log_level", "3");
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  EXPECT_NE(rk, nullptr) << err;
  std::vector<KafkaRecord> out;
  if (!rk) return out;
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  EXPECT_EQ(rd_kafka_metadata(rk, 0, t, &metadata, 15000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_destroy(t);
  int partitions = metadata ? metadata->topics[0].partition_cnt : 0;
  if (metadata) rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  int at_end = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (at_end < partitions && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    } else if (!m->err) {
      KafkaRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      r.has_key = m->key != nullptr;
      if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
      r.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(at_end, partitions) << "did not reach the end of " << topic;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

// Rows of a PostgreSQL query as text ("NULL" for NULL).
inline std::vector<std::vector<std::string>> PgQuery(const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  PGconn* conn = PQconnectdb((PostgresDsn() + " connect_timeout=10").c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(r); ++c) {
      row.push_back(PQgetisnull(r, i, c) ? "NULL" : PQgetvalue(r, i, c));
    }
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(conn);
  return rows;
}

// Runs statements that return no rows (DDL, INSERT) in PostgreSQL.
inline void PgExec(const std::string& sql) {
  PGconn* conn = PQconnectdb((PostgresDsn() + " connect_timeout=10").c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << sql << ": " << PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
}

// Compares two sorted row lists and reports what is missing and unexpected (duplicates count).
// Rows ExpectSameRows has compared in this process (the chaos run reports it).
inline size_t& RowsCompared() {
  static size_t rows = 0;
  return rows;
}

inline void ExpectSameRows(const std::vector<std::string>& got, const std::vector<std::string>& want,
                           const std::string& what) {
  RowsCompared() += want.size();
  std::vector<std::string> missing, unexpected;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                      std::back_inserter(unexpected));
  std::string report;
  for (size_t i = 0; i < missing.size() && i < 10; ++i) report += "\n  missing: " + missing[i];
  for (size_t i = 0; i < unexpected.size() && i < 10; ++i) report += "\n  unexpected: " + unexpected[i];
  EXPECT_TRUE(missing.empty() && unexpected.empty())
      << what << ": " << missing.size() << " rows missing, " << unexpected.size()
      << " unexpected or duplicated (of " << want.size() << " expected)" << report;
}

// At-least-once: every wanted row at least as often as wanted (none lost), nothing else; repeats
// of wanted rows are allowed. Both sorted.
inline void ExpectNoRowLost(const std::vector<std::string>& got, const std::vector<std::string>& want,
                            const std::string& what) {
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::vector<std::string> unexpected;
  for (const auto& row : extra) {
    if (!std::binary_search(want.begin(), want.end(), row)) unexpected.push_back(row);
  }
  std::string report;
  for (size_t i = 0; i < missing.size() && i < 10; ++i) report += "\n  missing: " + missing[i];
  for (size_t i = 0; i < unexpected.size() && i < 10; ++i) report += "\n  unexpected: " + unexpected[i];
  EXPECT_TRUE(missing.empty() && unexpected.empty())
      << what << ": " << missing.size() << " rows missing, " << unexpected.size()
      << " unexpected (of " << want.size() << " expected; " << extra.size() - unexpected.size()
      << " repeats allowed)" << report;
}

inline void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Creates `topic` with `partitions` partitions (replication 1) and topic `configs` (e.g.
// max.message.bytes) through the admin API.
inline void CreateTopic(rd_kafka_t* rk, const std::string& topic, int partitions,
                        const std::map<std::string, std::string>& configs = {}) {
  char err[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  ASSERT_NE(new_topic, nullptr) << err;
  for (const auto& [name, value] : configs) {
    ASSERT_EQ(rd_kafka_NewTopic_set_config(new_topic, name.c_str(), value.c_str()),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  ASSERT_NE(event, nullptr) << "CreateTopics timed out: is Kafka up? (scripts/stack up)";
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
  ASSERT_NE(result, nullptr) << rd_kafka_event_error_string(event);
  size_t count = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(rd_kafka_topic_result_error(topics[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_topic_result_error_string(topics[0]);
  rd_kafka_event_destroy(event);
  rd_kafka_NewTopic_destroy(new_topic);
  rd_kafka_queue_destroy(queue);
}

// Produces `values` to `topic`, first creating it (3 partitions, records of up to 16 MB) when
// `create` is set.
inline void ProduceRaw(const std::string& topic, const std::vector<std::string>& values,
                bool create = true) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto [k, v] : {std::pair{"bootstrap.servers", KafkaBootstrap()},
                      std::pair{"message.max.bytes", std::string("16777216")},
                      std::pair{"log_level", std::string("3")}}) {
    ASSERT_EQ(rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err), RD_KAFKA_CONF_OK) << err;
  }
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(producer, nullptr) << err;

  if (create) CreateTopic(producer, topic, 3, {{"max.message.bytes", "16777216"}});

  for (const auto& value : values) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_END);
    ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    rd_kafka_poll(producer, 0);
  }
  ASSERT_EQ(rd_kafka_flush(producer, 60000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(producer);
}


struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};

// Rows of a MariaDB/MySQL query as text ("NULL" for NULL), exactly as stored (binary-safe). A
// failure with the server error `ignorable` (e.g. 1094, KILL of a connection that has just
// ended by itself) returns no rows without failing the test.
inline std::vector<std::vector<std::string>> MysqlQuery(const std::string& sql, unsigned ignorable = 0) {
  std::vector<std::vector<std::string>> rows;
  std::unique_ptr<MYSQL, MysqlCloser> db(mysql_init(nullptr));
  unsigned timeout_s = 10;
  mysql_options(db.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
  mysql_options(db.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(db.get(), MysqlHost().c_str(), MysqlUser().c_str(),
                          MysqlPassword().c_str(), MysqlDatabase().c_str(), MysqlPort(), nullptr,
                          0)) {
    ADD_FAILURE() << "MariaDB is not reachable: " << mysql_error(db.get());
    return rows;
  }
  if (mysql_real_query(db.get(), sql.data(), sql.size()) != 0) {
    if (ignorable == 0 || mysql_errno(db.get()) != ignorable) ADD_FAILURE() << sql << ": " << mysql_error(db.get());
    return rows;
  }
  MYSQL_RES* result = mysql_store_result(db.get());
  if (!result) return rows;
  const unsigned columns = mysql_num_fields(result);
  while (MYSQL_ROW row = mysql_fetch_row(result)) {
    unsigned long* lengths = mysql_fetch_lengths(result);
    std::vector<std::string> out;
    for (unsigned c = 0; c < columns; ++c) {
      out.push_back(row[c] ? std::string(row[c], lengths[c]) : "NULL");
    }
    rows.push_back(std::move(out));
  }
  mysql_free_result(result);
  return rows;
}

}  // namespace sluice::testing
