#include "persistence/intset.h"

#include <gtest/gtest.h>

#include <vector>

#include "test_bytes.h"

namespace spindle::persistence {
namespace {

using testing::Hex;
using testing::ToHex;

// The intsets redis-server 7.0.15 DUMPs for SADD si 1 2 3, SADD si4 1 70000
// and SADD si8 -5 1099511627776.
TEST(IntsetTest, MatchesRedisForEachWidth) {
  std::vector<int64_t> v16 = {1, 2, 3};
  EXPECT_EQ(ToHex(BuildIntset(v16)), "0200000003000000010002000300");
  std::vector<int64_t> v32 = {1, 70000};
  EXPECT_EQ(ToHex(BuildIntset(v32)),
            "0400000002000000"
            "01000000"
            "70110100");
  std::vector<int64_t> v64 = {-5, int64_t{1} << 40};
  EXPECT_EQ(ToHex(BuildIntset(v64)),
            "0800000002000000"
            "fbffffffffffffff"
            "0000000000010000");
}

TEST(IntsetTest, ParsesWhatItBuilds) {
  std::vector<int64_t> values = {INT64_MIN, -70000, -1, 0, 5, 40000, INT64_MAX};
  std::vector<int64_t> back;
  ASSERT_TRUE(ParseIntset(BuildIntset(values), &back));
  EXPECT_EQ(back, values);
}

TEST(IntsetTest, RejectsMalformedInput) {
  std::vector<int64_t> back;
  EXPECT_FALSE(ParseIntset("", &back));
  EXPECT_FALSE(ParseIntset(Hex("03000000"
                               "01000000"
                               "010203"),
                           &back));  // width 3
  EXPECT_FALSE(ParseIntset(Hex("02000000"
                               "02000000"
                               "0100"),
                           &back));  // short
  EXPECT_FALSE(ParseIntset(Hex("02000000"
                               "01000000"
                               "010002"),
                           &back));  // long
  EXPECT_FALSE(ParseIntset(Hex("02000000"
                               "02000000"
                               "02000100"),
                           &back));  // descending
  EXPECT_FALSE(ParseIntset(Hex("02000000"
                               "02000000"
                               "01000100"),
                           &back));  // duplicate
}

}  // namespace
}  // namespace spindle::persistence
