// ListValue: the quicklist payload of list keys, checked against a
// std::deque model under each node cap.

#include "storage/list_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace spindle::storage {
namespace {

std::vector<std::string> Model(const std::deque<std::string>& d) {
  return std::vector<std::string>(d.begin(), d.end());
}

TEST(ListValueTest, EmptyList) {
  ListValue l;
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.Length(), 0u);
  EXPECT_EQ(l.node_count(), 0u);
  EXPECT_EQ(l.encoding(), Encoding::kQuicklist);
  EXPECT_EQ(l.fill(), -2);
  int visits = 0;
  l.Visit(0, false, [&](size_t, std::string_view) { return ++visits, true; });
  EXPECT_EQ(visits, 0);
}

// Redis 7.0 reports "quicklist" for every list, one element or many.
TEST(ListValueTest, EncodingIsAlwaysQuicklist) {
  ListValue l(4);
  l.PushBack("a");
  EXPECT_EQ(l.encoding(), Encoding::kQuicklist);
  for (int i = 0; i < 100; ++i) l.PushBack(std::string(1000, 'x'));
  EXPECT_EQ(l.encoding(), Encoding::kQuicklist);
  EXPECT_EQ(std::string(EncodingName(l.encoding())), "quicklist");
}

TEST(ListValueTest, PushPopBothEnds) {
  ListValue l;
  l.PushBack("b");
  l.PushFront("a");
  l.PushBack("c");
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(l.At(0), "a");
  EXPECT_EQ(l.At(2), "c");
  EXPECT_EQ(l.PopFront(), "a");
  EXPECT_EQ(l.PopBack(), "c");
  EXPECT_EQ(l.PopBack(), "b");
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
}

TEST(ListValueTest, BinaryAndEmptyElements) {
  ListValue l;
  std::string bin("a\0b\r\n\xff", 6);
  l.PushBack("");
  l.PushBack(bin);
  l.PushFront(std::string(200, 'z'));  // a length needing a 2-byte varint
  EXPECT_EQ(l.At(0), std::string(200, 'z'));
  EXPECT_EQ(l.At(1), "");
  EXPECT_EQ(l.At(2), bin);
  EXPECT_EQ(l.PopBack(), bin);
}

// Positive fill: at most `fill` entries per node.
TEST(ListValueTest, EntryCapSplitsNodes) {
  ListValue l(3);
  for (int i = 0; i < 3; ++i) l.PushBack(std::to_string(i));
  EXPECT_EQ(l.node_count(), 1u);
  l.PushBack("3");
  EXPECT_EQ(l.node_count(), 2u);
  l.PushFront("-1");
  EXPECT_EQ(l.node_count(), 3u);
  // Emptying nodes removes them.
  l.PopFront();
  EXPECT_EQ(l.node_count(), 2u);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"0", "1", "2", "3"}));
}

// Negative fill: a byte budget per node (-1: 4 KiB, -2: 8 KiB ...).
TEST(ListValueTest, ByteCapSplitsNodes) {
  ListValue l(-1);
  std::string e(1000, 'x');  // 1002 bytes with its header
  for (int i = 0; i < 4; ++i) l.PushBack(e);
  EXPECT_EQ(l.node_count(), 1u);  // 4008 <= 4096
  l.PushBack(e);
  EXPECT_EQ(l.node_count(), 2u);
  ListValue l2(-2);
  for (int i = 0; i < 8; ++i) l2.PushBack(e);
  EXPECT_EQ(l2.node_count(), 1u);  // 8016 <= 8192
  l2.PushBack(e);
  EXPECT_EQ(l2.node_count(), 2u);
}

// A count cap still obeys the 8 KiB safety limit.
TEST(ListValueTest, EntryCapHasSafetyLimit) {
  ListValue l(1000);
  std::string e(3000, 'x');
  l.PushBack(e);
  l.PushBack(e);
  EXPECT_EQ(l.node_count(), 1u);
  l.PushBack(e);
  EXPECT_EQ(l.node_count(), 2u);
}

// An element larger than any node sits alone in its node.
TEST(ListValueTest, LargeElementsGetTheirOwnNode) {
  ListValue l(-1);
  l.PushBack("a");
  l.PushBack(std::string(100000, 'L'));
  l.PushBack("b");
  EXPECT_EQ(l.node_count(), 3u);
  EXPECT_EQ(l.At(1).size(), 100000u);
  l.Insert(1, "mid");
  EXPECT_EQ(l.At(1), "mid");
  EXPECT_EQ(l.At(2).size(), 100000u);
  l.Replace(0, std::string(50000, 'M'));
  EXPECT_EQ(l.At(0).size(), 50000u);
  EXPECT_EQ(l.size(), 4u);
}

// Inserting and replacing inside a full node splits it; erasing back to
// one node's worth keeps the contents.
TEST(ListValueTest, InsertReplaceSplitAndShrink) {
  ListValue l(4);
  for (int i = 0; i < 4; ++i) l.PushBack(std::to_string(i));
  EXPECT_EQ(l.node_count(), 1u);
  l.Insert(2, "x");
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"0", "1", "x", "2", "3"}));
  EXPECT_EQ(l.node_count(), 2u);
  l.Erase(2);
  l.Erase(0);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"1", "2", "3"}));
  l.Insert(3, "end");
  l.Insert(0, "start");
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"start", "1", "2", "3", "end"}));
}

TEST(ListValueTest, EraseFrontAndBackAcrossNodes) {
  ListValue l(2);
  for (int i = 0; i < 9; ++i) l.PushBack(std::to_string(i));
  l.EraseFront(3);
  l.EraseBack(3);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"3", "4", "5"}));
  l.EraseFront(0);
  l.EraseBack(0);
  EXPECT_EQ(l.size(), 3u);
  l.EraseBack(3);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
}

TEST(ListValueTest, RemoveMatchingBothDirections) {
  ListValue l(2);
  for (const char* s : {"a", "b", "a", "c", "a", "b", "a"}) l.PushBack(s);
  EXPECT_EQ(l.RemoveMatching("a", 2, false), 2u);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"b", "c", "a", "b", "a"}));
  EXPECT_EQ(l.RemoveMatching("b", 1, true), 1u);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"b", "c", "a", "a"}));
  EXPECT_EQ(l.RemoveMatching("a", 0, true), 2u);
  EXPECT_EQ(l.RemoveMatching("zz", 0, false), 0u);
  EXPECT_EQ(l.ToVector(), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(l.RemoveMatching("b", 0, false) + l.RemoveMatching("c", 0, false), 2u);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.node_count(), 0u);
}

TEST(ListValueTest, VisitForwardAndReverseFromAnyIndex) {
  ListValue l(3);
  for (int i = 0; i < 10; ++i) l.PushBack(std::to_string(i));
  std::vector<std::string> seen;
  l.Visit(4, false, [&](size_t i, std::string_view e) {
    EXPECT_EQ(std::to_string(i), e);
    seen.emplace_back(e);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"4", "5", "6", "7", "8", "9"}));
  seen.clear();
  l.Visit(5, true, [&](size_t i, std::string_view e) {
    EXPECT_EQ(std::to_string(i), e);
    seen.emplace_back(e);
    return seen.size() < 4;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"5", "4", "3", "2"}));
}

TEST(ListValueTest, CloneIsDeep) {
  ListValue l(2);
  for (int i = 0; i < 5; ++i) l.PushBack(std::to_string(i));
  std::unique_ptr<CollectionPayload> c = l.Clone();
  auto* copy = static_cast<ListValue*>(c.get());
  l.PopFront();
  l.Replace(0, "changed");
  EXPECT_EQ(copy->ToVector(), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(copy->fill(), 2);
  EXPECT_EQ(copy->node_count(), 3u);
  EXPECT_GT(copy->HeapBytes(), 0u);
}

TEST(ListValueTest, ValueOwnsPayload) {
  auto payload = std::make_unique<ListValue>();
  payload->PushBack("x");
  Value v = Value::FromCollection(ValueType::kList, std::move(payload));
  EXPECT_EQ(v.type(), ValueType::kList);
  EXPECT_EQ(v.encoding(), Encoding::kQuicklist);
  EXPECT_EQ(v.As<ListValue>()->At(0), "x");
  Value c = v.Clone();
  v.As<ListValue>()->PushBack("y");
  EXPECT_EQ(c.As<ListValue>()->size(), 1u);
}

// Random operations against a deque, under several caps.
TEST(ListValueTest, RandomizedAgainstModel) {
  for (int64_t fill : {1, 2, 5, 128, -1, -2, -5}) {
    std::mt19937 rng(static_cast<uint32_t>(fill + 100));
    ListValue l(fill);
    std::deque<std::string> m;
    for (int step = 0; step < 4000; ++step) {
      auto value = [&] {
        size_t len = rng() % 8 == 0 ? rng() % 3000 : rng() % 6;
        return std::string(len, static_cast<char>('a' + rng() % 3));
      };
      switch (rng() % 10) {
        case 0: {
          std::string v = value();
          l.PushFront(v);
          m.push_front(v);
          break;
        }
        case 1:
        case 2: {
          std::string v = value();
          l.PushBack(v);
          m.push_back(v);
          break;
        }
        case 3:
          if (!m.empty()) {
            ASSERT_EQ(l.PopFront(), m.front());
            m.pop_front();
          }
          break;
        case 4:
          if (!m.empty()) {
            ASSERT_EQ(l.PopBack(), m.back());
            m.pop_back();
          }
          break;
        case 5: {
          size_t i = rng() % (m.size() + 1);
          std::string v = value();
          l.Insert(i, v);
          m.insert(m.begin() + static_cast<std::ptrdiff_t>(i), v);
          break;
        }
        case 6:
          if (!m.empty()) {
            size_t i = rng() % m.size();
            if (rng() % 2) {
              l.Erase(i);
              m.erase(m.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
              std::string v = value();
              l.Replace(i, v);
              m[i] = v;
            }
          }
          break;
        case 7:
          if (!m.empty()) {
            size_t i = rng() % m.size();
            ASSERT_EQ(l.At(i), m[i]);
          }
          break;
        case 8:
          if (rng() % 8 == 0 && !m.empty()) {
            size_t n = rng() % (m.size() + 1);
            if (rng() % 2) {
              l.EraseFront(n);
              m.erase(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n));
            } else {
              l.EraseBack(n);
              m.erase(m.end() - static_cast<std::ptrdiff_t>(n), m.end());
            }
          }
          break;
        case 9: {
          std::string v(rng() % 2, 'a');
          size_t limit = rng() % 3;
          bool tail = rng() % 2;
          size_t expected = 0;
          std::deque<std::string> kept;
          if (!tail) {
            for (const std::string& e : m) {
              if (e == v && (limit == 0 || expected < limit)) {
                ++expected;
              } else {
                kept.push_back(e);
              }
            }
          } else {
            for (auto it = m.rbegin(); it != m.rend(); ++it) {
              if (*it == v && (limit == 0 || expected < limit)) {
                ++expected;
              } else {
                kept.push_front(*it);
              }
            }
          }
          ASSERT_EQ(l.RemoveMatching(v, limit, tail), expected);
          m = kept;
          break;
        }
      }
      ASSERT_EQ(l.size(), m.size());
    }
    ASSERT_EQ(l.ToVector(), Model(m)) << "fill " << fill;
  }
}

// ---------------------------------------------------------------------------
// list-compress-depth

// Values whose entries always compress: one byte repeated 8..40 times, so a
// node of at least 48 raw bytes (Redis's MIN_COMPRESS_BYTES) always shrinks
// by more than 8 (MIN_COMPRESS_IMPROVE), and the expected state of every
// node follows from its position and size alone.
std::string RunValue(std::mt19937& rng) {
  return std::string(8 + rng() % 33, static_cast<char>('a' + rng() % 4));
}

// Every node inside the depth is compressed exactly when it has 48 bytes or
// more; the `depth` nodes at each end are raw.
void ExpectCompressionState(const ListValue& l) {
  std::vector<ListValue::NodeInfo> nodes = l.Nodes();
  const size_t depth = l.compress_depth();
  size_t expected = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    bool inner = depth > 0 && i >= depth && i + depth < nodes.size();
    bool want = inner && nodes[i].raw_bytes >= 48;
    ASSERT_EQ(nodes[i].compressed, want)
        << "node " << i << " of " << nodes.size() << ", " << nodes[i].raw_bytes << " bytes";
    if (nodes[i].compressed) {
      EXPECT_LT(nodes[i].stored_bytes + 8, nodes[i].raw_bytes);
      ++expected;
    } else {
      EXPECT_EQ(nodes[i].stored_bytes, nodes[i].raw_bytes);
    }
    EXPECT_GT(nodes[i].count, 0u);
  }
  EXPECT_EQ(l.compressed_node_count(), expected);
}

void ExpectSame(const ListValue& l, const std::deque<std::string>& m) {
  ASSERT_EQ(l.size(), m.size());
  ASSERT_EQ(l.ToVector(), Model(m));
  ExpectCompressionState(l);
}

// A list of 40 elements in 10 nodes of 4, depth 1: 8 inner nodes compressed.
class CompressedListTest : public ::testing::Test {
 protected:
  CompressedListTest() : l(4, 1), rng(5) {
    for (int i = 0; i < 40; ++i) {
      std::string v = std::string(20, static_cast<char>('a' + i % 4)) + std::to_string(i);
      l.PushBack(v);
      m.push_back(v);
    }
  }
  void SetUp() override {
    ASSERT_EQ(l.node_count(), 10u);
    ASSERT_EQ(l.compressed_node_count(), 8u);
    ExpectSame(l, m);
  }
  ListValue l;
  std::deque<std::string> m;
  std::mt19937 rng;
};

TEST_F(CompressedListTest, PushBothEnds) {
  for (int i = 0; i < 9; ++i) {
    std::string v = RunValue(rng);
    l.PushFront(v);
    m.push_front(v);
    l.PushBack(v + "!");
    m.push_back(v + "!");
    ExpectSame(l, m);
  }
  EXPECT_EQ(l.node_count(), 16u);  // 10 + 3 new nodes at each end (4, 4, 1)
}

TEST_F(CompressedListTest, PopBothEnds) {
  // Popping through the end nodes decompresses the next one in.
  while (!m.empty()) {
    ASSERT_EQ(l.PopFront(), m.front());
    m.pop_front();
    ExpectSame(l, m);
    if (m.empty()) break;
    ASSERT_EQ(l.PopBack(), m.back());
    m.pop_back();
    ExpectSame(l, m);
  }
  EXPECT_EQ(l.node_count(), 0u);
}

TEST_F(CompressedListTest, AtReadsCompressedNodesWithoutChangingThem) {
  for (size_t i = 0; i < m.size(); ++i) EXPECT_EQ(l.At(i), m[i]);
  ExpectSame(l, m);
  EXPECT_EQ(l.compressed_node_count(), 8u);
}

TEST_F(CompressedListTest, InsertInTheMiddle) {
  // Into a full inner node: it splits, and both halves end up compressed.
  l.Insert(18, "inserted-value-inserted-value-inserted");
  m.insert(m.begin() + 18, "inserted-value-inserted-value-inserted");
  ExpectSame(l, m);
  EXPECT_EQ(l.node_count(), 11u);
  for (int i = 0; i < 30; ++i) {
    size_t at = 1 + rng() % (m.size() - 1);
    std::string v = RunValue(rng);
    l.Insert(at, v);
    m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), v);
    ExpectSame(l, m);
  }
}

TEST_F(CompressedListTest, ReplaceInTheMiddle) {
  for (size_t i = 0; i < m.size(); i += 3) {
    std::string v = RunValue(rng);
    l.Replace(i, v);
    m[i] = v;
    ExpectSame(l, m);
  }
  // A large value replacing an entry of an inner node splits it.
  std::string big(5000, 'B');
  l.Replace(21, big);
  m[21] = big;
  ExpectSame(l, m);
}

TEST_F(CompressedListTest, EraseInTheMiddle) {
  while (m.size() > 2) {
    size_t at = 1 + rng() % (m.size() - 2);
    l.Erase(at);
    m.erase(m.begin() + static_cast<std::ptrdiff_t>(at));
    ExpectSame(l, m);
  }
}

TEST_F(CompressedListTest, TrimBothEnds) {
  // LTRIM: whole nodes and part of one from each end; the nodes that become
  // ends are decompressed.
  l.EraseFront(6);
  m.erase(m.begin(), m.begin() + 6);
  ExpectSame(l, m);
  l.EraseBack(9);
  m.erase(m.end() - 9, m.end());
  ExpectSame(l, m);
  l.EraseFront(8);
  m.erase(m.begin(), m.begin() + 8);
  ExpectSame(l, m);
  l.EraseBack(m.size() - 1);
  m.erase(m.begin() + 1, m.end());
  ExpectSame(l, m);
}

TEST_F(CompressedListTest, RemoveMatching) {
  // Every value ends in its index, so make duplicates first.
  for (size_t i = 0; i < m.size(); i += 2) {
    l.Replace(i, "dup-dup-dup-dup");
    m[i] = "dup-dup-dup-dup";
  }
  ExpectSame(l, m);
  EXPECT_EQ(l.RemoveMatching("dup-dup-dup-dup", 3, false), 3u);
  for (int k = 0; k < 3; ++k) m.erase(std::find(m.begin(), m.end(), "dup-dup-dup-dup"));
  ExpectSame(l, m);
  EXPECT_EQ(l.RemoveMatching("dup-dup-dup-dup", 4, true), 4u);
  for (int k = 0; k < 4; ++k) {
    auto it = std::find(m.rbegin(), m.rend(), "dup-dup-dup-dup");
    m.erase(std::next(it).base());
  }
  ExpectSame(l, m);
  EXPECT_EQ(l.RemoveMatching("dup-dup-dup-dup", 0, false), 13u);
  std::erase(m, "dup-dup-dup-dup");
  ExpectSame(l, m);
  // Emptying whole inner nodes removes them.
  std::vector<std::string> all = Model(m);
  for (size_t i = 4; i < 12; ++i) EXPECT_EQ(l.RemoveMatching(all[i], 0, i % 2 == 0), 1u);
  m.erase(m.begin() + 4, m.begin() + 12);
  ExpectSame(l, m);
}

TEST_F(CompressedListTest, VisitBothWays) {
  for (size_t start : {0u, 5u, 17u, 39u}) {
    std::vector<std::string> fwd, rev;
    l.Visit(start, false, [&](size_t i, std::string_view e) {
      EXPECT_EQ(e, m[i]);
      fwd.emplace_back(e);
      return true;
    });
    l.Visit(start, true, [&](size_t i, std::string_view e) {
      EXPECT_EQ(e, m[i]);
      rev.emplace_back(e);
      return true;
    });
    EXPECT_EQ(fwd.size(), m.size() - start);
    EXPECT_EQ(rev.size(), start + 1);
  }
  ExpectSame(l, m);
}

TEST_F(CompressedListTest, CloneKeepsDepthAndState) {
  std::unique_ptr<CollectionPayload> c = l.Clone();
  auto* copy = static_cast<ListValue*>(c.get());
  EXPECT_EQ(copy->compress_depth(), 1u);
  EXPECT_EQ(copy->compressed_node_count(), 8u);
  l.EraseFront(20);
  ExpectSame(*copy, m);
  copy->PushFront("x");
  m.push_front("x");
  ExpectSame(*copy, m);
}

// quicklistSetOptions clamps: fill to -5..FILL_MAX, depth to 0..COMPRESS_MAX.
TEST(ListCompressionTest, OptionsClampedAndDepthZeroCompressesNothing) {
  EXPECT_EQ(ListValue(-2, -3).compress_depth(), 0u);
  EXPECT_EQ(ListValue(-2, 1 << 20).compress_depth(), 65535u);
  EXPECT_EQ(ListValue(100000).fill(), 32767);
  EXPECT_EQ(ListValue(-100).fill(), -5);
  EXPECT_EQ(ListValue(0).fill(), 1);
  ListValue l(2, 0);
  for (int i = 0; i < 100; ++i) l.PushBack(std::string(30, 'q'));
  EXPECT_EQ(l.node_count(), 50u);
  EXPECT_EQ(l.compressed_node_count(), 0u);
}

// Redis compresses nothing until there are more than 2 * depth nodes.
TEST(ListCompressionTest, NeedsMoreNodesThanTwiceTheDepth) {
  ListValue l(2, 2);
  for (int i = 0; i < 8; ++i) l.PushBack(std::string(30, 'q'));
  EXPECT_EQ(l.node_count(), 4u);
  EXPECT_EQ(l.compressed_node_count(), 0u);
  l.PushBack(std::string(30, 'q'));
  EXPECT_EQ(l.node_count(), 5u);
  EXPECT_EQ(l.compressed_node_count(), 1u);
  EXPECT_TRUE(l.Nodes()[2].compressed);
  l.PopBack();
  EXPECT_EQ(l.compressed_node_count(), 0u);
}

// Nodes under 48 bytes, and nodes that LZF cannot shrink by more than 8
// bytes, stay raw; a node whose contents change is tried again.
TEST(ListCompressionTest, OnlyWhenItPays) {
  ListValue small(2, 1);
  for (int i = 0; i < 10; ++i) small.PushBack("tiny");  // 10-byte nodes
  EXPECT_EQ(small.compressed_node_count(), 0u);

  std::mt19937 rng(9);
  auto noise = [&] {
    std::string s(16, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  ListValue l(4, 1);
  std::deque<std::string> m;
  for (int i = 0; i < 12; ++i) {
    m.push_back(noise());
    l.PushBack(m.back());
  }
  ASSERT_EQ(l.node_count(), 3u);
  EXPECT_EQ(l.compressed_node_count(), 0u);  // 68 random bytes do not shrink
  for (size_t i = 4; i < 8; ++i) {
    m[i] = std::string(16, 'z');
    l.Replace(i, m[i]);
  }
  EXPECT_EQ(l.compressed_node_count(), 1u);
  EXPECT_TRUE(l.Nodes()[1].compressed);
  EXPECT_EQ(l.ToVector(), Model(m));
}

// The point of compression: a long list of repetitive values takes a
// fraction of its raw size.
TEST(ListCompressionTest, SavesMemory) {
  ListValue raw(-2, 0), packed(-2, 1);
  for (int i = 0; i < 20000; ++i) {
    std::string v = "user:" + std::to_string(i % 100) + ":event:click";
    raw.PushBack(v);
    packed.PushBack(v);
  }
  EXPECT_EQ(packed.ToVector(), raw.ToVector());
  EXPECT_GT(packed.compressed_node_count(), 30u);
  EXPECT_LT(packed.HeapBytes() * 3, raw.HeapBytes());
}

// Random operation sequences against a deque, at depth 1 and 2 with small
// nodes (so there are many), checking contents and every node's state after
// each step.
TEST(ListCompressionTest, RandomizedAgainstModel) {
  for (int64_t depth : {1, 2}) {
    for (int64_t fill : {1, 2, 3, -1}) {
      std::mt19937 rng(static_cast<uint32_t>(depth * 100 + fill + 10));
      ListValue l(fill, depth);
      std::deque<std::string> m;
      for (int step = 0; step < 3000; ++step) {
        auto value = [&] {
          return rng() % 50 == 0 ? std::string(1000 + rng() % 4000, 'L') : RunValue(rng);
        };
        switch (rng() % 12) {
          case 0:
          case 1: {
            std::string v = value();
            l.PushFront(v);
            m.push_front(v);
            break;
          }
          case 2:
          case 3: {
            std::string v = value();
            l.PushBack(v);
            m.push_back(v);
            break;
          }
          case 4:
            if (!m.empty()) {
              ASSERT_EQ(l.PopFront(), m.front());
              m.pop_front();
            }
            break;
          case 5:
            if (!m.empty()) {
              ASSERT_EQ(l.PopBack(), m.back());
              m.pop_back();
            }
            break;
          case 6: {
            size_t i = rng() % (m.size() + 1);
            std::string v = value();
            l.Insert(i, v);
            m.insert(m.begin() + static_cast<std::ptrdiff_t>(i), v);
            break;
          }
          case 7:
            if (!m.empty()) {
              size_t i = rng() % m.size();
              if (rng() % 2) {
                l.Erase(i);
                m.erase(m.begin() + static_cast<std::ptrdiff_t>(i));
              } else {
                std::string v = value();
                l.Replace(i, v);
                m[i] = v;
              }
            }
            break;
          case 8:
            if (!m.empty()) {
              size_t i = rng() % m.size();
              ASSERT_EQ(l.At(i), m[i]);
            }
            break;
          case 9:
            if (rng() % 6 == 0 && !m.empty()) {
              size_t n = rng() % (m.size() / 2 + 1);
              if (rng() % 2) {
                l.EraseFront(n);
                m.erase(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n));
              } else {
                l.EraseBack(n);
                m.erase(m.end() - static_cast<std::ptrdiff_t>(n), m.end());
              }
            }
            break;
          case 10: {
            if (m.empty()) break;
            std::string v = m[rng() % m.size()];
            size_t limit = rng() % 3;
            bool tail = rng() % 2;
            size_t expected = 0;
            std::deque<std::string> kept;
            if (!tail) {
              for (const std::string& e : m) {
                if (e == v && (limit == 0 || expected < limit)) {
                  ++expected;
                } else {
                  kept.push_back(e);
                }
              }
            } else {
              for (auto it = m.rbegin(); it != m.rend(); ++it) {
                if (*it == v && (limit == 0 || expected < limit)) {
                  ++expected;
                } else {
                  kept.push_front(*it);
                }
              }
            }
            ASSERT_EQ(l.RemoveMatching(v, limit, tail), expected);
            m = kept;
            break;
          }
          case 11:
            if (!m.empty()) {
              size_t start = rng() % m.size();
              bool reverse = rng() % 2;
              size_t want = 1 + rng() % 20;
              size_t seen = 0;
              l.Visit(start, reverse, [&](size_t i, std::string_view e) {
                EXPECT_EQ(e, m[i]);
                EXPECT_EQ(i, reverse ? start - seen : start + seen);
                return ++seen < want;
              });
              EXPECT_EQ(seen, std::min(want, reverse ? start + 1 : m.size() - start));
            }
            break;
        }
        ASSERT_NO_FATAL_FAILURE(ExpectSame(l, m))
            << "depth " << depth << " fill " << fill << " step " << step;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Memory

// Nodes that stop growing give their spare capacity back: 1000 16-byte
// elements (17 bytes each with their header) cost little more than that.
TEST(ListMemoryTest, FullNodesCarryNoSlack) {
  for (bool front : {false, true}) {
    ListValue l;
    for (int i = 0; i < 1000; ++i) {
      char buf[32];
      snprintf(buf, sizeof(buf), "member:%09d", i);
      front ? l.PushFront(buf) : l.PushBack(buf);
    }
    ASSERT_EQ(l.node_count(), 3u);
    size_t raw = 0;
    for (const ListValue::NodeInfo& n : l.Nodes()) raw += n.raw_bytes;
    EXPECT_EQ(raw, 17000u);
    // Two exact nodes, and the growing end node at most twice its size.
    EXPECT_LT(l.HeapBytes(), raw + 2 * (17000 - 2 * 481 * 17) + 3 * 64) << "front " << front;
  }
}

// Shrinking a list by pops or erases returns memory too, without a copy per
// operation (only past a quarter of slack).
TEST(ListMemoryTest, ShrinkingNodesReleaseCapacity) {
  ListValue l(-2);
  for (int i = 0; i < 480; ++i) l.PushBack(std::string(16, 'p'));
  ASSERT_EQ(l.node_count(), 1u);
  for (int i = 0; i < 470; ++i) i % 2 ? l.PopFront() : l.PopBack();
  EXPECT_LT(l.HeapBytes(), 10 * 17 * 2 + 200u);
}

// One element per node: the node array wraps around, grows at both ends in
// O(1) (100,000 pushes at each end would take minutes if a push moved every
// node), moves the shorter side for a middle insert or erase, and shrinks
// again after a trim.
TEST(ListMemoryTest, NodeArrayAtBothEndsAndInTheMiddle) {
  ListValue l(1);
  std::deque<std::string> m;
  for (int i = 0; i < 100000; ++i) {
    std::string v = std::to_string(i);
    if (i % 3 == 0) {
      l.PushFront(v);
      m.push_front(v);
    } else {
      l.PushBack(v);
      m.push_back(v);
    }
  }
  EXPECT_EQ(l.node_count(), 100000u);
  EXPECT_EQ(l.ToVector(), Model(m));
  size_t full = l.HeapBytes();
  for (size_t at : {1u, 50000u, 99990u, 7u}) {
    l.Insert(at, "mid");
    m.insert(m.begin() + static_cast<std::ptrdiff_t>(at), "mid");
    l.Erase(at + 2);
    m.erase(m.begin() + static_cast<std::ptrdiff_t>(at) + 2);
  }
  EXPECT_EQ(l.ToVector(), Model(m));
  l.EraseFront(60000);
  l.EraseBack(39990);
  m.erase(m.begin(), m.begin() + 60000);
  m.erase(m.end() - 39990, m.end());
  EXPECT_EQ(l.ToVector(), Model(m));
  EXPECT_LT(l.HeapBytes() * 100, full);
  // Popping everything frees the array; the list works again afterwards.
  while (!l.empty()) l.PopBack();
  EXPECT_EQ(l.HeapBytes(), 0u);
  l.PushFront("again");
  EXPECT_EQ(l.ToVector(), std::vector<std::string>{"again"});
}

}  // namespace
}  // namespace spindle::storage
