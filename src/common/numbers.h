#pragma once
// Strict number parsing and formatting with Redis's exact rules (util.c):
// what Redis accepts as an integer or float, and how it prints them, decides
// replies byte for byte, so every command uses these and nothing else.
//
// Thread: any.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spindle {

// Redis's string2ll: optional '-', digits, no '+', no spaces, no leading zeros
// (except "0" itself), no overflow. "" and "-" fail; "-0" fails.
bool StringToInt64(std::string_view s, int64_t* out);
// string2ull semantics for unsigned values (no sign accepted).
bool StringToUint64(std::string_view s, uint64_t* out);

// Redis's string2ld (INCRBYFLOAT, HINCRBYFLOAT): strtold over the whole
// string; fails on empty, leading whitespace, trailing garbage, NaN, or
// longer than MAX_LONG_DOUBLE_CHARS (5 * 1024). Accepts "inf"/"-inf" etc. as strtold does.
bool StringToLongDouble(std::string_view s, long double* out);
// Redis's string2d (getDoubleFromObject, ZADD scores...): strtod over the whole
// string; fails on empty, leading whitespace, trailing garbage, NaN.
bool StringToDouble(std::string_view s, double* out);

// Redis's ld2string modes.
enum class LongDoubleFormat {
  kAuto,   // LD_STR_AUTO: "%.17Lg"
  kHuman,  // LD_STR_HUMAN: "%.17Lf" with trailing zeros (and a bare '.') removed
  kHex,    // LD_STR_HEX: "%La"
};
// Formats v as Redis's ld2string; inf is "inf" / "-inf". Returns "" if the
// result would not fit Redis's MAX_LONG_DOUBLE_CHARS buffer (Redis errors then).
std::string LongDoubleToString(long double v, LongDoubleFormat mode);
// "%.17g" as Redis's addReplyDouble; inf is "inf" / "-inf".
std::string DoubleToString(double v);

// Decimal digits of v into buf (at least 21 bytes). Returns the length.
size_t Int64ToChars(int64_t v, char* buf);
std::string Int64ToString(int64_t v);

// Redis's memtoll: "<int>[b|k|kb|m|mb|g|gb]" case-insensitive, k = 1000,
// kb = 1024 ... . Returns false on a bad unit, a bad number or overflow.
bool ParseMemory(std::string_view s, int64_t* out);

}  // namespace spindle
