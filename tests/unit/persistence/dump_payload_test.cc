#include "persistence/dump_payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "persistence/rdb_format.h"
#include "storage/hash_value.h"
#include "storage/list_value.h"
#include "storage/set_value.h"
#include "storage/zset_value.h"
#include "test_bytes.h"

namespace spindle::persistence {
namespace {

using storage::EncodingLimits;
using storage::HashValue;
using storage::ListValue;
using storage::SetValue;
using storage::Value;
using storage::ValueType;
using storage::ZSetValue;
using testing::Hex;
using testing::ToHex;

std::string Dump(const Value& v, bool compression = false) {
  std::string out;
  EXPECT_TRUE(CreateDumpPayload(v, compression, &out));
  return ToHex(out);
}

Value List(std::vector<std::string> elements, int64_t fill = -2) {
  auto l = std::make_unique<ListValue>(fill);
  for (const auto& e : elements) l->PushBack(e);
  return Value::FromCollection(ValueType::kList, std::move(l));
}

Value Set(std::vector<std::string> members, int64_t max_intset = 512) {
  auto s = SetValue::CreateIntset();
  for (const auto& m : members) s->Add(m, max_intset);
  return Value::FromCollection(ValueType::kSet, std::move(s));
}

Value Hash(std::vector<std::pair<std::string, std::string>> pairs, EncodingLimits limits = {}) {
  auto h = std::make_unique<HashValue>();
  for (const auto& [f, v] : pairs) h->Set(f, v, limits);
  return Value::FromCollection(ValueType::kHash, std::move(h));
}

Value ZSet(std::vector<ZSetValue::Element> elements, EncodingLimits limits = {}) {
  return Value::FromCollection(ValueType::kZSet,
                               ZSetValue::CreateFrom(limits, std::move(elements)));
}

// Every expected payload below is what redis-server 7.0.15 (rdbcompression
// no) answers DUMP with for the same value.
TEST(DumpPayloadTest, StringsMatchRedis) {
  EXPECT_EQ(Dump(Value::FromString("hello")), "000568656c6c6f0a006372df766534200a");
  EXPECT_EQ(Dump(Value::FromString("12")), "00c00c0a003c2af8515c04bcd5");
  EXPECT_EQ(Dump(Value::FromString("-300")), "00c1d4fe0a00c6c48623febede2e");
  EXPECT_EQ(Dump(Value::FromString("100000")), "00c2a08601000a00f12403506f2fa674");
  EXPECT_EQ(Dump(Value::FromString("12345678901")),
            "000b31323334353637383930310a00304e52d727176510");
  EXPECT_EQ(Dump(Value::FromString("-2147483648")), "00c2000000800a00c74f873e33558187");
  // An int built by INCR serializes like the same digits.
  EXPECT_EQ(Dump(Value::FromInt(12)), "00c00c0a003c2af8515c04bcd5");
}

TEST(DumpPayloadTest, CollectionsMatchRedis) {
  EXPECT_EQ(Dump(Set({"1", "2", "3"})), "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b");
  EXPECT_EQ(Dump(Set({"1", "70000"})), "0b10040000000200000001000000701101000a002735436efd6656c4");
  EXPECT_EQ(Dump(Set({"-5", "1099511627776"})),
            "0b180800000002000000fbffffffffffffff00000000000100000a00a7d64212f15eb766");
  EXPECT_EQ(Dump(Set({"x"})), "020101780a00ffe880ba760c2f09");
  EXPECT_EQ(Dump(Hash({{"f", "v"}, {"n", "5"}})),
            "1012120000000400816602817602816e020501ff0a008490939f57b4f3c2");
  EncodingLimits no_listpack;
  no_listpack.hash_max_listpack_entries = 0;
  no_listpack.zset_max_listpack_entries = 1;
  EXPECT_EQ(Dump(Hash({{"f", "v"}}, no_listpack)), "0401016601760a00adf24356b1860efc");
  EXPECT_EQ(Dump(ZSet({{"a", 1},
                       {"b", 2.5},
                       {"c", 0.1},
                       {"d", -HUGE_VAL},
                       {"e", -3},
                       {"f", 1e20},
                       {"g", 123456789012345678.0}})),
            "114052520000000e00816402842d696e6605816502dffd02816302933"
            "02e313030303030303030303030303030303114816102010181620283322e3504816702f450f330a6"
            "4b9bb601098166028531652b323006ff0a007438dbd31c9241cd");
  EXPECT_EQ(Dump(ZSet({{"a", 1}, {"b", 2.5}, {"c", -0.5}}, no_listpack)),
            "0503016200000000000004400161000000000000f03f0163000000000000e0bf0a007c46f6f26f9e56ce");
  EXPECT_EQ(Dump(List({"a", "1", "-5", "300", "70000"})),
            "1201021717000000050081610201"
            "01dffb02c12c02f270110104ff0a00e79c587fa871b866");
}

std::vector<std::string> ListElements(const Value& v) { return v.As<ListValue>()->ToVector(); }

TEST(DumpPayloadTest, RoundTripsEveryTypeAndEncoding) {
  EncodingLimits limits;
  DumpPayloadError err;
  // Ordered encodings serialize again to the same bytes; hashtables keep
  // their content but not their iteration order.
  auto round = [&](const Value& v) {
    std::string payload;
    EXPECT_TRUE(CreateDumpPayload(v, false, &payload));
    auto back = ParseDumpPayload(payload, limits, false, &err);
    EXPECT_EQ(err, DumpPayloadError::kNone);
    EXPECT_TRUE(back.has_value());
    std::string again;
    EXPECT_TRUE(back && CreateDumpPayload(*back, false, &again));
    if (back->encoding() != storage::Encoding::kHashtable) {
      EXPECT_EQ(ToHex(again), ToHex(payload));
    } else {
      EXPECT_EQ(again.size(), payload.size());
    }
    return back;
  };
  char scratch[Value::kIntScratch];
  auto s = round(Value::FromString(std::string(100, 'z')));
  EXPECT_EQ(s->StringView(scratch), std::string(100, 'z'));
  EXPECT_EQ(s->encoding(), storage::Encoding::kRaw);
  s = round(Value::FromString("42"));
  EXPECT_EQ(s->encoding(), storage::Encoding::kInt);

  std::vector<std::string> many;
  for (int i = 0; i < 3000; ++i)
    many.push_back(i % 3 ? "element-" + std::to_string(i) : std::to_string(i * 1000));
  auto l = round(List(many));
  EXPECT_EQ(ListElements(*l), many);

  std::vector<std::string> ints, strs;
  for (int i = 0; i < 600; ++i) ints.push_back(std::to_string(i * 7 - 100));
  for (int i = 0; i < 50; ++i) strs.push_back("m" + std::to_string(i));
  EXPECT_EQ(round(Set(ints))->encoding(), storage::Encoding::kHashtable);  // > 512
  ints.resize(100);
  EXPECT_EQ(round(Set(ints))->encoding(), storage::Encoding::kIntset);
  auto strset = round(Set(strs));
  EXPECT_EQ(strset->As<SetValue>()->size(), 50u);
  EXPECT_TRUE(strset->As<SetValue>()->Contains("m49"));

  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 200; ++i) pairs.emplace_back("f" + std::to_string(i), std::to_string(i));
  auto big_hash = round(Hash(pairs));
  EXPECT_EQ(big_hash->encoding(), storage::Encoding::kHashtable);
  EXPECT_EQ(*big_hash->As<HashValue>()->Get("f199"), "199");
  pairs.resize(10);
  EXPECT_EQ(round(Hash(pairs))->encoding(), storage::Encoding::kListpack);

  std::vector<ZSetValue::Element> elements;
  for (int i = 0; i < 300; ++i) elements.push_back({"e" + std::to_string(i), i * 0.25 - 7});
  EXPECT_EQ(round(ZSet(elements))->encoding(), storage::Encoding::kSkiplist);
  elements.resize(20);
  auto z = round(ZSet(elements));
  EXPECT_EQ(z->encoding(), storage::Encoding::kListpack);
  double score;
  EXPECT_TRUE(z->As<ZSetValue>()->Score("e3", &score));
  EXPECT_EQ(score, 3 * 0.25 - 7);
}

// A list longer than one node splits where Redis's quicklist splits when the
// elements are pushed at the tail (list-max-listpack-size -2: 8 KiB nodes).
TEST(DumpPayloadTest, ListNodesSplitAsRedisQuicklist) {
  std::vector<std::string> elements(300, std::string(100, 'v'));
  std::string payload;
  ASSERT_TRUE(CreateDumpPayload(List(elements), false, &payload));
  EXPECT_EQ(static_cast<unsigned char>(payload[0]), kRdbTypeListQuicklist2);
  // 102 + 1 bytes per entry (header, data, backlen): 8192 holds 79 of them
  // under Redis's estimate (node + 100 + 8 <= 8192), so 79 + 79 + 79 + 63.
  EXPECT_EQ(static_cast<unsigned char>(payload[1]), 4);
  // With a positive fill the node holds that many elements.
  ASSERT_TRUE(CreateDumpPayload(List(std::vector<std::string>(10, "x"), 3), false, &payload));
  EXPECT_EQ(static_cast<unsigned char>(payload[1]), 4);
}

// list-compress-depth: nodes past the depth are written LZF-compressed
// whatever rdbcompression says, as Redis writes its compressed nodes.
TEST(DumpPayloadTest, CompressDepthWritesInnerNodesCompressed) {
  auto l = std::make_unique<ListValue>(-2, 1);
  std::vector<std::string> elements;
  for (int i = 0; i < 2000; ++i) elements.push_back("element-number-" + std::to_string(i % 7));
  for (const auto& e : elements) l->PushBack(e);
  Value v = Value::FromCollection(ValueType::kList, std::move(l));
  std::string payload;
  ASSERT_TRUE(CreateDumpPayload(v, /*compression=*/false, &payload));
  const size_t nodes = static_cast<unsigned char>(payload[1]);
  ASSERT_GE(nodes, 3u);
  // The first node is raw: container 2, then a plain length.
  EXPECT_EQ(static_cast<unsigned char>(payload[2]), 2);
  EXPECT_NE(static_cast<unsigned char>(payload[3]), 0xC3);
  // Some later node is an LZF blob.
  EXPECT_NE(payload.find("\x02\xc3"), std::string::npos);
  DumpPayloadError err;
  auto back = ParseDumpPayload(payload, EncodingLimits{}, false, &err);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->As<ListValue>()->ToVector(), elements);
}

TEST(DumpPayloadTest, FooterErrors) {
  std::string payload;
  ASSERT_TRUE(CreateDumpPayload(Value::FromString("hello"), false, &payload));
  EncodingLimits limits;
  DumpPayloadError err;
  EXPECT_FALSE(ParseDumpPayload("short", limits, false, &err));
  EXPECT_EQ(err, DumpPayloadError::kVersionOrChecksum);
  std::string bad = payload;
  bad[3] = 'X';  // "heXlo": CRC mismatch
  EXPECT_FALSE(ParseDumpPayload(bad, limits, false, &err));
  EXPECT_EQ(err, DumpPayloadError::kVersionOrChecksum);
  // With checksum validation skipped the payload itself is read.
  auto v = ParseDumpPayload(bad, limits, true, &err);
  ASSERT_TRUE(v.has_value());
  bad = payload;
  bad[bad.size() - 10] = 11;  // RDB version 11
  EXPECT_FALSE(ParseDumpPayload(bad, limits, true, &err));
  EXPECT_EQ(err, DumpPayloadError::kVersionOrChecksum);
  bad = payload;
  bad[0] = 8;  // not an object type
  EXPECT_FALSE(ParseDumpPayload(bad, limits, true, &err));
  EXPECT_EQ(err, DumpPayloadError::kBadFormat);
  // An empty set (intset with no members) is a bad format.
  EXPECT_FALSE(ParseDumpPayload(Hex("0b08"
                                    "0200000000000000"
                                    "0a00") +
                                    std::string(8, '\0'),
                                limits, true, &err));
  EXPECT_EQ(err, DumpPayloadError::kBadFormat);
}

// Older encodings a Redis 7.0 server still loads: a ziplist hash and zset.
TEST(DumpPayloadTest, ReadsZiplistEncodings) {
  // HASH_ZIPLIST of f -> v, n -> 5 (Redis 6.2 layout).
  std::string zl =
      Hex("16000000"
          "13000000"
          "0400"
          "00"
          "0166"
          "03"
          "0176"
          "03"
          "016e"
          "03"
          "f6"
          "ff");
  std::string payload = std::string(1, static_cast<char>(kRdbTypeHashZiplist)) +
                        static_cast<char>(zl.size()) + zl + Hex("0900");
  EncodingLimits limits;
  DumpPayloadError err;
  auto v = ParseDumpPayload(payload + std::string(8, '\0'), limits, true, &err);
  ASSERT_TRUE(v.has_value()) << static_cast<int>(err);
  EXPECT_EQ(v->encoding(), storage::Encoding::kListpack);
  EXPECT_EQ(*v->As<HashValue>()->Get("n"), "5");
}

}  // namespace
}  // namespace spindle::persistence
