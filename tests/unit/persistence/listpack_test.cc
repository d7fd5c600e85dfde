#include "persistence/listpack.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_bytes.h"

namespace spindle::persistence {
namespace {

using testing::Hex;
using testing::ToHex;

std::vector<std::string> Read(std::string_view lp, bool* ok) {
  std::vector<std::string> out;
  *ok = ForEachListpackEntry(lp, [&](const ListpackEntry& e) {
    out.push_back(e.is_int ? std::to_string(e.value) : std::string(e.str));
    return true;
  });
  return out;
}

// RPUSH l a 1 -5 300 70000 on redis-server 7.0.15: the listpack of the
// quicklist's only node, as DUMP shows it.
TEST(ListpackTest, SmallListMatchesRedis) {
  ListpackBuilder b;
  for (const char* s : {"a", "1", "-5", "300", "70000"}) b.AppendString(s);
  EXPECT_EQ(ToHex(b.Finish()),
            "17000000050081610201"
            "01dffb02c12c02f270110104ff");
}

// Every entry encoding, against the listpack redis-server built for
// RPUSH l a 1 -5 300 70000 -4096 4095 -4097 32767 -32768 8388607 -8388608
//   2147483647 -2147483649 9223372036854775807 <64 x> <5000 y> 007 -0 "".
TEST(ListpackTest, EveryEncodingMatchesRedis) {
  const std::vector<std::string> elements = {"a",
                                             "1",
                                             "-5",
                                             "300",
                                             "70000",
                                             "-4096",
                                             "4095",
                                             "-4097",
                                             "32767",
                                             "-32768",
                                             "8388607",
                                             "-8388608",
                                             "2147483647",
                                             "-2147483649",
                                             "9223372036854775807",
                                             std::string(64, 'x'),
                                             std::string(5000, 'y'),
                                             "007",
                                             "-0",
                                             ""};
  ListpackBuilder b;
  for (const auto& e : elements) b.AppendString(e);
  EXPECT_EQ(b.count(), elements.size());
  const std::string expected = Hex("2a1400001400"
                                   "816102"
                                   "0101"
                                   "dffb02"
                                   "c12c02"
                                   "f270110104"
                                   "d00002"
                                   "cfff02"
                                   "f1ffef03"
                                   "f1ff7f03"
                                   "f1008003"
                                   "f2ffff7f04"
                                   "f200008004"
                                   "f3ffffff7f05"
                                   "f4ffffff7fffffffff09"
                                   "f4ffffffffffffff7f09"
                                   "e040") +
                               std::string(64, 'x') +
                               Hex("42"
                                   "f088130000") +
                               std::string(5000, 'y') +
                               Hex("278d"
                                   "8330303704"
                                   "822d3003"
                                   "8001"
                                   "ff");
  EXPECT_EQ(b.bytes(), expected.size());
  const std::string lp = b.Finish();
  EXPECT_EQ(ToHex(lp), ToHex(expected));

  bool ok;
  EXPECT_EQ(Read(lp, &ok), elements);
  EXPECT_TRUE(ok);
}

TEST(ListpackTest, EntrySizeMatchesWhatTheBuilderWrites) {
  for (const std::string& s : {std::string("a"), std::string("127"), std::string("128"),
                               std::string(63, 'q'), std::string(64, 'q'), std::string(4095, 'q'),
                               std::string(4096, 'q'), std::string("-9223372036854775808")}) {
    ListpackBuilder b;
    b.AppendString(s);
    EXPECT_EQ(b.bytes(), 7 + ListpackEntrySize(s)) << s.size();
  }
}

TEST(ListpackTest, EmptyListpack) {
  ListpackBuilder b;
  const std::string lp = b.Finish();
  EXPECT_EQ(ToHex(lp),
            "0700000000"
            "00ff");
  bool ok;
  EXPECT_TRUE(Read(lp, &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(ListpackTest, CountPastSixteenBitsIsStoredAsUnknown) {
  ListpackBuilder b;
  for (int i = 0; i < 70000; ++i) b.AppendInteger(i % 100);
  const std::string lp = b.Finish();
  EXPECT_EQ(static_cast<unsigned char>(lp[4]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(lp[5]), 0xFF);
  bool ok;
  EXPECT_EQ(Read(lp, &ok).size(), 70000u);
  EXPECT_TRUE(ok);
}

TEST(ListpackTest, RejectsMalformedInput) {
  ListpackBuilder b;
  for (const char* s : {"abc", "12", "hello world"}) b.AppendString(s);
  const std::string good = b.Finish();
  bool ok;
  Read(good, &ok);
  ASSERT_TRUE(ok);

  // Truncated anywhere.
  for (size_t n = 0; n < good.size(); ++n) {
    Read(good.substr(0, n), &ok);
    EXPECT_FALSE(ok) << "truncated to " << n;
  }
  // Wrong total size, wrong count, bad backlen, missing end byte.
  std::string bad = good;
  bad[0] = static_cast<char>(bad[0] + 1);
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  bad = good;
  bad[4] = 7;
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  bad = good;
  bad[6 + 4] = 9;  // the first entry's backlen
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  bad = good;
  bad.back() = 0;
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  // A string length running past the end.
  bad = good;
  bad[6] = static_cast<char>(0xBF);
  Read(bad, &ok);
  EXPECT_FALSE(ok);
  // The unused encodings 0xF5..0xFE.
  bad = good;
  bad[6] = static_cast<char>(0xF5);
  Read(bad, &ok);
  EXPECT_FALSE(ok);
}

TEST(ListpackTest, CallbackCanStopTheWalk) {
  ListpackBuilder b;
  b.AppendString("x");
  b.AppendString("y");
  const std::string lp = b.Finish();
  int seen = 0;
  EXPECT_FALSE(ForEachListpackEntry(lp, [&](const ListpackEntry&) { return ++seen < 1; }));
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace spindle::persistence
