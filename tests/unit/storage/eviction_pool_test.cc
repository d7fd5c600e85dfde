#include "storage/eviction_pool.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace spindle::storage {
namespace {

auto AllPresent() {
  return [](int, std::string_view) { return true; };
}

TEST(EvictionPoolTest, PopsBestFirst) {
  EvictionPool pool;
  pool.Offer(10, 0, "ten");
  pool.Offer(30, 1, "thirty");
  pool.Offer(20, 0, "twenty");
  EXPECT_EQ(pool.size(), 3u);
  int db = -1;
  std::string key;
  ASSERT_TRUE(pool.PopBest(AllPresent(), &db, &key));
  EXPECT_EQ(key, "thirty");
  EXPECT_EQ(db, 1);
  ASSERT_TRUE(pool.PopBest(AllPresent(), &db, &key));
  EXPECT_EQ(key, "twenty");
  ASSERT_TRUE(pool.PopBest(AllPresent(), &db, &key));
  EXPECT_EQ(key, "ten");
  EXPECT_FALSE(pool.PopBest(AllPresent(), &db, &key));
}

TEST(EvictionPoolTest, KeepsTheSixteenBestWhenFull) {
  EvictionPool pool;
  for (int i = 0; i < 40; ++i) pool.Offer(static_cast<uint64_t>(i), 0, "k" + std::to_string(i));
  EXPECT_EQ(pool.size(), EvictionPool::kSize);
  // A candidate worse than every one held is not taken.
  pool.Offer(0, 0, "worst");
  std::set<std::string> held;
  for (size_t k = 0; k < EvictionPool::kSize; ++k) held.insert(pool.at(k).key);
  EXPECT_EQ(held.count("worst"), 0u);
  for (int i = 24; i < 40; ++i) EXPECT_EQ(held.count("k" + std::to_string(i)), 1u) << i;
  // Ascending order inside.
  for (size_t k = 1; k < EvictionPool::kSize; ++k) EXPECT_LT(pool.at(k - 1).idle, pool.at(k).idle);
  // A better one pushes the worst held (k24) out.
  pool.Offer(35, 2, "mid");
  held.clear();
  for (size_t k = 0; k < EvictionPool::kSize; ++k) held.insert(pool.at(k).key);
  EXPECT_EQ(held.count("mid"), 1u);
  EXPECT_EQ(held.count("k24"), 0u);
}

TEST(EvictionPoolTest, InsertsInOrderWithRoomOnTheRight) {
  EvictionPool pool;
  pool.Offer(50, 0, "a");
  pool.Offer(10, 0, "b");
  pool.Offer(30, 0, "c");
  EXPECT_EQ(pool.at(0).key, "b");
  EXPECT_EQ(pool.at(1).key, "c");
  EXPECT_EQ(pool.at(2).key, "a");
  EXPECT_FALSE(pool.at(3).used);
}

TEST(EvictionPoolTest, GhostsAreSkipped) {
  EvictionPool pool;
  pool.Offer(10, 0, "alive");
  pool.Offer(20, 0, "gone");
  int db = -1;
  std::string key;
  ASSERT_TRUE(pool.PopBest([](int, std::string_view k) { return k != "gone"; }, &db, &key));
  EXPECT_EQ(key, "alive");
  EXPECT_EQ(pool.size(), 0u);
}

TEST(EvictionPoolTest, ClearEmpties) {
  EvictionPool pool;
  pool.Offer(1, 0, "x");
  pool.Clear();
  EXPECT_EQ(pool.size(), 0u);
  int db;
  std::string key;
  EXPECT_FALSE(pool.PopBest(AllPresent(), &db, &key));
}

}  // namespace
}  // namespace spindle::storage
