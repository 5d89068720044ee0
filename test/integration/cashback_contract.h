#pragma once
// The cashback contract of DESIGN.md §1, recomputed with plain code (simdjson's DOM parser,
// std::regex, integer arithmetic) so end-to-end tests never trust sluice's own parser.
#include <simdjson.h>

#include <optional>
#include <regex>
#include <string>

namespace sluice::testing {

// A real calendar timestamp 'YYYY-MM-DD HH:MM:SS'.
inline bool IsValidTimestamp(const std::string& text) {
  static const std::regex shape(R"((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, shape)) return false;
  int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  int h = std::stoi(m[4]), mi = std::stoi(m[5]), s = std::stoi(m[6]);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
}

struct CashbackVerdict {
  bool malformed = false;
  // For an eligible record: "customer|amount|cashback cents|merchant|timestamp".
  std::optional<std::string> eligible;
  std::string customer;
};

// Not JSON, or customer_id/timestamp missing, null or unparsable, or a field of the wrong type:
// malformed. amount > 500 and merchant in (merch_1, merch_3): eligible, with cashback =
// round(amount * 0.15, 2), i.e. amount * 15 cents exactly.
inline CashbackVerdict ClassifyCashback(simdjson::dom::parser& parser, const std::string& value) {
  CashbackVerdict v;
  simdjson::dom::element doc;
  if (parser.parse(value).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    v.malformed = true;
    return v;
  }
  std::string_view s;
  std::string customer, timestamp, merchant;
  int64_t amount = 0;
  bool bad = doc["customer_id"].get_string().get(s) != simdjson::SUCCESS;
  customer = std::string(s);
  bad = bad || doc["timestamp"].get_string().get(s) != simdjson::SUCCESS;
  timestamp = std::string(s);
  bad = bad || !IsValidTimestamp(timestamp);
  bad = bad || doc["amount"].get_int64().get(amount) != simdjson::SUCCESS;
  bad = bad || doc["merchant_id"].get_string().get(s) != simdjson::SUCCESS;
  merchant = std::string(s);
  v.malformed = bad;
  v.customer = customer;
  if (!bad && amount > 500 && (merchant == "merch_1" || merchant == "merch_3")) {
    v.eligible = customer + "|" + std::to_string(amount) + "|" + std::to_string(amount * 15) +
                 "|" + merchant + "|" + timestamp;
  }
  return v;
}

}  // namespace sluice::testing
