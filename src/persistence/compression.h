#pragma once
// The LZF compression RDB strings use (RDB_ENC_LZF), behind one seam so the
// writer and reader do not care where the codec lives.
//
// Thread: any.

#include <cstddef>

namespace spindle::persistence {

// Whether this build can compress and decompress LZF.
bool LzfAvailable();

// Compresses in_len bytes into out (out_cap bytes). Returns the compressed
// size, or 0 when the result would not fit in out_cap (or LZF is not
// available): the caller then stores the string verbatim, as Redis does.
size_t LzfCompressTo(const void* in, size_t in_len, void* out, size_t out_cap);

// Decompresses in_len bytes into exactly out_len bytes at out. False when
// the input is malformed or does not expand to exactly out_len bytes.
bool LzfDecompressTo(const void* in, size_t in_len, void* out, size_t out_len);

}  // namespace spindle::persistence
