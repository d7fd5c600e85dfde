#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/errors.h"

// Every expectation marked "redis 7.0.15" was checked by sending the same
// bytes to redis-server 7.0.15 over a raw socket and comparing the reply.

namespace spindle::protocol {
namespace {

using Status = RespParser::Status;
using Command = std::vector<std::string>;

// What a caller saw after feeding a stream.
struct Outcome {
  std::vector<Command> commands;  // empty commands ("*0", blank lines) included
  std::string error;              // empty if no protocol error
  size_t pending = 0;             // bytes left unconsumed at the end
  bool in_progress = false;
};

// Plays the caller of the contract: bytes arrive in pieces of the given
// sizes; each piece is appended to the query buffer, which is then moved to a
// new allocation (as a reallocating buffer might do); complete commands are
// cut from the front. Consumed bytes are dropped only between commands.
Outcome Feed(RespParser& parser, std::string_view stream, const std::vector<size_t>& pieces) {
  Outcome out;
  std::string buf;
  size_t fed = 0;
  size_t piece = 0;
  while (fed < stream.size()) {
    size_t n = piece < pieces.size() ? pieces[piece++] : stream.size() - fed;
    n = std::min(n, stream.size() - fed);
    std::string moved = buf;  // new storage: views from earlier calls are invalid now
    moved.append(stream.substr(fed, n));
    buf.swap(moved);
    fed += n;
    while (true) {
      size_t consumed = 12345;
      std::vector<std::string_view> args = {"garbage"};
      Status st = parser.Parse(buf.data(), buf.size(), &consumed, &args);
      if (st == Status::kError) {
        out.error = parser.error();
        out.pending = buf.size();
        return out;
      }
      if (st == Status::kNeedMore) {
        EXPECT_EQ(consumed, 0u);
        EXPECT_TRUE(args.empty());
        break;
      }
      EXPECT_LE(consumed, buf.size());
      EXPECT_GT(consumed, 0u);
      Command cmd;
      for (std::string_view a : args) {
        // Views point into buf or into the parser's own storage.
        cmd.emplace_back(a);
      }
      out.commands.push_back(std::move(cmd));
      EXPECT_FALSE(parser.InProgress());
      buf.erase(0, consumed);
      if (buf.empty()) break;
    }
  }
  out.pending = buf.size();
  out.in_progress = parser.InProgress();
  return out;
}

Outcome FeedWhole(std::string_view stream, ParserLimits limits = {}) {
  RespParser parser;
  parser.set_limits(limits);
  return Feed(parser, stream, {stream.size()});
}

std::string Multibulk(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

// A pipelined stream mixing both request types and most of the odd but legal
// forms Redis accepts, with the commands it must yield.
const std::string& MixedStream() {
  static const std::string* s = [] {
    auto* out = new std::string;
    *out += "PING\r\n";
    *out += "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n";        // CRLF inside a bulk
    *out += "set  'a b'  \"c\\x41\\n\"\r\n";                            // inline with quoting
    *out += "\r\n";                                                     // blank inline line
    *out += "*0\r\n";                                                   // empty multibulk
    *out += "GET key\n";                                                // LF-only line end
    *out += "*-1\r\n";                                                  // null multibulk
    *out += "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";                           // empty bulk
    *out += "*1\r\n$4\r\nPINGxy";                                       // bulk end bytes unchecked
    static const char kNul[] = "*2\r\n$4\r\nECHO\r\n$3\r\n\0\r\n\r\n";  // NUL, CRLF as data
    out->append(kNul, sizeof(kNul) - 1);
    *out += "echo \"\"\r\n";
    return out;
  }();
  return *s;
}

const std::vector<Command>& MixedCommands() {
  static const std::vector<Command>* c = new std::vector<Command>{
      {"PING"},
      {"SET", "key", "va\r\nl"},
      {"set", "a b", "cA\n"},
      {},
      {},
      {"GET", "key"},
      {},
      {"ECHO", ""},
      {"PING"},
      {"ECHO", std::string("\0\r\n", 3)},
      {"echo", ""},
  };
  return *c;
}

TEST(RespParserTest, MixedStreamInOnePiece) {
  Outcome out = FeedWhole(MixedStream());
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.commands, MixedCommands());
  EXPECT_EQ(out.pending, 0u);
  EXPECT_FALSE(out.in_progress);
}

TEST(RespParserTest, MixedStreamEverySplitPoint) {
  const std::string& s = MixedStream();
  for (size_t split = 0; split <= s.size(); ++split) {
    RespParser parser;
    Outcome out = Feed(parser, s, {split, s.size() - split});
    ASSERT_EQ(out.error, "") << "split " << split;
    ASSERT_EQ(out.commands, MixedCommands()) << "split " << split;
    ASSERT_EQ(out.pending, 0u);
  }
}

TEST(RespParserTest, MixedStreamEveryPairOfSplitPoints) {
  const std::string& s = MixedStream();
  for (size_t a = 0; a <= s.size(); ++a) {
    for (size_t b = a; b <= s.size(); b += 3) {
      RespParser parser;
      Outcome out = Feed(parser, s, {a, b - a, s.size() - b});
      ASSERT_EQ(out.commands, MixedCommands()) << "splits " << a << "," << b;
    }
  }
}

TEST(RespParserTest, MixedStreamByteByByte) {
  const std::string& s = MixedStream();
  RespParser parser;
  Outcome out = Feed(parser, s, std::vector<size_t>(s.size(), 1));
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.commands, MixedCommands());
}

TEST(RespParserTest, MixedStreamRandomPieces) {
  std::mt19937 rng(42);
  std::string s;
  std::vector<Command> want;
  for (int i = 0; i < 50; ++i) {
    s += MixedStream();
    want.insert(want.end(), MixedCommands().begin(), MixedCommands().end());
  }
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> pieces;
    for (size_t total = 0; total < s.size();) {
      size_t n = std::uniform_int_distribution<size_t>(1, 64)(rng);
      pieces.push_back(n);
      total += n;
    }
    RespParser parser;
    Outcome out = Feed(parser, s, pieces);
    ASSERT_EQ(out.commands, want) << "round " << round;
  }
}

TEST(RespParserTest, ThousandsOfPipelinedCommandsInOneBuffer) {
  std::string s;
  std::vector<Command> want;
  for (int i = 0; i < 20000; ++i) {
    Command c = {"SET", "key:" + std::to_string(i), std::string(i % 50, 'v')};
    if (i % 3 == 0) {
      s += "SET key:" + std::to_string(i) + " \"" + c[2] + "\"\r\n";
    } else {
      s += Multibulk(c);
    }
    want.push_back(std::move(c));
  }
  // The caller's loop: parse from an advancing offset, never copying.
  RespParser parser;
  size_t off = 0;
  size_t n = 0;
  std::vector<std::string_view> args;
  while (off < s.size()) {
    size_t consumed = 0;
    ASSERT_EQ(parser.Parse(s.data() + off, s.size() - off, &consumed, &args), Status::kComplete);
    ASSERT_EQ(args.size(), 3u);
    ASSERT_EQ(args[1], want[n][1]);
    ASSERT_EQ(args[2], want[n][2]);
    off += consumed;
    ++n;
  }
  EXPECT_EQ(n, want.size());
}

TEST(RespParserTest, ArgsAreViewsIntoTheBufferForMultibulk) {
  std::string s = Multibulk({"GET", "k"});
  RespParser parser;
  size_t consumed = 0;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kComplete);
  EXPECT_EQ(consumed, s.size());
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].data(), s.data() + 8);
  EXPECT_EQ(args[1].data(), s.data() + 17);
}

TEST(RespParserTest, BinaryBulks) {
  std::string bin;
  for (int i = 0; i < 256; ++i) bin.push_back(static_cast<char>(i));
  bin += "\r\n\r\n*1\r\n$4\r\nPING\r\n\n\r";
  std::string s = Multibulk({"SET", bin, "\r\n"}) + Multibulk({"GET", bin});
  RespParser parser;
  Outcome out = Feed(parser, s, std::vector<size_t>(s.size(), 1));
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.commands, (std::vector<Command>{{"SET", bin, "\r\n"}, {"GET", bin}}));
}

// redis 7.0.15: "*0", "*-1", "*-5", a huge negative count, a blank line, a
// line of spaces: each is consumed and nothing runs.
TEST(RespParserTest, EmptyCommands) {
  for (std::string_view s : {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-9223372036854775808\r\n", "\r\n",
                             "\n", "   \r\n", "\t \v\f\r\n"}) {
    RespParser parser;
    size_t consumed = 0;
    std::vector<std::string_view> args = {"x"};
    EXPECT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kComplete) << s;
    EXPECT_EQ(consumed, s.size()) << s;
    EXPECT_TRUE(args.empty()) << s;
    EXPECT_FALSE(parser.InProgress());
  }
}

// redis 7.0.15: "PING\rX\n" is the inline command PING X (a lone CR splits
// unquoted arguments); "\n" alone ends inline lines.
TEST(RespParserTest, InlineLineEnds) {
  EXPECT_EQ(FeedWhole("PING\rX\n").commands, (std::vector<Command>{{"PING", "X"}}));
  EXPECT_EQ(FeedWhole("PING\nPING\r\n").commands, (std::vector<Command>{{"PING"}, {"PING"}}));
  EXPECT_EQ(FeedWhole("ECHO a\x0b"
                      "b\r\n")
                .commands,
            (std::vector<Command>{{"ECHO",
                                   "a\x0b"
                                   "b"}}));
  EXPECT_EQ(FeedWhole("\x0b"
                      "ECHO ab\r\n")
                .commands,
            (std::vector<Command>{{"ECHO", "ab"}}));
  EXPECT_EQ(FeedWhole("ECHO \"a\\x41\\n\"\r\n").commands, (std::vector<Command>{{"ECHO", "aA\n"}}));
}

// redis 7.0.15: a header line ends at '\r' and the byte after it is skipped
// unchecked; the two bytes after a bulk are skipped unchecked.
TEST(RespParserTest, UncheckedTerminators) {
  EXPECT_EQ(FeedWhole("*1\rX$4\rXPING\r\n").commands, (std::vector<Command>{{"PING"}}));
  EXPECT_EQ(FeedWhole("*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n").commands,
            (std::vector<Command>{{"PING"}, {"PING"}}));
}

TEST(RespParserTest, WaitsForTheByteAfterCr) {
  RespParser parser;
  size_t consumed = 0;
  std::vector<std::string_view> args;
  std::string s = "*1\r";
  EXPECT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kNeedMore);
  EXPECT_TRUE(parser.InProgress());
  s += "\n$1\r";
  EXPECT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kNeedMore);
  s += "\nab";  // the bulk's two trailing bytes are missing
  EXPECT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kNeedMore);
  s += "\r\n";
  EXPECT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kComplete);
  EXPECT_EQ(args, (std::vector<std::string_view>{"a"}));
  EXPECT_EQ(consumed, s.size() - 1);  // "*1\r\n$1\r\na" + the 2 skipped bytes "b\r"
}

struct ErrorCase {
  std::string input;
  std::string error;
};

// redis 7.0.15 replied with exactly these texts (and closed the connection).
TEST(RespParserTest, ProtocolErrors) {
  const std::string k64(64 * 1024, '1');
  std::vector<ErrorCase> cases = {
      {"*abc\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*+1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*01\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*-0\r\n", "ERR Protocol error: invalid multibulk length"},
      {"* 1\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1 \r\n", "ERR Protocol error: invalid multibulk length"},
      {"*2147483648\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*100000000000000000000\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*9223372036854775808\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$04\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$+4\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$99999999999999999999\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
      {"*1\r\nx\r\n", "ERR Protocol error: expected '$', got 'x'"},
      {"*1\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '"},  // '\r' shown as a space
      {"*2\r\n$4\r\nECHO\r\n*1\r\n", "ERR Protocol error: expected '$', got '*'"},
      {"\"unbalanced\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"PING \"a\"b\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"x'y z'w\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {std::string(64 * 1024 + 1, 'A'), "ERR Protocol error: too big inline request"},
      {"*" + k64, "ERR Protocol error: too big mbulk count string"},
      {"*1\r\n$" + k64 + "1", "ERR Protocol error: too big bulk count string"},
      // A NUL before the line end hides it (Redis's strchr): the size limit
      // ends the wait.
      {std::string("PI\0NG\r\n", 7) + std::string(70000, 'B'),
       "ERR Protocol error: too big inline request"},
      {std::string("*1\0\r\n", 5) + std::string(70000, 'B'),
       "ERR Protocol error: too big mbulk count string"},
      {std::string("*1\r\n$1\0\r\n", 9) + std::string(70000, 'B'),
       "ERR Protocol error: too big bulk count string"},
  };
  for (const ErrorCase& c : cases) {
    Outcome whole = FeedWhole(c.input);
    EXPECT_EQ(whole.error, c.error) << c.input.substr(0, 40);
    EXPECT_TRUE(whole.commands.empty());
    // The same error whatever the pieces.
    RespParser parser;
    Outcome pieces = Feed(parser, c.input, std::vector<size_t>(c.input.size(), 7));
    EXPECT_EQ(pieces.error, c.error) << c.input.substr(0, 40);
  }
}

TEST(RespParserTest, ErrorConstantsMatchParserTexts) {
  EXPECT_EQ(FeedWhole("*x\r\n").error, kErrProtoInvalidMultibulkLen);
  EXPECT_EQ(FeedWhole("*1\r\n$x\r\n").error, kErrProtoInvalidBulkLen);
  EXPECT_EQ(FeedWhole("'\r\n").error, kErrProtoUnbalancedQuotes);
}

// redis 7.0.15: replies to the commands before the bad frame are sent, then
// the error.
TEST(RespParserTest, ErrorAfterGoodCommands) {
  Outcome out = FeedWhole("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n");
  EXPECT_EQ(out.commands, (std::vector<Command>{{"PING"}, {"PING"}}));
  EXPECT_EQ(out.error, "ERR Protocol error: invalid multibulk length");
}

TEST(RespParserTest, ErrorIsStickyUntilReset) {
  RespParser parser;
  size_t consumed = 0;
  std::vector<std::string_view> args;
  std::string bad = "*x\r\n";
  ASSERT_EQ(parser.Parse(bad.data(), bad.size(), &consumed, &args), Status::kError);
  std::string good = "PING\r\n";
  EXPECT_EQ(parser.Parse(good.data(), good.size(), &consumed, &args), Status::kError);
  parser.Reset();
  EXPECT_EQ(parser.error(), "");
  EXPECT_EQ(parser.Parse(good.data(), good.size(), &consumed, &args), Status::kComplete);
}

// redis 7.0.15: exactly 64 KiB without a line end still waits; one more byte
// fails. A longer line is fine once its '\n' is in the buffer.
TEST(RespParserTest, LineLengthLimitBoundaries) {
  const size_t k = 64 * 1024;
  EXPECT_EQ(FeedWhole(std::string(k, 'A')).error, "");
  EXPECT_EQ(FeedWhole(std::string(k + 1, 'A')).error, kErrProtoTooBigInline);
  EXPECT_EQ(FeedWhole("*" + std::string(k - 1, '1')).error, "");
  EXPECT_EQ(FeedWhole("*" + std::string(k, '1')).error, kErrProtoTooBigMbulkCount);
  // For a bulk header the limit counts from the header's own start.
  EXPECT_EQ(FeedWhole("*1\r\n$" + std::string(k - 1, '1')).error, "");
  EXPECT_EQ(FeedWhole("*1\r\n$" + std::string(k, '1')).error, kErrProtoTooBigBulkCount);

  std::string big = "ECHO " + std::string(k + 10, 'A') + "\r\n";
  Outcome out = FeedWhole(big);
  EXPECT_EQ(out.error, "");
  ASSERT_EQ(out.commands.size(), 1u);
  EXPECT_EQ(out.commands[0][1].size(), k + 10);

  ParserLimits small;
  small.max_inline_len = 10;
  EXPECT_EQ(FeedWhole("0123456789", small).error, "");
  EXPECT_EQ(FeedWhole("0123456789a", small).error, kErrProtoTooBigInline);
}

// redis 7.0.15: a NUL before the line end keeps the client waiting.
TEST(RespParserTest, NulBeforeLineEndWaits) {
  for (std::string s : {std::string("PI\0NG\r\n", 7), std::string("*1\0\r\n", 5),
                        std::string("*1\r\n$1\0\r\nx\r\n", 12)}) {
    Outcome out = FeedWhole(s);
    EXPECT_EQ(out.error, "");
    EXPECT_TRUE(out.commands.empty());
    EXPECT_TRUE(out.in_progress);
    EXPECT_EQ(out.pending, s.size());
  }
}

TEST(RespParserTest, BulkLengthLimits) {
  // redis 7.0.15: proto-max-bulk-len itself is allowed (the client waits).
  Outcome at = FeedWhole("*1\r\n$536870912\r\n");
  EXPECT_EQ(at.error, "");
  EXPECT_TRUE(at.in_progress);
  ParserLimits limits;
  limits.max_bulk_len = 5;
  EXPECT_EQ(FeedWhole("*1\r\n$5\r\nhello\r\n", limits).commands, (std::vector<Command>{{"hello"}}));
  EXPECT_EQ(FeedWhole("*1\r\n$6\r\nhello!\r\n", limits).error, kErrProtoInvalidBulkLen);
}

TEST(RespParserTest, MultibulkCountLimit) {
  // redis 7.0.15: the 7.0 limit is INT_MAX (not 6.x's 1024*1024): these wait.
  for (std::string s : {"*1048577\r\n", "*2147483647\r\n"}) {
    Outcome out = FeedWhole(s);
    EXPECT_EQ(out.error, "") << s;
    EXPECT_TRUE(out.in_progress);
  }
  ParserLimits limits;
  limits.max_multibulk_len = 2;
  EXPECT_EQ(FeedWhole(Multibulk({"a", "b"}), limits).commands, (std::vector<Command>{{"a", "b"}}));
  EXPECT_EQ(FeedWhole(Multibulk({"a", "b", "c"}), limits).error, kErrProtoInvalidMultibulkLen);
}

// redis 7.0.15 with requirepass, before AUTH: at most 10 arguments of at
// most 16384 bytes; the generic checks come first.
TEST(RespParserTest, UnauthenticatedLimits) {
  ParserLimits unauth;
  unauth.authenticated = false;
  std::vector<std::string> ten(10, std::string(16384, 'x'));
  Outcome ok = FeedWhole(Multibulk(ten), unauth);
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.commands.size(), 1u);
  EXPECT_EQ(FeedWhole("*11\r\n", unauth).error,
            "ERR Protocol error: unauthenticated multibulk length");
  EXPECT_EQ(FeedWhole("*1\r\n$16385\r\n", unauth).error,
            "ERR Protocol error: unauthenticated bulk length");
  EXPECT_EQ(FeedWhole("*2147483648\r\n", unauth).error, kErrProtoInvalidMultibulkLen);
  EXPECT_EQ(FeedWhole("*1\r\n$600000000\r\n", unauth).error, kErrProtoInvalidBulkLen);
  EXPECT_EQ(FeedWhole(std::string(70000, 'A'), unauth).error, kErrProtoTooBigInline);
  // Inline commands are not limited by argument count.
  EXPECT_EQ(FeedWhole("a b c d e f g h i j k l\r\n", unauth).commands[0].size(), 12u);
  // Authenticated later: the limits are lifted for the next command.
  RespParser parser;
  parser.set_limits(unauth);
  unauth.authenticated = true;
  parser.set_limits(unauth);
  EXPECT_EQ(Feed(parser, "*11\r\n", {5}).error, "");
}

TEST(RespParserTest, HugeBulkInSmallPiecesGivesHint) {
  const size_t n = 3 * 1024 * 1024 + 17;
  std::string header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(n) + "\r\n";
  std::string payload(n, 'x');
  for (size_t i = 0; i < n; i += 4099) payload[i] = static_cast<char>(i % 251);
  payload[1000] = '\r';
  payload[1001] = '\n';
  std::string s = header + payload + "\r\n";

  RespParser parser;
  std::string buf;
  size_t fed = 0;
  size_t calls = 0;
  std::vector<std::string_view> args;
  Status st = Status::kNeedMore;
  size_t consumed = 0;
  while (fed < s.size()) {
    size_t piece = std::min<size_t>(16 * 1024, s.size() - fed);
    buf.append(s, fed, piece);
    fed += piece;
    st = parser.Parse(buf.data(), buf.size(), &consumed, &args);
    ++calls;
    if (fed < s.size()) {
      ASSERT_EQ(st, Status::kNeedMore);
      ASSERT_TRUE(parser.InProgress());
      if (fed >= header.size()) {
        ASSERT_EQ(parser.BulkHint(), header.size() + n + 2) << "fed " << fed;
      } else {
        ASSERT_EQ(parser.BulkHint(), 0u);
      }
    }
  }
  ASSERT_EQ(st, Status::kComplete);
  EXPECT_EQ(consumed, s.size());
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[2], payload);
  EXPECT_EQ(parser.BulkHint(), 0u);
  EXPECT_FALSE(parser.InProgress());
  EXPECT_GT(calls, 190u);
}

TEST(RespParserTest, BulkHintOnlyForBigBulks) {
  RespParser parser;
  size_t consumed = 0;
  std::vector<std::string_view> args;
  std::string small = "*1\r\n$32767\r\nabc";
  EXPECT_EQ(parser.Parse(small.data(), small.size(), &consumed, &args), Status::kNeedMore);
  EXPECT_EQ(parser.BulkHint(), 0u);
  parser.Reset();
  std::string big = "*2\r\n$1\r\na\r\n$32768\r\nabc";
  EXPECT_EQ(parser.Parse(big.data(), big.size(), &consumed, &args), Status::kNeedMore);
  EXPECT_EQ(parser.BulkHint(), 11u + 8 + 32768 + 2);
  parser.Reset();
  EXPECT_EQ(parser.BulkHint(), 0u);
  EXPECT_FALSE(parser.InProgress());
}

TEST(RespParserTest, ResetForgetsPartialCommand) {
  RespParser parser;
  size_t consumed = 0;
  std::vector<std::string_view> args;
  std::string partial = "*2\r\n$3\r\nGET\r\n$1";
  EXPECT_EQ(parser.Parse(partial.data(), partial.size(), &consumed, &args), Status::kNeedMore);
  EXPECT_TRUE(parser.InProgress());
  parser.Reset();
  EXPECT_FALSE(parser.InProgress());
  std::string next = "PING\r\n";
  EXPECT_EQ(parser.Parse(next.data(), next.size(), &consumed, &args), Status::kComplete);
  EXPECT_EQ(args, (std::vector<std::string_view>{"PING"}));
}

TEST(RespParserTest, EmptyInputNeedsMore) {
  RespParser parser;
  size_t consumed = 7;
  std::vector<std::string_view> args;
  EXPECT_EQ(parser.Parse("", 0, &consumed, &args), Status::kNeedMore);
  EXPECT_EQ(consumed, 0u);
  EXPECT_FALSE(parser.InProgress());
}

TEST(RespParserTest, InlineQuotedArgsOutliveBufferChanges) {
  RespParser parser;
  std::string s = "SET \"a\\nb\" 'c d'\r\n";
  size_t consumed = 0;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse(s.data(), s.size(), &consumed, &args), Status::kComplete);
  s.assign(s.size(), '#');  // unescaped arguments live in the parser
  EXPECT_EQ(args, (std::vector<std::string_view>{"SET", "a\nb", "c d"}));
}

TEST(RespParserTest, LargeCountWithFewArguments) {
  // A count of 2^31-1 must not allocate for 2^31-1 arguments up front.
  RespParser parser;
  std::string s = "*2147483647\r\n$1\r\na\r\n$1\r\nb\r\n";
  Outcome out = Feed(parser, s, {s.size()});
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.in_progress);
}

}  // namespace
}  // namespace spindle::protocol

namespace spindle::protocol {
namespace {

// A command whose bytes are all there goes through Parse's one-pass fast
// path; fed in small pieces the same bytes go the incremental way. Random
// streams of well-formed and damaged multibulk commands (signs, leading
// zeros, NUL and junk in headers, huge or negative counts, short payloads,
// big arguments, limits for unauthenticated clients) must come out the same
// both ways: same commands, same error.
TEST(RespParserTest, FastPathAgreesWithIncrementalPath) {
  std::mt19937 rng(20261122);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* junk_numbers[] = {"+3", "03", "-1", "0", "", "3x", "9999999999999999999999",
                                "2\0", "-0", "1 ", "2147483648", "40000"};
  for (int round = 0; round < 2000; ++round) {
    std::string stream;
    int commands = 1 + pick(4);
    for (int c = 0; c < commands; ++c) {
      int argc = pick(10) == 0 ? 11 + pick(2) : 1 + pick(5);  // > 10: unauthenticated limit
      bool damage = pick(6) == 0;
      int damaged_at = damage ? pick(argc + 1) : -1;  // 0: the count header
      stream += '*';
      if (damaged_at == 0) {
        const char* j = junk_numbers[pick(12)];
        stream.append(j, std::string_view(j).size() + (j[0] == '2' && j[1] == '\0' ? 1 : 0));
      } else {
        stream += std::to_string(argc);
      }
      stream += "\r\n";
      for (int a = 1; a <= argc; ++a) {
        size_t len = pick(20) == 0 ? 33000 + pick(100) : static_cast<size_t>(pick(20));
        std::string payload(len, static_cast<char>('a' + pick(26)));
        if (pick(8) == 0) payload[0] = '\0';
        if (damaged_at == a) {
          switch (pick(3)) {
            case 0: stream += "$" + std::string(junk_numbers[pick(12)]) + "\r\n" + payload + "\r\n"; break;
            case 1: stream += "#" + std::to_string(len) + "\r\n" + payload + "\r\n"; break;
            default: stream += "$" + std::to_string(len + 3) + "\r\n" + payload + "\r\n"; break;
          }
        } else {
          stream += "$" + std::to_string(len) + "\r\n" + payload + "\r\n";
        }
      }
    }
    for (bool authenticated : {true, false}) {
      ParserLimits limits;
      limits.authenticated = authenticated;
      if (pick(4) == 0) limits.max_bulk_len = 10;
      RespParser whole_parser, bytes_parser;
      whole_parser.set_limits(limits);
      bytes_parser.set_limits(limits);
      Outcome whole = Feed(whole_parser, stream, {stream.size()});
      // Small pieces (1 to 96 bytes): every command longer than its first
      // piece misses the fast path and is put together incrementally.
      std::vector<size_t> pieces;
      for (size_t fed = 0; fed < stream.size(); fed += pieces.back()) pieces.push_back(1 + pick(96));
      Outcome bytes = Feed(bytes_parser, stream, pieces);
      ASSERT_EQ(whole.error, bytes.error) << "round " << round;
      ASSERT_EQ(whole.commands, bytes.commands) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace spindle::protocol
