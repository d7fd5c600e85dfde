// libFuzzer target: GlobMatch on arbitrary pattern/string pairs must neither
// crash, read out of bounds, recurse without bound, nor run for long.
// Input layout: first byte = flags (bit 0: nocase), then pattern and string
// separated by the first 0xff byte (or the whole rest as pattern).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool nocase = data[0] & 1;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t sep = rest.find('\xff');
  std::string_view pattern = rest.substr(0, sep);
  std::string_view str = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
  spindle::GlobMatch(pattern, str, nocase);
  // A pattern always matches itself once its specials are escaped.
  std::string escaped;
  for (char c : str) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') escaped += '\\';
    escaped += c;
  }
  if (!spindle::GlobMatch(escaped, str, nocase)) __builtin_trap();
  return 0;
}
