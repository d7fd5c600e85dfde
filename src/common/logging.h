#pragma once
// Logging in Redis's line format:
//   <pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <mark> <message>
// with marks '.' debug, '-' verbose, '*' notice, '#' warning, and role 'M'
// (main process) or 'C' (forked child). Lines below the configured level are
// dropped before formatting.
//
// Thread: Log may be called from any thread; each line is written with one
// write(2) so lines never interleave.

#include <string>
#include <string_view>

namespace spindle {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

// Parses "debug" | "verbose" | "notice" | "warning" | "nothing".
bool ParseLogLevel(std::string_view name, LogLevel* out);
const char* LogLevelName(LogLevel level);

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// "" logs to stdout. Returns false (and keeps the old target) if the file
// cannot be opened for append.
bool SetLogFile(const std::string& path);
void SetLogRole(char role);

void Log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Async-signal-safe: writes "<pid>:signal-handler (<unix time>) <msg>" as
// Redis's serverLogFromHandler does (no locale, no malloc, no stdio).
void LogFromSignalHandler(const char* msg);

#define SPINDLE_LOG(level, ...)                                   \
  do {                                                            \
    if ((level) >= ::spindle::GetLogLevel()) ::spindle::Log((level), __VA_ARGS__); \
  } while (0)
#define LOG_DEBUG(...) SPINDLE_LOG(::spindle::LogLevel::kDebug, __VA_ARGS__)
#define LOG_VERBOSE(...) SPINDLE_LOG(::spindle::LogLevel::kVerbose, __VA_ARGS__)
#define LOG_NOTICE(...) SPINDLE_LOG(::spindle::LogLevel::kNotice, __VA_ARGS__)
#define LOG_WARNING(...) SPINDLE_LOG(::spindle::LogLevel::kWarning, __VA_ARGS__)

}  // namespace spindle
