#include "common/hdr_histogram.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace spindle {
namespace {

// Redis's per-command histograms: 1 ns .. 1 s, 2 significant figures.
HdrHistogram RedisHistogram() { return HdrHistogram(1, 1000000000, 2); }

// LATENCY HISTOGRAM's view: log steps from 1024 doubling, each reported as
// (highest equivalent value / 1000, cumulative count) when it added counts.
std::vector<std::pair<int64_t, int64_t>> RedisCdf(const HdrHistogram& h) {
  std::vector<std::pair<int64_t, int64_t>> out;
  HdrHistogram::LogIterator it(h, 1024, 2);
  int64_t previous = 0;
  while (it.Next()) {
    if (it.cumulative_count() > previous) {
      out.emplace_back(it.highest_equivalent() / 1000, it.cumulative_count());
    }
    previous = it.cumulative_count();
  }
  return out;
}

TEST(HdrHistogramTest, LayoutFollowsRangeAndPrecision) {
  // 2 figures: values to 200 at unit resolution -> 256 sub-buckets; 256 <<
  // 22 is the first power past 1e9 -> 23 buckets; (23 + 1) * 128 slots.
  HdrHistogram h = RedisHistogram();
  EXPECT_EQ(h.sub_bucket_count(), 256);
  EXPECT_EQ(h.bucket_count(), 23);
  EXPECT_EQ(h.counts_len(), 3072);
  // 3 figures over an hour in microseconds: 2048 sub-buckets, 22 buckets.
  HdrHistogram hour(1, 3600LL * 1000 * 1000, 3);
  EXPECT_EQ(hour.sub_bucket_count(), 2048);
  EXPECT_EQ(hour.bucket_count(), 22);
  EXPECT_EQ(hour.counts_len(), 23552);
  // A lowest discernible value of 1000 shifts everything by its magnitude.
  HdrHistogram ms(1000, 3600LL * 1000 * 1000, 3);
  EXPECT_EQ(ms.LowestEquivalent(1999), 1536);  // unit 512 (2^9), exact to 2048 * 512
  EXPECT_EQ(ms.SizeOfEquivalentRange(1999), 512);
}

TEST(HdrHistogramTest, EquivalenceRanges) {
  HdrHistogram h = RedisHistogram();
  // Below the sub-bucket count every value is its own slot.
  for (int64_t v : {0, 1, 2, 127, 128, 200, 255}) {
    EXPECT_EQ(h.LowestEquivalent(v), v) << v;
    EXPECT_EQ(h.HighestEquivalent(v), v) << v;
    EXPECT_EQ(h.SizeOfEquivalentRange(v), 1) << v;
  }
  // Then each doubling doubles the width.
  EXPECT_EQ(h.LowestEquivalent(256), 256);
  EXPECT_EQ(h.HighestEquivalent(256), 257);
  EXPECT_EQ(h.LowestEquivalent(257), 256);
  EXPECT_EQ(h.SizeOfEquivalentRange(511), 2);
  EXPECT_EQ(h.SizeOfEquivalentRange(512), 4);
  EXPECT_EQ(h.LowestEquivalent(1030), 1024);
  EXPECT_EQ(h.HighestEquivalent(1024), 1031);
  EXPECT_EQ(h.LowestEquivalent(8031), 8000);
  EXPECT_EQ(h.HighestEquivalent(8031), 8031);
  EXPECT_EQ(h.MedianEquivalent(8001), 8016);
  EXPECT_EQ(h.NextNonEquivalent(8001), 8032);
  EXPECT_EQ(h.LowestEquivalent(80000), 79872);  // width 512
  EXPECT_EQ(h.HighestEquivalent(80000), 80383);
  EXPECT_EQ(h.HighestEquivalent(10100000), 10158079);  // width 65536
  EXPECT_EQ(h.HighestEquivalent(700000000), 700448767);  // width 4194304
  EXPECT_EQ(h.HighestEquivalent(1000000000), 1002438655);
}

TEST(HdrHistogramTest, IndexAndValueAreInverse) {
  HdrHistogram h = RedisHistogram();
  EXPECT_EQ(h.IndexOf(0), 0);
  EXPECT_EQ(h.IndexOf(255), 255);
  EXPECT_EQ(h.IndexOf(256), 256);  // bucket 1's first upper-half slot
  EXPECT_EQ(h.IndexOf(1024), 512);
  EXPECT_EQ(h.ValueAtIndex(3071), 255LL << 22);
  EXPECT_EQ(h.IndexOf(1000000000), 3054);
  for (int32_t i = 0; i < h.counts_len(); ++i) {
    const int64_t v = h.ValueAtIndex(i);
    ASSERT_EQ(h.IndexOf(v), i);
    ASSERT_EQ(h.LowestEquivalent(v), v);
    if (i + 1 < h.counts_len()) {
      ASSERT_EQ(h.NextNonEquivalent(v), h.ValueAtIndex(i + 1)) << i;
    }
  }
}

TEST(HdrHistogramTest, RecordCountsAndRefusesOutOfRange) {
  HdrHistogram h = RedisHistogram();
  EXPECT_EQ(h.total_count(), 0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  EXPECT_EQ(h.Min(), 0);
  EXPECT_EQ(h.Max(), 0);
  EXPECT_TRUE(h.Record(8031));
  EXPECT_TRUE(h.Record(8000));
  EXPECT_FALSE(h.Record(-1));
  // The last slot ends at 255 << 22 plus its width: beyond it, refused.
  EXPECT_TRUE(h.Record((256LL << 22) - 1));
  EXPECT_FALSE(h.Record(256LL << 22));
  EXPECT_EQ(h.total_count(), 3);
  EXPECT_EQ(h.CountAtIndex(h.IndexOf(8000)), 2);
  EXPECT_EQ(h.Min(), 8000);
  EXPECT_EQ(h.Max(), (256LL << 22) - 1);
  h.Record(3);
  EXPECT_EQ(h.Min(), 3);
  h.Reset();
  EXPECT_EQ(h.total_count(), 0);
  EXPECT_EQ(h.CountAtIndex(h.IndexOf(8000)), 0);
}

TEST(HdrHistogramTest, ValueAtPercentile) {
  HdrHistogram h = RedisHistogram();
  for (int64_t v = 1; v <= 100; ++v) h.Record(v);
  // Exact below 256: the k-th value for k = round(p% of 100).
  EXPECT_EQ(h.ValueAtPercentile(50), 50);
  EXPECT_EQ(h.ValueAtPercentile(99), 99);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 100);  // 99.9 + 0.5 -> 100th
  EXPECT_EQ(h.ValueAtPercentile(100), 100);
  EXPECT_EQ(h.ValueAtPercentile(250), 100);  // taken as 100
  EXPECT_EQ(h.ValueAtPercentile(0), 1);      // at least one count
  EXPECT_EQ(h.ValueAtPercentile(0.4), 1);
}

TEST(HdrHistogramTest, PercentilesReportEquivalenceBounds) {
  // Three DEBUG SLEEPs seen by redis-server 7.0.15 (~80 us, ~10.1 ms,
  // ~0.7 s) reported p0=79.872, p12.5=80.383, p50=10158.079,
  // p99=700448.767, p100=700448.767 (ns / 1000): the highest equivalent
  // value, the lowest for p0.
  HdrHistogram h = RedisHistogram();
  h.Record(80000);
  h.Record(10100000);
  h.Record(700000000);
  EXPECT_EQ(h.ValueAtPercentile(0), 79872);
  EXPECT_EQ(h.ValueAtPercentile(12.5), 80383);
  EXPECT_EQ(h.ValueAtPercentile(50), 10158079);
  EXPECT_EQ(h.ValueAtPercentile(99), 700448767);
  EXPECT_EQ(h.ValueAtPercentile(99.99), 700448767);
  EXPECT_EQ(h.ValueAtPercentile(100), 700448767);
}

TEST(HdrHistogramTest, LogIterationStepsAtDoublingLevels) {
  HdrHistogram h = RedisHistogram();
  h.Record(3000);
  HdrHistogram::LogIterator it(h, 1024, 2);
  // Level 1024: stops at slot 1024 (width 8), nothing counted yet.
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.value_iterated_to(), 1024);
  EXPECT_EQ(it.value(), 1024);
  EXPECT_EQ(it.highest_equivalent(), 1031);
  EXPECT_EQ(it.cumulative_count(), 0);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.value_iterated_to(), 2048);
  EXPECT_EQ(it.value_iterated_from(), 1024);
  EXPECT_EQ(it.highest_equivalent(), 2063);
  EXPECT_EQ(it.cumulative_count(), 0);
  // Level 4096 passes 3000's slot.
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.value_iterated_to(), 4096);
  EXPECT_EQ(it.highest_equivalent(), 4127);
  EXPECT_EQ(it.cumulative_count(), 1);
  EXPECT_EQ(it.count_added(), 1);
  // Every count passed and the next slot (4128) is below level 8192: over.
  EXPECT_FALSE(it.Next());
}

TEST(HdrHistogramTest, LogIterationRunsOffTheLastSlot) {
  // What redis-server 7.0.15 answered in LATENCY HISTOGRAM for the three
  // DEBUG SLEEPs above: the 0.7 s one lies past level 2^29, and level 2^30
  // is past the last slot, so the step ends at the last slot (highest
  // equivalent 2^30 - 1).
  HdrHistogram h = RedisHistogram();
  h.Record(80000);
  h.Record(10100000);
  h.Record(700000000);
  const std::vector<std::pair<int64_t, int64_t>> want = {{132, 1}, {16908, 2}, {1073741, 3}};
  EXPECT_EQ(RedisCdf(h), want);
}

TEST(HdrHistogramTest, LogIterationOfSmallValues) {
  HdrHistogram h = RedisHistogram();
  EXPECT_TRUE(RedisCdf(h).empty());
  // Values below the first level all land in its step.
  h.Record(1);
  h.Record(500);
  h.Record(1031);
  h.Record(1032);  // next slot: the 2048 step
  h.Record(8031);  // SET as seen by Redis: "8 1"
  const std::vector<std::pair<int64_t, int64_t>> want = {{1, 3}, {2, 4}, {8, 5}};
  EXPECT_EQ(RedisCdf(h), want);
}

}  // namespace
}  // namespace spindle
