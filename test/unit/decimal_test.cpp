// DECIMAL's 128-bit core: parsing and printing 38 digits, rescaling, and the 256-bit products
// and quotients. Expected values were computed with Python's decimal module (exact arithmetic,
// ROUND_HALF_UP), not with this code.
#include <gtest/gtest.h>

#include "types/decimal.h"
#include "types/decimal_arithmetic.h"

namespace sluice {
namespace {

// gtest cannot print __int128: compare as text.
std::string Text(std::optional<Int128> v) { return v ? Int128ToString(*v) : "nullopt"; }

TEST(Decimal, ParsesAndPrintsThirtyEightDigits) {
  EXPECT_EQ(Text(ParseDecimal("99999999999999999999999999999999999999", 38, 0)),
            "99999999999999999999999999999999999999");
  EXPECT_EQ(Text(ParseDecimal("-1234567890123456789012345678.0123456789", 38, 10)),
            "-12345678901234567890123456780123456789");
  EXPECT_EQ(Text(ParseDecimal("100000000000000000000000000000000000000", 38, 0)), "nullopt");
  // 29 integer digits do not fit DECIMAL(38, 10), however the fraction rounds.
  EXPECT_EQ(Text(ParseDecimal("99999999999999999999999999999.5", 38, 10)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal("9999999999999999999999999999.99999999995", 38, 10)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal("9999999999999999999999999999.99999999994", 38, 10)),
            "99999999999999999999999999999999999999");
  EXPECT_EQ(Text(ParseDecimal("1e37", 38, 0)), "10000000000000000000000000000000000000");
  EXPECT_EQ(Text(ParseDecimal("1e38", 38, 0)), "nullopt");
  // Exponents of any size: tiny values round to 0 (Spark: 4.9E-324 as DECIMAL(10, 2) is 0.00).
  EXPECT_EQ(Text(ParseDecimal("4.9e-324", 10, 2)), "0");
  EXPECT_EQ(Text(ParseDecimal("-5e-3", 10, 2)), "-1");
  EXPECT_EQ(Text(ParseDecimal("1e400", 38, 0)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal("0e99999999999999999999", 38, 0)), "0");
  EXPECT_EQ(Text(ParseDecimal("1e-99999999999999999999", 38, 2)), "0");
  EXPECT_EQ(Text(ParseDecimal("1e+2", 38, 0)), "100");
  EXPECT_EQ(Text(ParseDecimal("1e 5", 38, 0)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal("1e", 38, 0)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal("1e-", 38, 0)), "nullopt");
  EXPECT_EQ(Text(ParseDecimal(std::string_view("1e5\0x", 6), 38, 0)), "nullopt");
  EXPECT_EQ(FormatDecimal(ParseDecimal("-0.0000000001", 38, 10).value(), 10), "-0.0000000001");
  EXPECT_EQ(FormatDecimal(-PowerOfTen(38) + 1, 0), "-99999999999999999999999999999999999999");
  EXPECT_EQ(FormatDecimal(PowerOfTen(37), 37), "1.0000000000000000000000000000000000000");
  EXPECT_EQ(Int128ToString(Int128{INT64_MIN} - 1), "-9223372036854775809");
}

TEST(Decimal, RescalesWithoutOverflowingOneHundredTwentyEightBits) {
  EXPECT_EQ(Text(RescaleDecimal(PowerOfTen(30), 0, 8, 38)), "nullopt");  // 39 digits
  EXPECT_EQ(Text(RescaleDecimal(PowerOfTen(37), 0, 38, 38)), "nullopt");
  EXPECT_EQ(Text(RescaleDecimal(-PowerOfTen(38) + 1, 38, 0, 1)), "-1");  // -0.99..9 rounds to -1
  EXPECT_EQ(Text(RescaleDecimal(15, 1, 0, 38)), "2");
  EXPECT_EQ(Text(RescaleDecimal(-15, 1, 0, 38)), "-2");
  EXPECT_EQ(Text(RescaleDecimal(0, 0, 38, 1)), "0");
}

TEST(Decimal, ProductsBeyondOneHundredTwentyEightBitsRoundHalfUp) {
  const Int128 a = PowerOfTen(38) - 1;
  const Int128 b = *ParseDecimal("-12345678901234567890123456789012345678", 38, 0);
  EXPECT_EQ(Text(MultiplyDecimal(a, b, 38, 38)), "-12345678901234567890123456789012345678");
  EXPECT_EQ(Text(MultiplyDecimal(a, b, 40, 38)), "-123456789012345678901234567890123457");
  EXPECT_EQ(Text(MultiplyDecimal(a, b, 0, 38)), "nullopt");
  EXPECT_EQ(Text(MultiplyDecimal(PowerOfTen(19), PowerOfTen(19), 1, 38)),
            "10000000000000000000000000000000000000");
  EXPECT_EQ(Text(MultiplyDecimal(25, -3, 1, 38)), "-8");  // -7.5 rounds away from zero
  EXPECT_EQ(Text(MultiplyDecimal(5, 1, 76, 38)), "0");
}

// Sums at the larger scale, rounded once: 0.0000000004 (scale 10) + 0.0000000001 (scale 20) is
// 0.0000000005, 0.000000001 at scale 9, where rounding each operand first would give 0.
TEST(Decimal, SumsRoundOnceAtTheResultScale) {
  EXPECT_EQ(Text(AddDecimal(4, 10, PowerOfTen(10), 20, false, 9, 38)), "1");
  EXPECT_EQ(Text(AddDecimal(-4, 10, PowerOfTen(10), 20, true, 9, 38)), "-1");
  EXPECT_EQ(Text(AddDecimal(4, 10, -PowerOfTen(10), 20, false, 9, 38)), "0");  // 0.0000000003
  // Opposite signs: the larger magnitude decides the sign.
  EXPECT_EQ(Text(AddDecimal(1, 0, 25, 1, true, 0, 38)), "-2");  // 1 - 2.5 = -1.5 -> -2
  EXPECT_EQ(Text(AddDecimal(-25, 1, 1, 0, true, 0, 38)), "-4");  // -2.5 - 1 = -3.5 -> -4
  // 38 nines plus 0.99..9 (38 nines at scale 38) rounds to 10^38, which 38 digits cannot hold;
  // the exact intermediate (76 digits) is beyond 128 bits either way.
  EXPECT_EQ(Text(AddDecimal(PowerOfTen(38) - 1, 0, PowerOfTen(38) - 1, 38, false, 0, 38)), "nullopt");
  EXPECT_EQ(Text(AddDecimal(PowerOfTen(37), 0, PowerOfTen(38) - 1, 38, false, 0, 38)),
            "1" + std::string(36, '0') + "1");
}

// Remainders at the larger scale with the dividend's sign, even where the dividend at that scale
// needs more than 38 digits.
TEST(Decimal, RemaindersAreExactAtTheLargerScale) {
  const Int128 nines = PowerOfTen(38) - 1;  // 38 nines, scale 0
  // Expected values from Python's integers: ((10**38 - 1) * 10) % 3 == 0,
  // ((10**38 - 3) * 10) % 7 == 4, ((10**38 - 1) * 100) % 123 == 24.
  EXPECT_EQ(Text(RemainderDecimal(nines, 0, 3, 1, 2)), "0");        // % 0.3 -> 0.0
  EXPECT_EQ(Text(RemainderDecimal(nines - 2, 0, 7, 1, 2)), "4");    // % 0.7 -> 0.4
  EXPECT_EQ(Text(RemainderDecimal(nines, 0, 123, 2, 3)), "24");     // % 1.23 -> 0.24
  EXPECT_EQ(Text(RemainderDecimal(-75, 1, 2, 0, 38)), "-15");  // -7.5 % 2 = -1.5
  EXPECT_EQ(Text(RemainderDecimal(75, 1, -2, 0, 38)), "15");   // the dividend's sign
  EXPECT_EQ(Text(RemainderDecimal(5, 0, 0, 3, 38)), "nullopt");
  // A divisor beyond 128 bits at the larger scale: the smaller dividend is the remainder.
  EXPECT_EQ(Text(RemainderDecimal(-12345, 2, nines, 0, 38)), "-12345");
}

TEST(Decimal, QuotientsBeyondOneHundredTwentyEightBitsRoundHalfUp) {
  const Int128 a = PowerOfTen(38) - 1;
  const Int128 b = *ParseDecimal("-12345678901234567890123456789012345678", 38, 0);
  EXPECT_EQ(Text(DivideDecimal(a, 6, 7, 38)), "nullopt");  // 44 digits
  EXPECT_EQ(Text(DivideDecimal(1, 40, 3, 38)), "nullopt");
  EXPECT_EQ(Text(DivideDecimal(b, 38, a, 38)), "-12345678901234567890123456789012345678");
  EXPECT_EQ(Text(DivideDecimal(-5, 0, 2, 38)), "-3");
  EXPECT_EQ(Text(DivideDecimal(22, 6, 7, 38)), "3142857");
  EXPECT_EQ(Text(DivideDecimal(1, 0, 0, 38)), "nullopt");
}

}  // namespace
}  // namespace sluice
