// Spark's number format strings ('999G999D99S', '$0000.00PR', ...), what to_number reads and
// to_char writes: digits 0/9, decimal point . or D, grouping , or G, $, a sign S or MI at either
// end, PR (angle brackets around a negative number) at the end; letters in any case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/decimal.h"

namespace sluice {

class NumberFormat {
 public:
  // Checks the format as Spark does; the error names Spark's INVALID_FORMAT class.
  static Result<NumberFormat> Compile(std::string_view format);

  // The DECIMAL to_number gives: every digit of the format, those after its point.
  int precision() const { return precision_; }
  int scale() const { return scale_; }

  // The number `text` stands for in this format (as an unscaled DECIMAL(precision, scale)), or
  // nullopt when it does not match.
  std::optional<Int128> Parse(std::string_view text) const;

  // `decimal` (plain decimal text, e.g. "-12.50") laid out in this format: spaces or zeros for
  // missing digits, '#' in every digit place when the number has more digits than the format.
  std::string Format(std::string_view decimal) const;

 private:
  enum class Kind {
    kDigits, kPoint, kDollar, kPlusOrMinus, kMinus, kOpenBracket, kCloseBracket, kUnknown
  };
  // A run of digits (`count` of them; a run before the point that starts with 0 must match
  // exactly that many) or a grouping separator (count 0), inside a kDigits token.
  struct DigitItem {
    int count = 0;
    bool exact = false;
    bool separator() const { return count == 0; }
  };
  struct Token {
    Kind kind;
    std::vector<DigitItem> items;  // kDigits only, left to right
    char unknown = 0;              // kUnknown: the character
  };

  bool ParseDigits(const Token& token, std::string_view text, size_t& at, bool after_point,
                   std::string& before, std::string& after) const;

  std::vector<Token> tokens_;
  int precision_ = 0;
  int scale_ = 0;
};

}  // namespace sluice
