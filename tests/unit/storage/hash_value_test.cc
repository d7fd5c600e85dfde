#include "storage/hash_value.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace spindle::storage {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Entries(const HashValue& h) {
  Pairs out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

std::map<std::string, std::string> AsMap(const HashValue& h) {
  std::map<std::string, std::string> out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace(f, v); });
  return out;
}

TEST(HashValueTest, StartsAsEmptyListpack) {
  HashValue h;
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  EXPECT_TRUE(h.is_listpack());
  EXPECT_EQ(h.Length(), 0u);
  EXPECT_FALSE(h.Get("a").has_value());
}

TEST(HashValueTest, SetGetDeleteListpack) {
  HashValue h;
  EncodingLimits limits;
  EXPECT_TRUE(h.Set("a", "1", limits));
  EXPECT_TRUE(h.Set("b", "2", limits));
  EXPECT_FALSE(h.Set("a", "10", limits));
  EXPECT_EQ(h.Length(), 2u);
  EXPECT_EQ(*h.Get("a"), "10");
  EXPECT_TRUE(h.Contains("b"));
  EXPECT_FALSE(h.Contains("c"));
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_FALSE(h.Delete("a"));
  EXPECT_EQ(h.Length(), 1u);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
}

TEST(HashValueTest, ListpackKeepsInsertionOrderAcrossUpdatesAndDeletes) {
  HashValue h;
  EncodingLimits limits;
  for (const char* f : {"c", "a", "b", "d"}) h.Set(f, std::string("v") + f, limits);
  h.Set("a", "updated", limits);  // keeps its place
  h.Delete("b");                  // closes the gap
  h.Set("b", "again", limits);    // goes to the end
  EXPECT_EQ(Entries(h), (Pairs{{"c", "vc"}, {"a", "updated"}, {"d", "vd"}, {"b", "again"}}));
}

TEST(HashValueTest, EmptyFieldAndBinary) {
  HashValue h;
  EncodingLimits limits;
  h.Set("", "", limits);
  h.Set(std::string("a\0b", 3), std::string("\r\n\0", 3), limits);
  EXPECT_EQ(*h.Get(""), "");
  EXPECT_EQ(*h.Get(std::string("a\0b", 3)), std::string("\r\n\0", 3));
  EXPECT_FALSE(h.Contains("a"));
}

TEST(HashValueTest, ConvertsPastEntryLimit) {
  HashValue h;
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 4;
  for (int i = 0; i < 4; ++i) h.Set("f" + std::to_string(i), "v", limits);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  h.Set("f0", "update", limits);  // no new entry: stays
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  h.Set("f4", "v", limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.Length(), 5u);
  EXPECT_EQ(*h.Get("f0"), "update");
  // One-way: deleting back under the limit keeps the hashtable.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(h.Delete("f" + std::to_string(i)));
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.Length(), 1u);
}

TEST(HashValueTest, ZeroEntryLimitConvertsOnFirstInsert) {
  HashValue h;
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 0;
  h.Set("a", "1", limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
}

TEST(HashValueTest, ConvertsOnLongFieldOrValue) {
  EncodingLimits limits;
  limits.hash_max_listpack_value = 8;
  {
    HashValue h;
    h.Set("f", std::string(8, 'x'), limits);  // exactly the limit: stays
    h.Set(std::string(8, 'k'), "v", limits);
    EXPECT_EQ(h.encoding(), Encoding::kListpack);
    h.Set("f", std::string(9, 'x'), limits);  // a longer value
    EXPECT_EQ(h.encoding(), Encoding::kHashtable);
    EXPECT_EQ(*h.Get("f"), std::string(9, 'x'));
  }
  {
    HashValue h;
    h.Set(std::string(9, 'k'), "v", limits);  // a longer field
    EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  }
}

TEST(HashValueTest, ConvertIfAnyTooLong) {
  EncodingLimits limits;
  limits.hash_max_listpack_value = 3;
  HashValue h;
  h.Set("a", "1", limits);
  std::vector<std::string_view> ok = {"abc", "def"};
  h.ConvertIfAnyTooLong(ok, limits);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  std::vector<std::string_view> bad = {"abc", "defg"};
  h.ConvertIfAnyTooLong(bad, limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(*h.Get("a"), "1");
}

TEST(HashValueTest, HashtableManyEntriesAndShrink) {
  HashValue h;
  EncodingLimits limits;
  for (int i = 0; i < 5000; ++i) h.Set("f" + std::to_string(i), std::to_string(i), limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.Length(), 5000u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(*h.Get("f" + std::to_string(i)), std::to_string(i));
  for (int i = 0; i < 4990; ++i) ASSERT_TRUE(h.Delete("f" + std::to_string(i)));
  EXPECT_EQ(h.Length(), 10u);
  for (int i = 4990; i < 5000; ++i) ASSERT_TRUE(h.Contains("f" + std::to_string(i)));
  EXPECT_EQ(AsMap(h).size(), 10u);
}

TEST(HashValueTest, CloneIsDeepInBothEncodings) {
  EncodingLimits limits;
  for (int n : {3, 300}) {
    HashValue h;
    for (int i = 0; i < n; ++i) h.Set("f" + std::to_string(i), "v" + std::to_string(i), limits);
    std::unique_ptr<CollectionPayload> copy = h.Clone();
    auto* c = static_cast<HashValue*>(copy.get());
    EXPECT_EQ(c->encoding(), h.encoding());
    EXPECT_EQ(AsMap(*c), AsMap(h));
    if (h.is_listpack()) {
      EXPECT_EQ(Entries(*c), Entries(h));
    }
    h.Set("f0", "changed", limits);
    h.Delete("f1");
    EXPECT_EQ(*c->Get("f0"), "v0");
    EXPECT_TRUE(c->Contains("f1"));
    EXPECT_GT(c->HeapBytes(), 0u);
  }
}

TEST(HashValueTest, ValueOwnsPayload) {
  EncodingLimits limits;
  auto payload = std::make_unique<HashValue>();
  payload->Set("a", "1", limits);
  Value v = Value::FromCollection(ValueType::kHash, std::move(payload));
  EXPECT_EQ(v.type(), ValueType::kHash);
  EXPECT_EQ(v.encoding(), Encoding::kListpack);
  Value copy = v.Clone();
  EXPECT_EQ(*copy.As<HashValue>()->Get("a"), "1");
  limits.hash_max_listpack_entries = 1;
  v.As<HashValue>()->Set("b", "2", limits);
  EXPECT_EQ(v.encoding(), Encoding::kHashtable);
  EXPECT_EQ(copy.encoding(), Encoding::kListpack);
}

TEST(HashValueTest, ScanListpackReturnsAllWithCursorZero) {
  HashValue h;
  EncodingLimits limits;
  h.Set("a", "1", limits);
  h.Set("b", "2", limits);
  Pairs seen;
  uint64_t next =
      h.Scan(12345, [&](std::string_view f, std::string_view v) { seen.emplace_back(f, v); });
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(seen, (Pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(HashValueTest, ScanHashtableSeesEveryStableEntryAcrossGrowth) {
  HashValue h;
  EncodingLimits limits;
  for (int i = 0; i < 200; ++i) h.Set("s" + std::to_string(i), "v", limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int added = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    // Grow the table between the first calls (not forever: the walk must end).
    for (int j = 0; j < 20 && added < 2000; ++j) {
      h.Set("x" + std::to_string(added++), "v", limits);
    }
  } while (cursor != 0);
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.count("s" + std::to_string(i))) << i;
}

TEST(HashValueTest, RandomInBothEncodings) {
  EncodingLimits limits;
  for (int n : {5, 500}) {
    HashValue h;
    for (int i = 0; i < n; ++i) h.Set("f" + std::to_string(i), "v" + std::to_string(i), limits);
    std::set<std::string> seen;
    for (int i = 0; i < 4000; ++i) {
      auto [f, v] = h.Random();
      ASSERT_EQ(*h.Get(f), v);
      seen.emplace(f);
    }
    if (n == 5) {
      EXPECT_EQ(seen.size(), 5u);
    } else {
      EXPECT_GT(seen.size(), 300u);
    }
  }
}

TEST(HashValueTest, RandomDistinctIsDistinctAndListpackOrdered) {
  EncodingLimits limits;
  for (int n : {10, 400}) {
    HashValue h;
    for (int i = 0; i < n; ++i) h.Set("f" + std::to_string(i), "v" + std::to_string(i), limits);
    const size_t sz = static_cast<size_t>(n);
    for (size_t count : {size_t{2}, sz / 2, sz - 1}) {
      auto picked = h.RandomDistinct(count);
      ASSERT_EQ(picked.size(), count);
      std::set<std::string_view> fields;
      for (const auto& [f, v] : picked) {
        fields.insert(f);
        ASSERT_EQ(*h.Get(f), v);
      }
      EXPECT_EQ(fields.size(), count);
      if (h.is_listpack()) {
        // Indices increase: the listpack's order.
        int last = -1;
        for (const auto& [f, v] : picked) {
          int idx = std::stoi(std::string(f.substr(1)));
          EXPECT_GT(idx, last);
          last = idx;
        }
      }
    }
  }
}

// Limits that keep a hash a listpack whatever is written (or make it a
// hashtable from the first write).
EncodingLimits ListpackLimits() {
  EncodingLimits l;
  l.hash_max_listpack_entries = 1 << 20;
  l.hash_max_listpack_value = 1 << 30;
  return l;
}
EncodingLimits HashtableLimits() {
  EncodingLimits l;
  l.hash_max_listpack_entries = 0;
  return l;
}

// A value of n bytes that differs by field and by length (binary included).
std::string ValueFor(const std::string& field, size_t n) {
  std::string v(n, '\0');
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<char>(field.size() * 31 + i * 7 + n);
  return v;
}

// Both encodings take updates that grow and shrink values (a listpack moves
// what follows; a hashtable node is reallocated and relinked), including
// lengths across the one-byte varint boundary (127 / 128) and megabytes,
// checked against a reference after every step.
TEST(HashValueTest, UpdatesThatGrowAndShrinkValuesInBothEncodings) {
  for (bool listpack : {true, false}) {
    const EncodingLimits limits = listpack ? ListpackLimits() : HashtableLimits();
    HashValue h;
    std::vector<std::pair<std::string, std::string>> ref;
    auto check = [&] {
      ASSERT_EQ(h.Length(), ref.size());
      for (const auto& [f, v] : ref) ASSERT_EQ(*h.Get(f), v) << f.size();
      if (listpack) {
        ASSERT_EQ(Entries(h), ref);  // insertion order kept
      } else {
        ASSERT_EQ(AsMap(h), (std::map<std::string, std::string>(ref.begin(), ref.end())));
      }
    };
    for (int i = 0; i < 40; ++i) {
      std::string f = "field" + std::to_string(i);
      ref.emplace_back(f, ValueFor(f, i));
      EXPECT_TRUE(h.Set(f, ref.back().second, limits));
    }
    check();
    const size_t lengths[] = {0, 1, 126, 127, 128, 129, 300, 16383, 16384, 3 << 20, 5, 0, 200};
    for (size_t round = 0; round < std::size(lengths); ++round) {
      for (size_t i = round % 3; i < ref.size(); i += 3) {
        std::string v = ValueFor(ref[i].first, lengths[(round + i) % std::size(lengths)]);
        EXPECT_FALSE(h.Set(ref[i].first, v, limits));
        ref[i].second = std::move(v);
      }
      check();
    }
    EXPECT_EQ(h.is_listpack(), listpack);
  }
}

// Empty, binary and long fields and values survive the listpack, the
// conversion and the hashtable.
TEST(HashValueTest, EmptyBinaryAndLargeStringsAcrossConversion) {
  EncodingLimits limits = ListpackLimits();
  HashValue h;
  const std::string nul("\0", 1);
  const std::string binary("\xff\x00\r\n\x80", 5);
  const std::string big(1 << 20, 'b');
  for (const auto& [f, v] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {nul, binary}, {binary, ""}, {big, "v"}, {"k", big}, {"", "x"}}) {
    h.Set(f, v, limits);
  }
  // The second "" updated the first in place.
  const Pairs ref = {{"", "x"}, {nul, binary}, {binary, ""}, {big, "v"}, {"k", big}};
  EXPECT_EQ(Entries(h), ref);
  h.ConvertToHashtable();
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(AsMap(h), (std::map<std::string, std::string>(ref.begin(), ref.end())));
  EXPECT_TRUE(h.Delete(nul));
  EXPECT_FALSE(h.Contains(nul));
  EXPECT_EQ(*h.Get(""), "x");
  EXPECT_EQ(*h.Get("k"), big);
  EXPECT_GE(h.HeapBytes(), 2 * big.size());
}

// A listpack emptied by deletes holds no buffer and takes writes again.
TEST(HashValueTest, ListpackEmptiedAndRefilled) {
  EncodingLimits limits;
  HashValue h;
  h.Set("a", "1", limits);
  h.Set("b", "2", limits);
  EXPECT_GT(h.HeapBytes(), 0u);
  EXPECT_TRUE(h.Delete("b"));
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_EQ(h.Length(), 0u);
  EXPECT_EQ(h.HeapBytes(), 0u);
  EXPECT_FALSE(h.Get("a").has_value());
  EXPECT_EQ(h.Scan(0, [](std::string_view, std::string_view) { FAIL(); }), 0u);
  h.Set("c", "3", limits);
  EXPECT_EQ(Entries(h), (Pairs{{"c", "3"}}));
  // The listpack is packed: a pair of 1-byte strings is 4 bytes.
  EXPECT_EQ(h.HeapBytes(), 4u);
}

// SCAN over a hashtable while values change length (nodes move in memory
// and relink) and the table grows and then shrinks: every field present
// throughout is seen, with its current value.
TEST(HashValueTest, ScanSeesEveryFieldWhileNodesMoveAndTableResizes) {
  EncodingLimits limits = HashtableLimits();
  HashValue h;
  for (int i = 0; i < 500; ++i) h.Set("s" + std::to_string(i), "v", limits);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = h.Scan(cursor, [&](std::string_view f, std::string_view v) {
      if (f[0] == 's') {
        const bool changing = std::stoi(std::string(f.substr(1))) % 7 == 0;
        const size_t want = changing && step > 0 ? step % 50 : 1;
        EXPECT_EQ(v.size(), want) << f;
      }
      seen.emplace(f);
    });
    ++step;
    // Every 7th stable field changes length on each step.
    for (int i = 0; i < 500; i += 7) {
      h.Set("s" + std::to_string(i), std::string(step % 50, 'v'), limits);
    }
    if (step < 40) {
      for (int j = 0; j < 100; ++j) h.Set("x" + std::to_string(step * 100 + j), "v", limits);
    } else if (step < 80) {
      for (int j = 0; j < 100; ++j) h.Delete("x" + std::to_string((step - 40) * 100 + j));
    }
  } while (cursor != 0);
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count("s" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace spindle::storage
