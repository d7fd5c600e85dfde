#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

// Expected bytes for doubles, maps, nulls and verbatim strings were checked
// against redis-server 7.0.15 in RESP2 and RESP3 (ZSCORE, HGETALL, LPOP of a
// missing list with a count, INFO, after HELLO 2 / HELLO 3).

namespace spindle::protocol {
namespace {

class ReplyBuilderTest : public ::testing::TestWithParam<int> {
 protected:
  ReplyBuilderTest() : rb_(&out_) { rb_.set_resp(GetParam()); }
  std::string Take() {
    std::string s = out_.ToString();
    out_.Clear();
    return s;
  }
  bool Resp3() const { return GetParam() == 3; }

  ChunkedBuffer out_;
  ReplyBuilder rb_;
};

TEST_P(ReplyBuilderTest, SimpleStringAndOk) {
  rb_.SimpleString("PONG");
  EXPECT_EQ(Take(), "+PONG\r\n");
  rb_.Ok();
  EXPECT_EQ(Take(), "+OK\r\n");
  rb_.SimpleString("");
  EXPECT_EQ(Take(), "+\r\n");
}

TEST_P(ReplyBuilderTest, Integers) {
  rb_.Integer(0);
  EXPECT_EQ(Take(), ":0\r\n");
  rb_.Integer(-42);
  EXPECT_EQ(Take(), ":-42\r\n");
  rb_.Integer(INT64_MAX);
  EXPECT_EQ(Take(), ":9223372036854775807\r\n");
  rb_.Integer(INT64_MIN);
  EXPECT_EQ(Take(), ":-9223372036854775808\r\n");
}

TEST_P(ReplyBuilderTest, Bulks) {
  rb_.Bulk("foo");
  EXPECT_EQ(Take(), "$3\r\nfoo\r\n");
  rb_.Bulk("");
  EXPECT_EQ(Take(), "$0\r\n\r\n");
  rb_.Bulk(std::string_view("a\0\r\nb", 5));
  EXPECT_EQ(Take(), std::string("$5\r\na\0\r\nb\r\n", 11));
  rb_.BulkLongLong(-1234567890123LL);
  EXPECT_EQ(Take(), "$14\r\n-1234567890123\r\n");
  rb_.BulkLongLong(INT64_MIN);
  EXPECT_EQ(Take(), "$20\r\n-9223372036854775808\r\n");
}

TEST_P(ReplyBuilderTest, BigBulkIsCopiedWhole) {
  std::string big(100000, 'z');
  rb_.Bulk(big);
  EXPECT_EQ(Take(), "$100000\r\n" + big + "\r\n");
}

TEST_P(ReplyBuilderTest, Nulls) {
  rb_.Null();
  EXPECT_EQ(Take(), Resp3() ? "_\r\n" : "$-1\r\n");
  rb_.NullArray();
  EXPECT_EQ(Take(), Resp3() ? "_\r\n" : "*-1\r\n");
}

TEST_P(ReplyBuilderTest, AggregateHeaders) {
  rb_.EmptyArray();
  EXPECT_EQ(Take(), "*0\r\n");
  rb_.ArrayHeader(3);
  EXPECT_EQ(Take(), "*3\r\n");
  rb_.MapHeader(2);
  EXPECT_EQ(Take(), Resp3() ? "%2\r\n" : "*4\r\n");
  rb_.MapHeader(0);
  EXPECT_EQ(Take(), Resp3() ? "%0\r\n" : "*0\r\n");
  rb_.SetHeader(5);
  EXPECT_EQ(Take(), Resp3() ? "~5\r\n" : "*5\r\n");
  rb_.PushHeader(3);
  EXPECT_EQ(Take(), Resp3() ? ">3\r\n" : "*3\r\n");
}

// HGETALL h (h = {a: 1}) in redis 7.0.15.
TEST_P(ReplyBuilderTest, HgetallShape) {
  rb_.MapHeader(1);
  rb_.Bulk("a");
  rb_.Bulk("1");
  EXPECT_EQ(Take(), Resp3() ? "%1\r\n$1\r\na\r\n$1\r\n1\r\n" : "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
}

// ZSCORE in redis 7.0.15: ",0.10000000000000001" / "$19\r\n0.10000000000000001".
TEST_P(ReplyBuilderTest, Doubles) {
  auto expect = [&](double d, std::string_view text) {
    rb_.Double(d);
    if (Resp3()) {
      EXPECT_EQ(Take(), "," + std::string(text) + "\r\n");
    } else {
      EXPECT_EQ(Take(), "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n");
    }
  };
  expect(0.1, "0.10000000000000001");
  expect(1.5, "1.5");
  expect(0, "0");
  expect(-2, "-2");
  expect(1e300, "1.0000000000000001e+300");
  expect(std::numeric_limits<double>::infinity(), "inf");
  expect(-std::numeric_limits<double>::infinity(), "-inf");
}

TEST_P(ReplyBuilderTest, DoubleText) {
  rb_.DoubleText("2.5");
  EXPECT_EQ(Take(), Resp3() ? ",2.5\r\n" : "$3\r\n2.5\r\n");
}

TEST_P(ReplyBuilderTest, Bool) {
  rb_.Bool(true);
  EXPECT_EQ(Take(), Resp3() ? "#t\r\n" : ":1\r\n");
  rb_.Bool(false);
  EXPECT_EQ(Take(), Resp3() ? "#f\r\n" : ":0\r\n");
}

// INFO in redis 7.0.15 under RESP3: "=584\r\ntxt:# Server...".
TEST_P(ReplyBuilderTest, Verbatim) {
  rb_.Verbatim("# Server\r\n");
  EXPECT_EQ(Take(), Resp3() ? "=14\r\ntxt:# Server\r\n\r\n" : "$10\r\n# Server\r\n\r\n");
  rb_.Verbatim("x", "mkd");
  EXPECT_EQ(Take(), Resp3() ? "=5\r\nmkd:x\r\n" : "$1\r\nx\r\n");
  // An over-long format is cut to three characters and the length agrees.
  rb_.Verbatim("x", "markdown");
  EXPECT_EQ(Take(), Resp3() ? "=5\r\nmar:x\r\n" : "$1\r\nx\r\n");
}

TEST_P(ReplyBuilderTest, Errors) {
  EXPECT_EQ(rb_.errors_written(), 0u);
  rb_.Error("ERR syntax error");
  EXPECT_EQ(Take(), "-ERR syntax error\r\n");
  EXPECT_EQ(rb_.last_error_code(), "ERR");
  rb_.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(Take(), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(rb_.last_error_code(), "WRONGTYPE");
  EXPECT_EQ(rb_.errors_written(), 2u);
}

TEST_P(ReplyBuilderTest, ErrorNewlinesBecomeSpaces) {
  rb_.Error("ERR bad\r\nthing\n");
  EXPECT_EQ(Take(), "-ERR bad  thing \r\n");
}

// afterErrorReply: the code is what precedes the first space within the
// first 32 bytes of "-CODE ..."; otherwise the error counts as "ERR".
TEST_P(ReplyBuilderTest, ErrorCodeLikeRedisErrorStats) {
  rb_.Error("NOSPACE");
  EXPECT_EQ(rb_.last_error_code(), "ERR");
  std::string code30(30, 'C');
  rb_.Error(code30 + " msg");
  EXPECT_EQ(rb_.last_error_code(), code30);
  std::string code31(31, 'C');
  rb_.Error(code31 + " msg");
  EXPECT_EQ(rb_.last_error_code(), "ERR");
  Take();
}

TEST_P(ReplyBuilderTest, CopyKeepsErrorCode) {
  rb_.Error("BUSYKEY Target key name already exists.");
  ReplyBuilder copy = rb_;
  rb_.Error("ERR x");
  EXPECT_EQ(copy.last_error_code(), "BUSYKEY");
  EXPECT_EQ(rb_.last_error_code(), "ERR");
  Take();
}

TEST_P(ReplyBuilderTest, RawAndOutputSwap) {
  ChunkedBuffer other;
  rb_.set_output(&other);
  EXPECT_EQ(rb_.output(), &other);
  rb_.Raw("+QUEUED\r\n");
  EXPECT_EQ(other.ToString(), "+QUEUED\r\n");
  EXPECT_TRUE(out_.empty());
  rb_.set_output(&out_);
  rb_.Integer(1);
  EXPECT_EQ(Take(), ":1\r\n");
}

TEST_P(ReplyBuilderTest, NestedReply) {
  // ZRANGE z 0 0 WITHSCORES under RESP3 in redis 7.0.15 nests pairs.
  rb_.ArrayHeader(1);
  rb_.ArrayHeader(2);
  rb_.Bulk("c");
  rb_.Double(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(Take(),
            Resp3() ? "*1\r\n*2\r\n$1\r\nc\r\n,-inf\r\n" : "*1\r\n*2\r\n$1\r\nc\r\n$4\r\n-inf\r\n");
}

INSTANTIATE_TEST_SUITE_P(Resp, ReplyBuilderTest, ::testing::Values(2, 3),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "RESP" + std::to_string(info.param);
                         });

TEST(ReplyBuilderVersionTest, DefaultsToResp2) {
  ChunkedBuffer out;
  ReplyBuilder rb(&out);
  EXPECT_EQ(rb.resp(), 2);
  rb.set_resp(3);
  EXPECT_EQ(rb.resp(), 3);
}

}  // namespace
}  // namespace spindle::protocol
