// cashback (DESIGN.md §1, seed 000): card payments.
// {"transaction_id":"trans_N","customer_id":"cust_1".."cust_5","timestamp":"YYYY-MM-DD HH:MM:SS",
//  "product_id":"prod_1".."prod_7","amount":100..1000,"merchant_id":"merch_1".."merch_3"}
// N is the sequence number and the timestamp the event time (UTC). Key: customer_id.
//
// Malformed records break the contract the way the pipeline must dead-letter them: customer_id or
// timestamp missing, null or (timestamp) unparsable, amount not a number, or not JSON at all.

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr std::string_view kBadTimestamps[] = {
    "31/02/2024 25:61", "yesterday", "2024-13-45 10:00:00", "2024-02-30 12:00:00", "", "10:15:00",
};
constexpr std::string_view kBadAmounts[] = {"\"seven hundred\"", "\"N/A\"", "\"\""};

class CashbackScenario final : public ScenarioGenerator {
 public:
  explicit CashbackScenario(const GeneratorConfig& config)
      : ScenarioGenerator("cashback", config) {}

 private:
  enum Variant : unsigned {
    kMissingCustomer,
    kNullCustomer,
    kMissingTimestamp,
    kNullTimestamp,
    kUnparsableTimestamp,
    kWrongAmount,
    kNotJson,  // two slots: the commonest failure in practice
    kNotJson2,
    kValid,
  };

  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    Rng& r = rng();
    const unsigned customer = 1 + static_cast<unsigned>(r.Below(5));
    const unsigned product = 1 + static_cast<unsigned>(r.Below(7));
    const int64_t amount = r.Between(100, 1000);
    const unsigned merchant = 1 + static_cast<unsigned>(r.Below(3));
    const Variant v = bad ? static_cast<Variant>(bad->Below(8)) : kValid;

    std::string& s = out.value;
    s.append(R"({"transaction_id":"trans_)");
    AppendInt(s, static_cast<int64_t>(ctx.sequence));
    s.push_back('"');

    if (v != kMissingCustomer) {
      s.append(R"(,"customer_id":)");
      if (v == kNullCustomer) {
        s.append("null");
      } else {
        s.append("\"cust_");
        AppendInt(s, customer);
        s.push_back('"');
        out.key.append("cust_");
        AppendInt(out.key, customer);
        out.has_key = true;
      }
    }
    if (v != kMissingTimestamp) {
      s.append(R"(,"timestamp":)");
      if (v == kNullTimestamp) {
        s.append("null");
      } else if (v == kUnparsableTimestamp) {
        AppendJsonString(s, bad->Pick(kBadTimestamps));
      } else {
        s.push_back('"');
        dates_.AppendTimestamp(s, SecondsOfMillis(ctx.event_time_ms));
        s.push_back('"');
      }
    }
    s.append(R"(,"product_id":"prod_)");
    AppendInt(s, product);
    s.append(R"(","amount":)");
    if (v == kWrongAmount) {
      s.append(bad->Pick(kBadAmounts));
    } else {
      AppendInt(s, amount);
    }
    s.append(R"(,"merchant_id":"merch_)");
    AppendInt(s, merchant);
    s.append("\"}");

    switch (v) {
      case kMissingCustomer: out.malformed_kind.assign("missing:customer_id"); break;
      case kNullCustomer: out.malformed_kind.assign("null:customer_id"); break;
      case kMissingTimestamp: out.malformed_kind.assign("missing:timestamp"); break;
      case kNullTimestamp: out.malformed_kind.assign("null:timestamp"); break;
      case kUnparsableTimestamp: out.malformed_kind.assign("unparsable:timestamp"); break;
      case kWrongAmount: out.malformed_kind.assign("wrong_type:amount"); break;
      case kNotJson:
      case kNotJson2: CorruptToNotJson(*bad, out); break;
      case kValid: break;
    }
  }

  DateText dates_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakeCashbackScenario(const GeneratorConfig& config) {
  return std::make_unique<CashbackScenario>(config);
}

}  // namespace sluice::datagen
