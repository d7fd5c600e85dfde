#pragma once
// Redis's intset byte format (RDB_TYPE_SET_INTSET):
//
//   <encoding: u32 LE, 2 / 4 / 8 bytes per value> <length: u32 LE>
//   <values, ascending, each `encoding` bytes little-endian>
//
// Redis widens an intset when a value needs it and never narrows it again;
// SetValue does not keep that history, so BuildIntset picks the narrowest
// width that holds every value (what a set built by adds alone has).
//
// Thread: any.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spindle::persistence {

// values must be strictly ascending.
std::string BuildIntset(std::span<const int64_t> values);

// Reads an intset, checking the header, the size and that the values are
// strictly ascending (Redis's intsetValidateIntegrity with deep checks).
// False on any malformation.
bool ParseIntset(std::string_view blob, std::vector<int64_t>* values);

}  // namespace spindle::persistence
