// GlobMatch must agree with Redis 7.0.15's stringmatchlen byte for byte.
// The table below was produced by asking a real redis-server 7.0.15
// (SET <string>; KEYS <pattern>) and is reproduced here as data.

#include "common/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

namespace spindle {
namespace {

using namespace std::string_view_literals;

struct Case {
  std::string_view pattern;
  std::string_view str;
  bool match;
};

TEST(GlobTest, Basics) {
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hellO"));
  EXPECT_TRUE(GlobMatch("hello", "hellO", true));
  EXPECT_TRUE(GlobMatch("h?llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("h\\*llo", "h*llo"));
  EXPECT_FALSE(GlobMatch("h\\*llo", "hxllo"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_TRUE(GlobMatch("a**", "a"));
}

TEST(GlobTest, OddCornersAsRedis) {
  // Backwards range is swapped.
  EXPECT_TRUE(GlobMatch("[z-a]", "m"));
  // '[' without ']' is a set that ends with the pattern.
  EXPECT_TRUE(GlobMatch("[ab", "b"));
  EXPECT_FALSE(GlobMatch("[", "["));
  EXPECT_TRUE(GlobMatch("[^", "x"));
  // A trailing '\' matches a literal backslash.
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));
  EXPECT_TRUE(GlobMatch("[\\", "\\"));
  // stringmatchlen itself never matches an empty string with a '*' pattern:
  // KEYS and SCAN special-case a lone "*" before calling it.
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  // Case folding applies to literals, sets and ranges.
  EXPECT_TRUE(GlobMatch("[A-C]x", "bX", true));
  EXPECT_FALSE(GlobMatch("[A-C]x", "bX", false));
  EXPECT_TRUE(GlobMatch("MAXMEMORY*", "maxmemory-policy", true));
  // Embedded NUL bytes are ordinary bytes.
  EXPECT_TRUE(GlobMatch("a?c"sv, "a\0c"sv));
  EXPECT_FALSE(GlobMatch("a\0c"sv, "a"sv));
  // Bytes >= 0x80 compare as signed chars, so this range is [-1, 'a'].
  EXPECT_TRUE(GlobMatch("[a-\xff]", "\xff"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "\x80"));
  EXPECT_TRUE(GlobMatch("[a-\xff]", "A"));
}

TEST(GlobTest, NestingLimitMatchesRedis) {
  // Results checked against redis-server 7.0.15: more than 1000 nested '*'
  // recursions fail the match.
  struct Expect {
    int k;
    bool star_a, a_star, stars, qmark_star;
  };
  // Columns: "*a"*k vs "a"*k; "a*"*k+"a" vs "a"*(k+1); "*"*k+"a" vs "ba";
  // "?*"*k vs "b"*k.
  static const Expect kExpected[] = {
      {998, true, true, true, true},     {999, true, true, true, true},
      {1000, true, true, true, true},    {1001, false, false, true, true},
      {1002, false, false, true, false}, {1003, false, false, true, false},
  };
  for (const Expect& e : kExpected) {
    const int k = e.k;
    std::string p, p2, p4;
    for (int i = 0; i < k; ++i) p += "*a";
    for (int i = 0; i < k; ++i) p2 += "a*";
    p2 += "a";
    std::string p3(k, '*');
    p3 += "a";
    for (int i = 0; i < k; ++i) p4 += "?*";
    EXPECT_EQ(GlobMatch(p, std::string(k, 'a')), e.star_a) << k;
    EXPECT_EQ(GlobMatch(p2, std::string(k + 1, 'a')), e.a_star) << k;
    EXPECT_EQ(GlobMatch(p3, "ba"), e.stars) << k;
    EXPECT_EQ(GlobMatch(p4, std::string(k, 'b')), e.qmark_star) << k;
  }
}

TEST(GlobTest, PathologicalPatternIsFast) {
  std::string p;
  for (int i = 0; i < 2000; ++i) p += "*a";
  p += "b";
  std::string s(3000, 'a');
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(p, s));
  std::string p2;
  for (int i = 0; i < 50; ++i) p2 += "a*";
  p2 += "b";
  EXPECT_FALSE(GlobMatch(p2, std::string(5000, 'a')));
  EXPECT_FALSE(GlobMatch(p2, std::string(5000, 'a'), true));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(GlobTest, AgreesWithRedis) {
  static const Case kCases[] = {
      {"["sv, ""sv, false},
      {"["sv, "a"sv, false},
      {"["sv, "b"sv, false},
      {"["sv, "\\"sv, false},
      {"["sv, "]"sv, false},
      {"["sv, "["sv, false},
      {"["sv, "-"sv, false},
      {"["sv, "^"sv, false},
      {"["sv, "ab"sv, false},
      {"["sv, "*"sv, false},
      {"["sv, "z"sv, false},
      {"["sv,
       "\x00"
       ""sv,
       false},
      {"["sv, "c"sv, false},
      {"[^"sv, ""sv, false},
      {"[^"sv, "a"sv, true},
      {"[^"sv, "b"sv, true},
      {"[^"sv, "\\"sv, true},
      {"[^"sv, "]"sv, true},
      {"[^"sv, "["sv, true},
      {"[^"sv, "-"sv, true},
      {"[^"sv, "^"sv, true},
      {"[^"sv, "ab"sv, false},
      {"[^"sv, "*"sv, true},
      {"[^"sv, "z"sv, true},
      {"[^"sv,
       "\x00"
       ""sv,
       true},
      {"[^"sv, "c"sv, true},
      {"[a"sv, ""sv, false},
      {"[a"sv, "a"sv, true},
      {"[a"sv, "b"sv, false},
      {"[a"sv, "\\"sv, false},
      {"[a"sv, "]"sv, false},
      {"[a"sv, "["sv, false},
      {"[a"sv, "-"sv, false},
      {"[a"sv, "^"sv, false},
      {"[a"sv, "ab"sv, false},
      {"[a"sv, "*"sv, false},
      {"[a"sv, "z"sv, false},
      {"[a"sv,
       "\x00"
       ""sv,
       false},
      {"[a"sv, "c"sv, false},
      {"[a-"sv, ""sv, false},
      {"[a-"sv, "a"sv, true},
      {"[a-"sv, "b"sv, false},
      {"[a-"sv, "\\"sv, false},
      {"[a-"sv, "]"sv, false},
      {"[a-"sv, "["sv, false},
      {"[a-"sv, "-"sv, true},
      {"[a-"sv, "^"sv, false},
      {"[a-"sv, "ab"sv, false},
      {"[a-"sv, "*"sv, false},
      {"[a-"sv, "z"sv, false},
      {"[a-"sv,
       "\x00"
       ""sv,
       false},
      {"[a-"sv, "c"sv, false},
      {"[a-c"sv, ""sv, false},
      {"[a-c"sv, "a"sv, true},
      {"[a-c"sv, "b"sv, true},
      {"[a-c"sv, "\\"sv, false},
      {"[a-c"sv, "]"sv, false},
      {"[a-c"sv, "["sv, false},
      {"[a-c"sv, "-"sv, false},
      {"[a-c"sv, "^"sv, false},
      {"[a-c"sv, "ab"sv, false},
      {"[a-c"sv, "*"sv, false},
      {"[a-c"sv, "z"sv, false},
      {"[a-c"sv,
       "\x00"
       ""sv,
       false},
      {"[a-c"sv, "c"sv, true},
      {"\\"sv, ""sv, false},
      {"\\"sv, "a"sv, false},
      {"\\"sv, "b"sv, false},
      {"\\"sv, "\\"sv, true},
      {"\\"sv, "]"sv, false},
      {"\\"sv, "["sv, false},
      {"\\"sv, "-"sv, false},
      {"\\"sv, "^"sv, false},
      {"\\"sv, "ab"sv, false},
      {"\\"sv, "*"sv, false},
      {"\\"sv, "z"sv, false},
      {"\\"sv,
       "\x00"
       ""sv,
       false},
      {"\\"sv, "c"sv, false},
      {"a\\"sv, ""sv, false},
      {"a\\"sv, "a"sv, false},
      {"a\\"sv, "b"sv, false},
      {"a\\"sv, "\\"sv, false},
      {"a\\"sv, "]"sv, false},
      {"a\\"sv, "["sv, false},
      {"a\\"sv, "-"sv, false},
      {"a\\"sv, "^"sv, false},
      {"a\\"sv, "ab"sv, false},
      {"a\\"sv, "*"sv, false},
      {"a\\"sv, "z"sv, false},
      {"a\\"sv,
       "\x00"
       ""sv,
       false},
      {"a\\"sv, "c"sv, false},
      {"[\\"sv, ""sv, false},
      {"[\\"sv, "a"sv, false},
      {"[\\"sv, "b"sv, false},
      {"[\\"sv, "\\"sv, true},
      {"[\\"sv, "]"sv, false},
      {"[\\"sv, "["sv, false},
      {"[\\"sv, "-"sv, false},
      {"[\\"sv, "^"sv, false},
      {"[\\"sv, "ab"sv, false},
      {"[\\"sv, "*"sv, false},
      {"[\\"sv, "z"sv, false},
      {"[\\"sv,
       "\x00"
       ""sv,
       false},
      {"[\\"sv, "c"sv, false},
      {"[\\]"sv, ""sv, false},
      {"[\\]"sv, "a"sv, false},
      {"[\\]"sv, "b"sv, false},
      {"[\\]"sv, "\\"sv, false},
      {"[\\]"sv, "]"sv, true},
      {"[\\]"sv, "["sv, false},
      {"[\\]"sv, "-"sv, false},
      {"[\\]"sv, "^"sv, false},
      {"[\\]"sv, "ab"sv, false},
      {"[\\]"sv, "*"sv, false},
      {"[\\]"sv, "z"sv, false},
      {"[\\]"sv,
       "\x00"
       ""sv,
       false},
      {"[\\]"sv, "c"sv, false},
      {"[]"sv, ""sv, false},
      {"[]"sv, "a"sv, false},
      {"[]"sv, "b"sv, false},
      {"[]"sv, "\\"sv, false},
      {"[]"sv, "]"sv, false},
      {"[]"sv, "["sv, false},
      {"[]"sv, "-"sv, false},
      {"[]"sv, "^"sv, false},
      {"[]"sv, "ab"sv, false},
      {"[]"sv, "*"sv, false},
      {"[]"sv, "z"sv, false},
      {"[]"sv,
       "\x00"
       ""sv,
       false},
      {"[]"sv, "c"sv, false},
      {"[]]"sv, ""sv, false},
      {"[]]"sv, "a"sv, false},
      {"[]]"sv, "b"sv, false},
      {"[]]"sv, "\\"sv, false},
      {"[]]"sv, "]"sv, false},
      {"[]]"sv, "["sv, false},
      {"[]]"sv, "-"sv, false},
      {"[]]"sv, "^"sv, false},
      {"[]]"sv, "ab"sv, false},
      {"[]]"sv, "*"sv, false},
      {"[]]"sv, "z"sv, false},
      {"[]]"sv,
       "\x00"
       ""sv,
       false},
      {"[]]"sv, "c"sv, false},
      {"[^]"sv, ""sv, false},
      {"[^]"sv, "a"sv, true},
      {"[^]"sv, "b"sv, true},
      {"[^]"sv, "\\"sv, true},
      {"[^]"sv, "]"sv, true},
      {"[^]"sv, "["sv, true},
      {"[^]"sv, "-"sv, true},
      {"[^]"sv, "^"sv, true},
      {"[^]"sv, "ab"sv, false},
      {"[^]"sv, "*"sv, true},
      {"[^]"sv, "z"sv, true},
      {"[^]"sv,
       "\x00"
       ""sv,
       true},
      {"[^]"sv, "c"sv, true},
      {"[z-a]"sv, ""sv, false},
      {"[z-a]"sv, "a"sv, true},
      {"[z-a]"sv, "b"sv, true},
      {"[z-a]"sv, "\\"sv, false},
      {"[z-a]"sv, "]"sv, false},
      {"[z-a]"sv, "["sv, false},
      {"[z-a]"sv, "-"sv, false},
      {"[z-a]"sv, "^"sv, false},
      {"[z-a]"sv, "ab"sv, false},
      {"[z-a]"sv, "*"sv, false},
      {"[z-a]"sv, "z"sv, true},
      {"[z-a]"sv,
       "\x00"
       ""sv,
       false},
      {"[z-a]"sv, "c"sv, true},
      {"*["sv, ""sv, false},
      {"*["sv, "a"sv, false},
      {"*["sv, "b"sv, false},
      {"*["sv, "\\"sv, false},
      {"*["sv, "]"sv, false},
      {"*["sv, "["sv, false},
      {"*["sv, "-"sv, false},
      {"*["sv, "^"sv, false},
      {"*["sv, "ab"sv, false},
      {"*["sv, "*"sv, false},
      {"*["sv, "z"sv, false},
      {"*["sv,
       "\x00"
       ""sv,
       false},
      {"*["sv, "c"sv, false},
      {"?\\"sv, ""sv, false},
      {"?\\"sv, "a"sv, false},
      {"?\\"sv, "b"sv, false},
      {"?\\"sv, "\\"sv, false},
      {"?\\"sv, "]"sv, false},
      {"?\\"sv, "["sv, false},
      {"?\\"sv, "-"sv, false},
      {"?\\"sv, "^"sv, false},
      {"?\\"sv, "ab"sv, false},
      {"?\\"sv, "*"sv, false},
      {"?\\"sv, "z"sv, false},
      {"?\\"sv,
       "\x00"
       ""sv,
       false},
      {"?\\"sv, "c"sv, false},
      {"[a-]"sv, ""sv, false},
      {"[a-]"sv, "a"sv, true},
      {"[a-]"sv, "b"sv, false},
      {"[a-]"sv, "\\"sv, false},
      {"[a-]"sv, "]"sv, true},
      {"[a-]"sv, "["sv, false},
      {"[a-]"sv, "-"sv, false},
      {"[a-]"sv, "^"sv, true},
      {"[a-]"sv, "ab"sv, false},
      {"[a-]"sv, "*"sv, false},
      {"[a-]"sv, "z"sv, false},
      {"[a-]"sv,
       "\x00"
       ""sv,
       false},
      {"[a-]"sv, "c"sv, false},
      {"[-a]"sv, ""sv, false},
      {"[-a]"sv, "a"sv, true},
      {"[-a]"sv, "b"sv, false},
      {"[-a]"sv, "\\"sv, false},
      {"[-a]"sv, "]"sv, false},
      {"[-a]"sv, "["sv, false},
      {"[-a]"sv, "-"sv, true},
      {"[-a]"sv, "^"sv, false},
      {"[-a]"sv, "ab"sv, false},
      {"[-a]"sv, "*"sv, false},
      {"[-a]"sv, "z"sv, false},
      {"[-a]"sv,
       "\x00"
       ""sv,
       false},
      {"[-a]"sv, "c"sv, false},
      {"\\*"sv, ""sv, false},
      {"\\*"sv, "a"sv, false},
      {"\\*"sv, "b"sv, false},
      {"\\*"sv, "\\"sv, false},
      {"\\*"sv, "]"sv, false},
      {"\\*"sv, "["sv, false},
      {"\\*"sv, "-"sv, false},
      {"\\*"sv, "^"sv, false},
      {"\\*"sv, "ab"sv, false},
      {"\\*"sv, "*"sv, true},
      {"\\*"sv, "z"sv, false},
      {"\\*"sv,
       "\x00"
       ""sv,
       false},
      {"\\*"sv, "c"sv, false},
      {"*\\"sv, ""sv, false},
      {"*\\"sv, "a"sv, false},
      {"*\\"sv, "b"sv, false},
      {"*\\"sv, "\\"sv, true},
      {"*\\"sv, "]"sv, false},
      {"*\\"sv, "["sv, false},
      {"*\\"sv, "-"sv, false},
      {"*\\"sv, "^"sv, false},
      {"*\\"sv, "ab"sv, false},
      {"*\\"sv, "*"sv, false},
      {"*\\"sv, "z"sv, false},
      {"*\\"sv,
       "\x00"
       ""sv,
       false},
      {"*\\"sv, "c"sv, false},
      {"*z*"sv, "z"sv, true},
      {"A*\x80"
       "*[^b]*"sv,
       "Az\x80"
       "-b\xff"
       ""sv,
       true},
      {"z*\x00"
       "\x00"
       "*a"sv,
       "zb\x00"
       "\x00"
       "ba"sv,
       true},
      {"^*-[[-a]\x80"
       "*a[*b]Ab"sv,
       "^z-[\x80"
       "*a*Ab"sv,
       true},
      {"\x80"
       ""sv,
       "\x80"
       ""sv,
       true},
      {"-"sv, "-"sv, true},
      {"*???\xff"
       ""sv,
       "]?A\x00"
       "\xff"
       ""sv,
       true},
      {"*"sv, "A"sv, true},
      {"a*\x80"
       "\x80"
       ""sv,
       "a\\\x80"
       "\x80"
       ""sv,
       true},
      {"**\\***b**[^-b]*"sv, "*\\Bbz--"sv, true},
      {"*"sv,
       "\x80"
       ""sv,
       true},
      {""sv, ""sv, true},
      {"\\b\x00"
       "B^"sv,
       "b\x00"
       "B^"sv,
       true},
      {"***\x00"
       "a"sv,
       "-]z\x00"
       "a"sv,
       true},
      {""sv, ""sv, true},
      {"*[\xff"
       "[?[*["sv,
       "\x80"
       "\x00"
       "\\*"sv,
       true},
      {"?]^"sv, "a]^"sv, true},
      {"]--***"sv, "]--*"sv, true},
      {""sv, ""sv, true},
      {"\x80"
       "**-"sv,
       "\x80"
       "**-"sv,
       true},
      {"[[bb][^*]*\x80"
       "bB"sv,
       "[b*]\x80"
       "bB"sv,
       true},
      {"A*???z?*"sv,
       "A]\\[\x00"
       "z[]"sv,
       true},
      {"\\A?"sv, "A]"sv, true},
      {"*^*-?*"sv,
       "^-\\\xff"
       ""sv,
       true},
      {"^[\xff"
       "-z]\\B"sv,
       "^\xff"
       "B"sv,
       true},
      {"?"sv, "]"sv, true},
      {"\x00"
       "b[\x00"
       "-a]\\\\Az**"sv,
       "\x00"
       "b\x00"
       "\\Aza*"sv,
       true},
      {"?*a*?"sv,
       "?\xff"
       "ab?"sv,
       true},
      {"\x00"
       "[\x80"
       "]B\xff"
       "*"sv,
       "\x00"
       "\x80"
       "B\xff"
       "b"sv,
       true},
      {"-z*\x00"
       "?B"sv,
       "-z*\x00"
       "\x00"
       "B"sv,
       true},
      {"\x80"
       "*B^\\\\-*A*]zz"sv,
       "\x80"
       "-B^\\-A]zz"sv,
       true},
      {"\xff"
       "\\-[b]bb\\?"sv,
       "\xff"
       "-bbb?"sv,
       true},
      {"\x00"
       "*-b"sv,
       "\x00"
       "*-b"sv,
       true},
      {"b^?^*[*\x00"
       "^"sv,
       "b^]^[\x00"
       "^"sv,
       true},
      {"*\x80"
       "***b*zB?*??\x00"
       ""sv,
       "\x80"
       "AbzBB\xff"
       "]a\x00"
       ""sv,
       true},
      {"\\]*?**\x00"
       "a"sv,
       "]*a-*\x00"
       "a"sv,
       true},
      {"-?*[[-z]]?A^*]*"sv, "-?-[]?A^]"sv, true},
      {"*"sv, "*"sv, true},
      {"b*"sv, "b-"sv, true},
      {""sv, ""sv, true},
      {"*\xff"
       "*"sv,
       "a\xff"
       "\x00"
       ""sv,
       true},
      {"\xff"
       "*Ab"sv,
       "\xff"
       "bAb"sv,
       true},
      {"\x80"
       "B*z*?*]"sv,
       "\x80"
       "B[z?]"sv,
       true},
      {"\\-A"sv, "-A"sv, true},
      {"?*"sv,
       "\xff"
       "a"sv,
       true},
      {""sv, ""sv, true},
      {"*a**\\^*"sv, "aA\\^*"sv, true},
      {"?\x00"
       "-A*a*?^*?"sv,
       "\x00"
       "\x00"
       "-Aa*^*b"sv,
       true},
      {""sv, ""sv, true},
      {"\x80"
       "z[^\\-z]a*a"sv,
       "\x80"
       "z\\a?a"sv,
       true},
      {"\xff"
       "??\\^"sv,
       "\xff"
       "?^^"sv,
       true},
      {""sv, ""sv, true},
      {"*\\*"sv, "A\\*"sv, true},
      {"*?Az"sv,
       "\xff"
       "^Az"sv,
       true},
      {"A**-*"sv,
       "A\x00"
       "-"sv,
       true},
      {"\\"sv, "\\"sv, true},
      {""sv, ""sv, true},
      {""sv, ""sv, true},
      {"z?**[**[??\\^"sv, "z*\\[*[?B^"sv, true},
      {"\\b?*[A]"sv, "b-*A"sv, true},
      {"z"sv, "bazz"sv, false},
      {"\\\x80"
       "***\x80"
       ""sv,
       "?-"sv, false},
      {"a\xff"
       "*a"sv,
       "-"sv, false},
      {"\x00"
       "[^\xff"
       "-a]*[]b]B[\\-a]-\\\x80"
       "[^A-z]B"sv,
       "\x00"
       "\xff"
       "b]B\\-\x80"
       "AB"sv,
       false},
      {"?\\]**z["sv, "B]?*z["sv, false},
      {"[A*-\xff"
       "]["sv,
       "\xff"
       ""sv,
       false},
      {"*-**\xff"
       "-\xff"
       "A[^\x00"
       "b]?[^\\]"sv,
       "-]\xff"
       "-\xff"
       "A\x00"
       "*\\"sv,
       false},
      {"[A*\x00"
       "[^A-a]"sv,
       "[Ab\x00"
       "A"sv,
       false},
      {"b*\x00"
       "a\\?*"sv,
       "ba\x00"
       "a\\?*"sv,
       false},
      {"bb\x00"
       "*]^?^"sv,
       ""sv, false},
      {"]"sv, ""sv, false},
      {"\x80"
       "[\\"sv,
       "\\b]"sv, false},
      {"?\\"sv,
       "\\[\x80"
       "ABB]"sv,
       false},
      {"-az^[-?"sv,
       "\x80"
       "\\\\z\x00"
       ""sv,
       false},
      {"["sv,
       "\x00"
       "z"sv,
       false},
      {"*a\xff"
       "[B]\\A\\B"sv,
       "]a\xff"
       "B\\A\\B"sv,
       false},
      {"z^\xff"
       "[a^"sv,
       "ab\\A\x00"
       ""sv,
       false},
      {"\\?[^\xff"
       "-a][A[b*[^\xff"
       "b]"sv,
       "\\z\xff"
       "[A[b\\\xff"
       ""sv,
       false},
      {"z\\a]"sv,
       "^\x00"
       "?b\x00"
       ""sv,
       false},
      {"^-?[za"sv,
       "[^b-\x80"
       "\xff"
       "*"sv,
       false},
      {"Az*\\-A\x00"
       ""sv,
       "B-"sv, false},
      {"*aBB*\\[\\\x80"
       ""sv,
       "aaBBz\\[\\\x80"
       ""sv,
       false},
      {"*b*-\\z*a"sv, "B"sv, false},
      {""sv, "a\\a["sv, false},
      {"bb\xff"
       "*b\x00"
       "[\x00"
       ""sv,
       "\x80"
       "]A"sv,
       false},
      {"\x80"
       "\xff"
       "[A*\xff"
       "Az"sv,
       "\x80"
       "\xff"
       "[A\\\xff"
       "Az"sv,
       false},
      {"[[*["sv, "[[^["sv, false},
      {"\x80"
       ""sv,
       "\x80"
       "*\x80"
       "z\x00"
       "\xff"
       "--"sv,
       false},
      {"?A]A\\\x00"
       ""sv,
       "B\x80"
       "\\b\\\xff"
       "b"sv,
       false},
      {"A-\xff"
       "][z\\"sv,
       "B]\xff"
       "\\\xff"
       "z"sv,
       false},
      {"b["sv, ""sv, false},
      {""sv, "zBbbB"sv, false},
      {"-z?[\\**"sv, "-z][*b"sv, false},
      {"[a][^[]"sv, "a["sv, false},
      {"^?\\\x80"
       "zA\\"sv,
       "*\x80"
       "b^\x00"
       "]"sv,
       false},
      {""sv, "b"sv, false},
      {"^^"sv, "z"sv, false},
      {"[^\x00"
       "-a][^z-a]\xff"
       "\x80"
       "\\A[^Ab]]"sv,
       "\x00"
       "z\xff"
       "\x80"
       "AA]"sv,
       false},
      {"\x80"
       "*]"sv,
       "A"sv, false},
      {"\x80"
       ""sv,
       "a"sv, false},
      {"\\"sv,
       "-b[\\\x00"
       ""sv,
       false},
      {"[*z*"sv, "[z"sv, false},
      {"\x00"
       "b[?^?b"sv,
       "\xff"
       "bA"sv,
       false},
      {"]\xff"
       "**\x80"
       "[?-a]z[^b-z]"sv,
       "]\xff"
       "-*\x80"
       "?zb"sv,
       false},
      {"Aa[a[\xff"
       ""sv,
       "*^B?"sv, false},
      {"?z"sv,
       "a^[a\x00"
       "^[\x80"
       ""sv,
       false},
      {"\\\xff"
       "*\x00"
       "***?*A\\"sv,
       "\\\xff"
       "\x00"
       "***]A\\"sv,
       false},
      {""sv,
       "b\xff"
       "^zb"sv,
       false},
      {"zb\x80"
       "*A\xff"
       "^a"sv,
       "[\x00"
       "\xff"
       "*["sv,
       false},
      {"bAzz"sv,
       "az[\x80"
       ""sv,
       false},
      {"[^a-z]*ba*"sv,
       "a\x00"
       "ba*"sv,
       false},
      {""sv,
       "b\x80"
       "z\x80"
       "zz"sv,
       false},
      {"\xff"
       "\xff"
       "]"sv,
       "Bz\xff"
       "\x80"
       "?\x00"
       "bz"sv,
       false},
      {"]^\\bb\x80"
       "\x00"
       ""sv,
       ""sv, false},
      {"\x00"
       ""sv,
       "[^\x00"
       "*]BA"sv,
       false},
      {""sv, "b?\\b"sv, false},
      {"[[\\b]\x00"
       "z*[a-z]*[\\-z]?"sv,
       "[\\\x00"
       "z*a^\\\\"sv,
       false},
      {"\\a[\x80"
       "-a]***B"sv,
       "\\a\x80"
       "\xff"
       "*aB"sv,
       false},
      {"B\xff"
       "-*[**]B[^^]*"sv,
       "B\xff"
       "-[-]B^\x00"
       ""sv,
       false},
      {"a[?*"sv, "\\"sv, false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.str), c.match)
        << "pattern '" << c.pattern << "' string '" << c.str << "'";
  }
}

}  // namespace
}  // namespace spindle
