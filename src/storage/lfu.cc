#include "storage/lfu.h"

namespace spindle::storage {
namespace {

// xorshift64*: the increment only needs a cheap uniform draw.
uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

double NextUniform() {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  const uint64_t r = rng_state * 2685821657736338717ULL;
  return static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);  // 53 bits
}

}  // namespace

uint32_t LfuTimeInMinutes(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 1000) / 60) & 65535;
}

uint32_t LfuMinutesSince(uint32_t last, int64_t now_ms) {
  const uint32_t now = LfuTimeInMinutes(now_ms);
  if (now >= last) return now - last;
  return 65535 - last + now;
}

uint32_t LfuDecrAndReturn(uint32_t word, int64_t now_ms, int64_t decay_minutes) {
  const uint32_t last = (word >> 8) & 65535;
  const uint32_t counter = word & 255;
  const int64_t periods = decay_minutes > 0 ? LfuMinutesSince(last, now_ms) / decay_minutes : 0;
  if (periods == 0) return counter;
  return periods > static_cast<int64_t>(counter) ? 0 : counter - static_cast<uint32_t>(periods);
}

uint8_t LfuLogIncr(uint8_t counter, int64_t log_factor, double rnd) {
  if (counter == 255) return 255;
  double base = static_cast<double>(counter) - kLfuInitVal;
  if (base < 0) base = 0;
  const double p = 1.0 / (base * static_cast<double>(log_factor) + 1);
  return rnd < p ? counter + 1 : counter;
}

uint32_t LfuTouch(uint32_t word, int64_t now_ms, int64_t log_factor, int64_t decay_minutes) {
  uint32_t counter = LfuDecrAndReturn(word, now_ms, decay_minutes);
  counter = LfuLogIncr(static_cast<uint8_t>(counter), log_factor, NextUniform());
  return (LfuTimeInMinutes(now_ms) << 8) | counter;
}

}  // namespace spindle::storage
