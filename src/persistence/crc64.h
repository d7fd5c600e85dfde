#pragma once
// CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones"
// polynomial 0xad93d23594c935a9, reflected input and output, initial value
// 0 and no final xor. Crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca.
//
// Thread: any (the tables are built once, before main).

#include <cstddef>
#include <cstdint>

namespace spindle::persistence {

// Continues the CRC `crc` over len bytes at data (start with 0).
uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace spindle::persistence
