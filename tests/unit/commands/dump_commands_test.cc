// DUMP and RESTORE in process: payload bytes, the order of RESTORE's checks,
// TTL handling and what RESTORE reports to the keyspace observer. Expected
// replies and payloads were taken from redis-server 7.0.15.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "command_harness.h"
#include "persistence/crc64.h"

namespace spindle::commands::testing {
namespace {

using Ev = std::vector<std::string>;

std::string FromHex(std::string_view hex) {
  std::string out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  return out;
}

// The payload of DUMP of the string "v" on redis-server 7.0.15.
std::string PayloadOfV() {
  std::string p = std::string("\x00\x01v\x0a\x00", 5);
  uint64_t crc = persistence::Crc64(0, p.data(), p.size());
  for (int i = 0; i < 8; ++i) p.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return p;
}

class DumpCommandsTest : public ::testing::Test {
 protected:
  DumpCommandsTest() {
    h.Register(RegisterDumpCommands);
    h.Register(RegisterListCommands);
    h.Register(RegisterHashCommands);
    h.Register(RegisterSetCommands);
    h.Register(RegisterSortedSetCommands);
  }
  std::string Dump(const std::string& key) {
    std::string reply = h.Run({"dump", key});
    size_t crlf = reply.find("\r\n");
    return reply.substr(crlf + 2, reply.size() - crlf - 4);
  }
  CommandHarness h;
};

TEST_F(DumpCommandsTest, DumpMatchesRedisBytes) {
  EXPECT_EQ(h.Run({"dump", "missing"}), kNil);
  h.Run({"set", "s", "hello"});
  EXPECT_EQ(Dump("s"), FromHex("000568656c6c6f0a006372df766534200a"));
  h.Run({"rpush", "l", "a", "1", "-5", "300", "70000"});
  EXPECT_EQ(Dump("l"), FromHex("1201021717000000050081610201"
                               "01dffb02c12c02f270110104ff0a00"
                               "e79c587fa871b866"));
  h.Run({"hset", "h", "f", "v", "n", "5"});
  EXPECT_EQ(Dump("h"), FromHex("1012120000000400816602817602816e020501ff0a008490939f57b4f3c2"));
  h.Run({"sadd", "si", "1", "2", "3"});
  EXPECT_EQ(Dump("si"), FromHex("0b0e02000000030000000100020003000a00a5025ce26d6e4d1b"));
}

TEST_F(DumpCommandsTest, RestoreRoundTripsEveryType) {
  h.Run({"rpush", "l", "x", "y", "z"});
  h.Run({"hset", "h", "f1", "v1", "f2", "v2"});
  h.Run({"sadd", "s", "3", "1", "2"});
  h.Run({"sadd", "strs", "a", "b"});
  h.Run({"zadd", "z", "1.5", "m", "-2", "n"});
  // Ordered encodings come back byte for byte.
  for (const char* key : {"l", "h", "s", "z"}) {
    std::string payload = Dump(key);
    std::string copy = std::string(key) + "-copy";
    EXPECT_EQ(h.Run({"restore", copy, "0", payload}), kOk) << key;
    EXPECT_EQ(Dump(copy), payload) << key;
  }
  // A hash-table set keeps its members, not its iteration order.
  EXPECT_EQ(h.Run({"restore", "strs-copy", "0", Dump("strs")}), kOk);
  EXPECT_EQ(h.Run({"smismember", "strs-copy", "a", "b", "c"}), "*3\r\n:1\r\n:1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"lrange", "l-copy", "0", "-1"}), Array({"x", "y", "z"}));
  EXPECT_EQ(h.Run({"zscore", "z-copy", "m"}), Bulk("1.5"));
}

// Redis checks in this order: options, BUSYKEY, the TTL, the payload.
TEST_F(DumpCommandsTest, ErrorsInRedisOrder) {
  const std::string p = PayloadOfV();
  h.Run({"set", "k", "v"});
  EXPECT_EQ(h.Run({"restore", "k", "abc", p, "bogus"}), Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"restore", "k", "-1", p}), Err("BUSYKEY Target key name already exists."));
  EXPECT_EQ(h.Run({"restore", "k2", "-1", p}), Err("ERR Invalid TTL value, must be >= 0"));
  EXPECT_EQ(h.Run({"restore", "k2", "abc", p}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", "garbage"}),
            Err("ERR DUMP payload version or checksum are wrong"));
  std::string bad = p;
  bad.back() ^= 1;
  EXPECT_EQ(h.Run({"restore", "k2", "0", bad}),
            Err("ERR DUMP payload version or checksum are wrong"));
  std::string version11 = p;
  version11[3] = 11;
  EXPECT_EQ(h.Run({"restore", "k2", "0", version11}),
            Err("ERR DUMP payload version or checksum are wrong"));
  // A valid footer around an unknown type byte.
  std::string unknown = std::string("\x08\x01v\x0a\x00", 5);
  uint64_t crc = persistence::Crc64(0, unknown.data(), unknown.size());
  for (int i = 0; i < 8; ++i) unknown.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  EXPECT_EQ(h.Run({"restore", "k2", "0", unknown}), Err("ERR Bad data format"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", p, "idletime", "5", "freq", "3"}),
            Err("ERR syntax error"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", p, "freq", "300"}),
            Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", p, "idletime", "-1"}),
            Err("ERR Invalid IDLETIME value, must be >= 0"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", p, "idletime", "x"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"restore", "k2", "0", p, "idletime"}), Err("ERR syntax error"));
  EXPECT_FALSE(h.db().ContainsRaw("k2"));
}

TEST_F(DumpCommandsTest, TtlRelativeAbsoluteAndPast) {
  const std::string p = PayloadOfV();
  EXPECT_EQ(h.Run({"restore", "rel", "5000", p}), kOk);
  EXPECT_EQ(h.db().GetExpire("rel"), h.now_ms() + 5000);
  const std::string at = std::to_string(h.now_ms() + 9000);
  EXPECT_EQ(h.Run({"restore", "abs", at, p, "absttl"}), kOk);
  EXPECT_EQ(h.db().GetExpire("abs"), h.now_ms() + 9000);
  // A TTL already past stores nothing but answers OK.
  EXPECT_EQ(h.Run({"restore", "past", "1", p, "absttl"}), kOk);
  EXPECT_FALSE(h.db().ContainsRaw("past"));
  // ... and with REPLACE the old key is deleted (a "del").
  h.Run({"set", "old", "x"});
  EXPECT_EQ(h.Events({"restore", "old", "1", p, "replace", "absttl"}),
            (Ev{"modified old", "g del old"}));
  EXPECT_EQ(h.last_reply(), kOk);
  EXPECT_FALSE(h.db().ContainsRaw("old"));
}

TEST_F(DumpCommandsTest, EventsAndIdleTime) {
  const std::string p = PayloadOfV();
  EXPECT_EQ(h.Events({"restore", "k", "0", p}), (Ev{"n new k", "modified k", "g restore k"}));
  h.Run({"set", "r", "x"});
  EXPECT_EQ(h.Events({"restore", "r", "0", p, "replace"}),
            (Ev{"n new r", "modified r", "g restore r"}));
  EXPECT_EQ(h.Run({"get", "r"}), Bulk("v"));
  EXPECT_EQ(h.Run({"restore", "idle", "0", p, "idletime", "100"}), kOk);
  EXPECT_EQ(h.db().LookupNoTouch("idle", h.now_ms())->IdleTimeMs(h.now_ms()), 100'000);
  const uint64_t dirty = h.keyspace().dirty();
  h.Run({"restore", "another", "0", p});
  EXPECT_EQ(h.keyspace().dirty(), dirty + 1);
}

}  // namespace
}  // namespace spindle::commands::testing
