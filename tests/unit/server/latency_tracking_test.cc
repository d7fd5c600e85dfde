#include "server/latency_tracking.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spindle::server {
namespace {

commands::CommandSpec Spec(const char* name) {
  return commands::MakeCommand(name, -1, 0, 0, {}, nullptr, "", "", "server", "");
}

class LatencyTrackingTest : public ::testing::Test {
 protected:
  LatencyTrackingTest() {
    table_.Add(Spec("set"));
    table_.Add(Spec("get"));
    commands::CommandSpec config = Spec("config");
    config.subcommands.push_back(Spec("config|get"));
    config.subcommands.push_back(Spec("config|set"));
    config.subcommands.push_back(Spec("config|resetstat"));
    table_.Add(std::move(config));
  }
  const commands::CommandSpec& Cmd(std::string_view name) {
    const size_t bar = name.find('|');
    if (bar == std::string_view::npos) return *table_.Find(name);
    return *commands::CommandTable::FindSubcommand(*table_.Find(name.substr(0, bar)),
                                                   name.substr(bar + 1));
  }
  std::vector<std::string> Targets(std::vector<std::string_view> names) {
    std::vector<std::string> out;
    for (const auto* cmd : LatencyHistogramTargets(table_, names)) out.push_back(cmd->name);
    return out;
  }

  commands::CommandTable table_;
};

TEST_F(LatencyTrackingTest, RecordsNanosecondsClampedToTheRange) {
  const commands::CommandSpec& set = Cmd("set");
  EXPECT_EQ(set.stats.latency, nullptr);  // nothing until the first call
  RecordCommandLatency(set, 0);           // below 1 ns: counted as 1 ns
  RecordCommandLatency(set, 8);           // 8000 ns
  RecordCommandLatency(set, 5000000);     // 5000 s: counted as 1 s
  ASSERT_NE(set.stats.latency, nullptr);
  const HdrHistogram& h = *set.stats.latency;
  EXPECT_EQ(h.total_count(), 3);
  EXPECT_EQ(h.Min(), 1);
  EXPECT_EQ(h.Max(), 1002438655);  // 1e9's highest equivalent value
  EXPECT_EQ(h.CountAtIndex(h.IndexOf(8000)), 1);
}

TEST_F(LatencyTrackingTest, PercentilesText) {
  const commands::CommandSpec& get = Cmd("get");
  RecordCommandLatency(get, 80);
  RecordCommandLatency(get, 10100);
  RecordCommandLatency(get, 700000);
  // redis-server 7.0.15's figures for three DEBUG SLEEPs of these lengths.
  const double redis_default[] = {50, 99, 99.9};
  EXPECT_EQ(LatencyPercentilesText(*get.stats.latency, redis_default),
            "p50=10158.079,p99=700448.767,p99.9=700448.767");
  const double custom[] = {0, 50, 100, 99.99, 12.5};
  EXPECT_EQ(LatencyPercentilesText(*get.stats.latency, custom),
            "p0=79.872,p50=10158.079,p100=700448.767,p99.99=700448.767,p12.5=80.383");
  EXPECT_EQ(LatencyPercentilesText(*get.stats.latency, {}), "");
}

TEST_F(LatencyTrackingTest, InfoLinesOnlyForCommandsWithCalls) {
  RecordCommandLatency(Cmd("set"), 8);
  RecordCommandLatency(Cmd("config|get"), 7);
  const double p[] = {50};
  EXPECT_EQ(LatencyStatsInfo(table_, p),
            "latency_percentiles_usec_set:p50=8.031\r\n"
            "latency_percentiles_usec_config|get:p50=7.007\r\n");
}

TEST_F(LatencyTrackingTest, HistogramTargets) {
  EXPECT_TRUE(Targets({}).empty());
  RecordCommandLatency(Cmd("set"), 8);
  RecordCommandLatency(Cmd("config|get"), 7);
  RecordCommandLatency(Cmd("config|resetstat"), 70);
  EXPECT_EQ(Targets({}), (std::vector<std::string>{"set", "config|get", "config|resetstat"}));
  // Named: in the order named, twice if named twice, any case; a container
  // stands for its subcommands with calls; names of nothing are skipped.
  EXPECT_EQ(Targets({"SET", "nosuch", "Config|GET", "set"}),
            (std::vector<std::string>{"set", "config|get", "set"}));
  EXPECT_EQ(Targets({"config"}), (std::vector<std::string>{"config|get", "config|resetstat"}));
  EXPECT_TRUE(Targets({"get", "config|set", "", "set|x", "config|", "|get", "config|get|x"})
                  .empty());
}

TEST_F(LatencyTrackingTest, Cdf) {
  const commands::CommandSpec& get = Cmd("get");
  RecordCommandLatency(get, 80);
  RecordCommandLatency(get, 10100);
  RecordCommandLatency(get, 700000);
  const std::vector<std::pair<int64_t, int64_t>> want = {{132, 1}, {16908, 2}, {1073741, 3}};
  EXPECT_EQ(LatencyCdf(*get.stats.latency), want);
}

}  // namespace
}  // namespace spindle::server
