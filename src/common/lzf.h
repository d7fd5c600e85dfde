#pragma once
// LZF: the byte-aligned LZ77 format of Marc Lehmann's liblzf, which Redis
// uses to compress quicklist nodes (list-compress-depth) and strings in RDB
// files. Spindle's own implementation of the format; streams it writes decode
// with liblzf and vice versa.
//
// A stream is a sequence of items, each starting with a control byte:
//   000LLLLL <L+1 bytes>           literal run of 1..32 bytes, copied as is
//   LLLooooo oooooooo              back-reference, L in 1..6: copy L+2 bytes
//   111ooooo LLLLLLLL oooooooo     back-reference: copy L+9 bytes (9..264)
// A back-reference copies from `o + 1` bytes (1..8192) behind the current
// end of the output; source and destination may overlap (a run of one byte
// repeated is a back-reference at distance 1). The stream carries neither
// its decompressed length nor a checksum: callers store the length beside it
// (Redis's quicklistLZF keeps node->sz, RDB writes both lengths).
//
// Thread: any (no shared state).

#include <cstddef>

namespace spindle {

// Compresses in[0, in_len) into out[0, out_len). Returns the compressed
// size, or 0 when the result would not fit in out_len bytes (Redis passes
// out_len = in_len - 1 or so to mean "only if it gets smaller"), when in_len
// is 0, or when in_len is beyond 4 GiB - 1. Never writes past out + out_len;
// out's contents past the returned size are unspecified after a 0.
size_t LzfCompress(const void* in, size_t in_len, void* out, size_t out_len);

// Decompresses the stream in[0, in_len) into out[0, out_len). Returns the
// decompressed size, or 0 when the stream is corrupt (a truncated item, a
// back-reference reaching before the start of the output) or does not fit
// in out_len bytes. An empty stream also gives 0. Never reads past
// in + in_len nor writes past out + out_len, whatever the input.
size_t LzfDecompress(const void* in, size_t in_len, void* out, size_t out_len);

}  // namespace spindle
