#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "persistence/rdb_file.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "storage/hash_value.h"
#include "storage/keyspace.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"
#include "test_bytes.h"

namespace spindle::persistence {
namespace {

using storage::EncodingLimits;
using storage::HashValue;
using storage::Keyspace;
using storage::ListValue;
using storage::SetValue;
using storage::Value;
using storage::ValueType;
using storage::ZSetValue;

constexpr int64_t kNow = 1'700'000'000'000;

// A canonical text form of a keyspace, for comparing two of them.
std::string Describe(Keyspace& ks) {
  std::map<std::string, std::string> lines;
  for (int i = 0; i < ks.count(); ++i) {
    storage::Database& db = ks.db(i);
    db.ForEach([&](std::string_view key, const Value& v) {
      std::string d = std::to_string(i) + ":" + std::string(key) + " " +
                      storage::ValueTypeName(v.type()) +
                      " ttl=" + std::to_string(db.GetExpire(key)) +
                      " enc=" + storage::EncodingName(v.encoding()) + " =";
      char scratch[Value::kIntScratch];
      std::vector<std::string> items;
      switch (v.type()) {
        case ValueType::kString:
          d += std::string(v.StringView(scratch));
          break;
        case ValueType::kList:
          for (auto& e : v.As<ListValue>()->ToVector()) d += " " + e;
          break;
        case ValueType::kSet:
          items = v.As<SetValue>()->Members();
          std::sort(items.begin(), items.end());
          for (auto& e : items) d += " " + e;
          break;
        case ValueType::kHash:
          v.As<HashValue>()->ForEach([&](std::string_view f, std::string_view val) {
            items.push_back(std::string(f) + "=" + std::string(val));
          });
          std::sort(items.begin(), items.end());
          for (auto& e : items) d += " " + e;
          break;
        case ValueType::kZSet: {
          const auto* z = v.As<ZSetValue>();
          z->Visit(0, z->size(), false, [&](std::string_view m, double s) {
            d += " " + std::string(m) + "@" + std::to_string(s);
            return true;
          });
          break;
        }
        default:
          break;
      }
      lines[d] = d;
    });
  }
  std::string out;
  for (auto& [k, v] : lines) out += k + "\n";
  return out;
}

void Fill(Keyspace& ks) {
  EncodingLimits limits;
  storage::Database& db0 = ks.db(0);
  db0.Set("str", Value::FromString("hello world"));
  db0.Set("int", Value::FromString("-12345"));
  db0.Set("big", Value::FromString(std::string(5000, 'b')));
  db0.Set("ttl", Value::FromString("soon"));
  db0.SetExpire("ttl", kNow + 60'000);
  auto list = std::make_unique<ListValue>();
  for (int i = 0; i < 1000; ++i)
    list->PushBack(i % 2 ? std::to_string(i) : "item" + std::to_string(i));
  db0.Set("list", Value::FromCollection(ValueType::kList, std::move(list)));
  auto ints = SetValue::CreateIntset();
  for (int i = 0; i < 10; ++i) ints->Add(std::to_string(i * 1000), 512);
  db0.Set("intset", Value::FromCollection(ValueType::kSet, std::move(ints)));
  auto strs = SetValue::CreateIntset();
  for (int i = 0; i < 10; ++i) strs->Add("m" + std::to_string(i), 512);
  db0.Set("set", Value::FromCollection(ValueType::kSet, std::move(strs)));
  storage::Database& db3 = ks.db(3);
  auto small = std::make_unique<HashValue>();
  small->Set("a", "1", limits);
  small->Set("b", "two", limits);
  db3.Set("hash", Value::FromCollection(ValueType::kHash, std::move(small)));
  auto large = std::make_unique<HashValue>();
  for (int i = 0; i < 300; ++i) large->Set("f" + std::to_string(i), std::to_string(i), limits);
  db3.Set("bighash", Value::FromCollection(ValueType::kHash, std::move(large)));
  db3.SetExpire("bighash", kNow + 3'600'000);
  std::vector<ZSetValue::Element> few = {{"a", 1.5}, {"b", -HUGE_VAL}, {"c", 0.1}};
  db3.Set("zset", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, few)));
  std::vector<ZSetValue::Element> many;
  for (int i = 0; i < 200; ++i) many.push_back({"m" + std::to_string(i), i / 3.0});
  db3.Set("bigzset", Value::FromCollection(ValueType::kZSet, ZSetValue::CreateFrom(limits, many)));
}

std::string WriteToMemory(Keyspace& ks, RdbSaveOptions options = {}) {
  options.now_ms = kNow;
  RdbWriter w(options);
  EXPECT_TRUE(WriteRdb(ks, w).ok());
  return w.buffer();
}

Status LoadFromMemory(std::string_view bytes, Keyspace& ks, RdbLoadResult* result,
                      RdbError* error = nullptr, RdbLoadOptions options = {}) {
  options.now_ms = kNow;
  RdbReader r(bytes);
  Status st = LoadRdb(r, ks, options, result);
  if (error) *error = r.error();
  return st;
}

TEST(RdbTest, RoundTripsEveryTypeEncodingTtlAndDatabase) {
  Keyspace ks(16);
  Fill(ks);
  const std::string file = WriteToMemory(ks);
  EXPECT_EQ(file.substr(0, 9), "REDIS0010");
  Keyspace back(16);
  RdbLoadResult result;
  ASSERT_TRUE(LoadFromMemory(file, back, &result).ok());
  EXPECT_EQ(result.keys_loaded, 11u);
  EXPECT_EQ(result.version, 10);
  EXPECT_EQ(Describe(back), Describe(ks));
  EXPECT_NE(Describe(ks).find("enc=hashtable"), std::string::npos);
  EXPECT_NE(Describe(ks).find("enc=skiplist"), std::string::npos);
  EXPECT_NE(Describe(ks).find("enc=intset"), std::string::npos);
  // Loading is deterministic in what it writes back for ordered encodings.
  EXPECT_EQ(WriteToMemory(back).size(), file.size());
}

TEST(RdbTest, FileLayoutMatchesRedis) {
  Keyspace ks(16);
  ks.db(2).Set("k", Value::FromString("v"));
  ks.db(2).SetExpire("k", kNow + 1000);
  RdbSaveOptions options;
  options.used_mem = 1063648;
  const std::string file = WriteToMemory(ks, options);
  // Magic, the five AUX fields Redis 7.0 writes, SELECTDB 2, RESIZEDB 1 1,
  // EXPIRETIME_MS, the key, EOF and the checksum.
  const std::string expected_head = testing::Hex(
      "524544495330303130"  // REDIS0010
      "fa"
      "09"
      "72656469732d766572"
      "06"
      "372e302e3135"  // redis-ver 7.0.15
      "fa"
      "0a"
      "72656469732d62697473"
      "c040"  // redis-bits 64
      "fa"
      "05"
      "6374696d65"
      "c200f15365"  // ctime 1700000000
      "fa"
      "08"
      "757365642d6d656d"
      "c2e03a1000"  // used-mem 1063648
      "fa"
      "08"
      "616f662d62617365"
      "c000"  // aof-base 0
      "fe02"
      "fb0101"  // SELECTDB 2, RESIZEDB 1 1
      "fc"
      "e86be5cf8b010000"  // EXPIRETIME_MS kNow + 1000
      "00"
      "016b"
      "0176"  // string k = v
      "ff");
  ASSERT_EQ(file.size(), expected_head.size() + 8);
  EXPECT_EQ(testing::ToHex(file.substr(0, expected_head.size())), testing::ToHex(expected_head));
}

TEST(RdbTest, SkipsKeysAlreadyExpired) {
  Keyspace ks(16);
  ks.db(0).Set("gone", Value::FromString("x"));
  ks.db(0).SetExpire("gone", kNow - 1);
  ks.db(0).Set("kept", Value::FromString("y"));
  const std::string file = WriteToMemory(ks);
  Keyspace back(16);
  RdbLoadResult result;
  ASSERT_TRUE(LoadFromMemory(file, back, &result).ok());
  EXPECT_EQ(result.keys_loaded, 1u);
  EXPECT_EQ(result.keys_expired, 1u);
  EXPECT_FALSE(back.db(0).ContainsRaw("gone"));
  // A load that keeps expired keys (not a master) loads both.
  Keyspace all(16);
  RdbLoadOptions keep;
  keep.skip_expired = false;
  ASSERT_TRUE(LoadFromMemory(file, all, &result, nullptr, keep).ok());
  EXPECT_TRUE(all.db(0).ContainsRaw("gone"));
}

TEST(RdbTest, ChecksumIsVerifiedUnlessDisabled) {
  Keyspace ks(16);
  Fill(ks);
  std::string file = WriteToMemory(ks);
  const size_t at = file.find("hello world");
  ASSERT_NE(at, std::string::npos);
  file[at] = 'H';
  Keyspace back(16);
  RdbLoadResult result;
  RdbError error;
  Status st = LoadFromMemory(file, back, &result, &error);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(error.message, "RDB CRC error");
  EXPECT_EQ(error.offset, file.size());

  Keyspace lenient(16);
  RdbLoadOptions no_verify;
  no_verify.verify_checksum = false;
  EXPECT_TRUE(LoadFromMemory(file, lenient, &result, nullptr, no_verify).ok());

  // rdbchecksum no writes a zero CRC, which the loader accepts unchecked.
  RdbSaveOptions no_crc;
  no_crc.checksum = false;
  std::string zero = WriteToMemory(ks, no_crc);
  EXPECT_EQ(zero.substr(zero.size() - 8), std::string(8, '\0'));
  Keyspace z(16);
  EXPECT_TRUE(LoadFromMemory(zero, z, &result).ok());
  EXPECT_EQ(Describe(z), Describe(ks));
}

// Every truncation is refused with an EOF error no later than the end of
// the input (a length that runs past the end is caught before the read);
// none crashes.
TEST(RdbTest, TruncatedFilesAreRefused) {
  Keyspace ks(16);
  Fill(ks);
  const std::string file = WriteToMemory(ks);
  for (size_t n = 0; n < file.size(); n += (n < 400 ? 1 : 97)) {
    Keyspace back(16);
    RdbLoadResult result;
    RdbError error;
    Status st = LoadFromMemory(std::string_view(file).substr(0, n), back, &result, &error);
    ASSERT_FALSE(st.ok()) << n;
    if (n >= 9) {
      EXPECT_TRUE(error.eof) << n << ": " << error.message;
      EXPECT_LE(error.offset, n);
      EXPECT_GE(error.offset, 9u);
      EXPECT_EQ(error.message, "Unexpected EOF reading RDB file");
    }
  }
}

// Corrupted bytes either fail cleanly or load something; never a crash
// (the fuzz target explores this further).
TEST(RdbTest, CorruptBytesNeverCrash) {
  Keyspace ks(16);
  Fill(ks);
  const std::string file = WriteToMemory(ks);
  uint32_t seed = 12345;
  for (int round = 0; round < 3000; ++round) {
    std::string bad = file;
    seed = seed * 1103515245 + 12345;
    size_t at = seed % bad.size();
    bad[at] = static_cast<char>(seed >> 16);
    Keyspace back(16);
    RdbLoadResult result;
    RdbLoadOptions options;
    options.verify_checksum = false;
    LoadFromMemory(bad, back, &result, nullptr, options);
  }
}

TEST(RdbTest, RefusesBadHeaders) {
  Keyspace ks(16);
  RdbLoadResult result;
  EXPECT_EQ(LoadFromMemory("REDIX0010\xff", ks, &result).message(),
            "Wrong signature trying to load DB from file");
  EXPECT_EQ(LoadFromMemory("REDIS0011\xff", ks, &result).message(),
            "Can't handle RDB format version 11");
  // SELECTDB past the configured databases.
  Keyspace four(4);
  EXPECT_NE(LoadFromMemory(std::string("REDIS0010\xfe\x05\xff", 12), four, &result)
                .message()
                .find("more than 4 databases"),
            std::string::npos);
}

TEST(RdbTest, DuplicateKeysAndEmptyKeys) {
  // Two "k" keys in db 0: refused. An empty set: skipped.
  std::string dup = std::string("REDIS0009") + '\0' + "\x01k\x01v" + '\0' + "\x01k\x01w" + "\xff";
  Keyspace ks(16);
  RdbLoadResult result;
  RdbError error;
  EXPECT_FALSE(LoadFromMemory(dup, ks, &result, &error).ok());
  EXPECT_EQ(error.message, "Duplicated key found in RDB file");
  std::string empty = std::string("REDIS0009") + "\x02\x01s" + '\0' + '\0' + "\x01k\x01v" + "\xff" +
                      std::string(8, '\0');
  Keyspace ks2(16);
  result = RdbLoadResult();
  EXPECT_TRUE(LoadFromMemory(empty, ks2, &result, &error).ok()) << error.message;
  EXPECT_EQ(result.empty_keys_skipped, 1u);
  EXPECT_EQ(result.keys_loaded, 1u);
}

class RdbFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spindle-rdb-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
    old_cwd_ = cwd;
    ASSERT_EQ(chdir(dir_.c_str()), 0);
  }
  void TearDown() override {
    ASSERT_EQ(chdir(old_cwd_.c_str()), 0);
    std::string cmd = "rm -rf " + dir_;
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  std::string dir_, old_cwd_;
};

TEST_F(RdbFileTest, SaveThenLoad) {
  Keyspace ks(16);
  Fill(ks);
  RdbSaveOptions options;
  options.now_ms = kNow;
  ASSERT_TRUE(SaveRdbFile(ks, "dump.rdb", options).ok());
  EXPECT_NE(access("dump.rdb", R_OK), -1);
  EXPECT_EQ(access(RdbTempFileName(getpid()).c_str(), F_OK), -1);  // renamed away
  Keyspace back(16);
  RdbLoadResult result;
  RdbLoadOptions load;
  load.now_ms = kNow;
  ASSERT_TRUE(LoadRdbFile("dump.rdb", back, load, &result, nullptr).ok());
  EXPECT_EQ(Describe(back), Describe(ks));
}

TEST_F(RdbFileTest, MissingAndUnwritable) {
  Keyspace ks(16);
  RdbLoadResult result;
  EXPECT_EQ(LoadRdbFile("nope.rdb", ks, {}, &result, nullptr).code(), Status::Code::kNotFound);
  // A directory where the file should go makes the rename fail; the old
  // state and no temporary file remain.
  ASSERT_EQ(mkdir("dir.rdb", 0755), 0);
  ASSERT_EQ(close(open("dir.rdb/x", O_CREAT | O_WRONLY, 0644)), 0);
  ks.db(0).Set("k", Value::FromString("v"));
  EXPECT_FALSE(SaveRdbFile(ks, "dir.rdb", {}).ok());
  EXPECT_EQ(access(RdbTempFileName(getpid()).c_str(), F_OK), -1);
}

TEST_F(RdbFileTest, TruncatedFileNamesTheOffset) {
  Keyspace ks(16);
  Fill(ks);
  ASSERT_TRUE(SaveRdbFile(ks, "dump.rdb", {}).ok());
  ASSERT_EQ(truncate("dump.rdb", 200), 0);
  Keyspace back(16);
  RdbLoadResult result;
  RdbError error;
  EXPECT_FALSE(LoadRdbFile("dump.rdb", back, {}, &result, &error).ok());
  EXPECT_TRUE(error.eof);
  // At the end, or where a string too long for what is left starts (the
  // keys come in hash-table order, so which one that is varies).
  EXPECT_LE(error.offset, 200u);
  EXPECT_GE(error.offset, 9u);
}

// rdbSaveKeyValuePair's FREQ is LFUDecrAndReturn under the server's
// lfu-decay-time: one point lost per lfu-decay-time minutes since the last
// decrement, none with 0.
TEST(RdbTest, SavedFreqDecaysByLfuDecayTime) {
  const uint32_t now_min = static_cast<uint32_t>(kNow / 60'000) & 65535;
  Value v = Value::FromString("payload");
  v.set_lru(((now_min - 10) << 8) | 20);  // counter 20, last decrement 10 min ago
  struct Case {
    int64_t decay;
    uint8_t want;
  } cases[] = {{1, 10}, {3, 17}, {10, 19}, {11, 20}, {0, 20}};
  for (const Case& c : cases) {
    RdbSaveOptions options;
    options.eviction = EvictionInfo::kLfu;
    options.now_ms = kNow;
    options.lfu_decay_minutes = c.decay;
    RdbWriter w(options);
    ASSERT_TRUE(w.KeyValue("k", v, -1).ok());
    ASSERT_GE(w.buffer().size(), 2u);
    EXPECT_EQ(static_cast<uint8_t>(w.buffer()[0]), kRdbOpFreq);
    EXPECT_EQ(static_cast<uint8_t>(w.buffer()[1]), c.want) << "lfu-decay-time " << c.decay;
  }
  // More periods than points: zero, not a wrapped byte.
  v.set_lru(((now_min - 30) << 8) | 7);
  RdbSaveOptions options;
  options.eviction = EvictionInfo::kLfu;
  options.now_ms = kNow;
  RdbWriter w(options);
  ASSERT_TRUE(w.KeyValue("k", v, -1).ok());
  EXPECT_EQ(static_cast<uint8_t>(w.buffer()[1]), 0);
}

// Loading a FREQ under an LFU policy keeps the counter and stamps the
// loader's now as the last decrement (objectSetLRUOrLFU).
TEST(RdbTest, LoadedFreqIsStampedWithTheLoadTime) {
  const uint32_t now_min = static_cast<uint32_t>(kNow / 60'000) & 65535;
  Keyspace ks(16);
  Value v = Value::FromString("payload");
  v.set_lru(((now_min - 4) << 8) | 42);
  ks.db(0).Set("k", std::move(v));
  RdbSaveOptions save;
  save.eviction = EvictionInfo::kLfu;
  save.lfu_decay_minutes = 2;
  const std::string file = WriteToMemory(ks, save);  // 42 - 4/2
  Keyspace back(16);
  RdbLoadResult result;
  RdbLoadOptions load;
  load.eviction = EvictionInfo::kLfu;
  load.now_ms = kNow + 3 * 60'000;
  RdbReader r(file);
  ASSERT_TRUE(LoadRdb(r, back, load, &result).ok());
  const Value* got = back.db(0).PeekRaw("k");
  ASSERT_NE(got, nullptr);
  const uint32_t load_min = static_cast<uint32_t>(load.now_ms / 60'000) & 65535;
  EXPECT_EQ(got->lru(), (load_min << 8) | 40);
}

// A file bigger than the reader's chunk exercises refills and the CRC
// across them.
TEST_F(RdbFileTest, LargeFileAcrossChunks) {
  Keyspace ks(16);
  for (int i = 0; i < 3000; ++i) {
    ks.db(i % 3).Set("key:" + std::to_string(i),
                     Value::FromString(std::string(300 + i % 50, 'a' + i % 26)));
  }
  ASSERT_TRUE(SaveRdbFile(ks, "dump.rdb", {}).ok());
  Keyspace back(16);
  RdbLoadResult result;
  ASSERT_TRUE(LoadRdbFile("dump.rdb", back, {}, &result, nullptr).ok());
  EXPECT_EQ(result.keys_loaded, 3000u);
  EXPECT_EQ(Describe(back), Describe(ks));
}

}  // namespace
}  // namespace spindle::persistence
