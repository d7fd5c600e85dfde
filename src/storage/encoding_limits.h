#pragma once
// The thresholds at which a collection leaves its compact encoding, as the
// config directives set them (Redis 7.0 names and defaults; the older
// *-ziplist-* names are aliases of the same directives).
//
// Thread: main thread.

#include <cstdint>

namespace spindle::storage {

struct EncodingLimits {
  int64_t hash_max_listpack_entries = 128;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // list-max-listpack-size: > 0 entries per node; -1..-5 node size limit of
  // 4, 8, 16, 32, 64 KiB. list-compress-depth: nodes kept raw at each end.
  int64_t list_max_listpack_size = -2;
  int64_t list_compress_depth = 0;
};

}  // namespace spindle::storage
