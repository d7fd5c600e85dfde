#include "common/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spindle {
namespace {

using Args = std::vector<std::string>;

// The expected results below were taken from redis-server 7.0.15: each line
// was sent as the inline command "RPUSH tmp <line>" and read back with
// LRANGE (or gave "unbalanced quotes in request").
TEST(SplitArgsTest, PlainWords) {
  EXPECT_EQ(SplitArgs("a b c"), Args({"a", "b", "c"}));
  EXPECT_EQ(SplitArgs("  a   b  "), Args({"a", "b"}));
  EXPECT_EQ(SplitArgs("a\tb\rc"), Args({"a", "b", "c"}));
  EXPECT_EQ(SplitArgs(""), Args{});
  EXPECT_EQ(SplitArgs("   \t "), Args{});
}

TEST(SplitArgsTest, VerticalTabAndFormFeedSkippedButDoNotSplit) {
  EXPECT_EQ(SplitArgs("a\vb c\fd"), Args({"a\vb", "c\fd"}));
  EXPECT_EQ(SplitArgs("\v\fa"), Args({"a"}));
  EXPECT_EQ(SplitArgs("\"x\"\vy"), Args({"x", "y"}));
}

TEST(SplitArgsTest, Quotes) {
  EXPECT_EQ(SplitArgs("\"a b\" c"), Args({"a b", "c"}));
  EXPECT_EQ(SplitArgs("'a b' c"), Args({"a b", "c"}));
  EXPECT_EQ(SplitArgs("foo\"bar baz\""), Args({"foobar baz"}));
  EXPECT_EQ(SplitArgs("\"\" ''"), Args({"", ""}));
  EXPECT_EQ(SplitArgs("\"a\" \"b\""), Args({"a", "b"}));
}

TEST(SplitArgsTest, DoubleQuoteEscapes) {
  EXPECT_EQ(SplitArgs(R"("a\nb\r\t\b\a\\\"q")"), Args({"a\nb\r\t\b\a\\\"q"}));
  EXPECT_EQ(SplitArgs(R"("\x41\x4a\x4g\xZZ")"), Args({"AJx4gxZZ"}));
  EXPECT_EQ(SplitArgs(R"("\q\x4")"), Args({"qx4"}));
  EXPECT_EQ(SplitArgs(R"("\x00\xff")"), Args({std::string("\0\xff", 2)}));
}

TEST(SplitArgsTest, SingleQuoteEscapesOnlyQuote) {
  EXPECT_EQ(SplitArgs(R"('it\'s' '\n')"), Args({"it's", "\\n"}));
}

TEST(SplitArgsTest, HighBytesAreOrdinary) {
  EXPECT_EQ(SplitArgs("\x80\xff \"\x80\""), Args({"\x80\xff", "\x80"}));
}

TEST(SplitArgsTest, Unbalanced) {
  EXPECT_EQ(SplitArgs("x'y z'w"), std::nullopt);  // closing quote not followed by space
  EXPECT_EQ(SplitArgs("\"a\"b"), std::nullopt);
  EXPECT_EQ(SplitArgs("'a'b"), std::nullopt);
  EXPECT_EQ(SplitArgs("\"abc"), std::nullopt);
  EXPECT_EQ(SplitArgs("'abc"), std::nullopt);
  EXPECT_EQ(SplitArgs(R"("a\")"), std::nullopt);
  EXPECT_EQ(SplitArgs("\"a\\"), std::nullopt);  // backslash at the very end
}

TEST(SplitArgsTest, NulEndsTheLineLikeACString) {
  EXPECT_EQ(SplitArgs(std::string_view("a b\0c d", 7)), Args({"a", "b"}));
  // The quote is closed by the end of the C string: "unterminated".
  EXPECT_EQ(SplitArgs(std::string_view("\"a\0\"", 4)), std::nullopt);
  EXPECT_EQ(SplitArgs(std::string_view("\"a\"\0x", 5)), Args({"a"}));
}

TEST(StringsTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("GeT", "get"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("get", "gets"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));  // 0x5b vs 0x7b: only letters fold
  EXPECT_FALSE(EqualsIgnoreCase("\xc4", "\xe4"));
}

TEST(StringsTest, ToLower) {
  EXPECT_EQ(ToLower("CONFIG|Get"), "config|get");
  EXPECT_EQ(ToLower(std::string_view("A\0\xC4", 3)), std::string("a\0\xC4", 3));
}

// Checked against the MONITOR output of redis-server 7.0.15.
TEST(StringsTest, Repr) {
  EXPECT_EQ(Repr("foo"), "\"foo\"");
  EXPECT_EQ(Repr(""), "\"\"");
  std::string v("\x00\x01\x7f\x80\xff\\\"\n\r\t\a\b ~A", 15);
  EXPECT_EQ(Repr(v), R"("\x00\x01\x7f\x80\xff\\\"\n\r\t\a\b ~A")");
}

}  // namespace
}  // namespace spindle
