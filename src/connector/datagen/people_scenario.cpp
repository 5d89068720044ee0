// people (DESIGN.md §1 "cleansing", seed 002): mock user records with the dirt the pipeline cleans.
// {"id":int,"first_name","last_name","email","gender","ip_address","date":"dd/MM/yyyy","country"}
// id = sequence number + 1. Valid dirt: first_name null 3%, email null 3%; ip_address invalid 6%
// (an octet above 255, too few or too many octets, a trailing dot, a word, empty, null);
// country in odd case 10% ("uNITED states", "BRAZIL", "france"). Every country's canonical form is
// its initcap, so initcap(country) always gives it back. No key.

#include "connector/datagen/scenario_support.h"

namespace sluice::datagen {
namespace {

constexpr std::string_view kGenders[] = {"Male", "Female"};
constexpr std::string_view kOtherGenders[] = {"Non-binary", "Genderfluid", "Agender",
                                              "Bigender", "Polygender", "Genderqueer"};
constexpr std::string_view kDomains[] = {"example.com", "mail.org",  "inbox.net",
                                         "webmail.io",  "post.co.uk", "company.biz"};
constexpr std::string_view kCountries[] = {
    "United States", "United Kingdom", "Canada",     "Brazil",    "China",      "Indonesia",
    "France",        "Russia",         "Philippines", "Poland",   "Sweden",     "Portugal",
    "Peru",          "Japan",          "Germany",    "Mexico",    "Nigeria",    "South Africa",
    "New Zealand",   "Argentina",      "India",      "Czech Republic"};
constexpr std::string_view kIpWords[] = {"abc", "localhost", "n/a", "unknown"};

class PeopleScenario final : public ScenarioGenerator {
 public:
  explicit PeopleScenario(const GeneratorConfig& config) : ScenarioGenerator("people", config) {}

 private:
  void Generate(const Context& ctx, Rng* bad, GeneratedRecord& out) override {
    Rng& r = rng();
    std::string& s = out.value;
    const std::string_view first = r.Pick(kFirstNames);
    const std::string_view last = r.Pick(kLastNames);

    s.append(R"({"id":)");
    AppendInt(s, static_cast<int64_t>(ctx.sequence) + 1);
    s.append(R"(,"first_name":)");
    if (r.Chance(0.03)) {
      s.append("null");
    } else {
      s.push_back('"');
      s.append(first);
      s.push_back('"');
    }
    s.append(R"(,"last_name":")");
    s.append(last);
    s.append(R"(","email":)");
    const bool null_email = r.Chance(0.03);
    const std::string_view domain = r.Pick(kDomains);
    const int64_t email_number = static_cast<int64_t>(r.Below(1000));
    if (null_email) {
      s.append("null");
    } else {
      // "jsmith42@example.com"
      s.push_back('"');
      s.push_back(AsciiLower(first[0]));
      for (char c : last) s.push_back(AsciiLower(c));
      AppendInt(s, email_number);
      s.push_back('@');
      s.append(domain);
      s.push_back('"');
    }
    s.append(R"(,"gender":")");
    s.append(r.Chance(0.1) ? r.Pick(kOtherGenders) : r.Pick(kGenders));
    s.append(R"(","ip_address":)");
    AppendIp(s, r);
    s.append(R"(,"date":")");
    // A date up to two years before the event day.
    dates_.AppendDmy(s, DaysOfMillis(ctx.event_time_ms) - static_cast<int32_t>(r.Below(731)));
    s.append(R"(","country":")");
    AppendCountry(s, r);
    s.append("\"}");

    if (bad) CorruptToNotJson(*bad, out);
  }

  static void AppendOctets(std::string& s, Rng& r, int count) {
    for (int i = 0; i < count; ++i) {
      if (i) s.push_back('.');
      AppendInt(s, r.Between(0, 255));
    }
  }

  static void AppendIp(std::string& s, Rng& r) {
    if (!r.Chance(0.06)) {
      s.push_back('"');
      AppendOctets(s, r, 4);
      s.push_back('"');
      return;
    }
    switch (r.Below(7)) {
      case 0: {  // one octet out of range: "300.1.2.3"
        const uint64_t wrong = r.Below(4);
        s.push_back('"');
        for (uint64_t i = 0; i < 4; ++i) {
          if (i) s.push_back('.');
          AppendInt(s, i == wrong ? r.Between(256, 999) : r.Between(0, 255));
        }
        s.push_back('"');
        break;
      }
      case 1:  // too few octets
        s.push_back('"');
        AppendOctets(s, r, 3);
        s.push_back('"');
        break;
      case 2:  // too many octets
        s.push_back('"');
        AppendOctets(s, r, 5);
        s.push_back('"');
        break;
      case 3:  // trailing dot
        s.push_back('"');
        AppendOctets(s, r, 3);
        s.append(".\"");
        break;
      case 4:
        s.push_back('"');
        s.append(r.Pick(kIpWords));
        s.push_back('"');
        break;
      case 5:
        s.append("\"\"");
        break;
      default:
        s.append("null");
    }
  }

  static void AppendCountry(std::string& s, Rng& r) {
    const std::string_view country = r.Pick(kCountries);
    if (!r.Chance(0.1)) {
      s.append(country);
      return;
    }
    switch (r.Below(3)) {
      case 0:
        for (char c : country) s.push_back(AsciiLower(c));
        break;
      case 1:
        for (char c : country) s.push_back(AsciiUpper(c));
        break;
      default: {
        // Inverted case: "uNITED sTATES", with some words lower-cased: "uNITED states".
        bool lower_word = false;
        bool word_start = true;
        for (char c : country) {
          if (c == ' ') {
            word_start = true;
            s.push_back(c);
            continue;
          }
          if (word_start) lower_word = r.Below(2) == 0;
          word_start = false;
          const bool upper = c >= 'A' && c <= 'Z';
          s.push_back(lower_word || upper ? AsciiLower(c) : AsciiUpper(c));
        }
      }
    }
  }

  DateText dates_;
};

}  // namespace

std::unique_ptr<ScenarioGenerator> MakePeopleScenario(const GeneratorConfig& config) {
  return std::make_unique<PeopleScenario>(config);
}

}  // namespace sluice::datagen
