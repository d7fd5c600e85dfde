// LZF compression and decompression (format in lzf.h).
//
// The compressor is a greedy LZ77 over a hash table of 3-byte prefixes, in
// the spirit of liblzf but not its code: each position hashes its next three
// bytes; when the table names an earlier position within reach (8 KiB back)
// that starts with the same three bytes, the match is extended as far as the
// format allows (264 bytes) and emitted as a back-reference; otherwise the
// byte joins the pending literal run. Pending literals are written in runs
// of at most 32 when a back-reference or the end interrupts them. Every
// position inside a match is indexed too, which costs little next to the
// byte comparisons already made and finds more of the repeats that list
// nodes are full of (the same prefix in every element).
//
// The output is a valid LZF stream but not byte-identical to liblzf's
// (different hash, table size, and match choices); decoders do not care.
//
// The decompressor validates every item before copying: a literal run or a
// back-reference must fit in the output, a literal run must be wholly in the
// input, and a back-reference must not reach before the start of the output.

#include "common/lzf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace spindle {
namespace {

constexpr size_t kMaxLiteralRun = 32;  // 000LLLLL: L + 1
constexpr size_t kMaxDistance = 8192;  // 13-bit offset o: distance o + 1
constexpr size_t kMinMatch = 3;        // shortest back-reference
constexpr size_t kMaxShortMatch = 8;   // LLL in 1..6: L + 2
constexpr size_t kMaxMatch = 264;      // 111 + extension byte 255: 255 + 9
constexpr int kMaxHashBits = 13;       // 8K slots, 32 KiB of stack

uint32_t Hash3(const uint8_t* p, int bits) {
  uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
  return (v * 2654435761u) >> (32 - bits);
}

}  // namespace

size_t LzfCompress(const void* in, size_t in_len, void* out, size_t out_len) {
  if (in_len == 0 || in_len >= UINT32_MAX) return 0;
  const auto* src = static_cast<const uint8_t*>(in);
  auto* dst = static_cast<uint8_t*>(out);

  // A small input needs a small table: zeroing 32 KiB to compress 50 bytes
  // would cost more than the compression.
  int bits = 8;
  while (bits < kMaxHashBits && (size_t{1} << bits) < in_len) ++bits;
  uint32_t table[size_t{1} << kMaxHashBits];  // position + 1; 0 = empty
  std::fill_n(table, size_t{1} << bits, 0u);

  size_t ip = 0;         // next input byte to look at
  size_t op = 0;         // output bytes written
  size_t lit_begin = 0;  // first input byte of the pending literal run

  // Writes the literals in [lit_begin, upto) as runs of at most 32.
  auto flush_literals = [&](size_t upto) {
    while (lit_begin < upto) {
      size_t run = std::min(kMaxLiteralRun, upto - lit_begin);
      if (out_len - op < run + 1) return false;
      dst[op++] = static_cast<uint8_t>(run - 1);
      std::memcpy(dst + op, src + lit_begin, run);
      op += run;
      lit_begin += run;
    }
    return true;
  };

  while (ip + kMinMatch <= in_len) {
    uint32_t h = Hash3(src + ip, bits);
    size_t candidate = table[h];
    table[h] = static_cast<uint32_t>(ip + 1);
    if (candidate != 0) {
      size_t ref = candidate - 1;
      size_t distance = ip - ref;
      if (distance <= kMaxDistance && std::memcmp(src + ref, src + ip, kMinMatch) == 0) {
        size_t limit = std::min(kMaxMatch, in_len - ip);
        size_t len = kMinMatch;
        while (len < limit && src[ref + len] == src[ip + len]) ++len;
        if (!flush_literals(ip)) return 0;
        size_t o = distance - 1;
        if (len <= kMaxShortMatch) {
          if (out_len - op < 2) return 0;
          dst[op++] = static_cast<uint8_t>(((len - 2) << 5) | (o >> 8));
        } else {
          if (out_len - op < 3) return 0;
          dst[op++] = static_cast<uint8_t>((7 << 5) | (o >> 8));
          dst[op++] = static_cast<uint8_t>(len - 9);
        }
        dst[op++] = static_cast<uint8_t>(o & 0xff);
        for (size_t p = ip + 1; p < ip + len && p + kMinMatch <= in_len; ++p) {
          table[Hash3(src + p, bits)] = static_cast<uint32_t>(p + 1);
        }
        ip += len;
        lit_begin = ip;
        continue;
      }
    }
    ++ip;
  }
  if (!flush_literals(in_len)) return 0;
  return op;
}

size_t LzfDecompress(const void* in, size_t in_len, void* out, size_t out_len) {
  const auto* ip = static_cast<const uint8_t*>(in);
  const uint8_t* const in_end = ip + in_len;
  auto* const out_begin = static_cast<uint8_t*>(out);
  uint8_t* op = out_begin;
  uint8_t* const out_end = out_begin + out_len;

  while (ip < in_end) {
    size_t ctrl = *ip++;
    if (ctrl < kMaxLiteralRun) {
      size_t run = ctrl + 1;
      if (static_cast<size_t>(in_end - ip) < run) return 0;   // truncated run
      if (static_cast<size_t>(out_end - op) < run) return 0;  // output too small
      std::memcpy(op, ip, run);
      ip += run;
      op += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip == in_end) return 0;
      len += *ip++;
    }
    len += 2;
    if (ip == in_end) return 0;
    size_t distance = (((ctrl & 0x1f) << 8) | *ip++) + 1;
    if (static_cast<size_t>(op - out_begin) < distance) return 0;  // before the start
    if (static_cast<size_t>(out_end - op) < len) return 0;
    const uint8_t* ref = op - distance;
    if (distance >= len) {
      std::memcpy(op, ref, len);
      op += len;
    } else {
      // Overlapping: each byte may be one this same item just wrote.
      for (size_t i = 0; i < len; ++i) *op++ = *ref++;
    }
  }
  return static_cast<size_t>(op - out_begin);
}

}  // namespace spindle
