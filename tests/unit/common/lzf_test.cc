// LZF: round trips, hand-built streams, a stream written by redis-server
// 7.0.15, and corrupt or oversized input rejected without touching memory
// outside the buffers.

#include "common/lzf.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace spindle {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Compresses into a buffer of exactly `room` bytes (so ASan would see an
// overrun) and returns the stream, or "" when it did not fit.
std::string Compress(const std::string& in, size_t room) {
  std::vector<char> out(room == 0 ? 1 : room);
  size_t n = LzfCompress(in.data(), in.size(), out.data(), room);
  return std::string(out.data(), n);
}

std::string Decompress(const std::string& in, size_t room, size_t* n) {
  std::vector<char> out(room == 0 ? 1 : room);
  *n = LzfDecompress(in.data(), in.size(), out.data(), room);
  return std::string(out.data(), *n);
}

// Compress with a worst-case sized buffer (every 32 bytes cost one header
// byte), decompress into exactly the original size, compare.
void ExpectRoundTrip(const std::string& in) {
  std::string c = Compress(in, in.size() + in.size() / 32 + 1);
  if (in.empty()) {
    EXPECT_TRUE(c.empty());
    return;
  }
  ASSERT_FALSE(c.empty()) << "size " << in.size();
  size_t n;
  EXPECT_EQ(Decompress(c, in.size(), &n), in);
  EXPECT_EQ(n, in.size());
  // One byte short of room is rejected, not truncated.
  std::string short_out = Decompress(c, in.size() - 1, &n);
  EXPECT_EQ(n, 0u);
}

TEST(LzfTest, RoundTripEmptyAndTiny) {
  ExpectRoundTrip("");
  ExpectRoundTrip("a");
  ExpectRoundTrip("ab");
  ExpectRoundTrip("abc");
  ExpectRoundTrip("aaaa");
  ExpectRoundTrip(std::string(1, '\0'));
}

TEST(LzfTest, RoundTripRandom) {
  std::mt19937 rng(7);
  for (size_t size : {1u, 2u, 31u, 32u, 33u, 100u, 1000u, 8192u, 9000u, 70000u}) {
    std::string s(size, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    ExpectRoundTrip(s);
  }
}

TEST(LzfTest, RoundTripRepetitive) {
  ExpectRoundTrip(std::string(100000, 'x'));  // long overlapping back-references
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "member:" + std::to_string(i % 37) + ";";
  ExpectRoundTrip(s);
  // Repeats just inside and just beyond the 8 KiB window.
  std::mt19937 rng(3);
  std::string block(100, '\0');
  for (char& c : block) c = static_cast<char>(rng());
  for (size_t gap : {8000u, 8092u, 8093u, 8191u, 8192u, 8193u, 9000u}) {
    std::string filler(gap - block.size(), '\0');
    for (char& c : filler) c = static_cast<char>(rng());
    ExpectRoundTrip(block + filler + block);
  }
  // Mixed: random segments with repeated ones, random lengths.
  std::string mixed;
  while (mixed.size() < 50000) {
    size_t len = rng() % 300 + 1;
    if (mixed.size() > 500 && rng() % 2) {
      size_t from = rng() % (mixed.size() - len);
      mixed += mixed.substr(from, len);
    } else {
      for (size_t i = 0; i < len; ++i) mixed.push_back(static_cast<char>('a' + rng() % 4));
    }
  }
  ExpectRoundTrip(mixed);
}

TEST(LzfTest, RepetitiveInputShrinks) {
  std::string s(4096, 'z');
  std::string c = Compress(s, s.size());
  ASSERT_FALSE(c.empty());
  EXPECT_LT(c.size(), 64u);  // 4096 / 264 back-references of 3 bytes each
}

// Compression that would not fit the output reports 0 and stays inside it.
TEST(LzfTest, CompressRespectsOutputSize) {
  std::mt19937 rng(11);
  std::string s(1000, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  // Random bytes do not shrink: the "only if smaller" call Redis makes fails.
  EXPECT_TRUE(Compress(s, s.size()).empty());
  EXPECT_TRUE(Compress(s, 0).empty());
  std::string rep(1000, 'r');
  size_t full = Compress(rep, rep.size()).size();
  ASSERT_GT(full, 0u);
  EXPECT_TRUE(Compress(rep, full - 1).empty());
  EXPECT_EQ(Compress(rep, full).size(), full);
}

TEST(LzfTest, HandBuiltStreams) {
  size_t n;
  // One literal run of 3 bytes.
  EXPECT_EQ(Decompress(FromHex("02616263"), 3, &n), "abc");
  // "ab" then a back-reference of 3 bytes (LLL=1) at distance 2 (o=1):
  // overlapping, so it repeats the pair.
  EXPECT_EQ(Decompress(FromHex("0161622001"), 5, &n), "ababa");
  // "x", then a long back-reference: 111 + ext 0x10 -> 16 + 9 = 25 bytes at
  // distance 1.
  EXPECT_EQ(Decompress(FromHex("0078e01000"), 26, &n), std::string(26, 'x'));
  // The longest back-reference: ext 0xff -> 264 bytes.
  EXPECT_EQ(Decompress(FromHex("0079e0ff00"), 265, &n), std::string(265, 'y'));
  // A 32-byte literal run (ctrl 0x1f), then a reference 8 back of 8 bytes
  // (LLL=6, o=7).
  std::string lit = "0123456789abcdefghijklmnopqrstuv";
  std::string hex = "1f";
  for (char c : lit) {
    char buf[3];
    snprintf(buf, sizeof(buf), "%02x", static_cast<unsigned char>(c));
    hex += buf;
  }
  hex += "c007";
  EXPECT_EQ(Decompress(FromHex(hex), 40, &n), lit + "opqrstuv");
  // Maximum distance: 8192 bytes back (o = 0x1fff).
  std::string far(8192, '\0');
  for (size_t i = 0; i < far.size(); ++i) far[i] = static_cast<char>(i * 7 + i / 256);
  std::string stream;
  for (size_t i = 0; i < far.size(); i += 32) {
    stream.push_back(static_cast<char>(31));
    stream += far.substr(i, 32);
  }
  stream += FromHex("3fff");  // LLL=1 (3 bytes), o=0x1fff
  EXPECT_EQ(Decompress(stream, 8195, &n), far + far.substr(0, 3));
}

// A stream written by redis-server 7.0.15 (its own liblzf). Made with:
//   redis-server --port 17991 --dir /tmp/lzfx --appendonly no
//   SET k <value below>; SAVE
// then, in dump.rdb, after the string type byte 0x00 and the key "\x01k":
// 0xC3 (LZF-encoded string), compressed length 0x40 0x72 (114), original
// length 0x44 0x00 (1024), and these 114 bytes.
constexpr std::string_view kRedisStream =
    "0c7370696e646c652d3030303a73e0000b0031e0020b0032e0020b0033e0020b0034e0020b0035e0020b0036"
    "e0020b0037e0020b0038e0020b0039e0010b0031e002770031e002770031e002770031e002770031e0027700"
    "31e002770031e00377e00253e0ffcbe1ff97e2ff63632f01696e";

std::string RedisValue() {
  // The value: "spindle-NNN:" for i in 0..99 with NNN = i % 17, cut to 1 KiB.
  std::string v;
  for (int i = 0; i < 100; ++i) {
    char buf[16];
    snprintf(buf, sizeof(buf), "spindle-%03d:", i % 17);
    v += buf;
  }
  return v.substr(0, 1024);
}

TEST(LzfTest, DecodesWhatRedisWrites) {
  std::string stream = FromHex(kRedisStream);
  ASSERT_EQ(stream.size(), 114u);
  size_t n;
  std::string out = Decompress(stream, 1024, &n);
  EXPECT_EQ(n, 1024u);
  EXPECT_EQ(out, RedisValue());
  // And our compressor handles the same value at least about as well.
  std::string ours = Compress(RedisValue(), 1023);
  ASSERT_FALSE(ours.empty());
  EXPECT_LE(ours.size(), 2 * stream.size());
  EXPECT_EQ(Decompress(ours, 1024, &n), RedisValue());
}

TEST(LzfTest, CorruptStreamsRejected) {
  size_t n;
  // Literal run announcing more bytes than follow.
  EXPECT_EQ(Decompress(FromHex("0561"), 10, &n), "");
  EXPECT_EQ(n, 0u);
  // Back-reference as the first item: nothing to refer to.
  Decompress(FromHex("2000"), 10, &n);
  EXPECT_EQ(n, 0u);
  // Back-reference reaching one byte before the start (distance 2 after 1).
  Decompress(FromHex("00612001"), 10, &n);
  EXPECT_EQ(n, 0u);
  // Truncated back-references: missing offset byte, missing extension byte.
  Decompress(FromHex("006120"), 10, &n);
  EXPECT_EQ(n, 0u);
  Decompress(FromHex("0061e0"), 10, &n);
  EXPECT_EQ(n, 0u);
  Decompress(FromHex("0061e005"), 10, &n);
  EXPECT_EQ(n, 0u);
  // Output too small for a literal run / for a back-reference.
  Decompress(FromHex("02616263"), 2, &n);
  EXPECT_EQ(n, 0u);
  Decompress(FromHex("0078e01000"), 25, &n);
  EXPECT_EQ(n, 0u);
  // Empty stream.
  Decompress("", 10, &n);
  EXPECT_EQ(n, 0u);
  // Redis's stream, cut anywhere or with a flipped byte, never overruns
  // (ASan builds check) and, when cut inside an item, is rejected.
  std::string stream = FromHex(kRedisStream);
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    std::string out = Decompress(stream.substr(0, cut), 1024, &n);
    EXPECT_LE(n, 1024u);
    EXPECT_EQ(out, RedisValue().substr(0, n));
  }
  for (size_t i = 0; i < stream.size(); ++i) {
    std::string bad = stream;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    Decompress(bad, 1024, &n);
    EXPECT_LE(n, 1024u);
  }
}

}  // namespace
}  // namespace spindle
