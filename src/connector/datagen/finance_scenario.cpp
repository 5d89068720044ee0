// finance (DESIGN.md §1, seed 001): nested bank transactions, as the seed's Faker producer made
// them.
// {"transaction_id":uuid,"account_number":10-digit number,"account_holder":name,
//  "transaction_type":"deposit"|"withdrawal"|"transfer","amount":1..10000 (2 dp),
//  "currency":"USD"|"EUR"|"GBP","transaction_date":"YYYY-MM-DD","merchant_name",
//  "merchant_category":"Retail"|"Food"|"Entertainment","location",
//  "balance_after_transaction":1000..50000 (2 dp),
//  "transaction_items":[1..3 x {"item_id":uuid,"product_name","quantity":1..5,
//                               "unit_price":5..500}],
//  "shipping_info":{"address","shipping_method":"Standard"|"Express"|"Overnight",
//  "shipping_cost":5..100,"estimated_delivery":"YYYY-MM-DD","tracking_number":uuid},
//  "customer_feedback":bool,"discount_applied":bool}
// Valid dirt: amount and balance_after_transaction are null 2% of the time each, transaction_type
// 1%. Addresses span two lines (an escaped newline), like Faker's. Accounts come from a pool of
// 1000 per seed, so per-account aggregates have several transactions. Key: account_number.
// transaction_date is the event day, or the day before for 15% (late but within a day).

#include <array>

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr std::string_view kTypes[] = {"deposit", "withdrawal", "transfer"};
constexpr std::string_view kCurrencies[] = {"USD", "EUR", "GBP"};
constexpr std::string_view kCategories[] = {"Retail", "Food", "Entertainment"};
constexpr std::string_view kMethods[] = {"Standard", "Express", "Overnight"};
constexpr std::string_view kCompanySuffixes[] = {"Inc", "LLC", "Ltd", "Group", "PLC", "and Sons"};
constexpr std::string_view kProducts[] = {
    "lamp",   "chair",  "notebook", "phone",  "headphones", "kettle", "blender", "backpack",
    "jacket", "shoes",  "watch",    "camera", "monitor",    "keyboard", "mouse", "book",
    "pillow", "towel",  "mug",      "candle", "umbrella",   "wallet", "sunglasses", "bicycle"};
constexpr std::string_view kStreets[] = {"Main",  "Oak",     "Pine",   "Maple", "Cedar",
                                         "Elm",   "Washington", "Lake", "Hill",  "Park",
                                         "Sunset", "River",  "Church", "Mill",  "Forest"};
constexpr std::string_view kStreetSuffixes[] = {"Street", "Avenue", "Road", "Lane", "Drive",
                                                "Court", "Way", "Boulevard"};
constexpr std::string_view kStates[] = {"CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA",
                                        "NC", "MI", "WA", "AZ", "MA", "CO", "OR", "NV"};

constexpr size_t kAccounts = 1000;

class FinanceScenario final : public ScenarioGenerator {
 public:
  explicit FinanceScenario(const GeneratorConfig& config) : ScenarioGenerator("finance", config) {
    // The account pool is a pure function of the seed: numbers in 1000000000..9999999999.
    uint64_t state = Rng::Mix(config.seed ^ 0xacc0'0000'0000'0000ULL);
    for (Account& a : accounts_) {
      a.number = 1'000'000'000LL + static_cast<int64_t>(Rng::SplitMix64(state) % 9'000'000'000ULL);
      uint64_t h = Rng::SplitMix64(state);
      a.first = static_cast<uint16_t>(h % std::size(kFirstNames));
      a.last = static_cast<uint16_t>((h >> 32) % std::size(kLastNames));
    }
  }

 private:
  struct Account {
    int64_t number;
    uint16_t first;
    uint16_t last;
  };

  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    Rng& r = rng();
    std::string& s = out.value;
    const Account& account = accounts_[r.Below(kAccounts)];
    const int32_t day = DaysOfMillis(ctx.event_time_ms) - (r.Chance(0.15) ? 1 : 0);

    s.append(R"({"transaction_id":")");
    AppendUuid(s, r);
    s.append(R"(","account_number":)");
    AppendInt(s, account.number);
    AppendInt(out.key, account.number);
    out.has_key = true;
    s.append(R"(,"account_holder":")");
    s.append(kFirstNames[account.first]);
    s.push_back(' ');
    s.append(kLastNames[account.last]);
    s.append(R"(","transaction_type":)");
    const std::string_view type = r.Pick(kTypes);
    if (r.Chance(0.01)) {
      s.append("null");
    } else {
      s.push_back('"');
      s.append(type);
      s.push_back('"');
    }
    s.append(R"(,"amount":)");
    const int64_t amount_cents = r.Between(100, 1'000'000);
    if (r.Chance(0.02)) {
      s.append("null");
    } else {
      AppendCents(s, amount_cents);
    }
    s.append(R"(,"currency":")");
    s.append(r.Pick(kCurrencies));
    s.append(R"(","transaction_date":")");
    dates_.AppendIso(s, day);
    s.append(R"(","merchant_name":")");
    AppendCompany(s, r);
    s.append(R"(","merchant_category":")");
    s.append(r.Pick(kCategories));
    s.append(R"(","location":")");
    s.append(r.Pick(kCities));
    s.append(R"(","balance_after_transaction":)");
    const int64_t balance_cents = r.Between(100'000, 5'000'000);
    if (r.Chance(0.02)) {
      s.append("null");
    } else {
      AppendCents(s, balance_cents);
    }

    s.append(R"(,"transaction_items":[)");
    const int items = 1 + static_cast<int>(r.Below(3));
    for (int i = 0; i < items; ++i) {
      s.append(i == 0 ? R"({"item_id":")" : R"(,{"item_id":")");
      AppendUuid(s, r);
      s.append(R"(","product_name":")");
      s.append(r.Pick(kProducts));
      s.append(R"(","quantity":)");
      AppendInt(s, r.Between(1, 5));
      s.append(R"(,"unit_price":)");
      AppendCents(s, r.Between(500, 50'000));
      s.push_back('}');
    }

    s.append(R"(],"shipping_info":{"address":")");
    // "482 Oak Avenue\nSalem, OR 97301", with the newline escaped as in any JSON encoder.
    AppendInt(s, r.Between(1, 9999));
    s.push_back(' ');
    s.append(r.Pick(kStreets));
    s.push_back(' ');
    s.append(r.Pick(kStreetSuffixes));
    s.append("\\n");
    s.append(r.Pick(kCities));
    s.append(", ");
    s.append(r.Pick(kStates));
    s.push_back(' ');
    AppendInt(s, r.Between(10'000, 99'999));
    s.append(R"(","shipping_method":")");
    s.append(r.Pick(kMethods));
    s.append(R"(","shipping_cost":)");
    AppendCents(s, r.Between(500, 10'000));
    s.append(R"(,"estimated_delivery":")");
    delivery_dates_.AppendIso(s, day + static_cast<int32_t>(r.Between(1, 10)));
    s.append(R"(","tracking_number":")");
    AppendUuid(s, r);
    s.append(R"("},"customer_feedback":)");
    s.append(r.Below(2) ? "true" : "false");
    s.append(R"(,"discount_applied":)");
    s.append(r.Below(2) ? "true" : "false");
    s.push_back('}');

    if (bad) CorruptToNotJson(*bad, out);
  }

  // Faker's company formats: "Smith LLC", "Smith-Jones", "Smith, Jones and Brown".
  static void AppendCompany(std::string& s, Rng& r) {
    switch (r.Below(3)) {
      case 0:
        s.append(r.Pick(kLastNames));
        s.push_back(' ');
        s.append(r.Pick(kCompanySuffixes));
        break;
      case 1:
        s.append(r.Pick(kLastNames));
        s.push_back('-');
        s.append(r.Pick(kLastNames));
        break;
      default:
        s.append(r.Pick(kLastNames));
        s.append(", ");
        s.append(r.Pick(kLastNames));
        s.append(" and ");
        s.append(r.Pick(kLastNames));
    }
  }

  std::array<Account, kAccounts> accounts_;
  DateText dates_;
  DateText delivery_dates_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakeFinanceScenario(const GeneratorConfig& config) {
  return std::make_unique<FinanceScenario>(config);
}

}  // namespace sluice::datagen
