// Glob matching with Redis 7.0's stringmatchlen semantics, byte for byte.
//
// Redis works on NUL-terminated buffers and, at a few places, looks one byte
// past the pattern's end (it then sees the terminator). We reproduce that by
// reading through At(), which yields '\0' past the end of the view, so the
// odd corners come out the same: "[abc" (no closing bracket) is treated as a
// set that ends at the pattern's end, "[^" matches any one byte, a trailing
// '\' matches a literal '\', and a backwards range "[z-a]" is swapped.
//
// Bytes compare as signed chars, as Redis's `int c = pattern[0]` does on
// x86-64, so ranges that involve bytes >= 0x80 behave as in Redis. Case folding
// is ASCII only (Redis never switches LC_CTYPE away from "C").
//
// Cost bounds, also as Redis 7.0:
//  - every '*' recursion increases a nesting counter; past 1000 the match
//    fails (so a pattern with more than 1000 separated stars never matches a
//    string that would need them all);
//  - once the rest of the pattern after a '*' was found to match nowhere in
//    the remaining string, no earlier '*' can help either, so the whole
//    search stops (`skip_longer`). This makes "a*a*a*...b" polynomial.
// Recursion depth is therefore at most ~1000 frames of a few dozen bytes.

#include "common/glob.h"

#include <cstddef>

namespace spindle {
namespace {

constexpr int kMaxNesting = 1000;

int Lower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

class Matcher {
 public:
  Matcher(std::string_view pattern, std::string_view str, bool nocase)
      : pat_(pattern), str_(str), nocase_(nocase) {}

  bool Run() { return Match(0, 0, 0); }

 private:
  // The byte at i as Redis's (signed) char, or 0 past the end.
  int P(ptrdiff_t i) const {
    return (i >= 0 && static_cast<size_t>(i) < pat_.size()) ? static_cast<signed char>(pat_[i]) : 0;
  }
  int S(ptrdiff_t i) const {
    return (i >= 0 && static_cast<size_t>(i) < str_.size()) ? static_cast<signed char>(str_[i]) : 0;
  }
  bool Eq(int a, int b) const { return nocase_ ? Lower(a) == Lower(b) : a == b; }

  // p / s: positions in pattern and string; the remaining lengths are what is
  // left up to the end of each view (the pattern's length can go transiently
  // past its end in the bracket case, exactly as in Redis).
  bool Match(ptrdiff_t p, ptrdiff_t s, int nesting) {
    if (nesting > kMaxNesting) return false;
    const ptrdiff_t pend = static_cast<ptrdiff_t>(pat_.size());
    const ptrdiff_t send = static_cast<ptrdiff_t>(str_.size());
    ptrdiff_t plen = pend - p;
    ptrdiff_t slen = send - s;

    while (plen > 0 && slen > 0) {
      switch (P(p)) {
        case '*': {
          while (plen > 0 && P(p + 1) == '*') {
            ++p;
            --plen;
          }
          if (plen == 1) return true;
          while (slen > 0) {
            if (Match(p + 1, s, nesting + 1)) return true;
            if (skip_longer_) return false;
            ++s;
            --slen;
          }
          // Nothing after this star matches anywhere in the rest of the
          // string: no longer match of an earlier star can succeed either.
          skip_longer_ = true;
          return false;
        }
        case '?':
          ++s;
          --slen;
          break;
        case '[': {
          ++p;
          --plen;
          const bool negate = P(p) == '^';
          if (negate) {
            ++p;
            --plen;
          }
          bool match = false;
          while (true) {
            if (P(p) == '\\' && plen >= 2) {
              ++p;
              --plen;
              if (P(p) == S(s)) match = true;
            } else if (P(p) == ']') {
              break;
            } else if (plen == 0) {
              --p;
              ++plen;
              break;
            } else if (plen >= 3 && P(p + 1) == '-') {
              int start = P(p);
              int end = P(p + 2);
              int c = S(s);
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase_) {
                start = Lower(start);
                end = Lower(end);
                c = Lower(c);
              }
              p += 2;
              plen -= 2;
              if (c >= start && c <= end) match = true;
            } else if (Eq(P(p), S(s))) {
              match = true;
            }
            ++p;
            --plen;
          }
          if (negate) match = !match;
          if (!match) return false;
          ++s;
          --slen;
          break;
        }
        case '\\':
          if (plen >= 2) {
            ++p;
            --plen;
          }
          [[fallthrough]];
        default:
          if (!Eq(P(p), S(s))) return false;
          ++s;
          --slen;
          break;
      }
      ++p;
      --plen;
      if (slen == 0) {
        while (P(p) == '*') {
          ++p;
          --plen;
        }
        break;
      }
    }
    return plen == 0 && slen == 0;
  }

  std::string_view pat_;
  std::string_view str_;
  bool nocase_;
  bool skip_longer_ = false;
};

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  return Matcher(pattern, str, nocase).Run();
}

}  // namespace spindle
