#pragma once
// Helpers for parsing command options the way Redis does.

#include <string_view>

namespace spindle::commands {

// Redis compares options with strcasecmp on NUL-terminated strings, so an
// argument ends at its first NUL byte ("nx\0junk" is NX). name is lower case.
inline bool OptionIs(std::string_view arg, std::string_view name) {
  size_t nul = arg.find('\0');
  if (nul != std::string_view::npos) arg = arg.substr(0, nul);
  if (arg.size() != name.size()) return false;
  for (size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

}  // namespace spindle::commands
