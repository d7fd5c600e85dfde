#include "common/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

namespace spindle {
namespace {

// Redis's MAX_LONG_DOUBLE_CHARS: the buffer size string2ld copies its input
// into and ld2string formats into.
constexpr size_t kMaxLongDoubleChars = 5 * 1024;
// Redis's LONG_STR_SIZE: string2ll rejects anything this long or longer
// before looking at it (the longest int64 is 20 characters).
constexpr size_t kLongStrSize = 21;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A NUL-terminated copy of s: strtod/strtold need one, and Redis's strings
// always have one. Small inputs stay on the stack.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(small_)) {
      ptr_ = small_;
    } else {
      big_ = std::make_unique<char[]>(s.size() + 1);
      ptr_ = big_.get();
    }
    if (!s.empty()) std::memcpy(ptr_, s.data(), s.size());
    ptr_[s.size()] = '\0';
  }
  char* get() { return ptr_; }

 private:
  char small_[128];
  std::unique_ptr<char[]> big_;
  char* ptr_;
};

}  // namespace

bool StringToInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= kLongStrSize) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  // The first digit must be 1-9: no leading zeros, hence no "-0".
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > std::numeric_limits<uint64_t>::max() / 10) return false;
    v *= 10;
    if (v > std::numeric_limits<uint64_t>::max() - d) return false;
    v += d;
  }
  if (negative) {
    constexpr uint64_t kMinMagnitude = static_cast<uint64_t>(INT64_MAX) + 1;
    if (v > kMinMagnitude) return false;
    *out = v == kMinMagnitude ? INT64_MIN : -static_cast<int64_t>(v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool StringToUint64(std::string_view s, uint64_t* out) {
  // Redis's string2ull falls back to strtoull, which takes leading zeros;
  // unlike strtoull we refuse signs and whitespace (see the header).
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > std::numeric_limits<uint64_t>::max() / 10) return false;
    v *= 10;
    if (v > std::numeric_limits<uint64_t>::max() - d) return false;
    v += d;
  }
  *out = v;
  return true;
}

bool StringToLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  CString buf(s);
  errno = 0;
  char* end = nullptr;
  long double v = std::strtold(buf.get(), &end);
  // strtold must consume every byte (an embedded NUL stops it short).
  if (std::isspace(static_cast<unsigned char>(buf.get()[0])) ||
      static_cast<size_t>(end - buf.get()) != s.size() ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)) || errno == EINVAL ||
      std::isnan(v)) {
    return false;
  }
  *out = v;
  return true;
}

bool StringToDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  CString buf(s);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(buf.get(), &end);
  if (std::isspace(static_cast<unsigned char>(buf.get()[0])) ||
      static_cast<size_t>(end - buf.get()) != s.size() ||
      (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) ||
      std::isnan(v)) {
    return false;
  }
  *out = v;
  return true;
}

std::string LongDoubleToString(long double v, LongDoubleFormat mode) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[kMaxLongDoubleChars];
  int n = 0;
  switch (mode) {
    case LongDoubleFormat::kAuto:
      n = std::snprintf(buf, sizeof(buf), "%.17Lg", v);
      break;
    case LongDoubleFormat::kHex:
      n = std::snprintf(buf, sizeof(buf), "%La", v);
      break;
    case LongDoubleFormat::kHuman:
      n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
      break;
  }
  if (n < 0 || static_cast<size_t>(n) + 1 > sizeof(buf)) return "";
  size_t len = static_cast<size_t>(n);
  if (mode == LongDoubleFormat::kHuman) {
    // Drop the trailing zeros of the fraction, then a bare '.'.
    if (std::memchr(buf, '.', len) != nullptr) {
      while (len > 0 && buf[len - 1] == '0') --len;
      if (len > 0 && buf[len - 1] == '.') --len;
    }
    // A tiny negative value rounds to "-0"; Redis prints it as "0".
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
      buf[0] = '0';
      len = 1;
    }
  }
  return std::string(buf, len);
}

std::string DoubleToString(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

size_t Int64ToChars(int64_t v, char* buf) {
  char tmp[24];
  char* p = tmp + sizeof(tmp);
  uint64_t u = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  size_t len = static_cast<size_t>(tmp + sizeof(tmp) - p);
  std::memcpy(buf, p, len);
  return len;
}

std::string Int64ToString(int64_t v) {
  char buf[24];
  return std::string(buf, Int64ToChars(v, buf));
}

bool ParseMemory(std::string_view s, int64_t* out) {
  // Number part: an optional '-' and digits; the rest is the unit.
  size_t u = 0;
  if (u < s.size() && s[u] == '-') ++u;
  while (u < s.size() && IsDigit(s[u])) ++u;
  std::string_view unit = s.substr(u);
  auto unit_is = [&unit](std::string_view name) {
    if (unit.size() != name.size()) return false;
    for (size_t i = 0; i < unit.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(unit[i])) != name[i]) return false;
    }
    return true;
  };
  int64_t mul;
  if (unit.empty() || unit_is("b")) {
    mul = 1;
  } else if (unit_is("k")) {
    mul = 1000;
  } else if (unit_is("kb")) {
    mul = 1024;
  } else if (unit_is("m")) {
    mul = 1000 * 1000;
  } else if (unit_is("mb")) {
    mul = 1024 * 1024;
  } else if (unit_is("g")) {
    mul = 1000LL * 1000 * 1000;
  } else if (unit_is("gb")) {
    mul = 1024LL * 1024 * 1024;
  } else {
    return false;
  }
  // Redis hands the number part to strtoll: an empty one ("", "kb") is 0,
  // a lone "-" is an error. Redis lets out-of-range values wrap; we refuse.
  std::string_view digits = s.substr(0, u);
  if (digits.size() >= 128) return false;
  if (digits == "-") return false;
  if (digits.empty()) {
    *out = 0;
    return true;
  }
  bool negative = digits[0] == '-';
  uint64_t mag = 0;
  for (size_t i = negative ? 1 : 0; i < digits.size(); ++i) {
    uint64_t d = static_cast<uint64_t>(digits[i] - '0');
    if (mag > (static_cast<uint64_t>(INT64_MAX) + 1 - d) / 10) return false;
    mag = mag * 10 + d;
  }
  // |value * mul| must fit an int64 (INT64_MIN itself only with mul 1).
  uint64_t limit = static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0);
  if (mag > limit / static_cast<uint64_t>(mul)) return false;
  uint64_t total = mag * static_cast<uint64_t>(mul);
  if (negative) {
    *out = total == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(total);
  } else {
    *out = static_cast<int64_t>(total);
  }
  return true;
}

}  // namespace spindle
