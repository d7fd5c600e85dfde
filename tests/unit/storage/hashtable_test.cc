#include "storage/hashtable.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace spindle::storage {
namespace {

struct Node {
  Node* next = nullptr;
  std::string key;
};

struct NodeTraits {
  static std::string_view Key(const Node* n) { return n->key; }
  static Node*& Next(Node* n) { return n->next; }
  static Node* Next(const Node* n) { return n->next; }
  static void Destroy(Node* n) { delete n; }
};

using Table = HashTable<Node, NodeTraits>;

void Add(Table& t, const std::string& key) {
  auto* n = new Node;
  n->key = key;
  t.Insert(n, HashKey(key));
}

bool Del(Table& t, const std::string& key) {
  Node* n = t.Unlink(key, HashKey(key));
  delete n;
  return n != nullptr;
}

bool Has(Table& t, const std::string& key) { return t.Find(key, HashKey(key)) != nullptr; }

TEST(HashTableTest, InsertFindUnlinkThroughResizes) {
  Table t;
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(Has(t, "x"));
  for (int i = 0; i < 10000; ++i) Add(t, "key:" + std::to_string(i));
  EXPECT_EQ(t.size(), 10000u);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(Has(t, "key:" + std::to_string(i))) << i;
  EXPECT_FALSE(Has(t, "key:10000"));
  for (int i = 0; i < 10000; i += 2) ASSERT_TRUE(Del(t, "key:" + std::to_string(i)));
  EXPECT_FALSE(Del(t, "key:0"));
  EXPECT_EQ(t.size(), 5000u);
  for (int i = 1; i < 10000; i += 2) ASSERT_TRUE(Has(t, "key:" + std::to_string(i)));
}

TEST(HashTableTest, GrowthIsIncremental) {
  Table t;
  // Fill to exactly the load factor, then one more insert starts a resize
  // that is not finished by that insert.
  for (int i = 0; i < 1024; ++i) Add(t, std::to_string(i));
  while (t.rehashing()) t.Rehash(100);
  EXPECT_EQ(t.buckets(), 1024u);
  Add(t, "one-more");
  EXPECT_TRUE(t.rehashing());
  EXPECT_EQ(t.buckets(), 1024u + 2048u);
  // Lookups keep working mid-rehash and push it forward a bucket at a time.
  int ops = 0;
  while (t.rehashing()) {
    ASSERT_TRUE(Has(t, std::to_string(ops % 1024)));
    ++ops;
  }
  EXPECT_GT(ops, 100);  // it took many operations, not one
  EXPECT_EQ(t.buckets(), 2048u);
  EXPECT_EQ(t.size(), 1025u);
}

// RDB loading sizes an empty table from the file's RESIZEDB hint: the
// inserts that follow never start a rehash.
TEST(HashTableTest, ReserveSizesAnEmptyTableAtOnce) {
  Table t;
  t.Reserve(3000);
  EXPECT_FALSE(t.rehashing());
  EXPECT_EQ(t.buckets(), 4096u);
  for (int i = 0; i < 3000; ++i) {
    Add(t, std::to_string(i));
    ASSERT_FALSE(t.rehashing()) << i;
  }
  EXPECT_EQ(t.buckets(), 4096u);
  // A table holding nodes is left alone.
  t.Reserve(100000);
  EXPECT_EQ(t.buckets(), 4096u);
  // An emptied table that is smaller grows at once too.
  Table u;
  Add(u, "x");
  Del(u, "x");
  u.Reserve(5000);
  EXPECT_FALSE(u.rehashing());
  EXPECT_EQ(u.buckets(), 8192u);
}

TEST(HashTableTest, ShrinksUnderTenPercent) {
  Table t;
  for (int i = 0; i < 4096; ++i) Add(t, std::to_string(i));
  while (t.rehashing()) t.Rehash(100);
  EXPECT_EQ(t.buckets(), 4096u);
  for (int i = 0; i < 4096 - 420; ++i) Del(t, std::to_string(i));
  t.ResizeIfNeeded();  // 420 / 4096 > 10%: nothing
  EXPECT_FALSE(t.rehashing());
  for (int i = 4096 - 420; i < 4096 - 400; ++i) Del(t, std::to_string(i));
  t.ResizeIfNeeded();  // 400 / 4096 < 10%
  EXPECT_TRUE(t.rehashing());
  while (t.Rehash(1)) {
  }
  EXPECT_EQ(t.buckets(), 512u);
  for (int i = 4096 - 400; i < 4096; ++i) ASSERT_TRUE(Has(t, std::to_string(i)));
  // Emptied: back to the initial size.
  for (int i = 4096 - 400; i < 4096; ++i) Del(t, std::to_string(i));
  t.ResizeIfNeeded();
  while (t.Rehash(1)) {
  }
  EXPECT_EQ(t.buckets(), Table::kInitialSize);
}

TEST(HashTableTest, RehashStepIsBoundedOnSparseTables) {
  Table t;
  for (int i = 0; i < 100000; ++i) Add(t, std::to_string(i));
  while (t.rehashing()) t.Rehash(1000);
  for (int i = 0; i < 99990; ++i) Del(t, std::to_string(i));
  t.ResizeIfNeeded();
  ASSERT_TRUE(t.rehashing());
  // One step visits at most kEmptyVisits empty buckets, so emptying a sparse
  // 131072-bucket array takes many steps.
  int steps = 0;
  while (t.Rehash(1)) ++steps;
  EXPECT_GT(steps, 131072 / Table::kEmptyVisits / 2);
  EXPECT_EQ(t.size(), 10u);
}

TEST(HashTableTest, ScanVisitsEverythingOnStableTable) {
  Table t;
  for (int i = 0; i < 5000; ++i) Add(t, std::to_string(i));
  std::unordered_map<std::string, int> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.Scan(cursor, [&](const Node* n) { ++seen[n->key]; });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 5000u);
  // Without resizes each key comes exactly once.
  for (auto& [k, c] : seen) EXPECT_EQ(c, 1) << k;
}

// The SCAN guarantee: a key present for the whole iteration is returned at
// least once, while random inserts and deletes between the calls grow the
// table several times over and shrink it back (rehashes in both directions
// in progress at the moment of many calls).
TEST(HashTableTest, ScanGuaranteeUnderConcurrentResizes) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    Table t;
    std::vector<std::string> stable;
    for (int i = 0; i < 300; ++i) {
      stable.push_back("stable:" + std::to_string(i));
      Add(t, stable.back());
    }
    std::vector<std::string> volatile_keys;
    uint64_t next_volatile = 0;
    bool growing = true;
    std::unordered_set<std::string> seen;
    size_t grows = 0, shrinks = 0, calls = 0, calls_mid_rehash = 0;
    size_t last_buckets = t.buckets();
    uint64_t cursor = 0;
    do {
      if (t.rehashing()) ++calls_mid_rehash;
      cursor = t.Scan(cursor, [&](const Node* n) { seen.insert(n->key); });
      ++calls;
      // Mutate: a burst of inserts or deletes, sized at random.
      int burst = static_cast<int>(rng() % 12);
      for (int j = 0; j < burst; ++j) {
        if (growing) {
          volatile_keys.push_back("v:" + std::to_string(next_volatile++));
          Add(t, volatile_keys.back());
        } else if (!volatile_keys.empty()) {
          size_t pick = rng() % volatile_keys.size();
          std::swap(volatile_keys[pick], volatile_keys.back());
          ASSERT_TRUE(Del(t, volatile_keys.back()));
          volatile_keys.pop_back();
        }
      }
      t.ResizeIfNeeded();  // the cron's shrink check
      if (rng() % 4 == 0) t.Rehash(1);
      if (growing && volatile_keys.size() > 6000) growing = false;
      if (!growing && volatile_keys.empty()) growing = true;
      // Compare the settled sizes (no second array in flight).
      if (!t.rehashing()) {
        size_t b = t.buckets();
        if (b > last_buckets) ++grows;
        if (b < last_buckets) ++shrinks;
        last_buckets = b;
      }
    } while (cursor != 0 && calls < 1000000);
    ASSERT_EQ(cursor, 0u);
    for (const std::string& k : stable) {
      ASSERT_TRUE(seen.count(k)) << "seed " << seed << " missed " << k;
    }
    // The test is only meaningful if the table did move both ways.
    EXPECT_GT(grows, 0u) << "seed " << seed;
    EXPECT_GT(calls_mid_rehash, 0u) << "seed " << seed;
    EXPECT_GT(shrinks, 0u) << "seed " << seed;
  }
}

// The same guarantee when the table only shrinks: a huge table emptied down
// to the stable keys while a scan is half way.
TEST(HashTableTest, ScanGuaranteeWhileShrinking) {
  Table t;
  for (int i = 0; i < 20000; ++i) Add(t, "v" + std::to_string(i));
  for (int i = 0; i < 100; ++i) Add(t, "s" + std::to_string(i));
  while (t.rehashing()) t.Rehash(100);
  std::unordered_set<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  int deleted = 0;
  size_t shrinks = 0;
  do {
    cursor = t.Scan(cursor, [&](const Node* n) { seen.insert(n->key); });
    ++calls;
    for (int j = 0; j < 40 && deleted < 20000; ++j) Del(t, "v" + std::to_string(deleted++));
    size_t before = t.buckets();
    t.ResizeIfNeeded();
    if (t.buckets() > before) ++shrinks;  // a smaller array joined: a shrink began
    t.Rehash(2);
  } while (cursor != 0);
  EXPECT_GT(shrinks, 0u);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(seen.count("s" + std::to_string(i))) << i;
}

TEST(HashTableTest, RandomReachesEveryNode) {
  Table t;
  for (int i = 0; i < 50; ++i) Add(t, std::to_string(i));
  std::mt19937_64 rng(7);
  std::set<std::string> got;
  for (int i = 0; i < 5000; ++i) got.insert(t.Random([&] { return rng(); })->key);
  EXPECT_EQ(got.size(), 50u);
  Table empty;
  EXPECT_EQ(empty.Random([&] { return rng(); }), nullptr);
}

TEST(HashTableTest, MoveSwapAndClear) {
  Table a;
  for (int i = 0; i < 100; ++i) Add(a, std::to_string(i));
  Table b = std::move(a);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.size(), 100u);
  Table c;
  Add(c, "only");
  b.Swap(c);
  EXPECT_EQ(b.size(), 1u);
  EXPECT_TRUE(Has(c, "42"));
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  Add(c, "again");
  EXPECT_TRUE(Has(c, "again"));
}

TEST(HashTableTest, HashSpreadsShortKeys) {
  // Distinct short keys of every length give distinct hashes (no trivial
  // collisions from the tail handling).
  std::unordered_set<uint64_t> hashes;
  std::vector<std::string> keys = {"",    "a",    "b",     "ab",      "ba",       "aa",       "abc",
                                   "acb", "abcd", "abcde", "abcdefg", "abcdefgh", "abcdefghi"};
  for (int i = 0; i < 1000; ++i) keys.push_back("key:" + std::to_string(i));
  for (const auto& k : keys) hashes.insert(HashKey(k));
  EXPECT_EQ(hashes.size(), keys.size());
  EXPECT_EQ(HashKey("same"), HashKey(std::string("same")));
}

TEST(HashTableTest, LargeBucketArraysAreMapped) {
  void** b = AllocBuckets(1 << 20);
  for (size_t i = 0; i < (1u << 20); i += 4096) EXPECT_EQ(b[i], nullptr);
  FreeBuckets(b, 1 << 20);
}

}  // namespace
}  // namespace spindle::storage
