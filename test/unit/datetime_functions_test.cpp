// Expected values are what Spark 3.x returns with spark.sql.session.timeZone=UTC and
// spark.sql.ansi.enabled=false.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "function_test_util.h"
#include "types/datetime_pattern.h"

namespace sluice::test {
namespace {

using ::testing::HasSubstr;

DatetimePattern Pattern(std::string_view text) {
  auto p = DatetimePattern::Compile(text);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : *DatetimePattern::Compile("yyyy");
}

int64_t Micros(std::string_view ts) { return *ParseTimestamp(ts); }

// ---- DatetimePattern -------------------------------------------------------------------------

TEST(DatetimePattern, FormatsNumericFields) {
  int64_t ts = Micros("2024-03-05 07:08:09.123456");
  EXPECT_EQ(Pattern("yyyy-MM-dd HH:mm:ss.SSSSSS").Format(ts), "2024-03-05 07:08:09.123456");
  EXPECT_EQ(Pattern("yyyy-MM-dd HH:mm:ss.SSS").Format(ts), "2024-03-05 07:08:09.123");
  EXPECT_EQ(Pattern("y-M-d H:m:s").Format(ts), "2024-3-5 7:8:9");
  EXPECT_EQ(Pattern("yy/D").Format(ts), "24/65");
  EXPECT_EQ(Pattern("SSSSSSSSS").Format(ts), "123456000");
}

TEST(DatetimePattern, FormatsTextFieldsAndLiterals) {
  int64_t ts = Micros("2024-03-05 19:08:09");
  EXPECT_EQ(Pattern("h:mm a, EEE, MMM d, yy").Format(ts), "7:08 PM, Tue, Mar 5, 24");
  EXPECT_EQ(Pattern("EEEE MMMM").Format(ts), "Tuesday March");
  EXPECT_EQ(Pattern("yyyy-MM-dd'T'HH:mm:ssXXX").Format(ts), "2024-03-05T19:08:09Z");
  EXPECT_EQ(Pattern("'at' HH 'o''clock' ''").Format(ts), "at 19 o'clock '");
  EXPECT_EQ(Pattern("Z|xxx|G").Format(ts), "+0000|+00:00|AD");
  EXPECT_EQ(Pattern("hh:mm a K k").Format(Micros("2024-03-05 00:30:00")), "12:30 AM 0 24");
}

TEST(DatetimePattern, FormatsBeforeTheEpoch) {
  EXPECT_EQ(Pattern("yyyy-MM-dd HH:mm:ss.SSSSSS").Format(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(Pattern("EEE").Format(-1), "Wed");
}

TEST(DatetimePattern, ParsesAndDefaultsMissingFields) {
  EXPECT_EQ(Pattern("yyyy-MM-dd HH:mm:ss").Parse("2024-03-05 07:08:09"),
            Micros("2024-03-05 07:08:09"));
  EXPECT_EQ(Pattern("yyyy-MM-dd").Parse("2024-03-05"), Micros("2024-03-05"));
  EXPECT_EQ(Pattern("HH:mm").Parse("07:08"), Micros("1970-01-01 07:08:00"));
  EXPECT_EQ(Pattern("yy-M-d").Parse("24-3-5"), Micros("2024-03-05"));
  EXPECT_EQ(Pattern("yyyyMMddHHmm").Parse("202403050708"), Micros("2024-03-05 07:08:00"));
  EXPECT_EQ(Pattern("yyyy-DDD").Parse("2024-065"), Micros("2024-03-05"));
}

TEST(DatetimePattern, ParsesFractionsNamesAndOffsets) {
  EXPECT_EQ(Pattern("HH:mm:ss.SSS").Parse("07:08:09.1"), Micros("1970-01-01 07:08:09.1"));
  EXPECT_EQ(Pattern("HH:mm:ss.SSSSSS").Parse("07:08:09.123456"),
            Micros("1970-01-01 07:08:09.123456"));
  EXPECT_EQ(Pattern("MMM d yyyy h:mm a").Parse("mar 5 2024 7:08 pm"),
            Micros("2024-03-05 19:08:00"));
  EXPECT_EQ(Pattern("EEE, dd MMMM yyyy").Parse("Tue, 05 March 2024"), Micros("2024-03-05"));
  EXPECT_EQ(Pattern("yyyy-MM-dd HH:mm:ss Z").Parse("2024-03-05 09:08:09 +0200"),
            Micros("2024-03-05 07:08:09"));
  EXPECT_EQ(Pattern("yyyy-MM-dd'T'HH:mm:ssXXX").Parse("2024-03-05T07:08:09-01:30"),
            Micros("2024-03-05 08:38:09"));
  EXPECT_EQ(Pattern("yyyy-MM-dd'T'HH:mm:ssXXX").Parse("2024-03-05T07:08:09Z"),
            Micros("2024-03-05 07:08:09"));
}

TEST(DatetimePattern, OptionalSections) {
  DatetimePattern p = Pattern("yyyy-MM-dd[ HH:mm[:ss]]");
  EXPECT_EQ(p.Parse("2024-03-05"), Micros("2024-03-05"));
  EXPECT_EQ(p.Parse("2024-03-05 07:08"), Micros("2024-03-05 07:08:00"));
  EXPECT_EQ(p.Parse("2024-03-05 07:08:09"), Micros("2024-03-05 07:08:09"));
  EXPECT_EQ(p.Format(Micros("2024-03-05 07:08:09")), "2024-03-05 07:08:09");
}

TEST(DatetimePattern, RejectsImpossibleOrPartialText) {
  DatetimePattern p = Pattern("yyyy-MM-dd HH:mm:ss");
  EXPECT_EQ(p.Parse("2023-02-29 00:00:00"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-13-01 00:00:00"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-01-01 24:00:00"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-01-01 10:60:00"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-01-01"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-01-01 10:00:00 trailing"), std::nullopt);
  EXPECT_EQ(p.Parse("2024-1-01 10:00:00"), std::nullopt);  // MM needs two digits
  EXPECT_EQ(Pattern("hh a").Parse("13 PM"), std::nullopt);
}

TEST(DatetimePattern, CompileErrors) {
  EXPECT_EQ(DatetimePattern::Compile("yyyy-MM-dd bbb").status().message(),
            "invalid datetime pattern 'yyyy-MM-dd bbb': unsupported pattern letter 'b'");
  EXPECT_THAT(DatetimePattern::Compile("yyyy 'oops").status().message(),
              HasSubstr("unterminated quote"));
  EXPECT_THAT(DatetimePattern::Compile("ddd").status().message(),
              HasSubstr("too many pattern letters 'ddd'"));
  EXPECT_THAT(DatetimePattern::Compile("yyyy]").status().message(), HasSubstr("']' without '['"));
}

// ---- formatting and parsing functions ------------------------------------------------------------

TEST(DatetimeFunction, DateFormat) {
  EXPECT_EQ(CallText("date_format", {Ts("2024-03-05 07:08:09"), Str("dd/MM/yyyy HH:mm")}),
            "05/03/2024 07:08");
  EXPECT_EQ(CallText("date_format", {Day("2024-03-05"), Str("yyyy/MM/dd HH")}), "2024/03/05 00");
  EXPECT_EQ(CallText("date_format", {Str("2024-03-05 10:00:00"), Str("HH:mm")}), "10:00");
  EXPECT_EQ(CallText("date_format", {Str("not a time"), Str("HH:mm")}), "NULL");
  EXPECT_EQ(CallText("date_format", {NullOf(DataType::Timestamp()), Str("HH")}), "NULL");
}

TEST(DatetimeFunction, DateFormatPatternErrorsAndPerRowPatterns) {
  EXPECT_EQ(BindError("date_format", {Lit(Ts("2024-03-05 00:00:00")), Lit(Str("yyyy bbb"))}),
            "date_format: invalid datetime pattern 'yyyy bbb': unsupported pattern letter 'b'");
  auto r = Evaluate("date_format", {Lit(Ts("2024-03-05 07:08:09")),
                                    Col({Str("yyyy"), Str("bbb"), Str("HH:mm")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "2024");
  EXPECT_TRUE(r->out->IsNull(1));
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "07:08");
}

TEST(DatetimeFunction, ToTimestamp) {
  EXPECT_EQ(CallText("to_timestamp", {Str("2024-03-05 07:08:09")}), "2024-03-05 07:08:09");
  EXPECT_EQ(CallText("to_timestamp", {Str("2024-03-05T07:08:09.5Z")}), "2024-03-05 07:08:09.5");
  EXPECT_EQ(CallText("to_timestamp", {Str("05/03/2024 07:08"), Str("dd/MM/yyyy HH:mm")}),
            "2024-03-05 07:08:00");
  EXPECT_EQ(CallText("to_timestamp", {Str("20240305"), Str("yyyyMMdd")}), "2024-03-05 00:00:00");
  EXPECT_EQ(CallText("to_timestamp", {Big(1700000000)}), "2023-11-14 22:13:20");
  EXPECT_EQ(CallText("to_timestamp", {Day("2024-03-05")}), "2024-03-05 00:00:00");
}

TEST(DatetimeFunction, ToTimestampInvalidIsNull) {
  EXPECT_EQ(CallText("to_timestamp", {Str("garbage")}), "NULL");
  EXPECT_EQ(CallText("to_timestamp", {Str("2024-13-01"), Str("yyyy-MM-dd")}), "NULL");
  EXPECT_EQ(CallText("to_timestamp", {Str("2024-02-30"), Str("yyyy-MM-dd")}), "NULL");
  EXPECT_EQ(CallText("to_timestamp", {Str("2024-03-05 10:00:00"), Str("yyyy-MM-dd")}), "NULL");
  EXPECT_EQ(CallText("to_timestamp", {NullOf(DataType::String())}), "NULL");
}

TEST(DatetimeFunction, ToDate) {
  EXPECT_EQ(CallText("to_date", {Str("2024-03-05 10:11:12")}), "2024-03-05");
  EXPECT_EQ(CallText("to_date", {Str("05.03.2024"), Str("dd.MM.yyyy")}), "2024-03-05");
  EXPECT_EQ(CallText("to_date", {Ts("2024-03-05 23:59:59")}), "2024-03-05");
  EXPECT_EQ(CallText("to_date", {Ts("1969-12-31 23:59:59")}), "1969-12-31");
  EXPECT_EQ(CallText("to_date", {Str("nope")}), "NULL");
  auto bound = Bind("to_date", {Lit(Str("2024-03-05"))});
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->return_type, DataType::Date());
}

TEST(DatetimeFunction, FromUnixtime) {
  EXPECT_EQ(CallText("from_unixtime", {Big(0)}), "1970-01-01 00:00:00");
  EXPECT_EQ(CallText("from_unixtime", {Big(1700000000), Str("yyyy-MM-dd")}), "2023-11-14");
  EXPECT_EQ(CallText("from_unixtime", {Int(-1)}), "1969-12-31 23:59:59");
  EXPECT_EQ(CallText("from_unixtime", {NullOf(DataType::Int64())}), "NULL");
  auto bound = Bind("from_unixtime", {Lit(Big(0))});
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ(bound->return_type, DataType::String());
}

TEST(DatetimeFunction, UnixTimestamp) {
  EXPECT_EQ(CallText("unix_timestamp", {Str("2024-03-05 07:08:09")}), "1709622489");
  EXPECT_EQ(CallText("unix_timestamp", {Str("2024-03-05"), Str("yyyy-MM-dd")}), "1709596800");
  // The default pattern wants a time, so a bare date is NULL, as in Spark.
  EXPECT_EQ(CallText("unix_timestamp", {Str("2024-03-05")}), "NULL");
  EXPECT_EQ(CallText("unix_timestamp", {Ts("2024-03-05 07:08:09.9")}), "1709622489");
  EXPECT_EQ(CallText("unix_timestamp", {Day("2024-03-05")}), "1709596800");
  EXPECT_EQ(CallText("unix_timestamp", {}, 1709622489'500000), "1709622489");
}

TEST(DatetimeFunction, CurrentTimestampIsTheBatchTime) {
  int64_t now = Micros("2024-03-05 07:08:09.25");
  EXPECT_EQ(CallText("current_timestamp", {}, now), "2024-03-05 07:08:09.25");
  EXPECT_EQ(CallText("now", {}, now), "2024-03-05 07:08:09.25");
  EXPECT_EQ(CallText("current_date", {}, now), "2024-03-05");
  // Every row of a batch sees the same value.
  auto bound = Bind("current_timestamp", {});
  ASSERT_TRUE(bound.ok());
  EvalContext eval;
  eval.now_micros = now;
  SelectionVector all;
  Vector out(bound->return_type);
  ASSERT_TRUE(bound->kernel({}, KernelContext{all, 3, eval}, out).ok());
  for (size_t row = 0; row < 3; ++row) EXPECT_EQ(out.Get<int64_t>(row), now);
  EXPECT_EQ(BindError("current_timestamp", {Lit(Int(1))}),
            "current_timestamp() takes 0 arguments, got 1");
}

TEST(DatetimeFunction, EpochConversions) {
  EXPECT_EQ(CallText("timestamp_seconds", {Big(1230219000)}), "2008-12-25 15:30:00");
  EXPECT_EQ(CallText("timestamp_seconds", {Value::Float64(1230219000.123)}),
            "2008-12-25 15:30:00.123");
  EXPECT_EQ(CallText("timestamp_millis", {Big(1230219000123)}), "2008-12-25 15:30:00.123");
  EXPECT_EQ(CallText("unix_millis", {Ts("1970-01-01 00:00:01")}), "1000");
  EXPECT_EQ(CallText("unix_seconds", {Ts("1969-12-31 23:59:59.5")}), "-1");
}

// ---- fields and arithmetic -------------------------------------------------------------------------

TEST(DatetimeFunction, Fields) {
  Value ts = Ts("2024-03-05 07:08:09");
  EXPECT_EQ(CallText("year", {ts}), "2024");
  EXPECT_EQ(CallText("month", {ts}), "3");
  EXPECT_EQ(CallText("day", {ts}), "5");
  EXPECT_EQ(CallText("dayofmonth", {ts}), "5");
  EXPECT_EQ(CallText("hour", {ts}), "7");
  EXPECT_EQ(CallText("minute", {ts}), "8");
  EXPECT_EQ(CallText("second", {ts}), "9");
  EXPECT_EQ(CallText("dayofweek", {ts}), "3");  // Tuesday; Sunday = 1
  EXPECT_EQ(CallText("dayofweek", {Day("2024-03-03")}), "1");
  EXPECT_EQ(CallText("weekday", {Day("2024-03-03")}), "6");
  EXPECT_EQ(CallText("year", {Str("2024-03-05")}), "2024");
  EXPECT_EQ(CallText("hour", {Day("2024-03-05")}), "0");
  EXPECT_EQ(CallText("hour", {Ts("1969-12-31 23:30:00")}), "23");
}

TEST(DatetimeFunction, CalendarFieldsFromSparkDocs) {
  EXPECT_EQ(CallText("weekofyear", {Str("2008-02-20")}), "8");
  EXPECT_EQ(CallText("dayofyear", {Str("2016-04-09")}), "100");
  EXPECT_EQ(CallText("quarter", {Str("2016-08-31")}), "3");
  EXPECT_EQ(CallText("year", {NullOf(DataType::Date())}), "NULL");
  EXPECT_EQ(CallText("year", {Str("garbage")}), "NULL");
}

TEST(DatetimeFunction, DateArithmetic) {
  EXPECT_EQ(CallText("date_add", {Str("2024-02-28"), Int(2)}), "2024-03-01");
  EXPECT_EQ(CallText("date_sub", {Day("2024-03-01"), Int(1)}), "2024-02-29");
  EXPECT_EQ(CallText("date_add", {Ts("2024-03-05 23:00:00"), Int(-5)}), "2024-02-29");
  EXPECT_EQ(CallText("datediff", {Str("2009-07-31"), Str("2009-07-30")}), "1");
  EXPECT_EQ(CallText("datediff", {Str("2009-07-30"), Str("2009-07-31")}), "-1");
  EXPECT_EQ(CallText("datediff", {Ts("2024-03-05 00:00:01"), Ts("2024-03-04 23:59:59")}), "1");
  EXPECT_EQ(CallText("add_months", {Str("2024-01-31"), Int(1)}), "2024-02-29");
  EXPECT_EQ(CallText("add_months", {Str("2024-03-15"), Int(-14)}), "2023-01-15");
  EXPECT_EQ(CallText("last_day", {Str("2024-02-10")}), "2024-02-29");
  EXPECT_EQ(CallText("date_add", {NullOf(DataType::Date()), Int(1)}), "NULL");
}

TEST(DatetimeFunction, Truncation) {
  Value ts = Ts("2024-03-05 07:08:09.123");
  EXPECT_EQ(CallText("date_trunc", {Str("HOUR"), ts}), "2024-03-05 07:00:00");
  EXPECT_EQ(CallText("date_trunc", {Str("MM"), ts}), "2024-03-01 00:00:00");
  EXPECT_EQ(CallText("date_trunc", {Str("week"), ts}), "2024-03-04 00:00:00");
  EXPECT_EQ(CallText("date_trunc", {Str("quarter"), ts}), "2024-01-01 00:00:00");
  EXPECT_EQ(CallText("date_trunc", {Str("SECOND"), ts}), "2024-03-05 07:08:09");
  EXPECT_EQ(CallText("date_trunc", {Str("bogus"), ts}), "NULL");
  EXPECT_EQ(CallText("trunc", {Str("2024-03-05"), Str("year")}), "2024-01-01");
  EXPECT_EQ(CallText("trunc", {Str("2024-03-05"), Str("hour")}), "NULL");
}

TEST(DatetimeFunction, BindErrors) {
  EXPECT_EQ(BindError("year", {Lit(Int(123))}),
            "year: argument must be a date, timestamp or string, found INT");
  EXPECT_EQ(BindError("date_add", {Lit(Str("2024-01-01"))}),
            "date_add(start_date, days) takes 2 arguments, got 1");
  EXPECT_EQ(BindError("date_add", {Lit(Str("2024-01-01")), Lit(Value::Float64(1.5))}),
            "date_add: days must be an integer, found DOUBLE");
  EXPECT_EQ(BindError("to_timestamp", {}), "to_timestamp(str[, fmt]) takes 1 or 2 arguments, got 0");
  // A string is cast to BIGINT (Spark's implicit cast); a TIMESTAMP is not.
  EXPECT_EQ(BindError("from_unixtime", {Lit(Ts("2024-03-05 00:00:00"))}),
            "from_unixtime: seconds must be a number, found TIMESTAMP");
}

TEST(DatetimePattern, PadsSmallYears) {
  EXPECT_EQ(Pattern("yyyy-MM-dd").Format(Micros("0033-01-02")), "0033-01-02");
  EXPECT_EQ(Pattern("y").Format(Micros("0033-01-02")), "33");
}

TEST(DatetimePattern, ParsesLeapDaysAndTwelveHourClock) {
  EXPECT_EQ(Pattern("yyyy-MM-dd").Parse("2024-02-29"), Micros("2024-02-29"));
  EXPECT_EQ(Pattern("hh:mm a").Parse("12:15 AM"), Micros("1970-01-01 00:15:00"));
  EXPECT_EQ(Pattern("hh:mm a").Parse("12:15 PM"), Micros("1970-01-01 12:15:00"));
  EXPECT_EQ(Pattern("kk").Parse("24"), Micros("1970-01-01 00:00:00"));
}

TEST(DatetimeFunction, ToTimestampWithPerRowFormats) {
  auto r = Evaluate("to_timestamp", {Col({Str("2024-03-05"), Str("05/03/2024"), Str("x")}),
                                     Col({Str("yyyy-MM-dd"), Str("dd/MM/yyyy"), Str("bbb")})});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).int64(), Micros("2024-03-05"));
  EXPECT_EQ(ValueAt(*r->out, 1).int64(), Micros("2024-03-05"));
  EXPECT_TRUE(r->out->IsNull(2));
}

// Spark multiplies the seconds into microseconds as a Java long, which wraps: LONG_MAX seconds
// times 10^6 is -10^6 modulo 2^64, one second before the epoch.
TEST(DatetimeFunction, FromUnixtimeOverflowWrapsAsSpark) {
  EXPECT_EQ(CallText("from_unixtime", {Big(INT64_MAX)}), "1969-12-31 23:59:59");
  EXPECT_EQ(CallText("from_unixtime", {Big(INT64_MIN)}), "1970-01-01 00:00:00");
  // A year past 9999 is signed, as java.time writes 'yyyy' wider than four digits.
  EXPECT_EQ(CallText("from_unixtime", {Big(1700000000000LL)}), "+55840-11-08 22:13:20");
}

TEST(DatetimeFunction, UnixTimestampWithOffsetPattern) {
  EXPECT_EQ(CallText("unix_timestamp", {Str("1970-01-01 01:00:00 +0100"),
                                        Str("yyyy-MM-dd HH:mm:ss Z")}),
            "0");
  EXPECT_EQ(CallText("to_unix_timestamp", {Str("1970-01-02"), Str("yyyy-MM-dd")}), "86400");
}

TEST(DatetimeFunction, FieldsOverAColumnWithNulls) {
  auto r = Evaluate("month", {Col({Ts("2024-03-05 00:00:00"), Null(), Ts("1969-12-31 23:00:00")},
                                  DataType::Timestamp())});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).int64(), 3);
  EXPECT_TRUE(r->out->IsNull(1));
  EXPECT_EQ(ValueAt(*r->out, 2).int64(), 12);
}

TEST(DatetimeFunction, DateFormatOnlyComputesSelectedRows) {
  auto r = Evaluate("date_format",
                    {Col({Ts("2024-03-05 00:00:00"), Null(), Ts("2024-12-31 00:00:00")},
                         DataType::Timestamp()),
                     Lit(Str("MMM"))},
                    0, SelectionVector::Of({0, 2}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ValueAt(*r->out, 0).string(), "Mar");
  EXPECT_EQ(ValueAt(*r->out, 2).string(), "Dec");
}

}  // namespace
}  // namespace sluice::test
