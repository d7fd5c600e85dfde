#pragma once
// Per-command latency tracking, as Redis 7.0 (latency-tracking,
// latency-tracking-info-percentiles): every call's duration goes into a
// histogram kept on the command's spec (the subcommand's for a subcommand),
// read by LATENCY HISTOGRAM and INFO latencystats.
//
// What is recorded (checked against redis-server 7.0.15):
//  - each call that ran, with the duration the dispatcher measures for
//    INFO commandstats (one clock read before and after the handler);
//    what EXEC runs counts for each inner command, and EXEC for the whole;
//    commands refused before running (arity, NOAUTH, ...) are not calls;
//  - a blocked command once it ends: served, with the run that blocked plus
//    the run that served it; unblocked by CLIENT UNBLOCK, with the run that
//    blocked; a timeout is counted in commandstats but not recorded;
//  - nothing while latency-tracking is no (the histograms are kept);
//  - CONFIG RESETSTAT drops every histogram, as Redis frees them.
//
// Thread: main thread.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "common/hdr_histogram.h"

namespace spindle::server {

// Redis's LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE / PRECISION: 1 ns to 1 s,
// two significant figures.
inline constexpr int64_t kLatencyHistogramMinNs = 1;
inline constexpr int64_t kLatencyHistogramMaxNs = 1000000000;
inline constexpr int kLatencyHistogramPrecision = 2;

// A new histogram with Redis's parameters.
std::unique_ptr<HdrHistogram> NewLatencyHistogram();

// Records one call of `duration_us` microseconds, in nanoseconds clamped to
// the histogram's range (Redis's updateCommandLatencyHistogram). Allocates
// only the first time a command is recorded.
inline void RecordCommandLatency(const commands::CommandSpec& cmd, int64_t duration_us) {
  int64_t ns = duration_us * 1000;
  if (ns < kLatencyHistogramMinNs) ns = kLatencyHistogramMinNs;
  if (ns > kLatencyHistogramMaxNs) ns = kLatencyHistogramMaxNs;
  std::unique_ptr<HdrHistogram>& h = cmd.stats.latency;
  if (h == nullptr) h = NewLatencyHistogram();
  h->Record(ns);
}

// "p50=8.031,p99=8.031,p99.9=8.031": the value at each percentile in
// microseconds with three decimals, each percentile as printed by "%f"
// with its trailing zeros (and a bare dot) removed.
std::string LatencyPercentilesText(const HdrHistogram& h, std::span<const double> percentiles);

// The INFO latencystats lines (without the section header): one
// "latency_percentiles_usec_<name>:..." per command and subcommand that has
// a histogram, in table order.
std::string LatencyStatsInfo(const commands::CommandTable& table,
                             std::span<const double> percentiles);

// LATENCY HISTOGRAM's cumulative distribution: (microseconds, cumulative
// count) pairs from log steps of 1024 ns doubling, each the step's highest
// equivalent value, only those that added calls (Redis's fillCommandCDF).
std::vector<std::pair<int64_t, int64_t>> LatencyCdf(const HdrHistogram& h);

// The histograms LATENCY HISTOGRAM answers for its arguments: each named
// command ("name" or "container|sub", any case; unknown ones skipped) with a
// histogram, then for a container each of its subcommands with one; the
// same command named twice answers twice. No names: every command and
// subcommand with a histogram, in table order.
std::vector<const commands::CommandSpec*> LatencyHistogramTargets(
    const commands::CommandTable& table, std::span<const std::string_view> names);

}  // namespace spindle::server
