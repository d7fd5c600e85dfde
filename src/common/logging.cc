#include "common/logging.h"

#include <fcntl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace spindle {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kNotice};
std::atomic<int> g_fd{STDOUT_FILENO};
std::atomic<char> g_role{'M'};
std::mutex g_file_mu;  // guards replacing g_fd

constexpr const char* kNames[] = {"debug", "verbose", "notice", "warning", "nothing"};

}  // namespace

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  for (int i = 0; i < 5; ++i) {
    if (name.size() == std::char_traits<char>::length(kNames[i])) {
      bool eq = true;
      for (size_t j = 0; j < name.size(); ++j) {
        if ((name[j] | 0x20) != kNames[i][j]) eq = false;
      }
      if (eq) {
        *out = static_cast<LogLevel>(i);
        return true;
      }
    }
  }
  return false;
}

const char* LogLevelName(LogLevel level) { return kNames[static_cast<int>(level)]; }
void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }
void SetLogRole(char role) { g_role = role; }

bool SetLogFile(const std::string& path) {
  int fd = STDOUT_FILENO;
  if (!path.empty()) {
    fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return false;
  }
  std::lock_guard<std::mutex> lock(g_file_mu);
  int old = g_fd.exchange(fd);
  if (old != STDOUT_FILENO && old != fd) close(old);
  return true;
}

namespace {
// Appends the decimal form of v to buf at *len (async-signal-safe).
void AppendDecimal(char* buf, size_t* len, long long v) {
  char tmp[24];
  int n = 0;
  unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : v;
  do {
    tmp[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) buf[(*len)++] = '-';
  while (n > 0) buf[(*len)++] = tmp[--n];
}
}  // namespace

void LogFromSignalHandler(const char* msg) {
  if (GetLogLevel() > LogLevel::kWarning) return;
  char line[512];
  size_t len = 0;
  AppendDecimal(line, &len, getpid());
  static constexpr char kMid[] = ":signal-handler (";
  for (const char* p = kMid; *p; ++p) line[len++] = *p;
  AppendDecimal(line, &len, time(nullptr));
  line[len++] = ')';
  line[len++] = ' ';
  for (const char* p = msg; *p && len < sizeof(line) - 1; ++p) line[len++] = *p;
  line[len++] = '\n';
  ssize_t ignored = write(g_fd.load(), line, len);
  (void)ignored;
}

void Log(LogLevel level, const char* fmt, ...) {
  if (level < GetLogLevel() || level == LogLevel::kNothing) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  char line[1024 + 128];
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  int off = snprintf(line, sizeof(line), "%d:%c ", static_cast<int>(getpid()), g_role.load());
  off += static_cast<int>(strftime(line + off, sizeof(line) - off, "%d %b %Y %H:%M:%S.", &tm));
  off += snprintf(line + off, sizeof(line) - off, "%03d %c ", static_cast<int>(tv.tv_usec / 1000),
                  kMarks[static_cast<int>(level)]);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  off += n;
  if (off > static_cast<int>(sizeof(line)) - 2) off = sizeof(line) - 2;
  line[off++] = '\n';
  ssize_t ignored = write(g_fd.load(), line, off);
  (void)ignored;
}

}  // namespace spindle
