// ListValue: the quicklist payload of list keys, checked against a
// std::deque model under each node cap.

#include "storage/list_value.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace spindle::storage
