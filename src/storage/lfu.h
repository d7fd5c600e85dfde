#pragma once
// Redis's LFU access counter (evict.c), kept in a value's 24-bit access word
// when maxmemory-policy is an LFU policy:
//
//   bits 8..23  the time of the last decrement, in minutes (16 bits, wraps)
//   bits 0..7   a logarithmic counter: each access increments it with
//               probability 1 / ((counter - 5) * lfu-log-factor + 1), so it
//               saturates at 255 after about a million accesses with the
//               default factor of 10
//
// The counter loses one for every lfu-decay-time minutes without access,
// applied lazily when the key is next read (LfuDecrAndReturn). A new key
// starts at kLfuInitVal so it is not evicted before it had a chance to be
// accessed again.
//
// Thread: main thread (the random source is not shared).

#include <cstdint>

namespace spindle::storage {

inline constexpr uint32_t kLfuInitVal = 5;  // Redis's LFU_INIT_VAL

// Minutes since the epoch, 16 bits (Redis's LFUGetTimeInMinutes).
uint32_t LfuTimeInMinutes(int64_t now_ms);
// Minutes elapsed since `last` (16-bit minutes), one wrap assumed.
uint32_t LfuMinutesSince(uint32_t last, int64_t now_ms);
// The counter of `word` after its decay (Redis's LFUDecrAndReturn).
// decay_minutes 0 never decays.
uint32_t LfuDecrAndReturn(uint32_t word, int64_t now_ms, int64_t decay_minutes);
// Probabilistic increment of an 8-bit counter (Redis's LFULogIncr). `rnd`
// is a uniform draw in [0, 1).
uint8_t LfuLogIncr(uint8_t counter, int64_t log_factor, double rnd);
// Redis's updateLFU: decay, increment, stamp now. Uses an internal PRNG.
uint32_t LfuTouch(uint32_t word, int64_t now_ms, int64_t log_factor, int64_t decay_minutes);
// The word of a fresh value: now, kLfuInitVal.
inline uint32_t LfuInitialWord(int64_t now_ms) {
  return (LfuTimeInMinutes(now_ms) << 8) | kLfuInitVal;
}

}  // namespace spindle::storage
