#include "protocol/errors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

// Every expected text here is what redis-server 7.0.15 replied (without the
// leading '-' and CRLF) to the same request.

namespace spindle::protocol {
namespace {

std::string Unknown(std::string_view name, const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  return UnknownCommandError(name, views);
}

TEST(ErrorsTest, UnknownCommand) {
  EXPECT_EQ(Unknown("FOO", {"a", "b"}),
            "ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
  EXPECT_EQ(Unknown("FOO", {}), "ERR unknown command 'FOO', with args beginning with: ");
  EXPECT_EQ(Unknown("NOSUCH", {}), "ERR unknown command 'NOSUCH', with args beginning with: ");
}

TEST(ErrorsTest, UnknownCommandTruncatesLongArgument) {
  // "FOO <200 x> y": the argument is cut to 128 characters, y never shown.
  EXPECT_EQ(
      Unknown("FOO", {std::string(200, 'x'), "y"}),
      "ERR unknown command 'FOO', with args beginning with: '" + std::string(128, 'x') + "' ");
}

TEST(ErrorsTest, UnknownCommandStopsAfter128Characters) {
  // Twenty 10-character arguments: ten are listed (130 characters), the rest
  // dropped.
  std::vector<std::string> args(20, "abcdefghij");
  std::string want = "ERR unknown command 'FOO', with args beginning with: ";
  for (int i = 0; i < 10; ++i) want += "'abcdefghij' ";
  EXPECT_EQ(Unknown("FOO", args), want);
  // An argument starting at 127 listed characters gets one character.
  std::vector<std::string> edge = {std::string(124, 'a'), "bcd"};
  EXPECT_EQ(Unknown("X", edge), "ERR unknown command 'X', with args beginning with: '" +
                                    std::string(124, 'a') + "' 'b' ");
}

TEST(ErrorsTest, UnknownCommandTruncatesLongName) {
  EXPECT_EQ(Unknown(std::string(200, 'F'), {}),
            "ERR unknown command '" + std::string(128, 'F') + "', with args beginning with: ");
}

TEST(ErrorsTest, UnknownCommandNulAndNewlines) {
  // *3 "FO\0OO" "a\0b" "c\r\nd" in redis 7.0.15.
  EXPECT_EQ(Unknown(std::string("FO\0OO", 5), {std::string("a\0b", 3), "c\r\nd"}),
            "ERR unknown command 'FO', with args beginning with: 'a' 'c  d' ");
}

TEST(ErrorsTest, WrongArity) {
  EXPECT_EQ(WrongArityError("get"), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(WrongArityError("config|get"),
            "ERR wrong number of arguments for 'config|get' command");
}

TEST(ErrorsTest, UnknownSubcommand) {
  EXPECT_EQ(UnknownSubcommandError("config", "FOO"),
            "ERR unknown subcommand 'FOO'. Try CONFIG HELP.");
  EXPECT_EQ(UnknownSubcommandError("CoNfIg", std::string(200, 'z')),
            "ERR unknown subcommand '" + std::string(128, 'z') + "'. Try CONFIG HELP.");
}

TEST(ErrorsTest, SubcommandSyntax) {
  EXPECT_EQ(SubcommandSyntaxError("slowlog", "get"),
            "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.");
  EXPECT_EQ(SubcommandSyntaxError("client", std::string(200, 'p')),
            "ERR unknown subcommand or wrong number of arguments for '" + std::string(128, 'p') +
                "'. Try CLIENT HELP.");
}

TEST(ErrorsTest, InvalidExpireTime) {
  EXPECT_EQ(InvalidExpireTimeError("set"), "ERR invalid expire time in 'set' command");
  EXPECT_EQ(InvalidExpireTimeError("setex"), "ERR invalid expire time in 'setex' command");
}

TEST(ErrorsTest, SubscribeContext) {
  EXPECT_EQ(SubscribeContextError("get"),
            "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context");
}

TEST(ErrorsTest, ExpectedDollar) {
  EXPECT_EQ(ExpectedDollarError('x'), "ERR Protocol error: expected '$', got 'x'");
  EXPECT_EQ(ExpectedDollarError('\r'), "ERR Protocol error: expected '$', got ' '");
}

TEST(ErrorsTest, ConstantsHaveNoDashOrCrlf) {
  for (std::string_view e : {kErrProtoTooBigInline,
                             kErrProtoTooBigMbulkCount,
                             kErrProtoTooBigBulkCount,
                             kErrProtoUnbalancedQuotes,
                             kErrProtoInvalidMultibulkLen,
                             kErrProtoUnauthMultibulkLen,
                             kErrProtoInvalidBulkLen,
                             kErrProtoUnauthBulkLen,
                             kErrWrongType,
                             kErrSyntax,
                             kErrNotInteger,
                             kErrNotFloat,
                             kErrIncrOverflow,
                             kErrDbIndexOutOfRange,
                             kErrNoSuchKey,
                             kErrStringTooLong,
                             kErrMaxClients,
                             kErrNoAuth,
                             kErrNoProto,
                             kErrOom,
                             kErrExecAbort}) {
    EXPECT_NE(e.front(), '-') << e;
    EXPECT_EQ(e.find_first_of("\r\n"), std::string_view::npos) << e;
    EXPECT_NE(e.find(' '), std::string_view::npos) << e;
  }
  EXPECT_EQ(kErrWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(kErrNoProto, "NOPROTO unsupported protocol version");
  EXPECT_EQ(kErrNoAuth, "NOAUTH Authentication required.");
}

}  // namespace
}  // namespace spindle::protocol
