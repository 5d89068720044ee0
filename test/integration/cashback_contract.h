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
  // Year 0 is outside the range every sink (and Spark) takes: 0001-01-01 to 9999-12-31.
  if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
}

struct CashbackVerdict {
  bool malformed = false;
  // For an eligible record: "customer|amount|cashback cents|merchant|timestamp".
  std::optional<std::string> eligible;
  std::string customer;
  std::string merchant;
  int64_t amount = 0;
  // An eligible row a sink cannot store becomes a dead letter naming that sink and column:
  // PostgreSQL text takes no NUL byte; a Kafka record is at most 1,000,000 bytes (the producer's
  // message.max.bytes); cashback must fit DECIMAL(10, 2) in both (below 10^8).
  std::optional<std::string> postgres_rejects;  // the column
  std::optional<std::string> kafka_rejects;     // the column
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
  v.merchant = merchant;
  v.amount = amount;
  if (!bad && amount > 500 && (merchant == "merch_1" || merchant == "merch_3")) {
    v.eligible = customer + "|" + std::to_string(amount) + "|" + std::to_string(amount * 15) +
                 "|" + merchant + "|" + timestamp;
    const bool cashback_too_large = amount * 15 >= 10'000'000'000;  // cents
    if (customer.find('\0') != std::string::npos) v.postgres_rejects = "customer_id";
    else if (merchant.find('\0') != std::string::npos) v.postgres_rejects = "merchant_id";
    else if (cashback_too_large) v.postgres_rejects = "cashback";
    if (customer.size() > 1'000'000) v.kafka_rejects = "customer_id";
    else if (cashback_too_large) v.kafka_rejects = "cashback";
  }
  return v;
}

// A dead letter's raw value as a text column holds it: bytes that are not UTF-8, and NUL, as
// \xNN (written here without sluice's code: a plain decoder of RFC 3629's byte patterns).
inline std::string AsStoredText(const std::string& raw) {
  std::string out;
  size_t i = 0;
  auto u = [&](size_t k) { return static_cast<unsigned char>(raw[k]); };
  auto cont = [&](size_t k) { return k < raw.size() && (u(k) & 0xC0) == 0x80; };
  while (i < raw.size()) {
    unsigned char c = u(i);
    size_t n = 0;
    if (c >= 0x01 && c <= 0x7F) n = 1;
    else if (c >= 0xC2 && c <= 0xDF && cont(i + 1)) n = 2;
    else if (c >= 0xE0 && c <= 0xEF && cont(i + 1) && cont(i + 2)) {
      unsigned b = u(i + 1);
      bool overlong = c == 0xE0 && b < 0xA0;
      bool surrogate = c == 0xED && b >= 0xA0;
      n = overlong || surrogate ? 0 : 3;
    } else if (c >= 0xF0 && c <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      unsigned b = u(i + 1);
      n = (c == 0xF0 && b < 0x90) || (c == 0xF4 && b >= 0x90) ? 0 : 4;
    }
    if (n == 0) {
      static const char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else {
      out.append(raw, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace sluice::testing
