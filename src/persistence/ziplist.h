#pragma once
// The encodings Redis wrote before 7.0, read (never written) so that a
// Redis 7.0 server's loadable files all load here:
//
//   ziplist  <zlbytes: u32 LE> <zltail: u32 LE> <zllen: u16 LE> entries 0xFF
//            (RDB_TYPE_LIST_ZIPLIST, HASH_ZIPLIST, ZSET_ZIPLIST and the nodes
//            of LIST_QUICKLIST); each entry is <prevlen> <encoding> <data>,
//            prevlen being 1 byte, or 0xFE and a u32 LE when 254 or more.
//   zipmap   <count: u8> (<len> key <len> <free: u8> value <free bytes>)* 0xFF
//            (RDB_TYPE_HASH_ZIPMAP, Redis 2.4 and older); a length is 1 byte,
//            or 0xFE and a u32 LE when 254 or more.
//
// Thread: any.

#include <functional>
#include <string_view>

#include "persistence/listpack.h"

namespace spindle::persistence {

// Validates the whole ziplist (header, prevlens, encodings, bounds, count,
// zltail, end byte; Redis's ziplistValidateIntegrity with deep checks) and
// calls fn for each entry in order (the entry type is shared with listpacks:
// an integer or a string pointing into zl). fn returns false to fail.
bool ForEachZiplistEntry(std::string_view zl, const std::function<bool(const ListpackEntry&)>& fn);

// Validates a zipmap and calls fn(field, value) for each pair in order.
bool ForEachZipmapPair(
    std::string_view zm,
    const std::function<bool(std::string_view field, std::string_view value)>& fn);

}  // namespace spindle::persistence
