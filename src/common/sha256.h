#pragma once
// SHA-256 (FIPS 180-4), for ACL password hashes: Redis stores and compares
// passwords as the lower-case hex of their SHA-256.
//
// Thread: any (no shared state).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace spindle {

std::array<uint8_t, 32> Sha256(std::string_view data);
// The 64 lower-case hex characters of Sha256(data).
std::string Sha256Hex(std::string_view data);

}  // namespace spindle
