// purchases (DESIGN.md §1, seed 004): furniture store orders, as the seed's Faker producer made
// them.
// {"order_id":uuid,"customer_id":1..100,"furniture":"Chair"|"Table"|"Desk"|"Sofa"|"Bed",
//  "color":Faker safe color name,"price":100..150000,"ts":Unix seconds}
// ts lies within the hour before the event time (Faker's unix_time over the last hour), so the
// pipeline's event time (from_unixtime(ts)) is out of order by up to an hour. Key: customer_id as
// text.

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr std::string_view kFurniture[] = {"Chair", "Table", "Desk", "Sofa", "Bed"};
// Faker's safe_color_name() values.
constexpr std::string_view kColors[] = {"black",  "maroon", "green", "navy",   "olive",
                                        "purple", "teal",   "lime",  "blue",   "silver",
                                        "gray",   "yellow", "fuchsia", "white", "aqua"};

class PurchasesScenario final : public ScenarioGenerator {
 public:
  explicit PurchasesScenario(const GeneratorConfig& config)
      : ScenarioGenerator("purchases", config) {}

 private:
  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    Rng& r = rng();
    std::string& s = out.value;
    s.append(R"({"order_id":")");
    AppendUuid(s, r);
    const int64_t customer = r.Between(1, 100);
    s.append(R"(","customer_id":)");
    AppendInt(s, customer);
    AppendInt(out.key, customer);
    out.has_key = true;
    s.append(R"(,"furniture":")");
    s.append(r.Pick(kFurniture));
    s.append(R"(","color":")");
    s.append(r.Pick(kColors));
    s.append(R"(","price":)");
    AppendInt(s, r.Between(100, 150'000));
    s.append(R"(,"ts":)");
    AppendInt(s, SecondsOfMillis(ctx.event_time_ms) - r.Between(0, 3599));
    s.push_back('}');

    if (bad) CorruptToNotJson(*bad, out);
  }
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakePurchasesScenario(const GeneratorConfig& config) {
  return std::make_unique<PurchasesScenario>(config);
}

}  // namespace sluice::datagen
