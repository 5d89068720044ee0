// nexmark: the Nexmark benchmark's online auction (people, auctions, bids), after the model of
// the public Nexmark generator (Apache Beam's and Flink's nexmark): same proportions, id scheme,
// hot sellers/bidders/auctions, price and string models. One JSON object per event, in the shape
// of Flink's Nexmark source table, so SQL reads it with nested ROW types:
//   {"event_type":0|1|2,
//    "person":{"id","name","emailAddress","creditCard","city","state","dateTime","extra"} | null,
//    "auction":{"id","itemName","description","initialBid","reserve","dateTime","expires",
//               "seller","category","extra"} | null,
//    "bid":{"auction","bidder","price","channel","url","dateTime","extra"} | null,
//    "dateTime":"YYYY-MM-DD HH:MM:SS.mmm"}
// Ids, prices and categories are JSON integers; every dateTime is the event time (UTC, millisecond
// precision), expires lies after it.
//
// Event n (the sequence number) is a person when n % 50 == 0, an auction when n % 50 is 1..3 and a
// bid otherwise. Person ids count from 1000 in person order, auction ids from 1000 in auction
// order, so an id follows from n alone. Unlike the reference generator, which lets a reference run
// up to ten ids ahead of the last one generated, every reference here is to an earlier event:
//   seller  3/4 the hot seller (first person of the last block of 100), else one of the last 1000
//           people;
//   bidder  3/4 the hot bidder (second person of that block), else one of the last 1000 people;
//   auction 1/2 the hot auction (first auction of the last block of 100), else one of the last 101
//           auctions.
// Categories 10..14. Prices round(100 * 10^(6u)) for u uniform in [0, 1), so 100..10^8 with a
// uniform logarithm; reserve = initialBid + another such price. An auction lasts 1 s plus up to
// twice the event time that 100 more auctions take (Nexmark's "auctions in flight" horizon): a few
// seconds at 1000 events/s, minutes at 10 events/s. Bid channels: half "Google", "Facebook",
// "Baidu" or "Apple" with a fixed url each, half "channel-N" (N < 10000) whose url is the same for
// every bid of that channel (per seed). 'extra' pads each event towards Nexmark's average sizes
// (person 200, auction 500, bid 100 idealised bytes).
//
// Key: the person id for persons, the auction id for auctions and bids, as text. Malformed
// records are not JSON (truncated or replaced).

#include <algorithm>
#include <cmath>
#include <iterator>
#include <vector>

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr int64_t kPersonProportion = 1;
constexpr int64_t kAuctionProportion = 3;
constexpr int64_t kTotalProportion = 50;  // bids: the other 46

constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstCategoryId = 10;
constexpr uint64_t kNumCategories = 5;

constexpr int64_t kNumActivePeople = 1000;
constexpr int64_t kNumInFlightAuctions = 100;
// P(hot) = 1 - 1/ratio.
constexpr uint64_t kHotAuctionRatio = 2;
constexpr uint64_t kHotSellersRatio = 4;
constexpr uint64_t kHotBiddersRatio = 4;
// Hot ids are the first (second for bidders) of the last block of this many.
constexpr int64_t kHotBlock = 100;

constexpr uint64_t kChannels = 10'000;
constexpr int kAvgPersonBytes = 200;
constexpr int kAvgAuctionBytes = 500;
constexpr int kAvgBidBytes = 100;

constexpr std::string_view kEventFirstNames[] = {"Peter", "Paul",  "Luke",  "John",
                                                 "Saul",  "Vicky", "Kate",  "Julie",
                                                 "Sarah", "Deiter", "Walter"};
constexpr std::string_view kEventLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::string_view kUsCities[] = {"Phoenix", "Los Angeles", "San Francisco", "Boise",
                                          "Portland", "Bend",       "Redmond",       "Seattle",
                                          "Kent",     "Cheyenne"};
constexpr std::string_view kUsStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::string_view kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};

// Seeds of the url streams, apart from the content and malformed streams.
constexpr uint64_t kHotUrlStream = 0x4e58'4d4b'0000'0003ULL;
constexpr uint64_t kChannelUrlStream = 0x4e58'4d4b'0000'0004ULL;

// The last person id (base 0) generated at or before event n.
int64_t LastPersonId(int64_t n) {
  int64_t epoch = n / kTotalProportion;
  int64_t offset = std::min(n % kTotalProportion, kPersonProportion - 1);
  return epoch * kPersonProportion + offset;
}

// The last auction id (base 0) generated at or before event n; -1 before the first auction.
int64_t LastAuctionId(int64_t n) {
  int64_t epoch = n / kTotalProportion;
  int64_t offset = n % kTotalProportion;
  if (offset < kPersonProportion) {
    --epoch;  // a person: the auctions of this epoch are still to come
    offset = kAuctionProportion - 1;
  } else if (offset >= kPersonProportion + kAuctionProportion) {
    offset = kAuctionProportion - 1;
  } else {
    offset -= kPersonProportion;
  }
  return epoch * kAuctionProportion + offset;
}

// One of the last kNumActivePeople people (base 0) as of event n.
int64_t RecentPersonId(Rng& r, int64_t n) {
  int64_t people = LastPersonId(n) + 1;
  int64_t active = std::min(people, kNumActivePeople);
  return people - active + static_cast<int64_t>(r.Below(static_cast<uint64_t>(active)));
}

// One of the last kNumInFlightAuctions + 1 auctions (base 0) as of event n (an auction or bid).
int64_t RecentAuctionId(Rng& r, int64_t n) {
  int64_t last = LastAuctionId(n);
  int64_t first = std::max<int64_t>(last - kNumInFlightAuctions, 0);
  return first + static_cast<int64_t>(r.Below(static_cast<uint64_t>(last - first + 1)));
}

int64_t NextPrice(Rng& r) {
  return static_cast<int64_t>(std::llround(std::pow(10.0, r.Uniform() * 6.0) * 100.0));
}

// Appends 3 + [0, max_length - 3) characters, each a lowercase letter or (1 in 13) `special`,
// then trims leading and trailing spaces. Returns the length appended.
size_t AppendRandomString(std::string& out, Rng& r, uint64_t max_length, char special = ' ') {
  const size_t start = out.size();
  uint64_t len = 3 + r.Below(max_length - 3);
  for (uint64_t i = 0; i < len; ++i) {
    uint64_t bits = r.Next();
    uint64_t low = bits & 0xffff'ffffULL;
    uint64_t high = bits >> 32;
    if (((low * 13) >> 32) == 0) {
      out.push_back(special);
    } else {
      out.push_back(static_cast<char>('a' + ((high * 26) >> 32)));
    }
  }
  if (special == ' ') {
    while (out.size() > start && out.back() == ' ') out.pop_back();
    size_t lead = 0;
    while (start + lead < out.size() && out[start + lead] == ' ') ++lead;
    if (lead) out.erase(start, lead);
  }
  return out.size() - start;
}

// Appends exactly `length` lowercase letters, eight from each draw (a byte scaled to 0..25).
void AppendExactString(std::string& out, Rng& r, int64_t length) {
  if (length <= 0) return;
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(length));
  char* p = out.data() + start;
  for (int64_t i = 0; i < length;) {
    uint64_t bits = r.Next();
    for (int k = 0; k < 8 && i < length; ++k, ++i, bits >>= 8) {
      p[i] = static_cast<char>('a' + (((bits & 0xff) * 26) >> 8));
    }
  }
}

// Padding so that current_size plus its length averages desired_average: uniform within 20% of
// the difference; nothing when the event is already that large.
void AppendExtra(std::string& out, Rng& r, int64_t current_size, int64_t desired_average) {
  if (current_size > desired_average) return;
  int64_t want = desired_average - current_size;
  int64_t delta = static_cast<int64_t>(std::llround(static_cast<double>(want) * 0.2));
  int64_t size = want - delta + (delta == 0 ? 0 : static_cast<int64_t>(r.Below(
                                                      static_cast<uint64_t>(2 * delta))));
  AppendExactString(out, r, size);
}

// "https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1", each part up to 4 characters of
// letters and '_'.
void AppendBaseUrl(std::string& out, Rng& r) {
  out.append("https://www.nexmark.com/");
  for (int i = 0; i < 3; ++i) {
    AppendRandomString(out, r, 5, '_');
    out.push_back('/');
  }
  out.append("item.htm?query=1");
}

uint32_t ReverseBits(uint32_t v) {
  uint32_t result = 0;
  for (int i = 0; i < 32; ++i) {
    result = (result << 1) | (v & 1);
    v >>= 1;
  }
  return result;
}

class NexmarkScenario final : public ScenarioGenerator {
 public:
  explicit NexmarkScenario(const GeneratorConfig& config)
      : ScenarioGenerator("nexmark", config),
        channel_seed_(Rng::Mix(config.seed) ^ kChannelUrlStream) {
    Rng url_rng(Rng::Mix(config.seed) ^ kHotUrlStream);
    for (std::string& url : hot_urls_) AppendBaseUrl(url, url_rng);
    // Event time that kNumInFlightAuctions more auctions take.
    const int64_t events_for_auctions =
        kNumInFlightAuctions * kTotalProportion / kAuctionProportion;
    horizon_ms_ = events_for_auctions * config.event_interval_us / 1000;
  }

 private:
  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    const int64_t n = static_cast<int64_t>(ctx.sequence);
    const int64_t kind = n % kTotalProportion;
    std::string& s = out.value;

    time_.clear();
    AppendMillisTimestamp(time_, event_dates_, ctx.event_time_ms);

    if (kind < kPersonProportion) {
      s.append(R"({"event_type":0,"person":)");
      AppendPerson(s, n, out.key);
      s.append(R"(,"auction":null,"bid":null)");
    } else if (kind < kPersonProportion + kAuctionProportion) {
      s.append(R"({"event_type":1,"person":null,"auction":)");
      AppendAuction(s, n, ctx.event_time_ms, out.key);
      s.append(R"(,"bid":null)");
    } else {
      s.append(R"({"event_type":2,"person":null,"auction":null,"bid":)");
      AppendBid(s, n, out.key);
    }
    s.append(R"(,"dateTime":")");
    s.append(time_);
    s.append("\"}");
    out.has_key = true;

    if (bad) CorruptToNotJson(*bad, out);
  }

  void AppendPerson(std::string& s, int64_t n, std::string& key) {
    Rng& r = rng();
    const int64_t id = LastPersonId(n) + kFirstPersonId;
    AppendInt(key, id);
    int64_t size = 8;
    s.append(R"({"id":)");
    AppendInt(s, id);
    s.append(R"(,"name":")");
    const std::string_view first = r.Pick(kEventFirstNames);
    const std::string_view last = r.Pick(kEventLastNames);
    s.append(first);
    s.push_back(' ');
    s.append(last);
    size += static_cast<int64_t>(first.size() + 1 + last.size());
    s.append(R"(","emailAddress":")");
    size += static_cast<int64_t>(AppendRandomString(s, r, 7));
    s.push_back('@');
    size += static_cast<int64_t>(AppendRandomString(s, r, 5));
    s.append(".com");
    size += 5;
    s.append(R"(","creditCard":")");
    for (int i = 0; i < 4; ++i) {
      if (i) s.push_back(' ');
      unsigned group = static_cast<unsigned>(r.Below(10'000));
      Append2(s, group / 100);
      Append2(s, group % 100);
    }
    size += 19;
    s.append(R"(","city":")");
    const std::string_view city = r.Pick(kUsCities);
    s.append(city);
    s.append(R"(","state":")");
    const std::string_view state = r.Pick(kUsStates);
    s.append(state);
    size += static_cast<int64_t>(city.size() + state.size());
    s.append(R"(","dateTime":")");
    s.append(time_);
    s.append(R"(","extra":")");
    AppendExtra(s, r, size, kAvgPersonBytes);
    s.append("\"}");
  }

  void AppendAuction(std::string& s, int64_t n, int64_t event_time_ms, std::string& key) {
    Rng& r = rng();
    const int64_t id = LastAuctionId(n) + kFirstAuctionId;
    AppendInt(key, id);
    int64_t seller;
    if (r.Below(kHotSellersRatio) > 0) {
      seller = LastPersonId(n) / kHotBlock * kHotBlock;
    } else {
      seller = RecentPersonId(r, n);
    }
    seller += kFirstPersonId;
    const int64_t category = kFirstCategoryId + static_cast<int64_t>(r.Below(kNumCategories));
    const int64_t initial_bid = NextPrice(r);
    const int64_t length_ms =
        1000 + static_cast<int64_t>(r.Below(static_cast<uint64_t>(std::max<int64_t>(
                   2 * horizon_ms_, 1))));

    s.append(R"({"id":)");
    AppendInt(s, id);
    s.append(R"(,"itemName":")");
    int64_t size = 8 + 8 * 5;
    size += static_cast<int64_t>(AppendRandomString(s, r, 20));
    s.append(R"(","description":")");
    size += static_cast<int64_t>(AppendRandomString(s, r, 100));
    const int64_t reserve = initial_bid + NextPrice(r);
    s.append(R"(","initialBid":)");
    AppendInt(s, initial_bid);
    s.append(R"(,"reserve":)");
    AppendInt(s, reserve);
    s.append(R"(,"dateTime":")");
    s.append(time_);
    s.append(R"(","expires":")");
    AppendMillisTimestamp(s, expire_dates_, event_time_ms + length_ms);
    s.append(R"(","seller":)");
    AppendInt(s, seller);
    s.append(R"(,"category":)");
    AppendInt(s, category);
    s.append(R"(,"extra":")");
    AppendExtra(s, r, size, kAvgAuctionBytes);
    s.append("\"}");
  }

  void AppendBid(std::string& s, int64_t n, std::string& key) {
    Rng& r = rng();
    int64_t auction;
    if (r.Below(kHotAuctionRatio) > 0) {
      auction = LastAuctionId(n) / kHotBlock * kHotBlock;
    } else {
      auction = RecentAuctionId(r, n);
    }
    auction += kFirstAuctionId;
    AppendInt(key, auction);
    int64_t bidder;
    if (r.Below(kHotBiddersRatio) > 0) {
      const int64_t last = LastPersonId(n);
      bidder = std::min(last / kHotBlock * kHotBlock + 1, last);
    } else {
      bidder = RecentPersonId(r, n);
    }
    bidder += kFirstPersonId;
    const int64_t price = NextPrice(r);

    s.append(R"({"auction":)");
    AppendInt(s, auction);
    s.append(R"(,"bidder":)");
    AppendInt(s, bidder);
    s.append(R"(,"price":)");
    AppendInt(s, price);
    s.append(R"(,"channel":")");
    if (r.Below(2) > 0) {
      const size_t i = static_cast<size_t>(r.Below(std::size(kHotChannels)));
      s.append(kHotChannels[i]);
      s.append(R"(","url":")");
      s.append(hot_urls_[i]);
    } else {
      const uint64_t channel = r.Below(kChannels);
      s.append("channel-");
      AppendInt(s, static_cast<int64_t>(channel));
      s.append(R"(","url":")");
      s.append(ChannelUrl(channel));
    }
    s.append(R"(","dateTime":")");
    s.append(time_);
    s.append(R"(","extra":")");
    AppendExtra(s, r, 8 * 4, kAvgBidBytes);
    s.append("\"}");
  }

  // The same url for every bid of a channel, drawn from a stream of its own; made once.
  const std::string& ChannelUrl(uint64_t channel) {
    std::string& url = channel_urls_[channel];
    if (url.empty()) {
      Rng url_rng(Rng::Mix(channel_seed_ + channel));
      AppendBaseUrl(url, url_rng);
      if (url_rng.Below(10) > 0) {
        url.append("&channel_id=");
        AppendInt(url, static_cast<int64_t>(ReverseBits(static_cast<uint32_t>(channel))));
      }
    }
    return url;
  }

  // 'YYYY-MM-DD HH:MM:SS.mmm' of Unix milliseconds, UTC.
  static void AppendMillisTimestamp(std::string& out, DateText& dates, int64_t unix_ms) {
    const int64_t seconds = SecondsOfMillis(unix_ms);
    const unsigned millis = static_cast<unsigned>(unix_ms - seconds * 1000);
    dates.AppendTimestamp(out, seconds);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + millis / 100));
    Append2(out, millis % 100);
  }

  uint64_t channel_seed_;
  int64_t horizon_ms_ = 0;
  std::string hot_urls_[std::size(kHotChannels)];
  std::vector<std::string> channel_urls_ = std::vector<std::string>(kChannels);
  std::string time_;  // the event time, formatted
  DateText event_dates_;
  DateText expire_dates_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakeNexmarkScenario(const GeneratorConfig& config) {
  return std::make_unique<NexmarkScenario>(config);
}

}  // namespace sluice::datagen
