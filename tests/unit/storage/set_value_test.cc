#include "storage/set_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace spindle::storage {
namespace {

constexpr int64_t kLimit = 512;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SetValueTest, CreateForPicksEncodingOfFirstMember) {
  EXPECT_TRUE(SetValue::CreateFor("12")->is_intset());
  EXPECT_TRUE(SetValue::CreateFor("-9223372036854775808")->is_intset());
  // string2ll rules: no '+', no leading zeros, no spaces, no "-0".
  for (const char* s : {"+1", "01", " 1", "-0", "1.0", "", "abc", "9223372036854775808"}) {
    EXPECT_FALSE(SetValue::CreateFor(s)->is_intset()) << s;
  }
  EXPECT_EQ(SetValue::CreateFor("x")->encoding(), Encoding::kHashtable);
  EXPECT_EQ(SetValue::CreateIntset()->encoding(), Encoding::kIntset);
}

TEST(SetValueTest, IntsetAddRemoveContainsInAscendingOrder) {
  auto s = SetValue::CreateIntset();
  EXPECT_TRUE(s->Add("5", kLimit));
  EXPECT_TRUE(s->Add("-3", kLimit));
  EXPECT_TRUE(s->Add("100", kLimit));
  EXPECT_FALSE(s->Add("5", kLimit));
  EXPECT_TRUE(s->is_intset());
  EXPECT_EQ(s->size(), 3u);
  EXPECT_EQ(s->Members(), (std::vector<std::string>{"-3", "5", "100"}));
  EXPECT_TRUE(s->Contains("100"));
  EXPECT_FALSE(s->Contains("7"));
  EXPECT_FALSE(s->Contains("05"));  // not canonical: cannot be an intset member
  EXPECT_FALSE(s->Contains("abc"));
  EXPECT_FALSE(s->Remove("abc"));
  EXPECT_FALSE(s->Remove("7"));
  EXPECT_TRUE(s->Remove("5"));
  EXPECT_EQ(s->Members(), (std::vector<std::string>{"-3", "100"}));
  EXPECT_EQ(s->Length(), 2u);
}

TEST(SetValueTest, NonIntegerMemberConvertsToHashtable) {
  auto s = SetValue::CreateIntset();
  s->Add("1", kLimit);
  s->Add("2", kLimit);
  EXPECT_TRUE(s->Add("01", kLimit));  // a string, not the integer 1
  EXPECT_FALSE(s->is_intset());
  EXPECT_EQ(s->encoding(), Encoding::kHashtable);
  EXPECT_EQ(Sorted(s->Members()), (std::vector<std::string>{"01", "1", "2"}));
  EXPECT_TRUE(s->Contains("1"));
  EXPECT_FALSE(s->Add("2", kLimit));
  // Removing the string leaves integers only: the encoding stays (Redis).
  EXPECT_TRUE(s->Remove("01"));
  EXPECT_FALSE(s->is_intset());
}

TEST(SetValueTest, ConvertsPastTheEntryLimit) {
  auto s = SetValue::CreateIntset();
  for (int i = 0; i < 4; ++i) s->Add(std::to_string(i), 4);
  EXPECT_TRUE(s->is_intset());
  s->Add("4", 4);
  EXPECT_FALSE(s->is_intset());
  EXPECT_EQ(s->size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(s->Contains(std::to_string(i)));
  // A limit of 0: the first member still converts (Redis adds, then checks).
  auto z = SetValue::CreateIntset();
  z->Add("1", 0);
  EXPECT_FALSE(z->is_intset());
}

TEST(SetValueTest, CloneIsDeep) {
  for (bool intset : {true, false}) {
    auto s = SetValue::CreateIntset();
    s->Add("1", kLimit);
    s->Add("2", kLimit);
    if (!intset) s->Add("x", kLimit);
    auto copy = s->Clone();
    auto* c = static_cast<SetValue*>(copy.get());
    EXPECT_EQ(c->encoding(), s->encoding());
    EXPECT_EQ(Sorted(c->Members()), Sorted(s->Members()));
    c->Remove("1");
    c->Add("9", kLimit);
    EXPECT_TRUE(s->Contains("1"));
    EXPECT_FALSE(s->Contains("9"));
    EXPECT_GT(s->HeapBytes(), 0u);
  }
}

TEST(SetValueTest, RandomMemberCoversEveryMember) {
  for (bool intset : {true, false}) {
    auto s = SetValue::CreateIntset();
    std::set<std::string> all;
    for (int i = 0; i < 20; ++i) {
      std::string m = intset ? std::to_string(i) : "m" + std::to_string(i);
      s->Add(m, kLimit);
      all.insert(m);
    }
    ASSERT_EQ(s->is_intset(), intset);
    std::map<std::string, int> seen;
    for (int i = 0; i < 4000; ++i) ++seen[s->RandomMember()];
    EXPECT_EQ(seen.size(), all.size());
    for (auto& [m, n] : seen) {
      EXPECT_TRUE(all.count(m)) << m;
      EXPECT_GT(n, 50) << m;  // ~200 expected each
    }
  }
}

TEST(SetValueTest, ScanIntsetReturnsEverythingWithCursorZero) {
  auto s = SetValue::CreateIntset();
  for (int i = 0; i < 50; ++i) s->Add(std::to_string(i), kLimit);
  std::vector<std::string> got;
  EXPECT_EQ(s->Scan(12345, [&](std::string_view m) { got.emplace_back(m); }), 0u);
  EXPECT_EQ(got.size(), 50u);
}

TEST(SetValueTest, ScanHashtableVisitsEveryMemberOnce) {
  auto s = SetValue::CreateFor("a");
  for (int i = 0; i < 1000; ++i) s->Add("m" + std::to_string(i), kLimit);
  std::multiset<std::string> got;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = s->Scan(cursor, [&](std::string_view m) { got.emplace(m); });
    ++calls;
  } while (cursor != 0);
  EXPECT_GT(calls, 1);
  EXPECT_EQ(got.size(), 1000u);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 1000u);
}

TEST(SetValueTest, BinaryMembers) {
  auto s = SetValue::CreateFor(std::string("\0a", 2));
  EXPECT_TRUE(s->Add(std::string("\0a", 2), kLimit));
  EXPECT_TRUE(s->Add("", kLimit));
  EXPECT_FALSE(s->Add("", kLimit));
  EXPECT_TRUE(s->Contains(std::string("\0a", 2)));
  EXPECT_FALSE(s->Contains(std::string("\0b", 2)));
  EXPECT_EQ(s->size(), 2u);
}

TEST(SetValueTest, MoveAssignmentReplacesContents) {
  auto a = SetValue::CreateFor("x");
  a->Add("x", kLimit);
  auto b = SetValue::CreateIntset();
  b->Add("7", kLimit);
  *a = std::move(*b);
  EXPECT_TRUE(a->is_intset());
  EXPECT_EQ(a->Members(), (std::vector<std::string>{"7"}));
}

}  // namespace
}  // namespace spindle::storage
