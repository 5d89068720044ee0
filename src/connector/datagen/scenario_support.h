#pragma once

// Internal to the datagen scenarios: text appenders tuned for millions of records per second
// (no allocation once the output string has grown) and the per-scenario factories.

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "connector/datagen/random.h"
#include "connector/datagen/scenario_generator.h"
#include "types/timestamp.h"

namespace sluice::datagen {

std::unique_ptr<ScenarioGenerator> MakeCashbackScenario(const GeneratorConfig& config);
std::unique_ptr<ScenarioGenerator> MakeFinanceScenario(const GeneratorConfig& config);
std::unique_ptr<ScenarioGenerator> MakePeopleScenario(const GeneratorConfig& config);
std::unique_ptr<ScenarioGenerator> MakeWordsScenario(const GeneratorConfig& config);
std::unique_ptr<ScenarioGenerator> MakePurchasesScenario(const GeneratorConfig& config);
std::unique_ptr<ScenarioGenerator> MakeNexmarkScenario(const GeneratorConfig& config);

inline void AppendInt(std::string& out, int64_t v) {
  fmt::format_int f(v);
  out.append(f.data(), f.size());
}

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char AsciiUpper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Two digits, zero-padded (0..99).
inline void Append2(std::string& out, unsigned v) {
  char d[2] = {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  out.append(d, 2);
}

// A non-negative amount in cents as a JSON number with exactly two decimals: 123456 -> 1234.56.
inline void AppendCents(std::string& out, int64_t cents) {
  AppendInt(out, cents / 100);
  out.push_back('.');
  Append2(out, static_cast<unsigned>(cents % 100));
}

// A random (version 4) UUID in its canonical 36-character form.
inline void AppendUuid(std::string& out, Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = (rng.Next() & ~0xf000ULL) | 0x4000ULL;                      // version 4
  uint64_t lo = (rng.Next() & ~(3ULL << 62)) | (2ULL << 62);                // RFC 4122 variant
  char buf[36];
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) buf[pos++] = '-';
    uint64_t word = i < 16 ? hi : lo;
    buf[pos++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xf];
  }
  out.append(buf, sizeof buf);
}

// `text` as a JSON string literal, quotes included.
inline void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          char esc[6] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xf], kHex[c & 0xf]};
          out.append(esc, 6);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Formats dates, remembering the last day so consecutive records of one day cost a memcpy.
class DateText {
 public:
  // 'YYYY-MM-DD'
  void AppendIso(std::string& out, int32_t days) {
    Update(days);
    out.append(iso_, 10);
  }
  // 'dd/MM/yyyy'
  void AppendDmy(std::string& out, int32_t days) {
    Update(days);
    out.append(dmy_, 10);
  }
  // 'YYYY-MM-DD HH:MM:SS' of Unix seconds, UTC.
  void AppendTimestamp(std::string& out, int64_t unix_seconds) {
    int64_t days = FloorDiv(unix_seconds, 86'400);
    int64_t secs = unix_seconds - days * 86'400;
    AppendIso(out, static_cast<int32_t>(days));
    out.push_back(' ');
    Append2(out, static_cast<unsigned>(secs / 3600));
    out.push_back(':');
    Append2(out, static_cast<unsigned>(secs / 60 % 60));
    out.push_back(':');
    Append2(out, static_cast<unsigned>(secs % 60));
  }

 private:
  void Update(int32_t days) {
    if (valid_ && days == days_) return;
    int year;
    unsigned month, day;
    CivilFromDays(days, &year, &month, &day);
    // Years outside 0..9999 do not fit the fixed-width formats; clamp rather than overflow.
    unsigned y = static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year);
    char yyyy[4] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                    static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10)};
    char mm[2] = {static_cast<char>('0' + month / 10), static_cast<char>('0' + month % 10)};
    char dd[2] = {static_cast<char>('0' + day / 10), static_cast<char>('0' + day % 10)};
    std::memcpy(iso_, yyyy, 4);
    iso_[4] = '-';
    std::memcpy(iso_ + 5, mm, 2);
    iso_[7] = '-';
    std::memcpy(iso_ + 8, dd, 2);
    std::memcpy(dmy_, dd, 2);
    dmy_[2] = '/';
    std::memcpy(dmy_ + 3, mm, 2);
    dmy_[5] = '/';
    std::memcpy(dmy_ + 6, yyyy, 4);
    days_ = days;
    valid_ = true;
  }

  bool valid_ = false;
  int32_t days_ = 0;
  char iso_[10] = {};
  char dmy_[10] = {};
};

inline int32_t DaysOfMillis(int64_t unix_ms) {
  return static_cast<int32_t>(FloorDiv(unix_ms, 86'400'000));
}
inline int64_t SecondsOfMillis(int64_t unix_ms) { return FloorDiv(unix_ms, 1000); }

// Names shared by several scenarios.
inline constexpr std::string_view kFirstNames[] = {
    "James",  "Mary",    "Robert", "Patricia", "John",    "Jennifer", "Michael", "Linda",
    "David",  "Barbara", "Ahmed",  "Fatima",   "Wei",     "Mei",      "Carlos",  "Lucia",
    "Ivan",   "Olga",    "Kenji",  "Yuki",     "Pierre",  "Amelie",   "Sven",    "Ingrid",
    "Raj",    "Priya",   "Kwame",  "Ama",      "Liam",    "Chloe",    "Mateo",   "Sofia",
    "Noah",   "Emma",    "Lars",   "Hana",     "Tomasz",  "Agnieszka", "Diego",  "Valentina"};
inline constexpr std::string_view kLastNames[] = {
    "Smith",   "Johnson", "Williams", "Brown",   "Jones",    "Garcia",  "Miller",   "Davis",
    "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Thomas",  "Moore",    "Jackson",
    "Lee",     "Walker",  "Hall",     "Young",   "King",     "Wright",  "Lopez",    "Hill",
    "Scott",   "Green",   "Adams",    "Baker",   "Nelson",   "Carter",  "Mitchell", "Perez",
    "Roberts", "Turner",  "Phillips", "Campbell", "Parker",  "Evans",   "Edwards",  "Collins"};
inline constexpr std::string_view kCities[] = {
    "Springfield", "Riverside", "Franklin",  "Greenville", "Bristol",   "Clinton",
    "Fairview",    "Salem",     "Madison",   "Georgetown", "Arlington", "Ashland",
    "Dover",       "Oxford",    "Jackson",   "Burlington", "Manchester", "Milton",
    "Newport",     "Auburn",    "Lakewood",  "Port Jessica", "East Michael", "North Laura"};

}  // namespace sluice::datagen
