#include "storage/value.h"

#include <gtest/gtest.h>

#include <string>

namespace spindle::storage {
namespace {

std::string Str(const Value& v) {
  char buf[Value::kIntScratch];
  return std::string(v.StringView(buf));
}

// Every case checked against redis-server 7.0.15 with SET + OBJECT ENCODING.
TEST(ValueTest, FromStringEncodingsMatchRedis) {
  struct Case {
    std::string in;
    Encoding want;
  } cases[] = {
      {"123", Encoding::kInt},
      {"-5", Encoding::kInt},
      {"0", Encoding::kInt},
      {"-9223372036854775808", Encoding::kInt},
      {"9223372036854775807", Encoding::kInt},
      {"01", Encoding::kEmbStr},
      {"-0", Encoding::kEmbStr},
      {"+1", Encoding::kEmbStr},
      {" 1", Encoding::kEmbStr},
      {"1 ", Encoding::kEmbStr},
      {"12345678901234567890", Encoding::kEmbStr},   // 20 chars, overflows
      {"123456789012345678901", Encoding::kEmbStr},  // 21 chars
      {"9223372036854775808", Encoding::kEmbStr},
      {"", Encoding::kEmbStr},
      {"hello", Encoding::kEmbStr},
      {std::string(44, 'a'), Encoding::kEmbStr},
      {std::string(45, 'a'), Encoding::kRaw},
      {std::string(1000, 'b'), Encoding::kRaw},
  };
  for (const Case& c : cases) {
    Value v = Value::FromString(c.in);
    EXPECT_EQ(v.encoding(), c.want) << "'" << c.in << "'";
    EXPECT_EQ(v.type(), ValueType::kString);
    EXPECT_EQ(Str(v), c.in);
    EXPECT_EQ(v.StringLength(), c.in.size());
  }
}

TEST(ValueTest, EncodingNames) {
  EXPECT_STREQ(EncodingName(Encoding::kRaw), "raw");
  EXPECT_STREQ(EncodingName(Encoding::kInt), "int");
  EXPECT_STREQ(EncodingName(Encoding::kEmbStr), "embstr");
  EXPECT_STREQ(EncodingName(Encoding::kHashtable), "hashtable");
  EXPECT_STREQ(EncodingName(Encoding::kQuicklist), "quicklist");
  EXPECT_STREQ(EncodingName(Encoding::kListpack), "listpack");
  EXPECT_STREQ(EncodingName(Encoding::kIntset), "intset");
  EXPECT_STREQ(EncodingName(Encoding::kSkiplist), "skiplist");
  EXPECT_STREQ(EncodingName(Encoding::kStream), "stream");
  EXPECT_STREQ(ValueTypeName(ValueType::kZSet), "zset");
}

TEST(ValueTest, IntsAreStoredAsInts) {
  Value v = Value::FromInt(-42);
  int64_t n = 0;
  ASSERT_TRUE(v.GetInt(&n));
  EXPECT_EQ(n, -42);
  EXPECT_EQ(v.encoding(), Encoding::kInt);
  EXPECT_EQ(Str(v), "-42");
  EXPECT_EQ(v.StringLength(), 3u);
  EXPECT_EQ(v.HeapBytes(), 0u);
  Value w = Value::FromString("not a number");
  EXPECT_FALSE(w.GetInt(&n));
}

TEST(ValueTest, FormattedNeverInt) {
  EXPECT_EQ(Value::FromFormatted("7").encoding(), Encoding::kEmbStr);
  EXPECT_EQ(Value::FromFormatted("7.5").encoding(), Encoding::kEmbStr);
  EXPECT_EQ(Value::FromFormatted(std::string(45, '1')).encoding(), Encoding::kRaw);
  EXPECT_EQ(Str(Value::FromFormatted("3.25")), "3.25");
}

TEST(ValueTest, RawStringAndMutableRaw) {
  Value r = Value::RawString("12");
  EXPECT_EQ(r.encoding(), Encoding::kRaw);
  int64_t n;
  EXPECT_FALSE(r.GetInt(&n));

  // int -> raw, as dbUnshareStringValue does before APPEND / SETRANGE.
  Value v = Value::FromString("10");
  ASSERT_EQ(v.encoding(), Encoding::kInt);
  v.MutableRaw().append("1");
  EXPECT_EQ(v.encoding(), Encoding::kRaw);
  EXPECT_EQ(Str(v), "101");
  EXPECT_EQ(v.StringLength(), 3u);

  // embstr (inline and out of line) -> raw.
  for (size_t len : {3, 19, 20, 44}) {
    std::string s(len, 'x');
    Value e = Value::FromString(s);
    ASSERT_EQ(e.encoding(), Encoding::kEmbStr);
    e.MutableRaw() += "!";
    EXPECT_EQ(e.encoding(), Encoding::kRaw);
    EXPECT_EQ(Str(e), s + "!");
  }
  // The same string object stays across edits.
  std::string& s1 = v.MutableRaw();
  std::string& s2 = v.MutableRaw();
  EXPECT_EQ(&s1, &s2);
}

TEST(ValueTest, MoveCloneAndLru) {
  Value a = Value::FromString(std::string(100, 'q'));
  a.set_lru(0x1234567);  // 25 bits: only 24 are kept
  EXPECT_EQ(a.lru(), 0x234567u);
  Value b = std::move(a);
  EXPECT_EQ(Str(b), std::string(100, 'q'));
  EXPECT_EQ(b.lru(), 0x234567u);
  Value c = b.Clone();
  EXPECT_EQ(Str(c), Str(b));
  EXPECT_EQ(c.encoding(), Encoding::kRaw);
  c.MutableRaw()[0] = 'z';
  EXPECT_EQ(Str(b)[0], 'q');
  Value d = c.Clone();
  EXPECT_EQ(Str(d)[0], 'z');
  b = std::move(d);
  EXPECT_EQ(Str(b)[0], 'z');
  EXPECT_GT(b.HeapBytes(), 100u);
  // Setting the lru keeps the rest of the header.
  b.set_lru(5);
  EXPECT_EQ(b.type(), ValueType::kString);
  EXPECT_EQ(b.encoding(), Encoding::kRaw);
}

TEST(ValueTest, SmallStringsNeedNoHeap) {
  EXPECT_EQ(sizeof(Value), 24u);
  EXPECT_EQ(Value::FromString("sixteen-byte-val").HeapBytes(), 0u);
  EXPECT_EQ(Value::FromString(std::string(19, 'a')).HeapBytes(), 0u);
  EXPECT_GT(Value::FromString(std::string(20, 'a')).HeapBytes(), 0u);
}

TEST(ValueTest, EmptyOfType) {
  Value l = Value::EmptyOfType(ValueType::kList);
  EXPECT_EQ(l.type(), ValueType::kList);
  EXPECT_FALSE(l.is_string());
  EXPECT_EQ(l.encoding(), Encoding::kQuicklist);
  Value c = l.Clone();
  EXPECT_EQ(c.type(), ValueType::kList);
}

}  // namespace
}  // namespace spindle::storage

namespace spindle::storage {
namespace {

// A stand-in collection: counts live instances to prove ownership.
class FakePayload : public CollectionPayload {
 public:
  explicit FakePayload(int* live, size_t n) : live_(live), n_(n) { ++*live_; }
  ~FakePayload() override { --*live_; }
  std::unique_ptr<CollectionPayload> Clone() const override {
    return std::make_unique<FakePayload>(live_, n_);
  }
  Encoding encoding() const override { return n_ > 2 ? Encoding::kHashtable : Encoding::kListpack; }
  size_t Length() const override { return n_; }
  size_t HeapBytes() const override { return n_ * 8; }
  void Grow() { ++n_; }

 private:
  int* live_;
  size_t n_;
};

TEST(ValueCollectionTest, OwnsClonesAndReportsItsPayloadsEncoding) {
  int live = 0;
  {
    Value v = Value::FromCollection(ValueType::kHash, std::make_unique<FakePayload>(&live, 2));
    EXPECT_EQ(live, 1);
    EXPECT_EQ(v.type(), ValueType::kHash);
    EXPECT_FALSE(v.is_string());
    EXPECT_EQ(v.encoding(), Encoding::kListpack);
    v.As<FakePayload>()->Grow();
    EXPECT_EQ(v.encoding(), Encoding::kHashtable);  // follows the conversion
    EXPECT_EQ(v.HeapBytes(), 24u);
    Value copy = v.Clone();
    EXPECT_EQ(live, 2);
    EXPECT_NE(copy.collection(), v.collection());
    EXPECT_EQ(copy.collection()->Length(), 3u);
    Value moved = std::move(copy);
    EXPECT_EQ(live, 2);
    EXPECT_EQ(Value::FromString("x").collection(), nullptr);
  }
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace spindle::storage
