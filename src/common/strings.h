#pragma once
// String helpers shared by the config parser, the inline protocol and
// commands.
//
// Thread: any.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spindle {

// Redis's sdssplitargs: splits a line into arguments separated by spaces,
// honouring "double quotes" (with \n \r \t \b \a \\ \" and \xHH escapes) and
// 'single quotes' (only \' escaped). A closing quote must be followed by a
// space or the end. Returns nullopt on unbalanced quotes.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line);

// What Redis sees of an argument it formats or compares as a C string: the
// bytes up to the first NUL.
inline std::string_view CStringView(std::string_view s) {
  return s.substr(0, s.find('\0'));
}

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);

// Redis's sdscatrepr: the quoted, escaped form of s ("\"foo\\n\"") used in
// error messages and CLIENT LIST.
std::string Repr(std::string_view s);

}  // namespace spindle
