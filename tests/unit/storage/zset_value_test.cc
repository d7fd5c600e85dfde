// ZSetValue: both encodings, conversion at both thresholds, ranks, score and
// lex ranges with exclusive bounds, Clone. Larger sets are checked against a
// sorted reference vector.

#include "storage/zset_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace spindle::storage {
namespace {

using Element = ZSetValue::Element;

std::vector<std::pair<std::string, double>> All(const ZSetValue& z) {
  std::vector<std::pair<std::string, double>> out;
  z.Visit(0, z.size(), false, [&](std::string_view m, double s) {
    out.emplace_back(std::string(m), s);
    return true;
  });
  return out;
}

EncodingLimits Limits(int64_t entries, int64_t value) {
  EncodingLimits l;
  l.zset_max_listpack_entries = entries;
  l.zset_max_listpack_value = value;
  return l;
}

TEST(ZSetValueTest, CreateForFirstPicksEncoding) {
  EXPECT_TRUE(ZSetValue::CreateForFirst(Limits(128, 64), 64)->is_listpack());
  EXPECT_FALSE(ZSetValue::CreateForFirst(Limits(128, 64), 65)->is_listpack());
  EXPECT_FALSE(ZSetValue::CreateForFirst(Limits(0, 64), 1)->is_listpack());
  EXPECT_EQ(ZSetValue::CreateForFirst(Limits(128, 64), 1)->encoding(), Encoding::kListpack);
  EXPECT_EQ(ZSetValue::CreateForFirst(Limits(0, 64), 1)->encoding(), Encoding::kSkiplist);
}

TEST(ZSetValueTest, ConvertsAtEntriesThreshold) {
  EncodingLimits l = Limits(3, 64);
  auto z = ZSetValue::CreateForFirst(l, 1);
  z->Insert("a", 1, l);
  z->Insert("b", 2, l);
  z->Insert("c", 3, l);
  EXPECT_TRUE(z->is_listpack());
  z->Insert("d", 0, l);
  EXPECT_FALSE(z->is_listpack());
  EXPECT_EQ(All(*z),
            (std::vector<std::pair<std::string, double>>{{"d", 0}, {"a", 1}, {"b", 2}, {"c", 3}}));
  // One-way: removing never converts back.
  z->Remove("a");
  z->Remove("b");
  EXPECT_FALSE(z->is_listpack());
}

TEST(ZSetValueTest, ConvertsAtValueThreshold) {
  EncodingLimits l = Limits(128, 4);
  auto z = ZSetValue::CreateForFirst(l, 4);
  z->Insert("abcd", 1, l);
  EXPECT_TRUE(z->is_listpack());
  z->Insert("abcde", 2, l);
  EXPECT_FALSE(z->is_listpack());
  double s;
  ASSERT_TRUE(z->Score("abcd", &s));
  EXPECT_EQ(s, 1);
}

TEST(ZSetValueTest, CreateFromPicksBySize) {
  EncodingLimits l = Limits(2, 3);
  EXPECT_TRUE(ZSetValue::CreateFrom(l, {{"b", 2}, {"a", 1}})->is_listpack());
  EXPECT_FALSE(ZSetValue::CreateFrom(l, {{"b", 2}, {"a", 1}, {"c", 0}})->is_listpack());
  EXPECT_FALSE(ZSetValue::CreateFrom(l, {{"long", 2}})->is_listpack());
  auto z = ZSetValue::CreateFrom(l, {{"b", 2}, {"a", 2}});
  EXPECT_EQ(All(*z), (std::vector<std::pair<std::string, double>>{{"a", 2}, {"b", 2}}));
}

TEST(ZSetValueTest, ListpackNormalisesNegativeZero) {
  EncodingLimits l = Limits(128, 64);
  auto lp = ZSetValue::CreateForFirst(l, 1);
  lp->Insert("a", -0.0, l);
  double s;
  ASSERT_TRUE(lp->Score("a", &s));
  EXPECT_FALSE(std::signbit(s));
  auto sl = ZSetValue::CreateForFirst(Limits(0, 64), 1);
  sl->Insert("a", -0.0, l);
  ASSERT_TRUE(sl->Score("a", &s));
  EXPECT_TRUE(std::signbit(s));
}

// Runs the same operations on both encodings and on a reference.
class BothEncodings : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    limits_ = GetParam() ? Limits(1 << 20, 1 << 20) : Limits(0, 64);
    z_ = ZSetValue::CreateForFirst(limits_, 0);
    ASSERT_EQ(z_->is_listpack(), GetParam());
  }
  void Add(const std::string& m, double s) {
    double old;
    if (z_->Score(m, &old)) {
      z_->UpdateScore(m, old, s);
      auto it = std::find_if(ref_.begin(), ref_.end(), [&](auto& e) { return e.first == m; });
      it->second = s;
    } else {
      z_->Insert(m, s, limits_);
      ref_.emplace_back(m, s);
    }
    std::sort(ref_.begin(), ref_.end(),
              [](auto& a, auto& b) { return ZElementLess(a.second, a.first, b.second, b.first); });
  }
  EncodingLimits limits_;
  std::unique_ptr<ZSetValue> z_;
  std::vector<std::pair<std::string, double>> ref_;
};

TEST_P(BothEncodings, OrderRankAndAt) {
  Add("b", 1);
  Add("a", 1);
  Add("c", -1);
  Add(std::string("\xff", 1), 1);
  Add(std::string("a\0", 2), 1);
  Add("inf", std::numeric_limits<double>::infinity());
  EXPECT_EQ(All(*z_), ref_);
  for (size_t i = 0; i < ref_.size(); ++i) {
    size_t r;
    ASSERT_TRUE(z_->Rank(ref_[i].first, &r));
    EXPECT_EQ(r, i);
    EXPECT_EQ(z_->At(i).member, ref_[i].first);
  }
  size_t r;
  EXPECT_FALSE(z_->Rank("zz", &r));
  // memcmp order: "a" < "a\0" < "b" < "\xff".
  EXPECT_EQ(z_->At(1).member, "a");
  EXPECT_EQ(z_->At(2).member, std::string("a\0", 2));
  EXPECT_EQ(z_->At(4).member, "\xff");
}

TEST_P(BothEncodings, ScoreRanges) {
  for (int i = 0; i < 10; ++i) Add("m" + std::to_string(i), i);
  ZScoreRange r{2, 5, false, false};
  EXPECT_EQ(z_->ScoreRangeBegin(r), 2u);
  EXPECT_EQ(z_->ScoreRangeEnd(r), 6u);
  r = {2, 5, true, true};
  EXPECT_EQ(z_->ScoreRangeBegin(r), 3u);
  EXPECT_EQ(z_->ScoreRangeEnd(r), 5u);
  r = {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(), false,
       false};
  EXPECT_EQ(z_->ScoreRangeBegin(r), 0u);
  EXPECT_EQ(z_->ScoreRangeEnd(r), 10u);
  r = {5, 2, false, false};  // empty: end <= begin
  EXPECT_LE(z_->ScoreRangeEnd(r), z_->ScoreRangeBegin(r));
}

TEST_P(BothEncodings, LexRanges) {
  for (const char* m : {"a", "b", "c", "d", "e"}) Add(m, 0);
  ZLexRange r;
  r.min = {ZLexBound::Kind::kValue, "b", false};
  r.max = {ZLexBound::Kind::kValue, "d", true};
  EXPECT_EQ(z_->LexRangeBegin(r), 1u);
  EXPECT_EQ(z_->LexRangeEnd(r), 3u);
  r.min = {ZLexBound::Kind::kValue, "b", true};
  r.max = {ZLexBound::Kind::kPlusInf, "", false};
  EXPECT_EQ(z_->LexRangeBegin(r), 2u);
  EXPECT_EQ(z_->LexRangeEnd(r), 5u);
  r.min = {ZLexBound::Kind::kMinusInf, "", false};
  r.max = {ZLexBound::Kind::kMinusInf, "", false};
  EXPECT_EQ(z_->LexRangeEnd(r), 0u);
}

TEST_P(BothEncodings, RemoveRanksAndVisitReverse) {
  for (int i = 0; i < 8; ++i) Add("m" + std::to_string(i), i);
  EXPECT_EQ(z_->RemoveRanks(2, 5), 3u);
  ref_.erase(ref_.begin() + 2, ref_.begin() + 5);
  EXPECT_EQ(All(*z_), ref_);
  std::vector<std::string> rev;
  z_->Visit(1, 4, true, [&](std::string_view m, double) {
    rev.emplace_back(m);
    return true;
  });
  EXPECT_EQ(rev, (std::vector<std::string>{"m6", "m5", "m1"}));
}

TEST_P(BothEncodings, RandomisedAgainstReference) {
  std::mt19937 rng(42);
  for (int step = 0; step < 3000; ++step) {
    std::string m = "k" + std::to_string(rng() % 300);
    int op = rng() % 4;
    if (op < 2) {
      Add(m, static_cast<double>(static_cast<int>(rng() % 50) - 25));
    } else if (op == 2) {
      bool had = std::any_of(ref_.begin(), ref_.end(), [&](auto& e) { return e.first == m; });
      EXPECT_EQ(z_->Remove(m), had);
      std::erase_if(ref_, [&](auto& e) { return e.first == m; });
    } else if (!ref_.empty()) {
      size_t a = rng() % ref_.size(), b = rng() % (ref_.size() + 1);
      if (a > b) std::swap(a, b);
      if (b - a > 3) b = a + 3;
      EXPECT_EQ(z_->RemoveRanks(a, b), b - a);
      ref_.erase(ref_.begin() + a, ref_.begin() + b);
    }
    ASSERT_EQ(z_->size(), ref_.size());
  }
  EXPECT_EQ(All(*z_), ref_);
  for (size_t i = 0; i < ref_.size(); i += 7) {
    size_t r;
    ASSERT_TRUE(z_->Rank(ref_[i].first, &r));
    EXPECT_EQ(r, i);
    EXPECT_EQ(z_->At(i).member, ref_[i].first);
  }
}

TEST_P(BothEncodings, CloneIsDeep) {
  Add("a", 1);
  Add("b", 2);
  auto copy = z_->Clone();
  auto* c = static_cast<ZSetValue*>(copy.get());
  z_->Remove("a");
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(c->encoding(), z_->encoding());
  EXPECT_EQ(All(*c), (std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2}}));
  EXPECT_GT(c->HeapBytes(), 0u);
}

// Scores of every shape survive both encodings exactly: the listpack writes
// integers of up to 53 bits as varints and anything else as the double's
// bytes.
TEST_P(BothEncodings, ScoresRoundTripExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  // Small and large integers on both sides of 2^53, fractions, infinities,
  // the smallest denormal.
  const std::vector<double> scores = {
      0,          1,           -1,     63,      64,  -64, 8191, 8192, 0x1p53, -0x1p53,
      0x1p53 + 2, -0x1p53 - 2, 1e300,  -1e-300, 0.1, 1.5, -2.5, inf,  -inf,   123456789012.0,
      9.3e18,     -9.3e18,     5e-324, 0x1p62};
  for (size_t i = 0; i < std::size(scores); ++i) Add("m" + std::to_string(i), scores[i]);
  EXPECT_EQ(All(*z_), ref_);
  for (size_t i = 0; i < std::size(scores); ++i) {
    double got;
    ASSERT_TRUE(z_->Score("m" + std::to_string(i), &got));
    EXPECT_EQ(got, scores[i]) << i;
  }
  // And after every element moved once.
  for (size_t i = 0; i < std::size(scores); ++i) {
    Add("m" + std::to_string(i), scores[(i + 5) % std::size(scores)]);
  }
  EXPECT_EQ(All(*z_), ref_);
}

// Score updates that keep an element's place (done in place on a skiplist)
// and ones that move it, with ranks and score ranges checked after each.
TEST_P(BothEncodings, UpdateScoresAgainstReference) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) Add("e" + std::to_string(i), i);
  for (int step = 0; step < 2000; ++step) {
    const std::string m = "e" + std::to_string(rng() % 200);
    double old;
    ASSERT_TRUE(z_->Score(m, &old));
    // Half the time a nudge that keeps the place, else anywhere.
    const double score = step % 2 == 0 ? old + 0.001 : static_cast<double>(rng() % 400) / 2;
    Add(m, score);
    if (step % 50 == 0) {
      ASSERT_EQ(All(*z_), ref_);
      for (size_t i = 0; i < ref_.size(); i += 13) {
        size_t r;
        ASSERT_TRUE(z_->Rank(ref_[i].first, &r));
        ASSERT_EQ(r, i);
      }
      ZScoreRange range{50, 100, false, true};
      const auto below =
          std::count_if(ref_.begin(), ref_.end(), [](auto& e) { return e.second < 50; });
      const auto upto =
          std::count_if(ref_.begin(), ref_.end(), [](auto& e) { return e.second < 100; });
      EXPECT_EQ(z_->ScoreRangeBegin(range), static_cast<size_t>(below));
      EXPECT_EQ(z_->ScoreRangeEnd(range), static_cast<size_t>(upto));
    }
  }
  EXPECT_EQ(All(*z_), ref_);
}

// Empty, binary and long members (a 2-byte varint length, and 100 KB).
TEST_P(BothEncodings, EmptyBinaryAndLargeMembers) {
  const std::vector<std::string> members = {"",
                                            std::string("\0", 1),
                                            std::string("\xff\x00\r\n", 4),
                                            std::string(200, 'm'),
                                            std::string(100000, 'x'),
                                            "plain"};
  for (size_t i = 0; i < members.size(); ++i) Add(members[i], static_cast<double>(i % 3));
  EXPECT_EQ(All(*z_), ref_);
  for (size_t i = 0; i < ref_.size(); ++i) {
    size_t r;
    ASSERT_TRUE(z_->Rank(ref_[i].first, &r));
    EXPECT_EQ(r, i);
    EXPECT_EQ(z_->At(i).member, ref_[i].first);
  }
  EXPECT_TRUE(z_->Remove(std::string(100000, 'x')));
  EXPECT_TRUE(z_->Remove(""));
  EXPECT_FALSE(z_->Remove(""));
  std::erase_if(ref_, [](auto& e) { return e.first.empty() || e.first.size() == 100000; });
  EXPECT_EQ(All(*z_), ref_);
  double s;
  EXPECT_TRUE(z_->Score(std::string("\0", 1), &s));
  EXPECT_FALSE(z_->Score(std::string(100000, 'x'), &s));
}

// Removed ranks leave the member index too.
TEST_P(BothEncodings, RemoveRanksUnindexes) {
  for (int i = 0; i < 100; ++i) Add("r" + std::to_string(i), i);
  EXPECT_EQ(z_->RemoveRanks(10, 90), 80u);
  double s;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(z_->Score("r" + std::to_string(i), &s), i < 10 || i >= 90) << i;
  }
  EXPECT_EQ(z_->RemoveRanks(0, 100), 20u);
  EXPECT_EQ(z_->size(), 0u);
  EXPECT_TRUE(All(*z_).empty());
  ref_.clear();
  Add("again", 1);
  EXPECT_EQ(All(*z_), ref_);
}

// A listpack is packed: member length, bytes, score.
TEST(ZSetValueTest, ListpackBytes) {
  EncodingLimits l = Limits(128, 64);
  auto z = ZSetValue::CreateForFirst(l, 1);
  z->Insert("a", 1, l);
  EXPECT_EQ(z->HeapBytes(), 3u);  // 1 + 1 + 1
  z->Insert("b", 0.5, l);
  EXPECT_EQ(z->HeapBytes(), 14u);  // + 1 + 1 + 1 + 8
  z->Remove("a");
  z->Remove("b");
  EXPECT_EQ(z->HeapBytes(), 0u);
  EXPECT_EQ(z->size(), 0u);
}

// Conversion keeps every element, whatever its score's listpack form.
TEST(ZSetValueTest, ConversionKeepsScoresAndMembers) {
  EncodingLimits l = Limits(1000, 1000);
  auto z = ZSetValue::CreateForFirst(l, 1);
  std::vector<std::pair<std::string, double>> ref;
  for (int i = 0; i < 300; ++i) {
    std::string m = std::string(i % 5, '\0') + "m" + std::to_string(i);
    double score = i % 3 == 0 ? i * 1e10 : i % 3 == 1 ? -i / 7.0 : i;
    z->Insert(m, score, l);
    ref.emplace_back(m, score);
  }
  std::sort(ref.begin(), ref.end(),
            [](auto& a, auto& b) { return ZElementLess(a.second, a.first, b.second, b.first); });
  ASSERT_TRUE(z->is_listpack());
  EXPECT_EQ(All(*z), ref);
  z->ConvertToSkiplist();
  EXPECT_FALSE(z->is_listpack());
  EXPECT_EQ(All(*z), ref);
  for (const auto& [m, score] : ref) {
    double got;
    ASSERT_TRUE(z->Score(m, &got));
    EXPECT_EQ(got, score);
  }
}

// ZSCAN's storage side: a listpack visits everything in order and returns 0;
// a skiplist pages through its member index, and a member present
// throughout is visited (with its current score) while others come and go,
// scores move and the index grows and shrinks.
TEST(ZSetValueTest, ScanSeesEveryStableMemberAcrossResizes) {
  EncodingLimits l = Limits(128, 64);
  auto lp = ZSetValue::CreateForFirst(l, 1);
  lp->Insert("b", 2, l);
  lp->Insert("a", 1, l);
  std::vector<std::pair<std::string, double>> seen_lp;
  EXPECT_EQ(lp->Scan(99, [&](std::string_view m, double s) { seen_lp.emplace_back(m, s); }), 0u);
  EXPECT_EQ(seen_lp, (std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2}}));

  auto z = ZSetValue::CreateForFirst(Limits(0, 64), 1);
  for (int i = 0; i < 500; ++i) z->Insert("s" + std::to_string(i), i, l);
  std::map<std::string, double> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = z->Scan(cursor, [&](std::string_view m, double s) { seen[std::string(m)] = s; });
    ++step;
    for (int i = 0; i < 500; i += 11) {
      const std::string m = "s" + std::to_string(i);
      z->UpdateScore(m, step == 1 ? i : i + step - 1, i + step);
    }
    if (step < 40) {
      for (int j = 0; j < 100; ++j) z->Insert("x" + std::to_string(step * 100 + j), -j, l);
    } else if (step < 80) {
      for (int j = 0; j < 100; ++j) z->Remove("x" + std::to_string((step - 40) * 100 + j));
    }
  } while (cursor != 0);
  EXPECT_GT(step, 40);
  for (int i = 0; i < 500; ++i) {
    const std::string m = "s" + std::to_string(i);
    ASSERT_TRUE(seen.count(m)) << m;
    if (i % 11 != 0) {
      EXPECT_EQ(seen[m], i);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, BothEncodings, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Listpack" : "Skiplist"; });

}  // namespace
}  // namespace spindle::storage
