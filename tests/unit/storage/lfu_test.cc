#include "storage/lfu.h"

#include <gtest/gtest.h>

namespace spindle::storage {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;

TEST(LfuTest, InitialWordStampsNowWithInitVal) {
  const int64_t now = 1000 * kMinuteMs + 123;
  const uint32_t w = LfuInitialWord(now);
  EXPECT_EQ(w & 255, kLfuInitVal);
  EXPECT_EQ(w >> 8, 1000u);
}

TEST(LfuTest, DecayLosesOnePerPeriod) {
  const int64_t t0 = 5000 * kMinuteMs;
  const uint32_t w = (LfuTimeInMinutes(t0) << 8) | 20;
  EXPECT_EQ(LfuDecrAndReturn(w, t0, 1), 20u);
  EXPECT_EQ(LfuDecrAndReturn(w, t0 + 59 * 1000, 1), 20u);  // under a minute
  EXPECT_EQ(LfuDecrAndReturn(w, t0 + 3 * kMinuteMs, 1), 17u);
  // lfu-decay-time 2: one per two minutes.
  EXPECT_EQ(LfuDecrAndReturn(w, t0 + 6 * kMinuteMs, 2), 17u);
  // Never below zero.
  EXPECT_EQ(LfuDecrAndReturn(w, t0 + 100 * kMinuteMs, 1), 0u);
  // lfu-decay-time 0: never decays.
  EXPECT_EQ(LfuDecrAndReturn(w, t0 + 100 * kMinuteMs, 0), 20u);
}

TEST(LfuTest, DecayAcrossTheSixteenBitWrap) {
  // Last decrement at minute 65530; now is minute 4 of the next cycle.
  const uint32_t w = (65530u << 8) | 30;
  const int64_t now = (65536LL + 4) * kMinuteMs;
  EXPECT_EQ(LfuMinutesSince(65530, now), 65535u - 65530u + 4u);
  EXPECT_EQ(LfuDecrAndReturn(w, now, 1), 30u - 9u);
}

TEST(LfuTest, LogIncrProbability) {
  // At or below LFU_INIT_VAL the increment is certain.
  EXPECT_EQ(LfuLogIncr(0, 10, 0.999), 1);
  EXPECT_EQ(LfuLogIncr(5, 10, 0.999), 6);
  // Above it, p = 1 / ((counter - 5) * factor + 1): counter 15, factor 10 -> 1/101.
  EXPECT_EQ(LfuLogIncr(15, 10, 0.0098), 16);
  EXPECT_EQ(LfuLogIncr(15, 10, 0.0100), 15);
  // Saturates at 255.
  EXPECT_EQ(LfuLogIncr(255, 0, 0.0), 255);
}

TEST(LfuTest, CounterGrowsLogarithmically) {
  // Redis's table for lfu-log-factor 10: about 10 after 100 hits, about 18
  // after 1000, about 142 after 1M (redis.conf). Check the shape, loosely
  // enough for the randomness.
  const int64_t now = 7000 * kMinuteMs;
  uint32_t w = LfuInitialWord(now);
  for (int i = 0; i < 100; ++i) w = LfuTouch(w, now, 10, 1);
  const uint32_t after100 = w & 255;
  for (int i = 0; i < 900; ++i) w = LfuTouch(w, now, 10, 1);
  const uint32_t after1000 = w & 255;
  EXPECT_GE(after100, 8u);
  EXPECT_LE(after100, 13u);
  EXPECT_GE(after1000, 15u);
  EXPECT_LE(after1000, 22u);
  // Factor 0: every access counts.
  uint32_t fast = LfuInitialWord(now);
  for (int i = 0; i < 100; ++i) fast = LfuTouch(fast, now, 0, 1);
  EXPECT_EQ(fast & 255, 105u);
}

TEST(LfuTest, TouchAppliesDecayThenStampsNow) {
  const int64_t t0 = 9000 * kMinuteMs;
  uint32_t w = (LfuTimeInMinutes(t0) << 8) | 40;
  w = LfuTouch(w, t0 + 10 * kMinuteMs, 10, 1);
  // 40 - 10 = 30, then maybe +1 (p = 1/251).
  EXPECT_GE(w & 255, 30u);
  EXPECT_LE(w & 255, 31u);
  EXPECT_EQ(w >> 8, LfuTimeInMinutes(t0 + 10 * kMinuteMs));
}

}  // namespace
}  // namespace spindle::storage
