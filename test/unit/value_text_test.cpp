// Spark-style text of single values: what the console and CSV show.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "format/value_text.h"
#include "test_columns.h"

namespace sluice {
namespace {

using test::Doubles;

std::string DoubleText(double d) {
  std::string out;
  AppendDoubleText(d, out);
  return out;
}

std::string DecimalText(int64_t unscaled, int scale) {
  std::string out;
  AppendDecimalText(unscaled, scale, out);
  return out;
}

std::string TimestampText(std::string_view text) {
  std::string out;
  AppendTimestampText(*ParseTimestamp(text), out);
  return out;
}

TEST(ValueTextTest, Integers) {
  auto ints = test::Ints({0, -42, 2147483647});
  EXPECT_EQ(ValueText(*ints, 0), "0");
  EXPECT_EQ(ValueText(*ints, 1), "-42");
  EXPECT_EQ(ValueText(*ints, 2), "2147483647");
  auto longs = test::Longs({-9223372036854775807LL - 1});
  EXPECT_EQ(ValueText(*longs, 0), "-9223372036854775808");
}

TEST(ValueTextTest, DoublesInJavaForm) {
  EXPECT_EQ(DoubleText(99), "99.0");
  EXPECT_EQ(DoubleText(0.1), "0.1");
  EXPECT_EQ(DoubleText(-2.5), "-2.5");
  EXPECT_EQ(DoubleText(123456.789), "123456.789");
  EXPECT_EQ(DoubleText(1234567), "1234567.0");
  EXPECT_EQ(DoubleText(0.001), "0.001");
  EXPECT_EQ(DoubleText(1e7), "1.0E7");
  EXPECT_EQ(DoubleText(12345678.9), "1.23456789E7");
  EXPECT_EQ(DoubleText(1.5e-4), "1.5E-4");
  EXPECT_EQ(DoubleText(1e21), "1.0E21");
  EXPECT_EQ(DoubleText(0.1 + 0.2), "0.30000000000000004");  // shortest round trip, not %g
}

TEST(ValueTextTest, DoubleSpecialValues) {
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(DoubleText(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(DoubleText(0.0), "0.0");
  EXPECT_EQ(DoubleText(-0.0), "-0.0");
}

TEST(ValueTextTest, DecimalsKeepTheirScale) {
  EXPECT_EQ(DecimalText(9900, 2), "99.00");
  EXPECT_EQ(DecimalText(-5, 2), "-0.05");
  EXPECT_EQ(DecimalText(5, 3), "0.005");
  EXPECT_EQ(DecimalText(123, 0), "123");
  EXPECT_EQ(DecimalText(123450, 2), "1234.50");
  EXPECT_EQ(DecimalText(0, 2), "0.00");
  auto column = test::Decimals(10, 2, {10950});
  EXPECT_EQ(ValueText(*column, 0), "109.50");
}

TEST(ValueTextTest, TimestampsDropTrailingFractionZeros) {
  EXPECT_EQ(TimestampText("2024-03-01 12:30:45"), "2024-03-01 12:30:45");
  EXPECT_EQ(TimestampText("2024-03-01 12:30:45.5"), "2024-03-01 12:30:45.5");
  EXPECT_EQ(TimestampText("2024-03-01 12:30:45.120"), "2024-03-01 12:30:45.12");
  EXPECT_EQ(TimestampText("2024-03-01 12:30:45.123456"), "2024-03-01 12:30:45.123456");
  EXPECT_EQ(TimestampText("2024-03-01 00:00:00.000001"), "2024-03-01 00:00:00.000001");
}

TEST(ValueTextTest, TimestampsBeforeTheEpoch) {
  std::string out;
  AppendTimestampText(-1, out);
  EXPECT_EQ(out, "1969-12-31 23:59:59.999999");
  out.clear();
  AppendTimestampText(-kMicrosPerDay, out);
  EXPECT_EQ(out, "1969-12-31 00:00:00");
}

TEST(ValueTextTest, DatesOutsideFourDigitYearsKeepEveryDigit) {
  std::string out;
  AppendDateText(2932897, out);  // 10000-01-01: 2932897 days after 1970-01-01
  EXPECT_EQ(out, "10000-01-01");
  out.clear();
  AppendDateText(-719528, out);  // 0000-01-01
  EXPECT_EQ(out, "0000-01-01");
  out.clear();
  AppendDateText(-719529, out);  // the day before: year -1 (1 BC)
  EXPECT_EQ(out, "-0001-12-31");
}

TEST(ValueTextTest, IsoTimestampsAsSparkToJsonWritesThem) {
  std::string out;
  AppendTimestampIsoText(*ParseTimestamp("2024-03-01 12:30:45.123456"), out);
  EXPECT_EQ(out, "2024-03-01T12:30:45.123Z");
  out.clear();
  AppendTimestampIsoText(0, out);
  EXPECT_EQ(out, "1970-01-01T00:00:00.000Z");
}

TEST(ValueTextTest, DatesAndBooleans) {
  auto dates = test::Dates({"2024-02-29", "1970-01-01"});
  EXPECT_EQ(ValueText(*dates, 0), "2024-02-29");
  EXPECT_EQ(ValueText(*dates, 1), "1970-01-01");
  auto bools = test::Bools({1, 0});
  EXPECT_EQ(ValueText(*bools, 0), "true");
  EXPECT_EQ(ValueText(*bools, 1), "false");
}

TEST(ValueTextTest, NullTextIsTheCallersChoice) {
  auto strings = test::Strings({std::nullopt, ""});
  EXPECT_EQ(ValueText(*strings, 0), "NULL");
  EXPECT_EQ(ValueText(*strings, 0, ""), "");
  EXPECT_EQ(ValueText(*strings, 1), "");
}

TEST(ValueTextTest, StructsAndArrays) {
  Vector row(DataType::Struct({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}}));
  row.child(0).Append<int32_t>(1);
  row.child(1).AppendString("x");
  row.Resize(1);
  row.child(0).AppendNull();
  row.child(1).AppendString("y");
  row.Resize(2);
  EXPECT_EQ(ValueText(row, 0), "{1, x}");
  EXPECT_EQ(ValueText(row, 1), "{null, y}");

  Vector list(DataType::List(DataType::Int32()));
  list.list_child().Append<int32_t>(1);
  list.list_child().AppendNull();
  list.list_child().Append<int32_t>(3);
  list.AppendListEnd();
  list.AppendListEnd();  // empty
  EXPECT_EQ(ValueText(list, 0), "[1, null, 3]");
  EXPECT_EQ(ValueText(list, 1), "[]");
}

TEST(ValueTextTest, BytesAsHex) {
  Vector bytes(DataType::Bytes());
  bytes.AppendString(std::string("Hi\xff", 3));
  EXPECT_EQ(ValueText(bytes, 0), "[48 69 FF]");
}

TEST(ValueTextTest, Intervals) {
  std::string out;
  AppendIntervalText(kMicrosPerDay + (2 * 3600 + 3 * 60 + 4) * kMicrosPerSecond + 500'000,
                     DataType::Interval(), out);
  EXPECT_EQ(out, "INTERVAL '1 02:03:04.5' DAY TO SECOND");
  out.clear();
  AppendIntervalText(-5 * 60 * kMicrosPerSecond, DataType::Interval(), out);
  EXPECT_EQ(out, "INTERVAL '-0 00:05:00' DAY TO SECOND");
}

// Spark's text for each set of fields: the first field takes everything above it (76 hours),
// the last one cuts what is below it.
TEST(ValueTextTest, IntervalFieldsShapeTheText) {
  const int64_t micros = 3 * kMicrosPerDay + 4 * 3600 * kMicrosPerSecond + 5 * kMicrosPerSecond;
  auto text = [](int64_t v, const DataType& type) {
    std::string out;
    AppendIntervalText(v, type, out);
    return out;
  };
  using T = DataType;
  EXPECT_EQ(text(micros, T::Interval(T::kDay, T::kDay)), "INTERVAL '3' DAY");
  EXPECT_EQ(text(micros, T::Interval(T::kDay, T::kHour)), "INTERVAL '3 04' DAY TO HOUR");
  EXPECT_EQ(text(micros, T::Interval(T::kHour, T::kHour)), "INTERVAL '76' HOUR");
  EXPECT_EQ(text(micros, T::Interval(T::kHour, T::kSecond)), "INTERVAL '76:00:05' HOUR TO SECOND");
  EXPECT_EQ(text(-micros, T::Interval(T::kMinute, T::kMinute)), "INTERVAL '-4560' MINUTE");
  EXPECT_EQ(text(1'500'000, T::Interval(T::kSecond, T::kSecond)), "INTERVAL '01.5' SECOND");
  auto months = [](int32_t v, const DataType& type) {
    std::string out;
    AppendYearMonthIntervalText(v, type, out);
    return out;
  };
  EXPECT_EQ(months(18, T::YearMonthInterval()), "INTERVAL '1-6' YEAR TO MONTH");
  EXPECT_EQ(months(-14, T::YearMonthInterval()), "INTERVAL '-1-2' YEAR TO MONTH");
  EXPECT_EQ(months(18, T::YearMonthInterval(T::kMonth, T::kMonth)), "INTERVAL '18' MONTH");
  EXPECT_EQ(months(-30, T::YearMonthInterval(T::kYear, T::kYear)), "INTERVAL '-2' YEAR");
}

TEST(ValueTextTest, AppendsWithoutClearing) {
  auto ints = test::Ints({7});
  std::string out = "x=";
  AppendValueText(*ints, 0, out);
  EXPECT_EQ(out, "x=7");
}

}  // namespace
}  // namespace sluice
