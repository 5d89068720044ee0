// The filesystem sink exactly-once: cashback payments from Kafka into Parquet files with a
// checkpoint (and so a new file) every 200 ms, while sluice is killed with kill -9 ten times
// and a thread lists the folder the whole time. Every file a reader can see is whole (Parquet's
// magic at both ends, its footer inside the file), and at the end the visible files hold every
// valid payment of the topic exactly once, as pyarrow reads them.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

#include "cashback_contract.h"
#include "pipeline_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

std::string Hex(std::string_view text) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// A visible file a reader could open now: starts and ends with PAR1 and its footer fits.
bool WholeParquetFile(const fs::path& path, std::string* why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;  // gone meanwhile: not a partial file
  const std::string bytes = ReadText(path);
  if (bytes.size() < 12 || bytes.compare(0, 4, "PAR1") != 0 ||
      bytes.compare(bytes.size() - 4, 4, "PAR1") != 0) {
    *why = path.string() + " is " + std::to_string(bytes.size()) + " bytes without both magics";
    return false;
  }
  uint32_t footer = 0;
  std::memcpy(&footer, bytes.data() + bytes.size() - 8, 4);
  if (footer + 12 > bytes.size()) {
    *why = path.string() + " has a footer longer than the file";
    return false;
  }
  return true;
}

// Every valid payment of `topic` as "hex(transaction_id)|hex(customer_id)|amount", sorted: the
// rows the Parquet files must hold, once each.
std::vector<std::string> ValidPayments(const std::string& topic) {
  std::vector<std::string> want;
  simdjson::dom::parser parser;
  for (const auto& r : ReadTopic(topic)) {
    CashbackVerdict v = ClassifyCashback(parser, r.value);
    if (v.malformed) continue;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(r.value).get(doc), simdjson::SUCCESS);
    std::string_view id;
    const bool has_id = doc["transaction_id"].get_string().get(id) == simdjson::SUCCESS;
    want.push_back((has_id ? Hex(id) : "null") + "|" + Hex(v.customer) + "|" + std::to_string(v.amount));
  }
  std::sort(want.begin(), want.end());
  return want;
}

// A visible JSON-lines file a reader could open now: ends with a whole line.
bool WholeJsonFile(const fs::path& path, std::string* why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  const std::string bytes = ReadText(path);
  if (bytes.empty() || bytes.back() != '\n') {
    *why = path.string() + " does not end with a whole line";
    return false;
  }
  return true;
}

struct KillNineCase {
  std::string format;        // parquet | json
  std::string sink_options;  // more of the sink's WITH clause
  std::string checkpoint_interval;
};

struct KillNineResult {
  int visible_files = 0;
};

// Cashback payments into files through ten kill -9s, a watcher listing the folder all along;
// then a bounded run to the end. Every visible file is whole; the files hold every valid
// payment exactly once.
void ExactlyOnceThroughKillNine(const KillNineCase& c, KillNineResult& result) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_file_sink_" + suffix);
  const fs::path out = dir / "payments";
  fs::create_directories(dir);
  const std::string topic = "file_sink_in_" + suffix;
  const std::string extension = "." + c.format;
  auto pipeline = [&](bool bounded) {
    const fs::path file = dir / (bounded ? "bounded.sql" : "unbounded.sql");
    std::ofstream(file) << "SET 'pipeline.name' = 'file_sink_" << suffix << "';\n"
                        << "SET 'execution.checkpointing.interval' = '" << c.checkpoint_interval << "';\n"
                        << R"(CREATE TABLE payments (
  transaction_id STRING, customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL,
  amount INT, merchant_id STRING
) WITH ('connector' = 'kafka', 'topic' = ')" << topic << R"(', 'format' = 'json',
  'properties.bootstrap.servers' = ')" << KafkaBootstrap() << R"(',
  'properties.group.id' = 'file_sink_)" << suffix << R"(', 'scan.startup.mode' = 'earliest-offset',
  )" << (bounded ? "'scan.bounded.mode' = 'latest-offset', " : "") << R"('errors' = 'skip');
CREATE TABLE files (transaction_id STRING, customer_id STRING, amount INT, `timestamp` TIMESTAMP)
WITH ('connector' = 'filesystem', 'path' = ')" << out.string() << R"(', 'format' = ')" << c.format << R"(',
      'sink.delivery-guarantee' = 'exactly-once')" << c.sink_options << R"();
INSERT INTO files SELECT transaction_id, customer_id, amount, `timestamp` FROM payments;
)";
    return file.string();
  };

  std::atomic<bool> watching{true};
  std::atomic<int> partial{0}, seen{0};
  std::string first_partial;
  std::thread watcher([&] {
    while (watching) {
      std::error_code ec;
      for (fs::directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != extension) continue;
        ++seen;
        std::string why;
        const bool whole = c.format == "parquet" ? WholeParquetFile(it->path(), &why)
                                                 : WholeJsonFile(it->path(), &why);
        if (!whole && partial++ == 0) first_partial = why;
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  ChildProcess producer(std::string(SLUICE_BINARY) + " produce --scenario cashback --quiet --topic " +
                            topic + " --bootstrap-servers " + KafkaBootstrap() +
                            " --count 100000 --rate 8000 --bad-fraction 0.01 --seed 61",
                        dir, dir / "produce.log");
  std::mt19937 rng(11);
  for (int i = 0; i < 10; ++i) {
    ChildProcess sluice(std::string(SLUICE_BINARY) + " run " + pipeline(false), dir, dir / "sluice.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 1500));
    ASSERT_TRUE(sluice.Running()) << ReadText(dir / "sluice.log");
    sluice.Signal(SIGKILL);
    sluice.Wait();
  }
  ASSERT_EQ(producer.Wait(), 0) << ReadText(dir / "produce.log");
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " run " + pipeline(true), dir, dir / "sluice.log"), 0)
      << ReadText(dir / "sluice.log");
  watching = false;
  watcher.join();
  EXPECT_EQ(partial.load(), 0) << first_partial;
  EXPECT_GT(seen.load(), 100) << "the watcher saw files while the pipeline ran";

  const std::vector<std::string> want = ValidPayments(topic);
  ASSERT_GT(want.size(), 90000u);

  // pyarrow reads the folder as a reader would (hidden files and _sluice_log skipped).
  const fs::path rows = dir / "rows.txt";
  const std::string python = std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python";
  const std::string script =
      "import sys, json, glob, pyarrow.parquet as pq\n"
      "h = lambda s: 'null' if s is None else s.encode().hex()\n"
      "if sys.argv[2] == 'parquet':\n"
      "  rows = pq.read_table(sys.argv[1]).to_pylist()\n"
      "else:\n"
      "  rows = [json.loads(l) for f in sorted(glob.glob(sys.argv[1] + '/*.json')) for l in open(f)]\n"
      "for r in rows: print(h(r['transaction_id']) + '|' + h(r['customer_id']) + '|' + str(r['amount']))\n";
  std::ofstream(dir / "read.py") << script;
  ASSERT_EQ(RunCommand(python + " read.py " + out.string() + " " + c.format, dir, rows), 0) << ReadText(rows);
  std::vector<std::string> got;
  std::ifstream in(rows);
  for (std::string line; std::getline(in, line);) got.push_back(line);
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "payments in the files");
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "_sluice_log" || entry.path().extension() == extension) << name;
    result.visible_files += entry.path().extension() == extension ? 1 : 0;
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

TEST(FileSink, ExactlyOnceParquetThroughKillNineShowsOnlyWholeFiles) {
  KillNineResult result;
  ExactlyOnceThroughKillNine({"parquet", "", "200 ms"}, result);
}

// A slow stream's files: kept open across checkpoints (every 100 ms) until they are 1 s old,
// through kill -9s that leave them half-written after their last commit. The run takes over
// 12 s (the producer sends for 12.5 s), so rolling at every checkpoint would make over a
// hundred files; rolling by time makes one a second, plus one per restart.
TEST(FileSink, FilesKeptOpenAcrossCheckpointsThroughKillNine) {
  for (const std::string format : {"parquet", "json"}) {
    SCOPED_TRACE(format);
    KillNineResult result;
    ExactlyOnceThroughKillNine({format,
                                ", 'sink.rolling-policy.roll-on-checkpoint' = 'false', "
                                "'sink.rolling-policy.rollover-interval' = '1 s'",
                                "100 ms"},
                               result);
    std::printf("%s: %d visible files\n", format.c_str(), result.visible_files);
    EXPECT_LE(result.visible_files, 40);
    EXPECT_GE(result.visible_files, 5);
  }
}

// The output folder on a 1 MB tmpfs (a mount namespace of the test's own, so nothing on the
// host fills up), checkpoints every 10 ms so that epochs are small. The disk fills mid-run: the pipeline says so, deletes its uncommitted files,
// restarts from its checkpoint and, still full, stops. Between runs an operator archives the
// visible files away; each next run resumes where the commit log says. Every archived file is
// whole, and all of them together hold every valid payment of the topic exactly once.
TEST(FileSink, AFullDiskIsAClearErrorAndTheNextRunResumesExactly) {
  const std::string suffix = UniqueSuffix();
  const fs::path dir = fs::temp_directory_path() / ("sluice_file_full_" + suffix);
  fs::create_directories(dir / "payments");
  fs::create_directories(dir / "archive");
  const std::string topic = "file_full_in_" + suffix;
  ASSERT_EQ(RunCommand(std::string(SLUICE_BINARY) + " produce --scenario cashback --quiet --topic " +
                           topic + " --bootstrap-servers " + KafkaBootstrap() +
                           " --count 100000 --bad-fraction 0.01 --seed 62",
                       dir, dir / "produce.log"),
            0)
      << ReadText(dir / "produce.log");
  std::ofstream(dir / "full.sql") << "SET 'pipeline.name' = 'file_full_" << suffix << R"(';
SET 'execution.checkpointing.interval' = '10 ms';
SET 'pipeline.restart-attempts' = '1';
SET 'pipeline.restart-delay' = '100 ms';
CREATE TABLE payments (
  transaction_id STRING, customer_id STRING NOT NULL, `timestamp` TIMESTAMP NOT NULL,
  amount INT, merchant_id STRING
) WITH ('connector' = 'kafka', 'topic' = ')" << topic << R"(', 'format' = 'json',
  'properties.bootstrap.servers' = ')" << KafkaBootstrap() << R"(',
  'properties.group.id' = 'file_full_)" << suffix << R"(', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'errors' = 'skip');
CREATE TABLE files (transaction_id STRING, customer_id STRING, amount INT, `timestamp` TIMESTAMP)
WITH ('connector' = 'filesystem', 'path' = 'payments', 'format' = 'parquet',
      'parquet.compression' = 'uncompressed', 'sink.delivery-guarantee' = 'exactly-once');
INSERT INTO files SELECT transaction_id, customer_id, amount, `timestamp` FROM payments;
)";
  std::ofstream(dir / "runs.sh") << "mount -t tmpfs -o size=1m tmpfs payments || exit 9\n"
                                 << "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do\n"
                                 << "  " << SLUICE_BINARY << " run full.sql >> full.log 2>&1; rc=$?\n"
                                 << "  mkdir -p archive/$i\n"
                                 << "  for f in payments/*.parquet; do [ -e \"$f\" ] && mv \"$f\" archive/$i/; done\n"
                                 << "  if [ $rc -eq 0 ]; then echo $i > finished; exit 0; fi\n"
                                 << "done\n";
  ASSERT_EQ(RunCommand("unshare --user --map-root-user --mount sh runs.sh", dir, dir / "runs.log"), 0)
      << ReadText(dir / "runs.log") << ReadText(dir / "full.log");
  const std::string log = ReadText(dir / "full.log");
  ASSERT_TRUE(fs::exists(dir / "finished")) << log;
  EXPECT_GE(std::stoi(ReadText(dir / "finished")), 2) << "the disk never filled:\n" << log;
  EXPECT_NE(log.find("No space left on device: the disk is full"), std::string::npos) << log;
  EXPECT_NE(log.find("restarting from the last checkpoint"), std::string::npos) << log;

  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "archive")) {
    if (entry.path().extension() != ".parquet") continue;
    ++files;
    std::string why;
    EXPECT_TRUE(WholeParquetFile(entry.path(), &why)) << why;
  }
  EXPECT_GT(files, 3);

  const std::vector<std::string> want = ValidPayments(topic);
  std::ofstream(dir / "read.py")
      << "import sys, glob, pyarrow.parquet as pq\n"
         "h = lambda s: 'null' if s is None else s.encode().hex()\n"
         "for f in glob.glob(sys.argv[1] + '/*/*.parquet'):\n"
         "  for r in pq.read_table(f).to_pylist(): print(h(r['transaction_id']) + '|' + h(r['customer_id']) + '|' + str(r['amount']))\n";
  const fs::path rows = dir / "rows.txt";
  ASSERT_EQ(RunCommand(std::string(SLUICE_SOURCE_DIR) + "/.deps/python/bin/python read.py archive", dir, rows), 0)
      << ReadText(rows);
  std::vector<std::string> got;
  std::ifstream in(rows);
  for (std::string line; std::getline(in, line);) got.push_back(line);
  std::sort(got.begin(), got.end());
  ExpectSameRows(got, want, "payments in the archived Parquet files");
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice::testing
