// The nexmark datagen scenario, checked from its output alone: every record is parsed as JSON
// (simdjson DOM) and its shape, ids, references and times are checked against what the stream
// has produced so far.

#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connector/connector_options.h"
#include "connector/datagen/datagen_source.h"
#include "connector/datagen/scenario_generator.h"

namespace sluice {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr int64_t kBase = 1'718'000'000'000;  // 2024-06-10 06:13:20 UTC

GeneratorConfig Config(uint64_t seed, double bad_fraction = 0) {
  GeneratorConfig c;
  c.seed = seed;
  c.bad_fraction = bad_fraction;
  c.base_time_ms = kBase;
  return c;
}

std::vector<GeneratedRecord> Generate(const GeneratorConfig& config, int n) {
  auto gen = ScenarioGenerator::Make("nexmark", config);
  EXPECT_TRUE(gen.ok()) << gen.status().ToString();
  std::vector<GeneratedRecord> out(static_cast<size_t>(n));
  if (!gen.ok()) return out;
  for (auto& r : out) (*gen)->Next(r);
  return out;
}

// 'YYYY-MM-DD HH:MM:SS.mmm' of Unix milliseconds (UTC), by the C library.
std::string MillisText(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

std::string Str(object o, std::string_view key) {
  std::string_view v;
  auto error = o[key].get_string().get(v);
  EXPECT_FALSE(error) << "field '" << key << "' is not a string";
  return std::string(v);
}

int64_t Int(object o, std::string_view key) {
  int64_t v = 0;
  auto error = o[key].get_int64().get(v);
  EXPECT_FALSE(error) << "field '" << key << "' is not an integer";
  return v;
}

bool IsNull(object o, std::string_view key) {
  element e;
  if (o[key].get(e)) return false;
  return e.is_null();
}

bool HasObject(object o, std::string_view key, object* out) {
  return !o[key].get_object().get(*out);
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

TEST(NexmarkScenario, IsRegistered) {
  std::vector<std::string_view> names = ScenarioGenerator::Scenarios();
  EXPECT_NE(std::find(names.begin(), names.end(), "nexmark"), names.end());
  auto gen = ScenarioGenerator::Make("nexmark", Config(1));
  ASSERT_TRUE(gen.ok()) << gen.status().ToString();
  EXPECT_EQ((*gen)->scenario(), "nexmark");
}

TEST(NexmarkScenario, ProportionIsOnePersonThreeAuctionsFortySixBids) {
  constexpr int kEvents = 50'000;
  auto records = Generate(Config(3), kEvents);
  simdjson::dom::parser parser;
  int64_t counts[3] = {0, 0, 0};
  for (size_t i = 0; i < records.size(); ++i) {
    object o;
    ASSERT_FALSE(parser.parse(records[i].value).get_object().get(o)) << i << ": "
                                                                     << records[i].value;
    const int64_t type = Int(o, "event_type");
    ASSERT_GE(type, 0);
    ASSERT_LE(type, 2);
    ++counts[type];
    const size_t slot = i % 50;
    const int64_t expected = slot == 0 ? 0 : slot <= 3 ? 1 : 2;
    ASSERT_EQ(type, expected) << i;
    // Exactly the member of the event's type is an object, the other two are null.
    object member;
    EXPECT_EQ(HasObject(o, "person", &member), type == 0) << i;
    EXPECT_EQ(HasObject(o, "auction", &member), type == 1) << i;
    EXPECT_EQ(HasObject(o, "bid", &member), type == 2) << i;
    EXPECT_EQ(IsNull(o, "person"), type != 0) << i;
    EXPECT_EQ(IsNull(o, "auction"), type != 1) << i;
    EXPECT_EQ(IsNull(o, "bid"), type != 2) << i;
  }
  EXPECT_EQ(counts[0], 1'000);
  EXPECT_EQ(counts[1], 3'000);
  EXPECT_EQ(counts[2], 46'000);
}

TEST(NexmarkScenario, EveryReferenceIsToAnEarlierEvent) {
  constexpr int kEvents = 60'000;  // past 1000 people, so the active-people window slides
  auto records = Generate(Config(17), kEvents);
  simdjson::dom::parser parser;
  std::set<int64_t> persons, auctions;
  int64_t next_person = 1000, next_auction = 1000;
  std::set<int64_t> categories;
  std::map<int64_t, int64_t> bids_per_auction;
  std::map<std::string, std::string> url_of_channel;
  int64_t hot_channel_bids = 0, bids = 0;
  const std::set<std::string> states = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  const std::set<std::string> hot_channels = {"Google", "Facebook", "Baidu", "Apple"};

  for (size_t i = 0; i < records.size(); ++i) {
    const GeneratedRecord& r = records[i];
    ASSERT_FALSE(r.malformed);
    object o;
    ASSERT_FALSE(parser.parse(r.value).get_object().get(o)) << i;
    object e;
    ASSERT_TRUE(r.has_key) << i;
    if (HasObject(o, "person", &e)) {
      const int64_t id = Int(e, "id");
      ASSERT_EQ(id, next_person++) << i;  // ids count up from 1000
      persons.insert(id);
      EXPECT_EQ(r.key, std::to_string(id)) << i;
      const std::string name = Str(e, "name");
      EXPECT_NE(name.find(' '), std::string::npos) << name;
      const std::string email = Str(e, "emailAddress");
      EXPECT_NE(email.find('@'), std::string::npos) << email;
      EXPECT_TRUE(email.size() >= 4 && email.compare(email.size() - 4, 4, ".com") == 0) << email;
      const std::string card = Str(e, "creditCard");
      ASSERT_EQ(card.size(), 19u) << card;
      for (size_t g = 0; g < 4; ++g) {
        EXPECT_TRUE(IsDigits(std::string_view(card).substr(g * 5, 4))) << card;
        if (g < 3) {
          EXPECT_EQ(card[g * 5 + 4], ' ') << card;
        }
      }
      EXPECT_FALSE(Str(e, "city").empty());
      EXPECT_TRUE(states.count(Str(e, "state"))) << Str(e, "state");
      Str(e, "extra");
    } else if (HasObject(o, "auction", &e)) {
      const int64_t id = Int(e, "id");
      ASSERT_EQ(id, next_auction++) << i;
      auctions.insert(id);
      EXPECT_EQ(r.key, std::to_string(id)) << i;
      const int64_t seller = Int(e, "seller");
      EXPECT_TRUE(persons.count(seller)) << i << ": seller " << seller << " not seen yet";
      const int64_t category = Int(e, "category");
      EXPECT_GE(category, 10) << i;
      EXPECT_LE(category, 14) << i;
      categories.insert(category);
      const int64_t initial = Int(e, "initialBid");
      const int64_t reserve = Int(e, "reserve");
      EXPECT_GT(initial, 0) << i;
      EXPECT_GT(reserve, initial) << i;  // reserve = initialBid + another positive price
      EXPECT_FALSE(Str(e, "itemName").empty()) << i;
      Str(e, "description");
      Str(e, "extra");
      // Fixed-width text: lexical order is time order.
      EXPECT_GT(Str(e, "expires"), Str(e, "dateTime")) << i;
    } else {
      ASSERT_TRUE(HasObject(o, "bid", &e)) << i;
      ++bids;
      const int64_t auction = Int(e, "auction");
      const int64_t bidder = Int(e, "bidder");
      EXPECT_TRUE(auctions.count(auction)) << i << ": auction " << auction << " not seen yet";
      EXPECT_TRUE(persons.count(bidder)) << i << ": bidder " << bidder << " not seen yet";
      EXPECT_EQ(r.key, std::to_string(auction)) << i;
      ++bids_per_auction[auction];
      const int64_t price = Int(e, "price");
      EXPECT_GT(price, 0) << i;
      EXPECT_LE(price, 100'000'000) << i;
      const std::string channel = Str(e, "channel");
      const std::string url = Str(e, "url");
      EXPECT_EQ(url.rfind("https://www.nexmark.com/", 0), 0u) << url;
      if (hot_channels.count(channel)) {
        ++hot_channel_bids;
      } else {
        ASSERT_EQ(channel.rfind("channel-", 0), 0u) << channel;
        EXPECT_TRUE(IsDigits(std::string_view(channel).substr(8))) << channel;
      }
      // A channel always comes with the same url.
      auto [it, inserted] = url_of_channel.emplace(channel, url);
      EXPECT_EQ(it->second, url) << channel;
      Str(e, "extra");
    }
  }
  EXPECT_EQ(categories, (std::set<int64_t>{10, 11, 12, 13, 14}));
  // Half the bids go to a hot channel: 55,200 bids, sd ~117; 10 sd either way.
  EXPECT_GT(hot_channel_bids, bids / 2 - 1200);
  EXPECT_LT(hot_channel_bids, bids / 2 + 1200);
  // Hot auctions: the busiest auction gets far more than an even share (~15 bids per auction).
  int64_t busiest = 0;
  for (const auto& [auction, n] : bids_per_auction) busiest = std::max(busiest, n);
  EXPECT_GT(busiest, 500);
}

TEST(NexmarkScenario, DateTimesFollowTheEventTimeAndNeverGoBack) {
  GeneratorConfig config = Config(5);
  config.event_interval_us = 2'500;  // 400 events per second of event time
  auto records = Generate(config, 20'000);
  simdjson::dom::parser parser;
  std::string previous;
  for (size_t i = 0; i < records.size(); ++i) {
    const GeneratedRecord& r = records[i];
    object o;
    ASSERT_FALSE(parser.parse(r.value).get_object().get(o)) << i;
    const std::string top = Str(o, "dateTime");
    ASSERT_EQ(top, MillisText(r.event_time_ms)) << i;
    const int64_t lo = kBase + static_cast<int64_t>(i) * 5 / 2;
    EXPECT_GE(r.event_time_ms, lo) << i;
    EXPECT_LE(r.event_time_ms, lo + 3) << i;
    object e;
    const char* member = HasObject(o, "person", &e)    ? "person"
                         : HasObject(o, "auction", &e) ? "auction"
                                                       : "bid";
    ASSERT_TRUE(HasObject(o, member, &e)) << i;
    EXPECT_EQ(Str(e, "dateTime"), top) << i << " " << member;
    EXPECT_GE(top, previous) << i;
    previous = top;
  }
  EXPECT_EQ(MillisText(records[0].event_time_ms).substr(0, 19), "2024-06-10 06:13:20");
}

TEST(NexmarkScenario, SameSeedSameBytesOtherSeedOtherBytes) {
  auto a = Generate(Config(42), 10'000);
  auto b = Generate(Config(42), 10'000);
  auto c = Generate(Config(43), 10'000);
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].value, b[i].value) << i;
    ASSERT_EQ(a[i].key, b[i].key) << i;
    ASSERT_EQ(a[i].event_time_ms, b[i].event_time_ms) << i;
    differ += a[i].value != c[i].value;
  }
  // Every record carries random strings, so another seed changes (nearly) all of them.
  EXPECT_GT(differ, a.size() * 99 / 100);
}

TEST(NexmarkScenario, BadFractionZeroGivesOnlyJsonAndMalformedRecordsAreNotJson) {
  simdjson::dom::parser parser;
  auto clean = Generate(Config(9, 0), 10'000);
  for (size_t i = 0; i < clean.size(); ++i) {
    EXPECT_FALSE(clean[i].malformed) << i;
    element doc;
    ASSERT_FALSE(parser.parse(clean[i].value).get(doc)) << i << ": " << clean[i].value;
    EXPECT_TRUE(doc.is_object()) << i;
  }

  auto dirty = Generate(Config(9, 0.1), 10'000);
  size_t bad = 0;
  for (size_t i = 0; i < dirty.size(); ++i) {
    if (dirty[i].malformed) {
      ++bad;
      EXPECT_TRUE(dirty[i].malformed_kind == "not_json" || dirty[i].malformed_kind == "truncated")
          << dirty[i].malformed_kind;
      element doc;
      EXPECT_TRUE(parser.parse(dirty[i].value).get(doc) != simdjson::SUCCESS) << i;
    } else {
      // The valid records do not depend on the bad fraction.
      ASSERT_EQ(dirty[i].value, clean[i].value) << i;
      ASSERT_EQ(dirty[i].key, clean[i].key) << i;
    }
  }
  // 10,000 draws at p = 0.1: mean 1000, sd 30.
  EXPECT_GT(bad, 820u);
  EXPECT_LT(bad, 1180u);
}

TEST(NexmarkScenario, DatagenSourceServesIt) {
  auto made = DatagenSource::Make(ConnectorOptions(
      "events", {{"scenario", "nexmark"}, {"number-of-rows", "100"}, {"seed", "4"},
                 {"start-time", "2024-06-10 06:13:20"}}));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE((*made)->Open().ok());
  RawBatch batch;
  auto more = (*made)->Poll(batch, 1000, std::chrono::milliseconds(0));
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  ASSERT_EQ(batch.size(), 100u);
  auto expected = Generate(Config(4), 100);
  simdjson::dom::parser parser;
  for (size_t i = 0; i < batch.size(); ++i) {
    object o;
    ASSERT_FALSE(parser.parse(std::string(batch[i].value)).get_object().get(o)) << i;
    EXPECT_EQ(Int(o, "event_type"), i % 50 == 0 ? 0 : i % 50 <= 3 ? 1 : 2) << i;
    EXPECT_EQ(batch[i].value, expected[i].value) << i;
    EXPECT_TRUE(batch[i].has_key) << i;
    EXPECT_EQ(batch[i].key, expected[i].key) << i;
  }
  EXPECT_TRUE((*made)->Close().ok());
}

}  // namespace
}  // namespace sluice
