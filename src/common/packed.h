#pragma once
// Pieces of the packed collection encodings (the listpack forms of hashes
// and sorted sets): unsigned varints, 7 bits a byte, low groups first (one
// byte for every length up to 127), and resizing a malloc'd byte buffer
// around an edit.
//
// Thread: any (pure functions).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

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

// Replaces old_len bytes at offset of the malloc'd buffer *buf (*bytes long)
// by new_len bytes of room, moving the tail and reallocating to the exact
// new size (freed, null, at 0). Returns where the new bytes go (null when
// the buffer became empty). The caller writes them.
inline char* SpliceBytes(char** buf, uint32_t* bytes, size_t offset, size_t old_len,
                         size_t new_len) {
  char* p = *buf;
  const size_t tail = *bytes - offset - old_len;
  const size_t total = *bytes - old_len + new_len;
  if (new_len < old_len) std::memmove(p + offset + new_len, p + offset + old_len, tail);
  if (total == 0) {
    std::free(p);
    p = nullptr;
  } else if (total != *bytes) {
    void* mem = std::realloc(p, total);
    if (mem == nullptr) throw std::bad_alloc();
    p = static_cast<char*>(mem);
  }
  if (new_len > old_len) std::memmove(p + offset + new_len, p + offset + old_len, tail);
  *buf = p;
  *bytes = static_cast<uint32_t>(total);
  return p == nullptr ? nullptr : p + offset;
}

}  // namespace spindle
