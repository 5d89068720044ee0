// The Nexmark query files of bench/nexmark run over the seeded nexmark generator, and their
// results equal what plain code computes from the same generated events (simdjson DOM).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <deque>
#include <tuple>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "connector/datagen/scenario_generator.h"
#include "function/cast.h"
#include "capture_sink.h"
#include "plan/compiler.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

constexpr int kEvents = 200000;
constexpr int64_t kStartMs = 1717200000000;  // 2024-06-01 00:00:00 UTC

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}


// Runs bench/nexmark/<query>.sql over kEvents generated events; the sink's rows as text.
// Runs bench/nexmark/<query>.sql (or, with `text`, that query text) over `events` datagen events
// (JSON unless `encoding` says 'none') into a capture sink.
std::vector<std::vector<std::string>> RunQuery(
    const std::string& query, const std::map<std::string, std::string>& settings = {},
    const std::string& encoding = "json", const std::string& text = "", int events = kEvents) {
  std::string sql = ReadFile(SLUICE_SOURCE_DIR "/bench/nexmark/nexmark_source.sql") +
                    (text.empty() ? ReadFile(SLUICE_SOURCE_DIR "/bench/nexmark/" + query + ".sql") : text);
  ReplaceAll(sql, "${NEXMARK_CONNECTOR}",
             "'connector' = 'datagen', 'scenario' = 'nexmark', 'number-of-rows' = '" +
                 std::to_string(events) + "', 'seed' = '1', 'start-time' = '2024-06-01 00:00:00', "
                 "'encoding' = '" + encoding + "'");
  ReplaceAll(sql, "${NEXMARK_SINK}", "'connector' = 'capture'");
  std::vector<std::vector<std::string>> rows;
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  registry.RegisterSink("capture", [&rows](const ConnectorOptions&, const Schema&)
                                       -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(new CaptureSink(&rows));
  });
  CompileOptions options;
  options.registry = &registry;
  for (const auto& [key, value] : settings) options.settings[key] = value;
  auto compiled = CompileScript(sql, query + ".sql", options);
  EXPECT_TRUE(compiled.ok()) << compiled.status().message();
  if (!compiled.ok()) return rows;
  std::atomic<bool> stop{false};
  Status s = (*compiled)->pipeline().Open();
  if (s.ok()) s = (*compiled)->pipeline().Run(stop);
  EXPECT_TRUE(s.ok()) << s.message();
  return rows;
}

struct Bid {
  int64_t auction, bidder, price, time_ms;
};
struct Person {
  int64_t id;
  std::string name, city, state;
  int64_t time_ms;
};
struct Auction {
  int64_t id, seller, category, time_ms, expires_ms;
};
struct Events {
  std::vector<Person> persons;
  std::vector<Auction> auctions;
  std::vector<Bid> bids;
};

// The same generated stream, parsed with simdjson's DOM.
Events Generated() {
  GeneratorConfig config;
  config.seed = 1;
  config.base_time_ms = kStartMs;
  auto generator = ScenarioGenerator::Make("nexmark", config);
  EXPECT_TRUE(generator.ok());
  Events events;
  simdjson::dom::parser parser;
  GeneratedRecord record;
  for (int i = 0; i < kEvents; ++i) {
    (*generator)->Next(record);
    simdjson::dom::element doc = parser.parse(record.value);
    const int64_t type = int64_t(doc["event_type"]);
    if (type == 0) {
      simdjson::dom::element p = doc["person"];
      events.persons.push_back(Person{int64_t(p["id"]), std::string(std::string_view(p["name"])),
                                      std::string(std::string_view(p["city"])),
                                      std::string(std::string_view(p["state"])), record.event_time_ms});
    } else if (type == 1) {
      simdjson::dom::element a = doc["auction"];
      auto expires = ParseTimestamp(std::string_view(a["expires"]));
      EXPECT_TRUE(expires.has_value());
      events.auctions.push_back(Auction{int64_t(a["id"]), int64_t(a["seller"]), int64_t(a["category"]),
                                        record.event_time_ms, expires.value_or(0) / 1000});
    } else {
      simdjson::dom::element b = doc["bid"];
      events.bids.push_back(Bid{int64_t(b["auction"]), int64_t(b["bidder"]), int64_t(b["price"]),
                                record.event_time_ms});
    }
  }
  return events;
}

std::vector<Bid> GeneratedBids() { return Generated().bids; }

std::string Time(int64_t ms) {
  Vector v(DataType::Timestamp());
  v.Append(ms * 1000);
  return CastToText(v, 0);
}

int64_t Floor(int64_t v, int64_t step) { return v - ((v % step) + step) % step; }

TEST(NexmarkQueries, Q7HighestBidPerTenSecondWindow) {
  std::map<int64_t, int64_t> max_price;  // window start -> highest price
  std::vector<Bid> bids = GeneratedBids();
  for (const Bid& b : bids) {
    int64_t w = Floor(b.time_ms, 10000);
    max_price[w] = std::max(max_price[w], b.price);
  }
  std::multiset<std::string> want, got;
  for (const Bid& b : bids) {
    if (b.price == max_price[Floor(b.time_ms, 10000)]) {
      want.insert(std::to_string(b.auction) + "|" + std::to_string(b.bidder) + "|" + std::to_string(b.price));
    }
  }
  for (const auto& r : RunQuery("q7")) got.insert(r[0] + "|" + r[1] + "|" + r[2]);
  EXPECT_GT(want.size(), 15u);
  EXPECT_EQ(got, want);
}

TEST(NexmarkQueries, Q5HotItemsPerSlidingWindow) {
  // HOP: 10-second windows every 2 seconds; per window the auctions with the most bids.
  std::map<int64_t, std::map<int64_t, int64_t>> counts;  // window start -> auction -> bids
  for (const Bid& b : GeneratedBids()) {
    for (int64_t start = Floor(b.time_ms, 2000); start > b.time_ms - 10000; start -= 2000) {
      ++counts[start][b.auction];
    }
  }
  std::multiset<std::string> want, got;
  for (const auto& [start, per_auction] : counts) {
    int64_t most = 0;
    for (const auto& [auction, n] : per_auction) most = std::max(most, n);
    for (const auto& [auction, n] : per_auction) {
      if (n == most) want.insert(std::to_string(auction) + "|" + std::to_string(n) + "|" + Time(start));
    }
  }
  for (const auto& r : RunQuery("q5")) got.insert(r[0] + "|" + r[1] + "|" + r[2]);
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(got, want);
}

TEST(NexmarkQueries, Q3LocalItemSuggestion) {
  Events events = Generated();
  std::map<int64_t, const Person*> person;
  for (const auto& p : events.persons) person[p.id] = &p;
  std::multiset<std::string> want, got;
  for (const auto& a : events.auctions) {
    auto it = person.find(a.seller);
    if (a.category != 10 || it == person.end()) continue;
    const Person& p = *it->second;
    if (p.state == "OR" || p.state == "ID" || p.state == "CA") {
      want.insert(p.name + "|" + p.city + "|" + p.state + "|" + std::to_string(a.id));
    }
  }
  for (const auto& r : RunQuery("q3")) got.insert(r[0] + "|" + r[1] + "|" + r[2] + "|" + r[3]);
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(got, want);
}

// The auctions by id, and per auction that got a bid while it was open its final (highest)
// price and the index of its first such bid (the order in which auctions closing in the same
// millisecond come out of sluice).
struct Winning {
  int64_t price = 0;
  size_t first_bid = 0;
};
std::map<int64_t, Winning> WinningBids(const Events& events,
                                       std::map<int64_t, const Auction*>& auction) {
  for (const auto& a : events.auctions) auction[a.id] = &a;
  std::map<int64_t, Winning> winning;
  for (size_t i = 0; i < events.bids.size(); ++i) {
    const Bid& b = events.bids[i];
    auto it = auction.find(b.auction);
    if (it == auction.end() || b.time_ms < it->second->time_ms || b.time_ms > it->second->expires_ms) continue;
    auto [w, fresh] = winning.emplace(b.auction, Winning{b.price, i});
    if (!fresh) w->second.price = std::max(w->second.price, b.price);
  }
  return winning;
}

TEST(NexmarkQueries, Q4AverageWinningPricePerCategory) {
  Events events = Generated();
  std::map<int64_t, const Auction*> auction;
  const std::map<int64_t, Winning> winning = WinningBids(events, auction);
  std::map<int64_t, std::pair<int64_t, int64_t>> per_category;  // sum, count
  for (const auto& [id, w] : winning) {
    auto& [sum, count] = per_category[auction[id]->category];
    sum += w.price;
    ++count;
  }
  std::map<std::string, std::string> want, got;
  for (const auto& [category, sc] : per_category) {
    // CAST(AVG(...) AS BIGINT): the double average, truncated.
    const double avg = static_cast<double>(sc.first) / static_cast<double>(sc.second);
    want[std::to_string(category)] = std::to_string(static_cast<int64_t>(avg));
  }
  // Triggers every millisecond, so the inner aggregation withdraws and resends auctions' prices
  // many times before the end; the last row per category is the result.
  const auto rows = RunQuery("q4", {{"trigger.interval", "1 ms"}});
  for (const auto& r : rows) got[r[0]] = r[1];
  EXPECT_EQ(want.size(), 5u);
  EXPECT_GT(rows.size(), 2 * want.size()) << "intermediate results were expected";
  EXPECT_EQ(got, want);
}

// 'encoding' = 'none' fills the columns without JSON: every field of every event comes out as
// the JSON path decodes it, also when only some fields are read.
TEST(NexmarkQueries, ColumnsFilledDirectlyEqualDecodedJson) {
  const std::string every_field = R"(
CREATE TABLE all_fields (event_type INT, person STRING, auction STRING, bid STRING, t TIMESTAMP(3))
WITH ('connector' = 'capture');
INSERT INTO all_fields
SELECT event_type, to_json(person), to_json(auction), to_json(bid), dateTime FROM nexmark;
)";
  constexpr int kFieldEvents = 50'000;  // every field of every event: enough kinds and values
  const auto json = RunQuery("all", {}, "json", every_field, kFieldEvents);
  const auto none = RunQuery("all", {}, "none", every_field, kFieldEvents);
  ASSERT_EQ(json.size(), static_cast<size_t>(kFieldEvents));
  EXPECT_EQ(none, json);
  EXPECT_EQ(RunQuery("q0", {}, "none"), RunQuery("q0"));
  // q4 emits on processing-time triggers, so only its final value per category is fixed.
  std::map<std::string, std::string> q4_none, q4_json;
  for (const auto& r : RunQuery("q4", {}, "none")) q4_none[r[0]] = r[1];
  for (const auto& r : RunQuery("q4")) q4_json[r[0]] = r[1];
  EXPECT_EQ(q4_none.size(), 5u);
  EXPECT_EQ(q4_none, q4_json);
}

TEST(NexmarkQueries, Q6AverageOfEachSellersLastTenClosedAuctions) {
  Events events = Generated();
  std::map<int64_t, const Auction*> auction;
  const std::map<int64_t, Winning> closed = WinningBids(events, auction);
  std::vector<std::tuple<int64_t, size_t, int64_t>> order;  // expires, first bid, auction
  for (const auto& [id, c] : closed) order.emplace_back(auction[id]->expires_ms, c.first_bid, id);
  std::sort(order.begin(), order.end());
  std::map<int64_t, std::deque<int64_t>> last;  // seller -> the last 11 final prices
  std::vector<std::string> want;
  for (const auto& [expires, first_bid, id] : order) {
    std::deque<int64_t>& prices = last[auction[id]->seller];
    prices.push_back(closed.at(id).price);
    if (prices.size() > 11) prices.pop_front();  // 10 PRECEDING AND CURRENT ROW
    int64_t sum = 0;
    for (int64_t p : prices) sum += p;
    Vector avg(DataType::Float64());
    avg.Append(static_cast<double>(sum) / static_cast<double>(prices.size()));
    want.push_back(std::to_string(auction[id]->seller) + "|" + CastToText(avg, 0));
  }
  std::vector<std::string> got;
  for (const auto& r : RunQuery("q6")) got.push_back(r[0] + "|" + r[1]);
  EXPECT_GT(want.size(), 1000u);
  EXPECT_EQ(got, want);
}

TEST(NexmarkQueries, Q8NewUsersWhoSellInTheirFirstWindow) {
  Events events = Generated();
  std::set<std::pair<int64_t, int64_t>> sellers;  // (window start, seller)
  for (const auto& a : events.auctions) sellers.emplace(Floor(a.time_ms, 10000), a.seller);
  std::set<std::string> want;
  std::multiset<std::string> got;
  for (const auto& p : events.persons) {
    int64_t w = Floor(p.time_ms, 10000);
    if (sellers.count({w, p.id})) want.insert(std::to_string(p.id) + "|" + p.name + "|" + Time(w));
  }
  for (const auto& r : RunQuery("q8")) got.insert(r[0] + "|" + r[1] + "|" + r[2]);
  EXPECT_GT(want.size(), 50u);
  EXPECT_EQ(got, std::multiset<std::string>(want.begin(), want.end()));
}

}  // namespace
}  // namespace sluice
