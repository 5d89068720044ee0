// The datagen scenarios against the DESIGN.md §1 contracts (checked field by field with an
// independent parser), their reproducibility and malformed fractions, and the datagen source.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connector/connector_options.h"
#include "connector/datagen/datagen_source.h"
#include "connector/datagen/scenario_generator.h"
#include "types/timestamp.h"

namespace sluice {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr int64_t kBase = 1'718'000'000'000;  // 2024-06-10 06:13:20 UTC
constexpr int kRecords = 20'000;

GeneratorConfig Config(uint64_t seed, double bad_fraction = 0, int64_t base = kBase) {
  GeneratorConfig c;
  c.seed = seed;
  c.bad_fraction = bad_fraction;
  c.base_time_ms = base;
  return c;
}

std::vector<GeneratedRecord> Generate(std::string_view scenario, const GeneratorConfig& config,
                                      int n) {
  auto gen = ScenarioGenerator::Make(scenario, config);
  EXPECT_TRUE(gen.ok()) << gen.status().ToString();
  std::vector<GeneratedRecord> out(n);
  for (auto& r : out) (*gen)->Next(r);
  return out;
}

// --- independent checks of the contract ---------------------------------------------------------

std::optional<std::string> GetString(object o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v)) return std::nullopt;
  return std::string(v);
}
std::optional<int64_t> GetInt(object o, std::string_view key) {
  int64_t v;
  if (o[key].get_int64().get(v)) return std::nullopt;
  return v;
}
std::optional<double> GetNumber(object o, std::string_view key) {
  double v;
  if (o[key].get_double().get(v)) return std::nullopt;
  return v;
}
bool IsNull(object o, std::string_view key) {
  element e;
  return !o[key].get(e) && e.is_null();
}
bool Has(object o, std::string_view key) {
  element e;
  return !o[key].get(e);
}
size_t FieldCount(object o) {
  size_t n = 0;
  for (auto field : o) {
    (void)field;
    ++n;
  }
  return n;
}

bool InSet(const std::optional<std::string>& v, std::initializer_list<std::string_view> set) {
  return v && std::find(set.begin(), set.end(), *v) != set.end();
}
bool InRange(const std::optional<int64_t>& v, int64_t lo, int64_t hi) {
  return v && *v >= lo && *v <= hi;
}
// A number in [lo, hi] with at most two decimals.
bool Money(const std::optional<double>& v, double lo, double hi) {
  if (!v || *v < lo || *v > hi) return false;
  double cents = *v * 100;
  return std::fabs(cents - std::round(cents)) < 1e-6;
}
bool IsUuid(const std::optional<std::string>& v) {
  if (!v || v->size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = (*v)[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return (*v)[14] == '4';
}
bool IsValidIpv4(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    int value = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 3) {
      value = value * 10 + (s[pos++] - '0');
    }
    if (pos == start || value > 255) return false;
    ++parts;
    if (pos == s.size()) break;
    if (s[pos++] != '.') return false;
  }
  return parts == 4;
}
std::string Initcap(std::string_view s) {
  std::string out(s);
  bool start = true;
  for (char& c : out) {
    if (c == ' ') {
      start = true;
      continue;
    }
    c = start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out;
}
// 'dd/MM/yyyy' of a real calendar day.
bool IsDmyDate(const std::optional<std::string>& v) {
  if (!v || v->size() != 10 || (*v)[2] != '/' || (*v)[5] != '/') return false;
  std::string iso = v->substr(6, 4) + "-" + v->substr(3, 2) + "-" + v->substr(0, 2);
  return ParseDate(iso).has_value();
}
bool IsIsoDate(const std::optional<std::string>& v) {
  return v && v->size() == 10 && ParseDate(*v).has_value();
}

// Why a cashback value breaks the contract (not JSON; customer_id or timestamp missing, null or
// unparsable; amount not an integer), or nullopt if it keeps it.
std::optional<std::string> CashbackViolation(simdjson::dom::parser& parser,
                                             std::string_view value) {
  element doc;
  if (parser.parse(value).get(doc)) return "not_json";
  object o;
  if (doc.get_object().get(o)) return "not_object";
  for (std::string_view field : {"customer_id", "timestamp"}) {
    if (!Has(o, field)) return "missing:" + std::string(field);
    if (IsNull(o, field)) return "null:" + std::string(field);
    auto text = GetString(o, field);
    if (!text) return "wrong_type:" + std::string(field);
    if (field == "timestamp" && !ParseTimestamp(*text)) return "unparsable:timestamp";
  }
  if (!GetInt(o, "amount")) return "wrong_type:amount";
  return std::nullopt;
}

// --- scenarios ----------------------------------------------------------------------------------

TEST(ScenarioGenerator, ListsScenariosAndRejectsUnknownOnes) {
  std::vector<std::string_view> names = ScenarioGenerator::Scenarios();
  EXPECT_EQ(names, (std::vector<std::string_view>{"cashback", "finance", "people", "words",
                                                  "purchases", "nexmark"}));
  auto bad = ScenarioGenerator::Make("nexmark2", Config(1));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown datagen scenario 'nexmark2'; known scenarios: cashback, finance, people, "
            "words, purchases, nexmark");
  auto fraction = ScenarioGenerator::Make("cashback", Config(1, 1.5));
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.status().message(),
            "datagen: bad fraction must be between 0 and 1, found 1.5");
  EXPECT_FALSE(ScenarioGenerator::Make("cashback", Config(1, std::nan(""))).ok());
}

class EveryScenario : public ::testing::TestWithParam<std::string_view> {};

TEST_P(EveryScenario, SameSeedAndBaseTimeGiveByteIdenticalRecords) {
  auto a = Generate(GetParam(), Config(42, 0.05), 5000);
  auto b = Generate(GetParam(), Config(42, 0.05), 5000);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].value, b[i].value) << i;
    ASSERT_EQ(a[i].key, b[i].key) << i;
    ASSERT_EQ(a[i].has_key, b[i].has_key) << i;
    ASSERT_EQ(a[i].event_time_ms, b[i].event_time_ms) << i;
    ASSERT_EQ(a[i].malformed, b[i].malformed) << i;
    ASSERT_EQ(a[i].malformed_kind, b[i].malformed_kind) << i;
  }
}

TEST_P(EveryScenario, DifferentSeedsGiveDifferentRecords) {
  auto a = Generate(GetParam(), Config(1), 2000);
  auto b = Generate(GetParam(), Config(2), 2000);
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i].value != b[i].value;
  EXPECT_GT(differ, a.size() * 9 / 10);
}

TEST_P(EveryScenario, ValidRecordsDoNotDependOnTheBadFraction) {
  auto clean = Generate(GetParam(), Config(9, 0), 3000);
  auto dirty = Generate(GetParam(), Config(9, 0.3), 3000);
  size_t bad = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    EXPECT_FALSE(clean[i].malformed);
    ASSERT_EQ(clean[i].event_time_ms, dirty[i].event_time_ms);
    if (dirty[i].malformed) {
      ++bad;
      EXPECT_NE(clean[i].value, dirty[i].value);
    } else {
      ASSERT_EQ(clean[i].value, dirty[i].value) << i;
      ASSERT_EQ(clean[i].key, dirty[i].key) << i;
    }
  }
  EXPECT_GT(bad, 700u);
  EXPECT_LT(bad, 1100u);
}

TEST_P(EveryScenario, EventTimesAdvanceFromTheBaseTime) {
  GeneratorConfig config = Config(5, 0.1);
  config.event_interval_us = 10'000;  // 100 records per second of event time
  auto records = Generate(GetParam(), config, 5000);
  for (size_t i = 0; i < records.size(); ++i) {
    int64_t lo = kBase + static_cast<int64_t>(i) * 10;
    ASSERT_GE(records[i].event_time_ms, lo) << i;
    ASSERT_LT(records[i].event_time_ms, lo + 10) << i;
    if (i) {
      ASSERT_GE(records[i].event_time_ms, records[i - 1].event_time_ms);
    }
  }
}

TEST_P(EveryScenario, MalformedCountFollowsTheBadFraction) {
  // 20,000 draws at p = 0.05: mean 1000, sd 30.8; six sd either way.
  auto records = Generate(GetParam(), Config(77, 0.05), kRecords);
  size_t bad = 0;
  for (const auto& r : records) {
    bad += r.malformed;
    EXPECT_EQ(r.malformed, !r.malformed_kind.empty());
  }
  EXPECT_GT(bad, 815u);
  EXPECT_LT(bad, 1185u);

  for (double p : {0.0, 1.0}) {
    auto all = Generate(GetParam(), Config(3, p), 1000);
    size_t n = std::count_if(all.begin(), all.end(), [](const auto& r) { return r.malformed; });
    EXPECT_EQ(n, p == 0 ? 0u : 1000u);
  }
}

INSTANTIATE_TEST_SUITE_P(Datagen, EveryScenario,
                         ::testing::Values("cashback", "finance", "people", "words", "purchases",
                                           "nexmark"));

TEST(CashbackScenario, EveryRecordKeepsTheContractUnlessFlagged) {
  auto records = Generate("cashback", Config(11, 0.05), kRecords);
  simdjson::dom::parser parser;
  std::map<std::string, int> kinds;
  std::set<std::string> customers, products, merchants;
  for (size_t i = 0; i < records.size(); ++i) {
    const GeneratedRecord& r = records[i];
    std::optional<std::string> violation = CashbackViolation(parser, r.value);
    if (r.malformed) {
      ++kinds[r.malformed_kind];
      ASSERT_TRUE(violation.has_value()) << r.malformed_kind << ": " << r.value;
      // The flagged kind is the violation found, or a not-JSON variant of it.
      if (r.malformed_kind == "truncated" || r.malformed_kind == "not_json") {
        EXPECT_EQ(*violation, "not_json") << r.value;
      } else {
        EXPECT_EQ(*violation, r.malformed_kind) << r.value;
      }
      continue;
    }
    ASSERT_FALSE(violation.has_value()) << *violation << ": " << r.value;
    element doc = parser.parse(r.value);
    object o = doc.get_object();
    EXPECT_EQ(FieldCount(o), 6u) << r.value;
    EXPECT_EQ(GetString(o, "transaction_id"), "trans_" + std::to_string(i));
    auto customer = GetString(o, "customer_id");
    ASSERT_TRUE(InSet(customer, {"cust_1", "cust_2", "cust_3", "cust_4", "cust_5"})) << r.value;
    EXPECT_TRUE(r.has_key);
    EXPECT_EQ(r.key, *customer);
    // The timestamp is the event time, to the second, UTC.
    auto ts = GetString(o, "timestamp");
    ASSERT_TRUE(ts && ts->size() == 19) << r.value;
    EXPECT_EQ(*ParseTimestamp(*ts), FloorDiv(r.event_time_ms, 1000) * kMicrosPerSecond) << *ts;
    auto product = GetString(o, "product_id");
    EXPECT_TRUE(InSet(product, {"prod_1", "prod_2", "prod_3", "prod_4", "prod_5", "prod_6",
                                "prod_7"}))
        << r.value;
    EXPECT_TRUE(InRange(GetInt(o, "amount"), 100, 1000)) << r.value;
    auto merchant = GetString(o, "merchant_id");
    EXPECT_TRUE(InSet(merchant, {"merch_1", "merch_2", "merch_3"})) << r.value;
    customers.insert(*customer);
    products.insert(product.value_or(""));
    merchants.insert(merchant.value_or(""));
  }
  EXPECT_EQ(customers.size(), 5u);
  EXPECT_EQ(products.size(), 7u);
  EXPECT_EQ(merchants.size(), 3u);
  // Every way of breaking the contract shows up.
  for (std::string_view kind :
       {"missing:customer_id", "null:customer_id", "missing:timestamp", "null:timestamp",
        "unparsable:timestamp", "wrong_type:amount", "truncated", "not_json"}) {
    EXPECT_GT(kinds[std::string(kind)], 20) << kind;
  }
  EXPECT_EQ(kinds.size(), 8u);
}

TEST(CashbackScenario, AmountsCoverTheRangeAndTheFilterSelectsSome) {
  auto records = Generate("cashback", Config(4), kRecords);
  simdjson::dom::parser parser;
  int64_t lo = 10'000, hi = 0;
  int eligible = 0;
  for (const auto& r : records) {
    object o = parser.parse(r.value).get_object();
    int64_t amount = *GetInt(o, "amount");
    lo = std::min(lo, amount);
    hi = std::max(hi, amount);
    auto merchant = GetString(o, "merchant_id");
    eligible += amount > 500 && (merchant == "merch_1" || merchant == "merch_3");
  }
  EXPECT_EQ(lo, 100);
  EXPECT_EQ(hi, 1000);
  // P(amount > 500) * P(merch_1 or merch_3) = 500/901 * 2/3 = 0.37
  EXPECT_NEAR(eligible / double(kRecords), 0.37, 0.02);
}

// Generic scenarios: a malformed record is exactly one that does not parse.
void ExpectMalformedIffNotJson(const std::vector<GeneratedRecord>& records) {
  simdjson::dom::parser parser;
  for (const auto& r : records) {
    element doc;
    bool parses = !parser.parse(r.value).get(doc);
    EXPECT_EQ(parses, !r.malformed) << r.malformed_kind << ": " << r.value;
    if (r.malformed) {
      EXPECT_TRUE(r.malformed_kind == "truncated" || r.malformed_kind == "not_json");
    }
  }
}

TEST(FinanceScenario, EveryRecordKeepsTheContractUnlessFlagged) {
  auto records = Generate("finance", Config(21, 0.05), kRecords);
  ExpectMalformedIffNotJson(records);
  simdjson::dom::parser parser;
  int null_amount = 0, null_balance = 0, null_type = 0, valid = 0;
  std::set<int64_t> accounts;
  std::map<int64_t, std::string> holders;
  for (const auto& r : records) {
    if (r.malformed) continue;
    ++valid;
    element doc;
    ASSERT_FALSE(parser.parse(r.value).get(doc)) << r.value;
    object o = doc.get_object();
    EXPECT_EQ(FieldCount(o), 15u) << r.value;
    EXPECT_TRUE(IsUuid(GetString(o, "transaction_id"))) << r.value;
    auto account = GetInt(o, "account_number");
    ASSERT_TRUE(InRange(account, 1'000'000'000, 9'999'999'999)) << r.value;
    EXPECT_TRUE(r.has_key);
    EXPECT_EQ(r.key, std::to_string(*account));
    accounts.insert(*account);
    auto holder = GetString(o, "account_holder");
    ASSERT_TRUE(holder && holder->find(' ') != std::string::npos) << r.value;
    // An account always has the same holder.
    auto [it, inserted] = holders.emplace(*account, *holder);
    EXPECT_EQ(it->second, *holder);
    if (IsNull(o, "transaction_type")) {
      ++null_type;
    } else {
      EXPECT_TRUE(InSet(GetString(o, "transaction_type"), {"deposit", "withdrawal", "transfer"}))
          << r.value;
    }
    if (IsNull(o, "amount")) {
      ++null_amount;
    } else {
      EXPECT_TRUE(Money(GetNumber(o, "amount"), 1, 10000)) << r.value;
    }
    EXPECT_TRUE(InSet(GetString(o, "currency"), {"USD", "EUR", "GBP"})) << r.value;
    auto date = GetString(o, "transaction_date");
    ASSERT_TRUE(IsIsoDate(date)) << r.value;
    int32_t day = *ParseDate(*date);
    int32_t event_day = static_cast<int32_t>(FloorDiv(r.event_time_ms, 86'400'000));
    EXPECT_TRUE(day == event_day || day == event_day - 1) << r.value;
    EXPECT_FALSE(GetString(o, "merchant_name").value_or("").empty());
    EXPECT_TRUE(InSet(GetString(o, "merchant_category"), {"Retail", "Food", "Entertainment"}));
    EXPECT_FALSE(GetString(o, "location").value_or("").empty());
    if (IsNull(o, "balance_after_transaction")) {
      ++null_balance;
    } else {
      EXPECT_TRUE(Money(GetNumber(o, "balance_after_transaction"), 1000, 50000)) << r.value;
    }
    simdjson::dom::array items;
    ASSERT_FALSE(o["transaction_items"].get_array().get(items)) << r.value;
    EXPECT_GE(items.size(), 1u);
    EXPECT_LE(items.size(), 3u);
    for (element item : items) {
      object io;
      ASSERT_FALSE(item.get_object().get(io));
      EXPECT_EQ(FieldCount(io), 4u);
      EXPECT_TRUE(IsUuid(GetString(io, "item_id")));
      EXPECT_FALSE(GetString(io, "product_name").value_or("").empty());
      EXPECT_TRUE(InRange(GetInt(io, "quantity"), 1, 5));
      EXPECT_TRUE(Money(GetNumber(io, "unit_price"), 5, 500)) << r.value;
    }
    object ship;
    ASSERT_FALSE(o["shipping_info"].get_object().get(ship)) << r.value;
    EXPECT_EQ(FieldCount(ship), 5u);
    auto address = GetString(ship, "address");
    EXPECT_TRUE(address && address->find('\n') != std::string::npos) << r.value;
    EXPECT_TRUE(InSet(GetString(ship, "shipping_method"), {"Standard", "Express", "Overnight"}));
    EXPECT_TRUE(Money(GetNumber(ship, "shipping_cost"), 5, 100));
    auto delivery = GetString(ship, "estimated_delivery");
    ASSERT_TRUE(IsIsoDate(delivery)) << r.value;
    EXPECT_GT(*ParseDate(*delivery), day);
    EXPECT_TRUE(IsUuid(GetString(ship, "tracking_number")));
    bool b;
    EXPECT_FALSE(o["customer_feedback"].get_bool().get(b)) << r.value;
    EXPECT_FALSE(o["discount_applied"].get_bool().get(b)) << r.value;
  }
  // Valid dirt at about 2%, 2% and 1%.
  EXPECT_NEAR(null_amount / double(valid), 0.02, 0.006);
  EXPECT_NEAR(null_balance / double(valid), 0.02, 0.006);
  EXPECT_NEAR(null_type / double(valid), 0.01, 0.004);
  // A pool of accounts, each with several transactions.
  EXPECT_GT(accounts.size(), 900u);
  EXPECT_LE(accounts.size(), 1000u);
}

TEST(PeopleScenario, EveryRecordKeepsTheContractUnlessFlagged) {
  auto records = Generate("people", Config(31, 0.05), kRecords);
  ExpectMalformedIffNotJson(records);
  const std::set<std::string> countries = {
      "United States", "United Kingdom", "Canada",      "Brazil",  "China",   "Indonesia",
      "France",        "Russia",         "Philippines", "Poland",  "Sweden",  "Portugal",
      "Peru",          "Japan",          "Germany",     "Mexico",  "Nigeria", "South Africa",
      "New Zealand",   "Argentina",      "India",       "Czech Republic"};
  simdjson::dom::parser parser;
  int null_first = 0, null_email = 0, bad_ip = 0, odd_country = 0, valid = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const GeneratedRecord& r = records[i];
    if (r.malformed) continue;
    ++valid;
    EXPECT_FALSE(r.has_key);
    element doc;
    ASSERT_FALSE(parser.parse(r.value).get(doc)) << r.value;
    object o = doc.get_object();
    EXPECT_EQ(FieldCount(o), 8u) << r.value;
    EXPECT_EQ(GetInt(o, "id"), static_cast<int64_t>(i) + 1);
    if (IsNull(o, "first_name")) {
      ++null_first;
    } else {
      EXPECT_FALSE(GetString(o, "first_name").value_or("").empty()) << r.value;
    }
    EXPECT_FALSE(GetString(o, "last_name").value_or("").empty()) << r.value;
    if (IsNull(o, "email")) {
      ++null_email;
    } else {
      EXPECT_NE(GetString(o, "email").value_or("").find('@'), std::string::npos) << r.value;
    }
    EXPECT_FALSE(GetString(o, "gender").value_or("").empty()) << r.value;
    auto ip = GetString(o, "ip_address");
    if (IsNull(o, "ip_address")) {
      ++bad_ip;
    } else {
      ASSERT_TRUE(ip) << r.value;
      bad_ip += !IsValidIpv4(*ip);
    }
    EXPECT_TRUE(IsDmyDate(GetString(o, "date"))) << r.value;
    auto country = GetString(o, "country");
    ASSERT_TRUE(country) << r.value;
    EXPECT_TRUE(countries.count(Initcap(*country))) << *country;
    odd_country += Initcap(*country) != *country;
  }
  EXPECT_NEAR(null_first / double(valid), 0.03, 0.008);
  EXPECT_NEAR(null_email / double(valid), 0.03, 0.008);
  EXPECT_NEAR(bad_ip / double(valid), 0.06, 0.01);
  EXPECT_NEAR(odd_country / double(valid), 0.10, 0.015);
}

TEST(WordsScenario, EveryRecordIsAJsonStringOfOneToFiveWords) {
  auto records = Generate("words", Config(41, 0.05), kRecords);
  ExpectMalformedIffNotJson(records);
  simdjson::dom::parser parser;
  int punctuation = 0, quoted = 0, upper = 0;
  std::set<int> counts;
  for (const auto& r : records) {
    if (r.malformed) continue;
    EXPECT_FALSE(r.has_key);
    std::string_view text;
    ASSERT_FALSE(parser.parse(r.value).get_string().get(text)) << r.value;
    int words = 1;
    for (size_t i = 0; i < text.size(); ++i) {
      ASSERT_TRUE(text[i] >= 0x20 && text[i] < 0x7f) << r.value;
      if (text[i] == ' ') {
        ++words;
        ASSERT_TRUE(i > 0 && i + 1 < text.size() && text[i + 1] != ' ') << r.value;
      }
    }
    EXPECT_GE(words, 1) << r.value;
    EXPECT_LE(words, 5) << r.value;
    counts.insert(words);
    punctuation += text.find_first_of("'&.-!") != std::string_view::npos;
    quoted += text.find('"') != std::string_view::npos;
    bool all_upper_word = false;
    for (size_t start = 0; start < text.size();) {
      size_t end = std::min(text.find(' ', start), text.size());
      std::string_view w = text.substr(start, end - start);
      all_upper_word |= w.size() > 3 && std::all_of(w.begin(), w.end(), [](char c) {
                          return !(c >= 'a' && c <= 'z');
                        }) && std::any_of(w.begin(), w.end(), [](char c) {
                          return c >= 'A' && c <= 'Z';
                        });
      start = end + 1;
    }
    upper += all_upper_word;
  }
  EXPECT_EQ(counts, (std::set<int>{1, 2, 3, 4, 5}));
  EXPECT_GT(punctuation, 1000);
  EXPECT_GT(quoted, 50);
  EXPECT_GT(upper, 1000);
}

TEST(PurchasesScenario, EveryRecordKeepsTheContractUnlessFlagged) {
  auto records = Generate("purchases", Config(51, 0.05), kRecords);
  ExpectMalformedIffNotJson(records);
  simdjson::dom::parser parser;
  int64_t min_price = 1'000'000, max_price = 0;
  for (const auto& r : records) {
    if (r.malformed) continue;
    element doc;
    ASSERT_FALSE(parser.parse(r.value).get(doc)) << r.value;
    object o = doc.get_object();
    EXPECT_EQ(FieldCount(o), 6u) << r.value;
    EXPECT_TRUE(IsUuid(GetString(o, "order_id"))) << r.value;
    auto customer = GetInt(o, "customer_id");
    ASSERT_TRUE(InRange(customer, 1, 100)) << r.value;
    EXPECT_TRUE(r.has_key);
    EXPECT_EQ(r.key, std::to_string(*customer));
    EXPECT_TRUE(InSet(GetString(o, "furniture"), {"Chair", "Table", "Desk", "Sofa", "Bed"}));
    EXPECT_FALSE(GetString(o, "color").value_or("").empty()) << r.value;
    auto price = GetInt(o, "price");
    ASSERT_TRUE(InRange(price, 100, 150'000)) << r.value;
    min_price = std::min(min_price, *price);
    max_price = std::max(max_price, *price);
    int64_t event_s = FloorDiv(r.event_time_ms, 1000);
    EXPECT_TRUE(InRange(GetInt(o, "ts"), event_s - 3599, event_s)) << r.value;
  }
  EXPECT_LT(min_price, 10'000);
  EXPECT_GT(max_price, 140'000);
}

// --- the source ---------------------------------------------------------------------------------

Result<std::unique_ptr<Source>> MakeSource(std::map<std::string, std::string> options) {
  return DatagenSource::Make(ConnectorOptions("orders", std::move(options)));
}

std::string MakeError(std::map<std::string, std::string> options) {
  auto s = MakeSource(std::move(options));
  EXPECT_FALSE(s.ok());
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  return s.status().message();
}

TEST(DatagenSource, DeliversExactlyNumberOfRowsThenEnds) {
  auto made = MakeSource({{"scenario", "cashback"},
                          {"number-of-rows", "1000"},
                          {"seed", "7"},
                          {"bad-fraction", "0.01"},
                          {"start-time", "2024-06-10 06:13:20"}});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Source& source = **made;
  ASSERT_TRUE(source.Open().ok());

  auto expected = Generate("cashback", Config(7, 0.01, kBase), 1000);
  int64_t total = 0;
  int polls = 0;
  bool more = true;
  while (more) {
    ASSERT_LT(++polls, 100);
    RawBatch batch;
    auto r = source.Poll(batch, 64, std::chrono::milliseconds(10));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    more = *r;
    EXPECT_EQ(batch.origin(), "datagen:cashback");
    EXPECT_LE(batch.size(), 64u);
    for (const RawRecord& rec : batch.records()) {
      ASSERT_LT(total, 1000);
      const GeneratedRecord& want = expected[total];
      EXPECT_EQ(rec.offset, total);
      EXPECT_EQ(rec.partition, 0);
      EXPECT_EQ(rec.value, want.value);
      EXPECT_EQ(rec.has_key, want.has_key);
      EXPECT_EQ(rec.key, want.key);
      EXPECT_EQ(rec.timestamp_ms, want.event_time_ms);
      ++total;
    }
    if (more) {
      EXPECT_EQ(batch.size(), 64u);
    }
  }
  EXPECT_EQ(total, 1000);
  EXPECT_EQ(polls, 16);  // 15 x 64 + 40

  RawBatch after;
  auto r = source.Poll(after, 64, std::chrono::milliseconds(0));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_TRUE(after.empty());
  EXPECT_TRUE(source.Close().ok());
}

TEST(DatagenSource, ZeroRowsEndsAtOnceAndUnboundedNeverEnds) {
  auto empty = MakeSource({{"scenario", "words"}, {"number-of-rows", "0"}});
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE((*empty)->Open().ok());
  RawBatch batch;
  auto r = (*empty)->Poll(batch, 100, std::chrono::milliseconds(0));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_TRUE(batch.empty());

  auto endless = MakeSource({{"scenario", "people"}});
  ASSERT_TRUE(endless.ok());
  ASSERT_TRUE((*endless)->Open().ok());
  int64_t next = 0;
  for (int i = 0; i < 20; ++i) {
    RawBatch b;
    auto more = (*endless)->Poll(b, 500, std::chrono::milliseconds(0));
    ASSERT_TRUE(more.ok());
    EXPECT_TRUE(*more);
    ASSERT_EQ(b.size(), 500u);
    for (const RawRecord& rec : b.records()) EXPECT_EQ(rec.offset, next++);
  }
}

TEST(DatagenSource, RateLimitedSourceStillDeliversEverything) {
  auto made = MakeSource({{"scenario", "purchases"},
                          {"number-of-rows", "30"},
                          {"rows-per-second", "2000"},
                          {"start-time", "2024-06-10 06:13:20"}});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE((*made)->Open().ok());
  int64_t total = 0, last_time = 0;
  for (int polls = 0; polls < 10'000; ++polls) {
    RawBatch batch;
    auto more = (*made)->Poll(batch, 8, std::chrono::milliseconds(5));
    ASSERT_TRUE(more.ok());
    for (const RawRecord& rec : batch.records()) {
      EXPECT_EQ(rec.offset, total++);
      EXPECT_GE(rec.timestamp_ms, last_time);
      last_time = rec.timestamp_ms;
      EXPECT_TRUE(rec.has_key);
    }
    if (!*more) break;
  }
  EXPECT_EQ(total, 30);
  // At 2000 rows/s event times advance 0.5 ms a record.
  EXPECT_GE(last_time, kBase + 14);
  EXPECT_LE(last_time, kBase + 15);
}

TEST(DatagenSource, PollBeforeOpenIsAnError) {
  auto made = MakeSource({{"scenario", "cashback"}});
  ASSERT_TRUE(made.ok());
  RawBatch batch;
  auto r = (*made)->Poll(batch, 10, std::chrono::milliseconds(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "table 'orders': datagen source polled before Open");
}

TEST(DatagenSource, DescribesItsOptions) {
  auto made = MakeSource({{"scenario", "cashback"},
                          {"number-of-rows", "1000"},
                          {"seed", "7"},
                          {"bad-fraction", "0.01"}});
  ASSERT_TRUE(made.ok());
  EXPECT_EQ((*made)->Describe(),
            "datagen(scenario=cashback, number-of-rows=1000, seed=7, bad-fraction=0.01)");
  auto full = MakeSource({{"scenario", "finance"},
                          {"rows-per-second", "500"},
                          {"start-time", "2024-01-01 00:00:00"}});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ((*full)->Describe(),
            "datagen(scenario=finance, unbounded, rows-per-second=500, seed=0, bad-fraction=0, "
            "start-time=2024-01-01 00:00:00)");
}

TEST(DatagenSource, AcceptsAndIgnoresFormatOptions) {
  auto made = MakeSource({{"scenario", "words"},
                          {"format", "json"},
                          {"json.ignore-parse-errors", "true"},
                          {"json.timestamp-format.standard", "SQL"}});
  EXPECT_TRUE(made.ok()) << made.status().ToString();
}

TEST(DatagenSource, DefaultStartTimeIsNow) {
  int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto made = MakeSource({{"scenario", "cashback"}, {"number-of-rows", "1"}});
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE((*made)->Open().ok());
  RawBatch batch;
  ASSERT_TRUE((*made)->Poll(batch, 10, std::chrono::milliseconds(0)).ok());
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_GE(batch[0].timestamp_ms, before);
  EXPECT_LT(batch[0].timestamp_ms, before + 60'000);
}

TEST(DatagenSource, OptionErrorsNameTheTableAndTheOption) {
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"rows-per-sec", "10"}}),
            "table 'orders': unknown option 'rows-per-sec' for connector 'datagen' (did you "
            "mean 'rows-per-second'?); known "
            "options: bad-fraction, encoding, format, number-of-rows, rows-per-second, scenario, seed, "
            "start-time, json.*");
  EXPECT_EQ(MakeError({{"number-of-rows", "10"}}),
            "table 'orders': option 'scenario' is required for connector 'datagen'; one of "
            "'cashback', 'finance', 'people', 'words', 'purchases', 'nexmark'");
  EXPECT_EQ(MakeError({{"scenario", "tpch"}}),
            "table 'orders': option 'scenario' expects one of 'cashback', 'finance', 'people', "
            "'words', 'purchases', 'nexmark', found 'tpch'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"bad-fraction", "2"}}),
            "table 'orders': option 'bad-fraction' must be between 0 and 1, found '2'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"bad-fraction", "-0.1"}}),
            "table 'orders': option 'bad-fraction' must be between 0 and 1, found '-0.1'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"bad-fraction", "some"}}),
            "table 'orders': option 'bad-fraction' expects a number, found 'some'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"number-of-rows", "-1"}}),
            "table 'orders': option 'number-of-rows' must be 0 or more, found -1");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"number-of-rows", "1e3"}}),
            "table 'orders': option 'number-of-rows' expects an integer, found '1e3'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"rows-per-second", "-5"}}),
            "table 'orders': option 'rows-per-second' must be a finite number >= 0 (0: as fast "
            "as possible), found '-5'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"seed", "x"}}),
            "table 'orders': option 'seed' expects an integer, found 'x'");
  EXPECT_EQ(MakeError({{"scenario", "cashback"}, {"start-time", "yesterday"}}),
            "table 'orders': option 'start-time' expects a timestamp 'YYYY-MM-DD HH:MM:SS' (UTC), "
            "found 'yesterday'");
}

// 'encoding' = 'none' (filling columns without JSON) is for nexmark without malformed records,
// over columns that are nexmark fields; otherwise a clear error, before anything is read.
TEST(DatagenSource, FillingColumnsDirectlyIsRefusedWhereItCannotWork) {
  const Schema bids({{"bid", DataType::Struct({{"price", DataType::Int64(), true}}), true}});
  auto fill = [&](std::map<std::string, std::string> options, const Schema& schema) {
    options.emplace("encoding", "none");
    auto s = MakeSource(std::move(options));
    EXPECT_TRUE(s.ok());
    return (*s)->FillColumns(schema);
  };
  auto ok = fill({{"scenario", "nexmark"}}, bids);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  auto json = MakeSource({{"scenario", "nexmark"}});
  ASSERT_TRUE(json.ok());
  EXPECT_FALSE(*(*json)->FillColumns(bids));  // the default: JSON, decoded by the pipeline

  EXPECT_EQ(fill({{"scenario", "cashback"}}, bids).status().message(),
            "table 'orders': 'encoding' = 'none' fills the columns directly, which the cashback "
            "scenario cannot (only nexmark can); use 'encoding' = 'json'");
  EXPECT_EQ(fill({{"scenario", "nexmark"}, {"bad-fraction", "0.1"}}, bids).status().message(),
            "table 'orders': 'encoding' = 'none' fills the columns directly, which the nexmark "
            "scenario cannot do with malformed records ('bad-fraction'); use 'encoding' = 'json'");
  const Schema wrong_type({{"bid", DataType::Struct({{"price", DataType::Float64(), true}}), true}});
  EXPECT_FALSE(fill({{"scenario", "nexmark"}}, wrong_type).ok());
  const Schema unknown({{"auction_count", DataType::Int64(), true}});
  EXPECT_FALSE(fill({{"scenario", "nexmark"}}, unknown).ok());
  EXPECT_EQ(MakeError({{"scenario", "nexmark"}, {"encoding", "avro"}}).substr(0, 30),
            "table 'orders': option 'encodi");
}

}  // namespace
}  // namespace sluice
