#include "persistence/compression.h"

#include "common/lzf.h"

namespace spindle::persistence {

bool LzfAvailable() { return true; }

size_t LzfCompressTo(const void* in, size_t in_len, void* out, size_t out_cap) {
  return LzfCompress(in, in_len, out, out_cap);
}

bool LzfDecompressTo(const void* in, size_t in_len, void* out, size_t out_len) {
  // An empty string never reaches LZF (Redis compresses only over 20 bytes),
  // so a zero length is as corrupt as a short result.
  return out_len > 0 && LzfDecompress(in, in_len, out, out_len) == out_len;
}

}  // namespace spindle::persistence
