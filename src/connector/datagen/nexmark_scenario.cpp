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
#include <cstring>
#include <iterator>
#include <span>
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
constexpr uint64_t kExtraStream = 0x4e58'4d4b'0000'0005ULL;

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

// Fills `out` with `length` lowercase letters drawn from `seed` alone (a splitmix64 stream),
// eight from each draw: each byte scaled to 0..25, in 16-bit lanes of one multiplication.
void FillLetters(char* out, size_t length, uint64_t seed) {
  constexpr uint64_t kLowBytes = 0x00ff00ff00ff00ffULL;
  for (size_t i = 0; i < length; i += 8) {
    const uint64_t x = Rng::SplitMix64(seed);
    const uint64_t even = (((x & kLowBytes) * 26) >> 8) & kLowBytes;
    const uint64_t odd = ((((x >> 8) & kLowBytes) * 26) >> 8) & kLowBytes;
    const uint64_t letters = (even | (odd << 8)) + 0x6161616161616161ULL;  // + 'a'
    std::memcpy(out + i, &letters, std::min<size_t>(8, length - i));
  }
}

// The length of the padding that brings an event of `current_size` to `desired_average` on
// average: uniform within 20% of the difference; 0 when the event is already that large.
int64_t ExtraLength(Rng& r, int64_t current_size, int64_t desired_average) {
  if (current_size > desired_average) return 0;
  int64_t want = desired_average - current_size;
  int64_t delta = static_cast<int64_t>(std::llround(static_cast<double>(want) * 0.2));
  return want - delta +
         (delta == 0 ? 0 : static_cast<int64_t>(r.Below(static_cast<uint64_t>(2 * delta))));
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

// One event's content, drawn once and then written as JSON or into columns.
struct Event {
  int type = 0;  // 0 person, 1 auction, 2 bid
  int64_t time_ms = 0;
  // person
  int64_t person_id = 0;
  std::string name, email, credit_card;
  std::string_view city, state;
  // auction
  int64_t auction_id = 0, initial_bid = 0, reserve = 0, expires_ms = 0, seller = 0, category = 0;
  std::string item_name, description;
  // bid
  int64_t auction = 0, bidder = 0, price = 0;
  std::string channel;
  std::string_view url;
  // every kind: 'extra', letters of this length drawn from this seed (made only where written)
  int64_t extra_length = 0;
  uint64_t extra_seed = 0;
};

void AppendExtra(const Event& e, Vector& out) {
  char* letters = out.arena().Allocate(static_cast<size_t>(e.extra_length));
  FillLetters(letters, static_cast<size_t>(e.extra_length), e.extra_seed);
  out.Append(std::string_view(letters, static_cast<size_t>(e.extra_length)));
}

// Where a column of the bound schema comes from: an event field (of the event, or of its
// person / auction / bid object) with its type.
struct FieldSource {
  std::string_view name;
  TypeId type;
  void (*append)(const Event& e, Vector& out);
};

void AppendTime(Vector& out, int64_t ms) { out.Append<int64_t>(ms * 1000); }

constexpr FieldSource kPersonFields[] = {
    {"id", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.person_id); }},
    {"name", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.name); }},
    {"emailAddress", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.email); }},
    {"creditCard", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.credit_card); }},
    {"city", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.city); }},
    {"state", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.state); }},
    {"dateTime", TypeId::kTimestamp, [](const Event& e, Vector& v) { AppendTime(v, e.time_ms); }},
    {"extra", TypeId::kString, AppendExtra},
};
constexpr FieldSource kAuctionFields[] = {
    {"id", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.auction_id); }},
    {"itemName", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.item_name); }},
    {"description", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.description); }},
    {"initialBid", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.initial_bid); }},
    {"reserve", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.reserve); }},
    {"dateTime", TypeId::kTimestamp, [](const Event& e, Vector& v) { AppendTime(v, e.time_ms); }},
    {"expires", TypeId::kTimestamp, [](const Event& e, Vector& v) { AppendTime(v, e.expires_ms); }},
    {"seller", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.seller); }},
    {"category", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.category); }},
    {"extra", TypeId::kString, AppendExtra},
};
constexpr FieldSource kBidFields[] = {
    {"auction", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.auction); }},
    {"bidder", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.bidder); }},
    {"price", TypeId::kInt64, [](const Event& e, Vector& v) { v.Append(e.price); }},
    {"channel", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.channel); }},
    {"url", TypeId::kString, [](const Event& e, Vector& v) { v.AppendString(e.url); }},
    {"dateTime", TypeId::kTimestamp, [](const Event& e, Vector& v) { AppendTime(v, e.time_ms); }},
    {"extra", TypeId::kString, AppendExtra},
};

class NexmarkScenario final : public ScenarioGenerator {
 public:
  explicit NexmarkScenario(const GeneratorConfig& config)
      : ScenarioGenerator("nexmark", config),
        channel_seed_(Rng::Mix(config.seed) ^ kChannelUrlStream),
        extra_seed_(Rng::Mix(config.seed) ^ kExtraStream) {
    Rng url_rng(Rng::Mix(config.seed) ^ kHotUrlStream);
    for (std::string& url : hot_urls_) AppendBaseUrl(url, url_rng);
    // Event time that kNumInFlightAuctions more auctions take.
    const int64_t events_for_auctions =
        kNumInFlightAuctions * kTotalProportion / kAuctionProportion;
    horizon_ms_ = events_for_auctions * config.event_interval_us / 1000;
  }

  bool BindColumns(const Schema& schema) override {
    if (config().bad_fraction > 0) return false;
    columns_.clear();
    for (const Field& f : schema.fields()) {
      BoundColumn column;
      if (f.name == "event_type" && (f.type.id() == TypeId::kInt32 || f.type.id() == TypeId::kInt64)) {
        column.kind = BoundColumn::kEventType;
      } else if (f.name == "dateTime" && f.type.id() == TypeId::kTimestamp) {
        column.kind = BoundColumn::kTime;
      } else if (f.type.id() == TypeId::kStruct &&
                 (f.name == "person" || f.name == "auction" || f.name == "bid")) {
        column.kind = BoundColumn::kObject;
        column.event_type = f.name == "person" ? 0 : f.name == "auction" ? 1 : 2;
        using Fields = std::span<const FieldSource>;
        const Fields fields = column.event_type == 0   ? Fields(kPersonFields)
                              : column.event_type == 1 ? Fields(kAuctionFields)
                                                       : Fields(kBidFields);
        for (const Field& child : f.type.fields()) {
          const FieldSource* found = nullptr;
          for (const FieldSource& source : fields) {
            if (source.name == child.name && source.type == child.type.id()) found = &source;
          }
          if (!found) return false;
          column.children.push_back(found);
        }
      } else {
        return false;
      }
      columns_.push_back(std::move(column));
    }
    return true;
  }

 private:
  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    Draw(ctx, out.key);
    WriteJson(out.value);
    out.has_key = true;
    if (bad) CorruptToNotJson(*bad, out);
  }

  void GenerateColumns(const Context& ctx, std::vector<VectorPtr>& columns,
                       GeneratedRecord& out) override {
    Draw(ctx, out.key);
    out.has_key = true;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const BoundColumn& column = columns_[c];
      Vector& v = *columns[c];
      switch (column.kind) {
        case BoundColumn::kEventType:
          if (v.type().id() == TypeId::kInt32) {
            v.Append<int32_t>(event_.type);
          } else {
            v.Append<int64_t>(event_.type);
          }
          break;
        case BoundColumn::kTime: AppendTime(v, event_.time_ms); break;
        case BoundColumn::kObject:
          if (column.event_type != event_.type) {
            v.AppendNull();
            break;
          }
          for (size_t i = 0; i < column.children.size(); ++i) {
            column.children[i]->append(event_, v.child(i));
          }
          v.Resize(v.size() + 1);  // the children hold the row; this makes it visible
          break;
      }
    }
  }

  // Draws event ctx.sequence into event_; the key (person or auction id) into `key`.
  void Draw(const Context& ctx, std::string& key) {
    const int64_t n = static_cast<int64_t>(ctx.sequence);
    const int64_t kind = n % kTotalProportion;
    event_.time_ms = ctx.event_time_ms;
    // The padding's letters come from a stream of their own per event, so they are made only
    // where written and never shift the draws of other events.
    event_.extra_seed = Rng::Mix(extra_seed_ + ctx.sequence);
    if (kind < kPersonProportion) {
      DrawPerson(n, key);
    } else if (kind < kPersonProportion + kAuctionProportion) {
      DrawAuction(n, ctx.event_time_ms, key);
    } else {
      DrawBid(n, key);
    }
  }

  void DrawPerson(int64_t n, std::string& key) {
    Rng& r = rng();
    Event& e = event_;
    e.type = 0;
    e.person_id = LastPersonId(n) + kFirstPersonId;
    AppendInt(key, e.person_id);
    const std::string_view first = r.Pick(kEventFirstNames);
    const std::string_view last = r.Pick(kEventLastNames);
    e.name.assign(first);
    e.name.push_back(' ');
    e.name.append(last);
    e.email.clear();
    AppendRandomString(e.email, r, 7);
    e.email.push_back('@');
    AppendRandomString(e.email, r, 5);
    e.email.append(".com");
    e.credit_card.clear();
    for (int i = 0; i < 4; ++i) {
      if (i) e.credit_card.push_back(' ');
      unsigned group = static_cast<unsigned>(r.Below(10'000));
      Append2(e.credit_card, group / 100);
      Append2(e.credit_card, group % 100);
    }
    e.city = r.Pick(kUsCities);
    e.state = r.Pick(kUsStates);
    const int64_t size = 8 + static_cast<int64_t>(e.name.size() + e.email.size() + 19 +
                                                  e.city.size() + e.state.size());
    e.extra_length = ExtraLength(r, size, kAvgPersonBytes);
  }

  void DrawAuction(int64_t n, int64_t event_time_ms, std::string& key) {
    Rng& r = rng();
    Event& e = event_;
    e.type = 1;
    e.auction_id = LastAuctionId(n) + kFirstAuctionId;
    AppendInt(key, e.auction_id);
    if (r.Below(kHotSellersRatio) > 0) {
      e.seller = LastPersonId(n) / kHotBlock * kHotBlock;
    } else {
      e.seller = RecentPersonId(r, n);
    }
    e.seller += kFirstPersonId;
    e.category = kFirstCategoryId + static_cast<int64_t>(r.Below(kNumCategories));
    e.initial_bid = NextPrice(r);
    const int64_t length_ms =
        1000 + static_cast<int64_t>(r.Below(static_cast<uint64_t>(std::max<int64_t>(
                   2 * horizon_ms_, 1))));
    e.expires_ms = event_time_ms + length_ms;
    e.item_name.clear();
    AppendRandomString(e.item_name, r, 20);
    e.description.clear();
    AppendRandomString(e.description, r, 100);
    e.reserve = e.initial_bid + NextPrice(r);
    const int64_t size = 8 + 8 * 5 + static_cast<int64_t>(e.item_name.size() + e.description.size());
    e.extra_length = ExtraLength(r, size, kAvgAuctionBytes);
  }

  void DrawBid(int64_t n, std::string& key) {
    Rng& r = rng();
    Event& e = event_;
    e.type = 2;
    if (r.Below(kHotAuctionRatio) > 0) {
      e.auction = LastAuctionId(n) / kHotBlock * kHotBlock;
    } else {
      e.auction = RecentAuctionId(r, n);
    }
    e.auction += kFirstAuctionId;
    AppendInt(key, e.auction);
    if (r.Below(kHotBiddersRatio) > 0) {
      const int64_t last = LastPersonId(n);
      e.bidder = std::min(last / kHotBlock * kHotBlock + 1, last);
    } else {
      e.bidder = RecentPersonId(r, n);
    }
    e.bidder += kFirstPersonId;
    e.price = NextPrice(r);
    e.channel.clear();
    if (r.Below(2) > 0) {
      const size_t i = static_cast<size_t>(r.Below(std::size(kHotChannels)));
      e.channel.append(kHotChannels[i]);
      e.url = hot_urls_[i];
    } else {
      const uint64_t channel = r.Below(kChannels);
      e.channel.append("channel-");
      AppendInt(e.channel, static_cast<int64_t>(channel));
      e.url = ChannelUrl(channel);
    }
    e.extra_length = ExtraLength(r, 8 * 4, kAvgBidBytes);
  }

  // event_ as Flink's Nexmark JSON (see the top of this file).
  void WriteJson(std::string& s) {
    const Event& e = event_;
    time_.clear();
    AppendMillisTimestamp(time_, event_dates_, e.time_ms);
    if (e.type == 0) {
      s.append(R"({"event_type":0,"person":{"id":)");
      AppendInt(s, e.person_id);
      AppendStringField(s, R"(,"name":")", e.name);
      AppendStringField(s, R"(","emailAddress":")", e.email);
      AppendStringField(s, R"(","creditCard":")", e.credit_card);
      AppendStringField(s, R"(","city":")", e.city);
      AppendStringField(s, R"(","state":")", e.state);
      AppendStringField(s, R"(","dateTime":")", time_);
      s.append(R"(","extra":")");
      AppendExtraText(s, e);
      s.append(R"("},"auction":null,"bid":null)");
    } else if (e.type == 1) {
      s.append(R"({"event_type":1,"person":null,"auction":{"id":)");
      AppendInt(s, e.auction_id);
      AppendStringField(s, R"(,"itemName":")", e.item_name);
      AppendStringField(s, R"(","description":")", e.description);
      s.append(R"(","initialBid":)");
      AppendInt(s, e.initial_bid);
      s.append(R"(,"reserve":)");
      AppendInt(s, e.reserve);
      AppendStringField(s, R"(,"dateTime":")", time_);
      s.append(R"(","expires":")");
      AppendMillisTimestamp(s, expire_dates_, e.expires_ms);
      s.append(R"(","seller":)");
      AppendInt(s, e.seller);
      s.append(R"(,"category":)");
      AppendInt(s, e.category);
      s.append(R"(,"extra":")");
      AppendExtraText(s, e);
      s.append(R"("},"bid":null)");
    } else {
      s.append(R"({"event_type":2,"person":null,"auction":null,"bid":{"auction":)");
      AppendInt(s, e.auction);
      s.append(R"(,"bidder":)");
      AppendInt(s, e.bidder);
      s.append(R"(,"price":)");
      AppendInt(s, e.price);
      AppendStringField(s, R"(,"channel":")", e.channel);
      AppendStringField(s, R"(","url":")", e.url);
      AppendStringField(s, R"(","dateTime":")", time_);
      s.append(R"(","extra":")");
      AppendExtraText(s, e);
      s.append(R"("})");
    }
    AppendStringField(s, R"(,"dateTime":")", time_);
    s.append("\"}");
  }

  static void AppendExtraText(std::string& s, const Event& e) {
    const size_t at = s.size();
    s.resize(at + static_cast<size_t>(e.extra_length));
    FillLetters(s.data() + at, static_cast<size_t>(e.extra_length), e.extra_seed);
  }

  // `prefix` then `text` (which never needs escaping: letters, digits, ' ', '@', '.', '/').
  static void AppendStringField(std::string& s, std::string_view prefix, std::string_view text) {
    s.append(prefix);
    s.append(text);
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

  // A column of the bound schema: event_type, dateTime, or one of the objects with the fields
  // its ROW type lists.
  struct BoundColumn {
    enum Kind { kEventType, kTime, kObject } kind = kEventType;
    int event_type = 0;  // kObject: the kind of event that has this object
    std::vector<const FieldSource*> children;
  };

  uint64_t channel_seed_;
  uint64_t extra_seed_;
  int64_t horizon_ms_ = 0;
  std::string hot_urls_[std::size(kHotChannels)];
  std::vector<std::string> channel_urls_ = std::vector<std::string>(kChannels);
  Event event_;
  std::string time_;  // the event time, formatted
  DateText event_dates_;
  DateText expire_dates_;
  std::vector<BoundColumn> columns_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakeNexmarkScenario(const GeneratorConfig& config) {
  return std::make_unique<NexmarkScenario>(config);
}

}  // namespace sluice::datagen
