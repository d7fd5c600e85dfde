#pragma once
// Helpers for the handlers that rewrite what they propagate (see Propagator
// in command_table.h): Redis 7.0's shared command names and a stack buffer
// for an integer argument, so that a rewrite costs no allocation and nothing
// is formatted when no propagator listens (check ctx.propagating() first).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/numbers.h"

namespace spindle::commands {

// A key deleted by a command that Redis propagates as an explicit delete:
// UNLINK when the matching lazyfree directive is on, DEL otherwise.
inline std::string_view DeleteCommandName(bool lazy) { return lazy ? "UNLINK" : "DEL"; }

// A decimal integer argument (PXAT / PEXPIREAT times, pop counts), formatted
// as Redis's createStringObjectFromLongLong.
class IntArg {
 public:
  explicit IntArg(int64_t v) : len_(Int64ToChars(v, buf_)) {}
  std::string_view view() const { return {buf_, len_}; }

 private:
  char buf_[24];
  size_t len_;
};

}  // namespace spindle::commands
