#pragma once
// Unsigned varints, 7 bits a byte, low groups first: the length prefixes of
// the packed collection encodings (one byte for every length up to 127).
//
// Thread: any (pure functions).

#include <cstddef>
#include <cstdint>

namespace spindle {

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes v at p; returns the byte after it.
inline char* WriteVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline const char* ReadVarintSlow(const char* p, uint64_t* v) {
  uint64_t out = 0;
  int shift = 0;
  for (;;) {
    const auto b = static_cast<unsigned char>(*p++);
    out |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  *v = out;
  return p;
}

// Reads the varint at p into *v; returns the byte after it. The one-byte
// case, by far the most common, takes no loop.
inline const char* ReadVarint(const char* p, uint64_t* v) {
  const auto b = static_cast<unsigned char>(*p);
  if (b < 0x80) {
    *v = b;
    return p + 1;
  }
  return ReadVarintSlow(p, v);
}

}  // namespace spindle
