#include "common/strings.h"

#include <cstdio>

namespace spindle {
namespace {

// isspace() of the "C" locale. Redis never sets LC_CTYPE, so its isspace()
// is this set; bytes >= 0x80 are never space.
bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// isprint() of the "C" locale.
bool IsCPrint(char c) { return c >= 0x20 && c <= 0x7e; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

// sdssplitargs works on a C string, so a NUL byte ends the line: we cut the
// view there first and from then on "past the end" plays the role of '\0'.
//
// Two details that are easy to get wrong:
//  - blanks between arguments are skipped with isspace() (so \v and \f count),
//    but an unquoted argument ends only at ' ', '\t', '\r' or '\n': "a\vb" is
//    one argument.
//  - a quote may open in the middle of an argument (foo"bar baz" is the single
//    argument `foobar baz`), but a closing quote must be followed by a space
//    (isspace) or the end of the line.
std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  size_t nul = line.find('\0');
  if (nul != std::string_view::npos) line = line.substr(0, nul);
  const size_t n = line.size();
  auto at = [&](size_t i) -> char { return i < n ? line[i] : '\0'; };

  std::vector<std::string> out;
  size_t p = 0;
  while (true) {
    while (p < n && IsCSpace(line[p])) ++p;
    if (p >= n) return out;

    std::string current;
    bool in_dq = false;
    bool in_sq = false;
    bool done = false;
    while (!done) {
      char c = at(p);
      if (in_dq) {
        if (c == '\\' && at(p + 1) == 'x' && HexValue(at(p + 2)) >= 0 && HexValue(at(p + 3)) >= 0) {
          current.push_back(static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          char e = at(p);
          switch (e) {
            case 'n':
              e = '\n';
              break;
            case 'r':
              e = '\r';
              break;
            case 't':
              e = '\t';
              break;
            case 'b':
              e = '\b';
              break;
            case 'a':
              e = '\a';
              break;
            default:
              break;
          }
          current.push_back(e);
        } else if (c == '"') {
          if (at(p + 1) != '\0' && !IsCSpace(at(p + 1))) return std::nullopt;
          done = true;
        } else if (c == '\0') {
          return std::nullopt;  // unterminated quotes
        } else {
          current.push_back(c);
        }
      } else if (in_sq) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          current.push_back('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !IsCSpace(at(p + 1))) return std::nullopt;
          done = true;
        } else if (c == '\0') {
          return std::nullopt;
        } else {
          current.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_dq = true;
            break;
          case '\'':
            in_sq = true;
            break;
          default:
            current.push_back(c);
            break;
        }
      }
      if (p < n) ++p;
    }
    out.push_back(std::move(current));
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string Repr(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (IsCPrint(c)) {
          out.push_back(c);
        } else {
          char buf[5];
          std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        }
        break;
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace spindle
