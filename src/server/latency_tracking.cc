#include "server/latency_tracking.h"

#include <cstdio>

namespace spindle::server {

std::unique_ptr<HdrHistogram> NewLatencyHistogram() {
  return std::make_unique<HdrHistogram>(kLatencyHistogramMinNs, kLatencyHistogramMaxNs,
                                        kLatencyHistogramPrecision);
}

namespace {

// "%f" without its trailing zeros, nor a dot left bare: 50 -> "50",
// 99.9 -> "99.9" (Redis's trimDoubleString).
std::string PercentileLabel(double p) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%f", p);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Redis's lookupCommandBySds: "name" or "container|sub", one level only;
// a plain command takes no "|sub".
const commands::CommandSpec* FindForHistogram(const commands::CommandTable& table,
                                              std::string_view name) {
  const size_t bar = name.find('|');
  if (bar == std::string_view::npos) return name.empty() ? nullptr : table.Find(name);
  const commands::CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr || !container->is_container()) return nullptr;
  return commands::CommandTable::FindSubcommand(*container, name.substr(bar + 1));
}

}  // namespace

std::string LatencyPercentilesText(const HdrHistogram& h, std::span<const double> percentiles) {
  std::string out;
  for (size_t j = 0; j < percentiles.size(); ++j) {
    if (j) out += ',';
    char value[64];
    std::snprintf(value, sizeof(value), "%.3f",
                  static_cast<double>(h.ValueAtPercentile(percentiles[j])) / 1000.0);
    out += 'p';
    out += PercentileLabel(percentiles[j]);
    out += '=';
    out += value;
  }
  return out;
}

std::string LatencyStatsInfo(const commands::CommandTable& table,
                             std::span<const double> percentiles) {
  std::string out;
  auto one = [&](const commands::CommandSpec& cmd) {
    if (cmd.stats.latency == nullptr) return;
    out += "latency_percentiles_usec_";
    out += cmd.name;
    out += ':';
    out += LatencyPercentilesText(*cmd.stats.latency, percentiles);
    out += "\r\n";
  };
  table.ForEachCallable([&](const commands::CommandSpec& cmd) {
    one(cmd);
    for (const auto& sub : cmd.subcommands) one(sub);
  });
  return out;
}

std::vector<std::pair<int64_t, int64_t>> LatencyCdf(const HdrHistogram& h) {
  std::vector<std::pair<int64_t, int64_t>> out;
  HdrHistogram::LogIterator it(h, 1024, 2);
  int64_t previous = 0;
  while (it.Next()) {
    const int64_t cumulative = it.cumulative_count();
    if (cumulative > previous) out.emplace_back(it.highest_equivalent() / 1000, cumulative);
    previous = cumulative;
  }
  return out;
}

std::vector<const commands::CommandSpec*> LatencyHistogramTargets(
    const commands::CommandTable& table, std::span<const std::string_view> names) {
  std::vector<const commands::CommandSpec*> out;
  auto with_subcommands = [&out](const commands::CommandSpec& cmd) {
    if (cmd.stats.latency != nullptr) out.push_back(&cmd);
    for (const auto& sub : cmd.subcommands) {
      if (sub.stats.latency != nullptr) out.push_back(&sub);
    }
  };
  if (names.empty()) {
    table.ForEachCallable(with_subcommands);
    return out;
  }
  for (std::string_view name : names) {
    if (const commands::CommandSpec* cmd = FindForHistogram(table, name)) with_subcommands(*cmd);
  }
  return out;
}

}  // namespace spindle::server
