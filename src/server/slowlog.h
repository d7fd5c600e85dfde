#pragma once
// Diagnostics fed by every command run: the slow log (SLOWLOG) and the
// latency monitor (LATENCY), as Redis 7.0's slowlog.c and latency.c.
//
// SlowLog keeps the newest slowlog-max-len entries of commands that took at
// least slowlog-log-slower-than microseconds: id, unix time, duration, the
// arguments as sent (at most 32, each cut at 128 bytes, secrets redacted),
// the client's address and name.
//
// LatencyMonitor keeps, per event ("command", "fast-command", ...), the
// samples of at least latency-monitor-threshold ms: one per second (the
// worst), the last 160, plus the all-time maximum.
//
// Thread: main thread.

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"

namespace spindle::server {

struct SlowLogEntry {
  uint64_t id;
  int64_t time_s;
  int64_t duration_us;
  std::vector<std::string> args;
  std::string peer;
  std::string name;
};

class SlowLog {
 public:
  static constexpr size_t kMaxArgs = 32;
  static constexpr size_t kMaxArgBytes = 128;

  // Records a command (the caller checked the threshold). `redacted` lists
  // argument positions shown as "(redacted)".
  void Push(std::span<const std::string_view> args, std::span<const int> redacted,
            int64_t duration_us, int64_t now_s, std::string peer, std::string name,
            size_t max_len);
  // Drops the oldest entries beyond max_len (CONFIG SET slowlog-max-len).
  void Trim(size_t max_len);
  void Reset() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }

 private:
  std::deque<SlowLogEntry> entries_;  // newest at the front
  uint64_t next_id_ = 0;               // never reset, as Redis's slowlog_entry_id
};

class LatencyMonitor {
 public:
  static constexpr size_t kSamples = 160;
  struct Sample {
    int64_t time_s;
    uint32_t latency_ms;
  };
  struct Event {
    std::deque<Sample> samples;  // oldest first
    uint32_t max_ms = 0;
  };

  // latencyAddSample: one sample per second per event, the worst kept.
  void Add(std::string_view event, int64_t latency_ms, int64_t now_s);
  // Resets the named events (all when empty); returns how many existed.
  size_t Reset(std::span<const std::string_view> events);
  const std::map<std::string, Event, std::less<>>& events() const { return events_; }

 private:
  std::map<std::string, Event, std::less<>> events_;
};

// The argument positions Redis redacts in the slow log and MONITOR for this
// command (AUTH's arguments, HELLO's AUTH pair, CONFIG SET of a secret).
std::vector<int> RedactedArgs(const commands::CommandSpec& cmd,
                              std::span<const std::string_view> args);

void RegisterDiagnosticCommands(commands::CommandTable* table);

}  // namespace spindle::server
