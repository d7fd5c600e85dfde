#include "server/slowlog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/clock.h"
#include "common/numbers.h"
#include "common/strings.h"
#include "protocol/errors.h"
#include "server/client.h"
#include "server/config.h"
#include "server/latency_tracking.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace spindle::server {

// ---------------------------------------------------------------------------
// SlowLog

void SlowLog::Push(std::span<const std::string_view> args, std::span<const int> redacted,
                   int64_t duration_us, int64_t now_s, std::string peer, std::string name,
                   size_t max_len) {
  SlowLogEntry e;
  e.id = next_id_++;
  e.time_s = now_s;
  e.duration_us = duration_us;
  const size_t shown = std::min(args.size(), kMaxArgs);
  e.args.reserve(shown);
  for (size_t j = 0; j < shown; ++j) {
    if (j == kMaxArgs - 1 && args.size() > kMaxArgs) {
      // The last slot says how many arguments were left out.
      e.args.push_back("... (" + std::to_string(args.size() - kMaxArgs + 1) +
                       " more arguments)");
      break;
    }
    if (std::find(redacted.begin(), redacted.end(), static_cast<int>(j)) != redacted.end()) {
      e.args.emplace_back("(redacted)");
      continue;
    }
    std::string_view a = args[j];
    if (a.size() > kMaxArgBytes) {
      e.args.push_back(std::string(a.substr(0, kMaxArgBytes)) + "... (" +
                       std::to_string(a.size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.args.emplace_back(a);
    }
  }
  e.peer = std::move(peer);
  e.name = std::move(name);
  entries_.push_front(std::move(e));
  Trim(max_len);
}

void SlowLog::Trim(size_t max_len) {
  while (entries_.size() > max_len) entries_.pop_back();
}

// ---------------------------------------------------------------------------
// LatencyMonitor

void LatencyMonitor::Add(std::string_view event, int64_t latency_ms, int64_t now_s) {
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Event()).first;
  Event& ev = it->second;
  const uint32_t ms = static_cast<uint32_t>(std::min<int64_t>(latency_ms, UINT32_MAX));
  if (ms > ev.max_ms) ev.max_ms = ms;
  if (!ev.samples.empty() && ev.samples.back().time_s == now_s) {
    // One sample per second: keep the worst.
    if (ms > ev.samples.back().latency_ms) ev.samples.back().latency_ms = ms;
    return;
  }
  ev.samples.push_back({now_s, ms});
  if (ev.samples.size() > kSamples) ev.samples.pop_front();
}

size_t LatencyMonitor::Reset(std::span<const std::string_view> events) {
  if (events.empty()) {
    size_t n = events_.size();
    events_.clear();
    return n;
  }
  size_t n = 0;
  for (std::string_view e : events) {
    auto it = events_.find(e);
    if (it == events_.end()) continue;
    events_.erase(it);
    ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Redaction

std::vector<int> RedactedArgs(const commands::CommandSpec& cmd,
                              std::span<const std::string_view> args) {
  std::vector<int> out;
  const std::string& name = cmd.name;
  if (name == "auth") {
    for (size_t j = 1; j < args.size(); ++j) out.push_back(static_cast<int>(j));
  } else if (name == "hello") {
    // HELLO [protover [AUTH user pass] [SETNAME name]]: the AUTH pair.
    for (size_t j = 2; j < args.size(); ++j) {
      const size_t more = args.size() - 1 - j;
      if (EqualsIgnoreCase(args[j], "auth") && more >= 2) {
        out.push_back(static_cast<int>(j + 1));
        out.push_back(static_cast<int>(j + 2));
        j += 2;
      } else if (EqualsIgnoreCase(args[j], "setname") && more >= 1) {
        ++j;
      } else {
        break;
      }
    }
  } else if (name == "acl|setuser") {
    // The user name and every rule (passwords among them).
    for (size_t j = 2; j < args.size(); ++j) out.push_back(static_cast<int>(j));
  } else if (name == "config|set") {
    // The values of the secrets (Redis's SENSITIVE_CONFIG directives).
    for (size_t j = 2; j + 1 < args.size(); j += 2) {
      if (Config::IsSensitive(args[j])) out.push_back(static_cast<int>(j + 1));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Commands

namespace {

using commands::CommandContext;

Server& ServerOf(CommandContext& ctx) { return *ClientOf(ctx)->server(); }

void SlowlogGet(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply->Error(protocol::SubcommandSyntaxError("slowlog", ctx.args[1]));
    return;
  }
  int64_t count = 10;
  if (ctx.argc() == 3 && (!StringToInt64(ctx.args[2], &count) || count < -1)) {
    ctx.reply->Error("ERR count should be greater than or equal to -1");
    return;
  }
  const auto& entries = ServerOf(ctx).slowlog().entries();
  size_t n = count == -1 ? entries.size()
                         : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply->ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowLogEntry& e = entries[i];
    ctx.reply->ArrayHeader(6);
    ctx.reply->Integer(static_cast<int64_t>(e.id));
    ctx.reply->Integer(e.time_s);
    ctx.reply->Integer(e.duration_us);
    ctx.reply->ArrayHeader(e.args.size());
    for (const std::string& a : e.args) ctx.reply->Bulk(a);
    ctx.reply->Bulk(e.peer);
    ctx.reply->Bulk(e.name);
  }
}

void SlowlogLen(CommandContext& ctx) {
  ctx.reply->Integer(static_cast<int64_t>(ServerOf(ctx).slowlog().size()));
}

void SlowlogReset(CommandContext& ctx) {
  ServerOf(ctx).slowlog().Reset();
  ctx.reply->Ok();
}

constexpr const char* kSlowlogHelp[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
};
void SlowlogHelp(CommandContext& ctx) { ReplyHelp(ctx, "slowlog", kSlowlogHelp); }

void LatencyLatest(CommandContext& ctx) {
  const auto& events = ServerOf(ctx).latency().events();
  ctx.reply->ArrayHeader(events.size());
  for (const auto& [name, ev] : events) {
    ctx.reply->ArrayHeader(4);
    ctx.reply->Bulk(name);
    ctx.reply->Integer(ev.samples.empty() ? 0 : ev.samples.back().time_s);
    ctx.reply->Integer(ev.samples.empty() ? 0 : ev.samples.back().latency_ms);
    ctx.reply->Integer(ev.max_ms);
  }
}

void LatencyHistory(CommandContext& ctx) {
  const auto& events = ServerOf(ctx).latency().events();
  auto it = events.find(ctx.args[2]);
  if (it == events.end()) {
    ctx.reply->EmptyArray();
    return;
  }
  ctx.reply->ArrayHeader(it->second.samples.size());
  for (const auto& s : it->second.samples) {
    ctx.reply->ArrayHeader(2);
    ctx.reply->Integer(s.time_s);
    ctx.reply->Integer(s.latency_ms);
  }
}

void LatencyReset(CommandContext& ctx) {
  size_t n = ServerOf(ctx).latency().Reset(ctx.args.subspan(2));
  ctx.reply->Integer(static_cast<int64_t>(n));
}

// "5s", "3m", "2h", "1d": how long ago a sample was taken.
std::string AgoLabel(int64_t elapsed) {
  if (elapsed < 60) return std::to_string(elapsed) + "s";
  if (elapsed < 3600) return std::to_string(elapsed / 60) + "m";
  if (elapsed < 86400) return std::to_string(elapsed / 3600) + "h";
  return std::to_string(elapsed / 86400) + "d";
}

// LATENCY GRAPH: Redis's header lines, then a 4-row column chart of the
// samples (oldest left), each column topped by '#' rows in proportion to
// its latency between the low and the high, and the age of each sample
// written vertically below.
std::string LatencyGraph(std::string_view event, const LatencyMonitor::Event& ev,
                         int64_t now_s) {
  constexpr int kCols = 80;
  constexpr int kRows = 4;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (const auto& s : ev.samples) {
    lo = std::min(lo, s.latency_ms);
    hi = std::max(hi, s.latency_ms);
  }
  std::string out = std::string(event) + " - high " + std::to_string(hi) + " ms, low " +
                    std::to_string(lo) + " ms (all time high " + std::to_string(ev.max_ms) +
                    " ms)\n" + std::string(kCols, '-') + "\n";
  const size_t first = ev.samples.size() > kCols ? ev.samples.size() - kCols : 0;
  std::vector<int> heights;
  std::vector<std::string> labels;
  for (size_t i = first; i < ev.samples.size(); ++i) {
    const auto& s = ev.samples[i];
    double rel = hi == lo ? 1.0 : static_cast<double>(s.latency_ms - lo) / (hi - lo);
    heights.push_back(1 + static_cast<int>(std::lround(rel * (kRows - 1))));
    labels.push_back(AgoLabel(now_s - s.time_s));
  }
  for (int row = kRows; row >= 1; --row) {
    std::string line;
    for (int h : heights) line += h >= row ? '#' : ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  size_t label_rows = 0;
  for (const auto& l : labels) label_rows = std::max(label_rows, l.size());
  for (size_t r = 0; r < label_rows; ++r) {
    std::string line;
    for (const auto& l : labels) line += r < l.size() ? l[r] : ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void LatencyGraphCommand(CommandContext& ctx) {
  const auto& events = ServerOf(ctx).latency().events();
  auto it = events.find(ctx.args[2]);
  if (it == events.end() || it->second.samples.empty()) {
    ctx.reply->Error("ERR No samples available for event '" + std::string(ctx.args[2]) + "'");
    return;
  }
  ctx.reply->Verbatim(LatencyGraph(it->first, it->second, ctx.now_ms / 1000));
}

void LatencyDoctor(CommandContext& ctx) {
  Server& server = ServerOf(ctx);
  const auto& events = server.latency().events();
  std::string report;
  if (server.settings().latency_monitor_threshold_ms == 0 && events.empty()) {
    report =
        "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
        "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
        "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
        "at https://redis.io/topics/latency-monitor.\n";
  } else if (events.empty()) {
    report =
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not "
        "in the slightest bit. I honestly think you ought to sleep tonight.\n";
  } else {
    report =
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
        "about it, do you Dave?\n\n";
    int n = 0;
    bool slow_commands = false;
    for (const auto& [name, ev] : events) {
      double sum = 0;
      for (const auto& s : ev.samples) sum += s.latency_ms;
      const double avg = ev.samples.empty() ? 0 : sum / ev.samples.size();
      double dev = 0;
      for (const auto& s : ev.samples) dev += std::fabs(s.latency_ms - avg);
      if (!ev.samples.empty()) dev /= ev.samples.size();
      const int64_t period = ev.samples.size() > 1 ? (ev.samples.back().time_s -
                                                      ev.samples.front().time_s) /
                                                         static_cast<int64_t>(ev.samples.size() - 1)
                                                   : 0;
      char line[512];
      snprintf(line, sizeof(line),
               "%d. %s: %zu latency spikes (average %.0fms, mean deviation %.0fms, period %lld "
               "sec). Worst all time event %ums.\n",
               ++n, name.c_str(), ev.samples.size(), avg, dev, static_cast<long long>(period),
               ev.max_ms);
      report += line;
      if (name == "command" || name == "fast-command") slow_commands = true;
    }
    report += "\nI have a few advices for you:\n\n";
    if (slow_commands) {
      report +=
          "- Check your Slow Log to understand what are the commands you are running which are "
          "too slow to execute. Please check https://redis.io/commands/slowlog for more "
          "information.\n"
          "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
          "blocking operation. If you have very large objects that are often deleted, expired, "
          "or evicted, try to fragment those objects into multiple smaller objects.\n";
    } else {
      report += "- Review the events above against your workload and configuration.\n";
    }
  }
  ctx.reply->Verbatim(report);
}

// LATENCY HISTOGRAM [command ...] (Redis's latencyCommand "histogram"): a
// map of command name -> {calls, histogram_usec: {usec: cumulative calls}}.
void LatencyHistogram(CommandContext& ctx) {
  const auto targets = LatencyHistogramTargets(ServerOf(ctx).commands(), ctx.args.subspan(2));
  ctx.reply->MapHeader(targets.size());
  for (const commands::CommandSpec* cmd : targets) {
    const HdrHistogram& h = *cmd->stats.latency;
    ctx.reply->Bulk(cmd->name);
    ctx.reply->MapHeader(2);
    ctx.reply->Bulk("calls");
    ctx.reply->Integer(h.total_count());
    ctx.reply->Bulk("histogram_usec");
    const auto cdf = LatencyCdf(h);
    ctx.reply->MapHeader(cdf.size());
    for (const auto& [usec, cumulative] : cdf) {
      ctx.reply->Integer(usec);
      ctx.reply->Integer(cumulative);
    }
  }
}

constexpr const char* kLatencyHelp[] = {
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the "
    "specified command names.",
    "    If no commands are specified then all histograms are replied.",
};
void LatencyHelp(CommandContext& ctx) { ReplyHelp(ctx, "latency", kLatencyHelp); }

commands::CommandSpec Diag(const char* name, int arity, uint32_t flags, commands::Handler h,
                           const char* summary, const char* since, const char* complexity) {
  return commands::MakeCommand(name, arity, flags, 0, {}, h, summary, since, "server",
                               complexity);
}

}  // namespace

void RegisterDiagnosticCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag names
  const uint32_t admin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  const uint32_t slowlog_admin = kCmdAdmin | kCmdLoading | kCmdStale;  // scripts may read it
  CommandSpec slowlog = Diag("slowlog", -2, 0, nullptr,
                             "A container for slow log commands", "2.2.12",
                             "Depends on subcommand.");
  slowlog.subcommands.push_back(Diag("slowlog|get", -2, slowlog_admin, SlowlogGet,
                                     "Get the slow log's entries", "2.2.12",
                                     "O(N) where N is the number of entries returned"));
  slowlog.subcommands.push_back(Diag("slowlog|len", 2, slowlog_admin, SlowlogLen,
                                     "Get the slow log's length", "2.2.12", "O(1)"));
  slowlog.subcommands.push_back(Diag("slowlog|reset", 2, slowlog_admin, SlowlogReset,
                                     "Clear all entries from the slow log", "2.2.12",
                                     "O(N) where N is the number of entries in the slowlog"));
  slowlog.subcommands.push_back(Diag("slowlog|help", 2, kCmdLoading | kCmdStale, SlowlogHelp,
                                     "Show helpful text about the different subcommands",
                                     "6.2.0", "O(1)"));
  table->Add(std::move(slowlog));

  CommandSpec latency = Diag("latency", -2, 0, nullptr,
                             "A container for latency diagnostics commands", "2.8.13",
                             "Depends on subcommand.");
  latency.subcommands.push_back(Diag("latency|latest", 2, admin, LatencyLatest,
                                     "Return the latest latency samples for all events.",
                                     "2.8.13", "O(1)"));
  latency.subcommands.push_back(Diag("latency|history", 3, admin, LatencyHistory,
                                     "Return timestamp-latency samples for an event.",
                                     "2.8.13", "O(1)"));
  latency.subcommands.push_back(Diag("latency|reset", -2, admin, LatencyReset,
                                     "Reset latency data for one or more events.", "2.8.13",
                                     "O(1)"));
  latency.subcommands.push_back(Diag("latency|graph", 3, admin, LatencyGraphCommand,
                                     "Return a latency graph for an event.", "2.8.13", "O(1)"));
  latency.subcommands.push_back(Diag("latency|doctor", 2, admin, LatencyDoctor,
                                     "Return a human readable latency analysis report.",
                                     "2.8.13", "O(1)"));
  latency.subcommands.push_back(Diag("latency|histogram", -2, admin, LatencyHistogram,
                                     "Return the cumulative distribution of latencies of a "
                                     "subset of commands or all.",
                                     "7.0.0",
                                     "O(N) where N is the number of commands with latency "
                                     "information being retrieved."));
  latency.subcommands.push_back(Diag("latency|help", 2, kCmdLoading | kCmdStale, LatencyHelp,
                                     "Show helpful text about the different subcommands.",
                                     "2.8.13", "O(1)"));
  table->Add(std::move(latency));
}

}  // namespace spindle::server
