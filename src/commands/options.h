#pragma once
// Helpers for parsing command arguments the way Redis does.

#include <cstdint>
#include <string_view>

#include "commands/command_table.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"

namespace spindle::commands {

// Redis compares options with strcasecmp on NUL-terminated strings, so an
// argument ends at its first NUL byte ("nx\0junk" is NX). name is lower case.
inline bool OptionIs(std::string_view arg, std::string_view name) {
  arg = CStringView(arg);
  if (arg.size() != name.size()) return false;
  for (size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

// Redis's getLongLongFromObjectOrReply: a 64-bit integer, or the generic
// "value is not an integer or out of range" error.
inline bool ParseInt64OrReply(CommandContext& ctx, std::string_view s, int64_t* out) {
  if (StringToInt64(s, out)) return true;
  ctx.reply->Error(protocol::kErrNotInteger);
  return false;
}

}  // namespace spindle::commands
