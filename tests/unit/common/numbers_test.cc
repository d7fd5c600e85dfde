#include "common/numbers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace spindle {
namespace {

using std::string_literals::operator""s;

TEST(StringToInt64, AcceptsCanonicalIntegers) {
  int64_t v = -1;
  EXPECT_TRUE(StringToInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(StringToInt64("1", &v));
  EXPECT_EQ(v, 1);
  EXPECT_TRUE(StringToInt64("-1", &v));
  EXPECT_EQ(v, -1);
  EXPECT_TRUE(StringToInt64("99", &v));
  EXPECT_EQ(v, 99);
  EXPECT_TRUE(StringToInt64("-99", &v));
  EXPECT_EQ(v, -99);
  EXPECT_TRUE(StringToInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(StringToInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(StringToInt64, RejectsWhatRedisRejects) {
  int64_t v = 42;
  for (std::string_view s : {"",
                             "-",
                             "+1",
                             " 1",
                             "1 ",
                             "01",
                             "00",
                             "-0",
                             "-01",
                             "1a",
                             "a1",
                             "1.0",
                             "1e3",
                             "0x10",
                             "9223372036854775808",
                             "-9223372036854775809",
                             "18446744073709551616",
                             "99999999999999999999",
                             "000000000000000000001",
                             "--1"}) {
    EXPECT_FALSE(StringToInt64(s, &v)) << s;
  }
  EXPECT_FALSE(StringToInt64("1\0"s, &v));
  EXPECT_FALSE(
      StringToInt64("\0"s
                    "1",
                    &v));
  EXPECT_EQ(v, 42);  // untouched on failure
}

TEST(StringToUint64, DigitsOnly) {
  uint64_t v = 0;
  EXPECT_TRUE(StringToUint64("0", &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(StringToUint64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_TRUE(StringToUint64("007", &v));
  EXPECT_EQ(v, 7u);
  for (std::string_view s : {"", "-1", "+1", " 1", "1 ", "18446744073709551616", "1x"}) {
    EXPECT_FALSE(StringToUint64(s, &v)) << s;
  }
}

TEST(StringToLongDouble, AcceptsWhatStrtoldAccepts) {
  long double v = 0;
  EXPECT_TRUE(StringToLongDouble("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  EXPECT_TRUE(StringToLongDouble("3.0e3", &v));
  EXPECT_EQ(v, 3000.0L);
  EXPECT_TRUE(StringToLongDouble("-1", &v));
  EXPECT_EQ(v, -1.0L);
  EXPECT_TRUE(StringToLongDouble("+1", &v));
  EXPECT_EQ(v, 1.0L);
  EXPECT_TRUE(StringToLongDouble("0x10", &v));
  EXPECT_EQ(v, 16.0L);
  EXPECT_TRUE(StringToLongDouble(".5", &v));
  EXPECT_EQ(v, 0.5L);
  EXPECT_TRUE(StringToLongDouble("inf", &v));
  EXPECT_TRUE(std::isinf(v));
  EXPECT_TRUE(StringToLongDouble("-Infinity", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  // Fits a long double although not a double.
  EXPECT_TRUE(StringToLongDouble("1e4000", &v));
  // Denormal long doubles are fine (strtold may set ERANGE, value nonzero).
  EXPECT_TRUE(StringToLongDouble("1e-4940", &v));
}

TEST(StringToLongDouble, Rejects) {
  long double v = 0;
  for (std::string_view s : {"", " 1", "1 ", "\t1", "abc", "1.5x", "nan", "NaN", "-nan", "1e5000",
                             "-1e5000", "1e-5000"}) {
    EXPECT_FALSE(StringToLongDouble(s, &v)) << s;
  }
  EXPECT_FALSE(StringToLongDouble("1\0abc"s, &v));
  EXPECT_FALSE(StringToLongDouble(std::string(5 * 1024, '1'), &v));
  EXPECT_TRUE(StringToLongDouble(std::string(5 * 1024 - 1, '0'), &v));
}

TEST(StringToDouble, AcceptsAndRejects) {
  double v = 0;
  EXPECT_TRUE(StringToDouble("1.5", &v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(StringToDouble("-inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  EXPECT_TRUE(StringToDouble("1e-310", &v));  // denormal: ERANGE but nonzero
  EXPECT_TRUE(StringToDouble(std::string(300, '1'), &v));
  for (std::string_view s : {"", " 1", "1 ", "x", "nan", "1e400", "-1e400", "1e-400"}) {
    EXPECT_FALSE(StringToDouble(s, &v)) << s;
  }
  EXPECT_FALSE(StringToDouble("1\0"s, &v));
}

TEST(LongDoubleToString, HumanTrimsZeros) {
  EXPECT_EQ(LongDoubleToString(10.5L + 0.1L, LongDoubleFormat::kHuman), "10.6");
  EXPECT_EQ(LongDoubleToString(8000.0L, LongDoubleFormat::kHuman), "8000");
  EXPECT_EQ(LongDoubleToString(0.0L, LongDoubleFormat::kHuman), "0");
  EXPECT_EQ(LongDoubleToString(-0.0L, LongDoubleFormat::kHuman), "0");
  EXPECT_EQ(LongDoubleToString(-1e-20L, LongDoubleFormat::kHuman), "0");
  EXPECT_EQ(LongDoubleToString(-1.5L, LongDoubleFormat::kHuman), "-1.5");
  EXPECT_EQ(LongDoubleToString(17179869185.5L, LongDoubleFormat::kHuman), "17179869185.5");
  EXPECT_EQ(LongDoubleToString(1.1234567890123456789L, LongDoubleFormat::kHuman),
            "1.12345678901234568");
  EXPECT_EQ(LongDoubleToString(HUGE_VALL, LongDoubleFormat::kHuman), "inf");
  EXPECT_EQ(LongDoubleToString(-HUGE_VALL, LongDoubleFormat::kHuman), "-inf");
  EXPECT_EQ(LongDoubleToString(1e20L, LongDoubleFormat::kHuman), "100000000000000000000");
}

TEST(LongDoubleToString, AutoAndHex) {
  EXPECT_EQ(LongDoubleToString(1.5L, LongDoubleFormat::kAuto), "1.5");
  EXPECT_EQ(LongDoubleToString(1e20L, LongDoubleFormat::kAuto), "1e+20");
  EXPECT_EQ(LongDoubleToString(-0.0L, LongDoubleFormat::kAuto), "-0");
  EXPECT_EQ(LongDoubleToString(1.0L, LongDoubleFormat::kHex), "0x8p-3");
  EXPECT_EQ(LongDoubleToString(HUGE_VALL, LongDoubleFormat::kAuto), "inf");
}

TEST(DoubleToString, SeventeenDigits) {
  EXPECT_EQ(DoubleToString(1.5), "1.5");
  EXPECT_EQ(DoubleToString(0.1), "0.10000000000000001");
  EXPECT_EQ(DoubleToString(1e20), "1e+20");
  EXPECT_EQ(DoubleToString(-0.0), "-0");
  EXPECT_EQ(DoubleToString(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(DoubleToString(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(Int64ToString, Extremes) {
  EXPECT_EQ(Int64ToString(0), "0");
  EXPECT_EQ(Int64ToString(-7), "-7");
  EXPECT_EQ(Int64ToString(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(Int64ToString(INT64_MIN), "-9223372036854775808");
  char buf[21];
  size_t n = Int64ToChars(INT64_MIN, buf);
  EXPECT_EQ(std::string(buf, n), "-9223372036854775808");
}

TEST(ParseMemory, Units) {
  int64_t v = 0;
  EXPECT_TRUE(ParseMemory("100", &v));
  EXPECT_EQ(v, 100);
  EXPECT_TRUE(ParseMemory("100b", &v));
  EXPECT_EQ(v, 100);
  EXPECT_TRUE(ParseMemory("1k", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(ParseMemory("1KB", &v));
  EXPECT_EQ(v, 1024);
  EXPECT_TRUE(ParseMemory("2m", &v));
  EXPECT_EQ(v, 2000000);
  EXPECT_TRUE(ParseMemory("2Mb", &v));
  EXPECT_EQ(v, 2 * 1024 * 1024);
  EXPECT_TRUE(ParseMemory("3g", &v));
  EXPECT_EQ(v, 3000000000LL);
  EXPECT_TRUE(ParseMemory("3gB", &v));
  EXPECT_EQ(v, 3LL * 1024 * 1024 * 1024);
  EXPECT_TRUE(ParseMemory("-5mb", &v));
  EXPECT_EQ(v, -5LL * 1024 * 1024);
  EXPECT_TRUE(ParseMemory("007", &v));
  EXPECT_EQ(v, 7);
  // strtoll of an empty number part is 0, as in Redis.
  EXPECT_TRUE(ParseMemory("", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseMemory("gb", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseMemory("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseMemory("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(ParseMemory, Errors) {
  int64_t v = 0;
  for (std::string_view s :
       {"1t", "1kib", "1 kb", " 1", "+1", "1.5mb", "-", "-kb", "1bb", "9223372036854775808",
        "9223372036854775807k", "9007199254740992kb", "-9223372036854775809"}) {
    EXPECT_FALSE(ParseMemory(s, &v)) << s;
  }
}

}  // namespace
}  // namespace spindle
