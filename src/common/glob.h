#pragma once
// Glob matching identical to Redis's stringmatchlen: '*', '?', '[abc]',
// '[^a]', '[a-z]' (reversed ranges work), '\' escapes; optionally
// case-insensitive. Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE, CLIENT
// KILL and ACL patterns. Bounded recursion: a pathological pattern cannot
// blow the stack: past 1000 nested '*' the match fails, as in Redis 7.0.
//
// Like stringmatchlen, a pattern made only of '*' does not match the empty
// string; KEYS and SCAN treat a lone "*" as "everything" before calling this.
//
// Thread: any.

#include <string_view>

namespace spindle {

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace spindle
