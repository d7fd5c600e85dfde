#include "commands/scan_options.h"

#include <cctype>
#include <limits>

#include "commands/options.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"

namespace spindle::commands {
namespace {

}  // namespace

bool ParseScanCursor(std::string_view arg, uint64_t* out) {
  std::string_view s = CStringView(arg);
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  if (i == s.size()) return false;  // a sign alone: no conversion
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;  // ERANGE
    v = v * 10 + digit;
  }
  *out = negative ? (~v + 1) : v;
  return true;
}

bool ParseScanOptionsOrReply(CommandContext& ctx, size_t first, bool allow_type,
                             ScanOptions* out) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    const bool has_value = i + 1 < ctx.argc();
    if (OptionIs(ctx.args[i], "count") && has_value) {
      if (!StringToInt64(ctx.args[i + 1], &out->count)) {
        ctx.reply->Error(protocol::kErrNotInteger);
        return false;
      }
      if (out->count < 1) {
        ctx.reply->Error(protocol::kErrSyntax);
        return false;
      }
    } else if (OptionIs(ctx.args[i], "match") && has_value) {
      out->pattern = ctx.args[i + 1];
      if (*out->pattern == "*") out->pattern.reset();  // matches everything
    } else if (allow_type && OptionIs(ctx.args[i], "type") && has_value) {
      out->type = ctx.args[i + 1];
    } else {
      ctx.reply->Error(protocol::kErrSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace spindle::commands
