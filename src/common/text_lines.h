#pragma once
// Text held in memory, read as lines (config files, ACL files):
// lines split on '\n', each trimmed of spaces, tabs, CR and LF, numbered
// from 1. An empty text, or a trailing newline, reads as one last empty
// line, which callers skip with the other blank ones.

#include <cstddef>
#include <string>
#include <string_view>

namespace spindle {

// s without the leading and trailing characters found in chars.
inline std::string Trim(std::string_view s, std::string_view chars) {
  const size_t a = s.find_first_not_of(chars);
  if (a == std::string_view::npos) return "";
  const size_t b = s.find_last_not_of(chars);
  return std::string(s.substr(a, b - a + 1));
}

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // The next line, trimmed, in *line; false once the text is exhausted.
  bool Next(std::string* line) {
    if (start_ > text_.size()) return false;
    const size_t nl = text_.find('\n', start_);
    const std::string_view raw = text_.substr(
        start_, nl == std::string_view::npos ? std::string_view::npos : nl - start_);
    start_ = nl == std::string_view::npos ? text_.size() + 1 : nl + 1;
    ++number_;
    *line = Trim(raw, " \t\r\n");
    return true;
  }
  // The number of the line Next returned last.
  size_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t start_ = 0;
  size_t number_ = 0;
};

}  // namespace spindle
