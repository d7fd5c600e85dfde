#include "storage/keyspace.h"

#include <gtest/gtest.h>

namespace spindle::storage {
namespace {

TEST(KeyspaceTest, SetLookupDelete) {
  Keyspace ks(16);
  Database& db = ks.db(0);
  EXPECT_EQ(db.LookupRead("k", 1000), nullptr);
  db.Set("k", Value::String(std::string_view("v")));
  Value* v = db.LookupRead("k", 1000);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->str(), "v");
  EXPECT_EQ(ks.stats().keyspace_hits, 1u);
  EXPECT_EQ(ks.stats().keyspace_misses, 1u);
  EXPECT_TRUE(db.Delete("k", 1000));
  EXPECT_FALSE(db.Delete("k", 1000));
  EXPECT_EQ(db.size(), 0u);
}

TEST(KeyspaceTest, DatabasesAreIsolated) {
  Keyspace ks(2);
  ks.db(0).Set("k", Value::String(std::string_view("zero")));
  EXPECT_EQ(ks.db(1).LookupWrite("k", 0), nullptr);
  ks.FlushAll();
  EXPECT_EQ(ks.db(0).size(), 0u);
}

TEST(KeyspaceTest, LazyExpiryHidesAndDeletes) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::String(std::string_view("v")));
  db.SetExpire("k", 2000);
  EXPECT_NE(db.LookupWrite("k", 1999), nullptr);
  EXPECT_EQ(db.GetExpire("k"), 2000);
  EXPECT_EQ(db.LookupRead("k", 2000), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.expires_size(), 0u);
  EXPECT_EQ(ks.stats().expired_keys, 1u);
  // An expired key counts as absent for DEL too.
  db.Set("j", Value::String(std::string_view("v")));
  db.SetExpire("j", 10);
  EXPECT_FALSE(db.Delete("j", 11));
}

TEST(KeyspaceTest, OverwriteClearsTtlUnlessKept) {
  Keyspace ks(1);
  Database& db = ks.db(0);
  db.Set("k", Value::String(std::string_view("v")));
  db.SetExpire("k", 5000);
  db.Set("k", Value::String(std::string_view("w")), /*keep_ttl=*/true);
  EXPECT_EQ(db.GetExpire("k"), 5000);
  db.Set("k", Value::String(std::string_view("x")));
  EXPECT_EQ(db.GetExpire("k"), -1);
  db.SetExpire("k", 7000);
  EXPECT_TRUE(db.RemoveExpire("k"));
  EXPECT_FALSE(db.RemoveExpire("k"));
}

}  // namespace
}  // namespace spindle::storage
