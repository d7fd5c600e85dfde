#pragma once
// The exact error reply texts of Redis 7.0, in one place. Each is the whole
// error line without the leading '-' and the trailing CRLF, code word
// included, ready for ReplyBuilder::Error(). Every text here was checked
// byte for byte against redis-server 7.0.15.
//
// Texts with a variable part have a helper below (errors.cc) that reproduces
// Redis's printf formatting, including its truncations.
//
// Thread: any.

#include <span>
#include <string>
#include <string_view>

namespace spindle::protocol {

// --- Protocol errors (RespParser); the client is closed after the reply. ---
inline constexpr std::string_view kErrProtoTooBigInline =
    "ERR Protocol error: too big inline request";
inline constexpr std::string_view kErrProtoTooBigMbulkCount =
    "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kErrProtoTooBigBulkCount =
    "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kErrProtoUnbalancedQuotes =
    "ERR Protocol error: unbalanced quotes in request";
inline constexpr std::string_view kErrProtoInvalidMultibulkLen =
    "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kErrProtoUnauthMultibulkLen =
    "ERR Protocol error: unauthenticated multibulk length";
inline constexpr std::string_view kErrProtoInvalidBulkLen =
    "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kErrProtoUnauthBulkLen =
    "ERR Protocol error: unauthenticated bulk length";
// "ERR Protocol error: expected '$', got '%c'": see ExpectedDollarError().

// --- Shared command errors (Redis's shared.* objects and friends). ---
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrValueOutOfRange = "ERR value is out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrNotPositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kErrIncrOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kErrIncrNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kErrHashNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kErrHashNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kErrDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kErrOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kErrBitOffset =
    "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kErrStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kErrTimeoutNotFloat =
    "ERR timeout is not a float or out of range";
inline constexpr std::string_view kErrTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kErrMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kErrMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kErrMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kErrNoSuchClient = "ERR No such client";

// --- Transactions. ---
inline constexpr std::string_view kErrMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kErrExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kErrDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kErrWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kErrExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";

// --- Authentication, protocol version. ---
inline constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kErrAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kErrNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kErrProtoVersionNotInteger =
    "ERR Protocol version is not an integer or out of range";

// --- Server state. ---
inline constexpr std::string_view kErrOom =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kErrReadOnlyReplica =
    "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kErrMasterDown =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kErrLoading = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kErrBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kErrNoScript = "NOSCRIPT No matching script. Please use EVAL.";

// --- Helpers for the texts with a variable part. Like Redis (which formats
// with %s on C strings) they cut each user-supplied string at its first NUL
// byte and turn CR and LF into spaces. ---

// "ERR Protocol error: expected '$', got '%c'".
std::string ExpectedDollarError(char got);

// "ERR unknown command '%.128s', with args beginning with: 'a' 'b' ".
// `args` are the arguments after the command name. Like Redis, arguments are
// quoted and followed by one space each, and quoting stops once the list has
// reached 128 characters; an argument is cut to what fits in those 128.
std::string UnknownCommandError(std::string_view name, std::span<const std::string_view> args);

// "ERR wrong number of arguments for '%s' command"; `full_name` is the
// command's lowercase table name ("get", "config|get" for subcommands).
std::string WrongArityError(std::string_view full_name);

// "ERR unknown subcommand '%.128s'. Try %s HELP." with the container command
// as the client typed it, upper-cased ("CONFIG").
std::string UnknownSubcommandError(std::string_view container, std::string_view subcommand);
// Redis's addReplySubcommandSyntaxError: "ERR unknown subcommand or wrong
// number of arguments for '<sub>'. Try <CONTAINER> HELP."
std::string SubcommandSyntaxError(std::string_view container, std::string_view subcommand);

// "ERR invalid expire time in '%s' command" with the command's table name.
std::string InvalidExpireTimeError(std::string_view full_name);

// "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING /
// QUIT / RESET are allowed in this context" (RESP2 client in subscribe mode).
std::string SubscribeContextError(std::string_view full_name);

}  // namespace spindle::protocol
