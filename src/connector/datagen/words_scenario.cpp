// words (DESIGN.md §1 "wordcount", seed 003): each value is a JSON string, a restaurant-like
// name of 1..5 space-separated words from a fixed vocabulary, e.g. "Joe's Pizza & Grill". Some
// words carry punctuation (Joe's, Co., Grab-n-Go, "Famous" in escaped quotes), 10% are upper-cased
// and 5% lower-cased, and 5% of names end with '!'. ASCII only. No key.

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr std::string_view kFirstWords[] = {
    "The",     "Joe's",  "Mama's",  "Golden", "Little",  "Big",    "Blue",   "Red",
    "Happy",   "Lucky",  "Royal",   "Old",    "New",     "Uncle",  "Tony's", "Sakura",
    "Bella",   "Corner", "Main",    "Silver", "Green",   "Spicy",  "Hungry", "Famous"};
constexpr std::string_view kWords[] = {
    "Pizza",  "Grill",    "Cafe",    "Bistro",   "Kitchen",  "Sushi",   "Bar",     "Taco",
    "Burger", "House",    "Garden",  "Palace",   "Noodle",   "Thai",    "Express", "BBQ",
    "Bakery", "Diner",    "&",       "Dragon",   "Spice",    "Curry",   "Wok",     "Fish",
    "Chips",  "Steak",    "Pho",     "Ramen",    "Deli",     "Tavern",  "Pub",     "Brewing",
    "Co.",    "Inn",      "Smokehouse", "Trattoria", "Cantina", "Crab", "Shack",   "King",
    "Star",   "Moon",     "Grab-n-Go", "Tandoori", "Falafel", "Kebab",  "Dumpling", "Creamery",
    "Lounge", "Eatery",   "and",     "Sons",     "Daughters", "Brothers", "Street", "Food",
    "\"Famous\"", "Shawarma", "Oyster", "Waffle", "Pancake", "Juice",   "Coffee",  "Tea"};

class WordsScenario final : public ScenarioGenerator {
 public:
  explicit WordsScenario(const GeneratorConfig& config) : ScenarioGenerator("words", config) {}

 private:
  void Generate(const Context&, Rng* bad, GeneratedRecord& out) override {
    Rng& r = rng();
    name_.clear();
    const int count = 1 + static_cast<int>(r.Below(5));
    for (int i = 0; i < count; ++i) {
      if (i) name_.push_back(' ');
      const std::string_view word = i == 0 ? r.Pick(kFirstWords) : r.Pick(kWords);
      const double u = r.Uniform();
      if (u < 0.10) {
        for (char c : word) name_.push_back(AsciiUpper(c));
      } else if (u < 0.15) {
        for (char c : word) name_.push_back(AsciiLower(c));
      } else {
        name_.append(word);
      }
    }
    if (r.Chance(0.05)) name_.push_back('!');
    AppendJsonString(out.value, name_);

    if (bad) CorruptToNotJson(*bad, out);
  }

  std::string name_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakeWordsScenario(const GeneratorConfig& config) {
  return std::make_unique<WordsScenario>(config);
}

}  // namespace sluice::datagen
