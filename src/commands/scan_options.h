#pragma once
// The cursor and options of SCAN, HSCAN, SSCAN and ZSCAN, parsed as Redis's
// scanGenericCommand does.

#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/command_table.h"

namespace spindle::commands {

// Redis's parseScanCursorOrReply: strtoul in base 10 over the C string, so ""
// is 0 and a sign is accepted ("-1" wraps to 2^64-1); leading whitespace,
// trailing garbage and overflow are not.
bool ParseScanCursor(std::string_view arg, uint64_t* out);

struct ScanOptions {
  int64_t count = 10;
  std::optional<std::string_view> pattern;  // unset when absent or "*"
  std::optional<std::string_view> type;     // SCAN only
};

// Parses [MATCH pattern] [COUNT count] (and [TYPE type] when allow_type)
// from ctx.args[first..]. On a bad option replies Redis's error and returns
// false.
bool ParseScanOptionsOrReply(CommandContext& ctx, size_t first, bool allow_type,
                             ScanOptions* out);

}  // namespace spindle::commands
