#include "persistence/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace spindle::persistence {
namespace {

TEST(Crc64Test, JonesCheckValue) { EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL); }

TEST(Crc64Test, EmptyInputKeepsTheCrc) {
  EXPECT_EQ(Crc64(0, "", 0), 0u);
  EXPECT_EQ(Crc64(0x1234, "", 0), 0x1234u);
}

// The slicing-by-8 path and the byte path must agree whatever the split.
TEST(Crc64Test, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  const uint64_t whole = Crc64(0, data.data(), data.size());
  for (size_t split :
       {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{500}, size_t{999}}) {
    uint64_t crc = Crc64(0, data.data(), split);
    crc = Crc64(crc, data.data() + split, data.size() - split);
    EXPECT_EQ(crc, whole) << "split at " << split;
  }
}

// A DUMP payload from redis-server 7.0.15 (DUMP of the string "hello"): the
// last 8 bytes are the CRC64 of the rest, little-endian.
TEST(Crc64Test, MatchesARedisDumpFooter) {
  const unsigned char payload[] = {0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0x0a, 0x00};
  EXPECT_EQ(Crc64(0, payload, sizeof(payload)), 0x0a20346576df7263ULL);
}

}  // namespace
}  // namespace spindle::persistence
