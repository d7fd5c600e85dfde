#include "persistence/ziplist.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "test_bytes.h"

namespace spindle::persistence {
namespace {

using testing::Hex;

std::vector<std::string> Read(std::string_view zl, bool* ok) {
  std::vector<std::string> out;
  *ok = ForEachZiplistEntry(zl, [&](const ListpackEntry& e) {
    out.push_back(e.is_int ? std::to_string(e.value) : std::string(e.str));
    return true;
  });
  return out;
}

// A ziplist as Redis 6.2 writes one for RPUSH l ab 5 -2 300 100000 ...:
// <zlbytes> <zltail> <zllen> then <prevlen> <encoding> <data> per entry.
std::string SampleZiplist() {
  std::string entries =
      Hex("00"
          "02"
          "6162"  // "ab": prevlen 0, 6-bit string
          "04"
          "f6"  // 5: immediate (0xF1 + 5)
          "02"
          "fe"
          "fe"  // -2: int8
          "03"
          "c0"
          "2c01"  // 300: int16
          "04"
          "f0"
          "a08601"  // 100000: int24
          "05"
          "d0"
          "00ca9a3b"  // 1000000000: int32
          "06"
          "e0"
          "0000c16ff2862300"  // 10^16: int64
      );
  // The last entry starts 10 bytes before the end of the entries.
  const size_t total = 10 + entries.size() + 1;
  const size_t tail = 10 + entries.size() - 10;
  std::string zl(10, '\0');
  for (int i = 0; i < 4; ++i) zl[i] = static_cast<char>((total >> (8 * i)) & 0xFF);
  for (int i = 0; i < 4; ++i) zl[4 + i] = static_cast<char>((tail >> (8 * i)) & 0xFF);
  zl[8] = 7;
  zl += entries;
  zl.push_back(static_cast<char>(0xFF));
  return zl;
}

TEST(ZiplistTest, ReadsEveryEncoding) {
  bool ok;
  EXPECT_EQ(Read(SampleZiplist(), &ok),
            (std::vector<std::string>{"ab", "5", "-2", "300", "100000", "1000000000",
                                      "10000000000000000"}));
  EXPECT_TRUE(ok);
}

TEST(ZiplistTest, RejectsMalformedInput) {
  const std::string good = SampleZiplist();
  bool ok;
  for (size_t n = 0; n < good.size(); ++n) {
    Read(good.substr(0, n), &ok);
    EXPECT_FALSE(ok) << "truncated to " << n;
  }
  std::string bad = good;
  bad[8] = 6;  // count
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  bad = good;
  bad[4] = static_cast<char>(bad[4] + 1);  // zltail
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  bad = good;
  bad[10 + 4] = 3;  // the second entry's prevlen
  Read(bad, &ok);
  EXPECT_FALSE(ok);
}

TEST(ZipmapTest, ReadsPairsAndRejectsGarbage) {
  // Two pairs: "a" -> "bc" (one free byte), "key" -> "" (no free byte).
  const std::string zm =
      Hex("02"
          "01"
          "61"
          "02"
          "01"
          "6263"
          "00"
          "03"
          "6b6579"
          "00"
          "00"
          "ff");
  std::vector<std::pair<std::string, std::string>> pairs;
  EXPECT_TRUE(ForEachZipmapPair(zm, [&](std::string_view f, std::string_view v) {
    pairs.emplace_back(f, v);
    return true;
  }));
  EXPECT_EQ(pairs, (std::vector<std::pair<std::string, std::string>>{{"a", "bc"}, {"key", ""}}));
  for (size_t n = 0; n < zm.size(); ++n) {
    EXPECT_FALSE(ForEachZipmapPair(zm.substr(0, n), [](auto, auto) { return true; }));
  }
}

}  // namespace
}  // namespace spindle::persistence
