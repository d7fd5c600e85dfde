#include "protocol/errors.h"

#include "common/strings.h"

namespace spindle::protocol {
namespace {

// printf's "%.Ns".
std::string_view Truncated(std::string_view s, size_t max) {
  s = CStringView(s);
  return s.size() > max ? s.substr(0, max) : s;
}

// The user's strings may hold CR or LF; Redis maps them to spaces so the
// error stays on one line (sdsmapchars(err, "\r\n", "  ", 2)).
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

}  // namespace

std::string ExpectedDollarError(char got) {
  std::string s = "ERR Protocol error: expected '$', got '";
  // A NUL cannot reach here in Redis (its strchr stops at NUL first), and
  // the parser mirrors that; keep the byte as-is for any other caller.
  s.push_back(got);
  s.push_back('\'');
  return OneLine(std::move(s));
}

std::string UnknownCommandError(std::string_view name, std::span<const std::string_view> args) {
  constexpr size_t kMax = 128;
  std::string list;
  for (size_t i = 0; i < args.size() && list.size() < kMax; ++i) {
    size_t room = kMax - list.size();  // Redis's "%.*s" precision, taken before the quote
    list.push_back('\'');
    list.append(Truncated(args[i], room));
    list.append("' ");
  }
  std::string s = "ERR unknown command '";
  s.append(Truncated(name, kMax));
  s.append("', with args beginning with: ");
  s.append(list);
  return OneLine(std::move(s));
}

std::string WrongArityError(std::string_view full_name) {
  std::string s = "ERR wrong number of arguments for '";
  s.append(CStringView(full_name));
  s.append("' command");
  return OneLine(std::move(s));
}

namespace {
// "<head>'<subcommand, 128 bytes at most>'. Try <CONTAINER> HELP."
std::string SubcommandHelpError(std::string_view head, std::string_view container,
                                std::string_view subcommand) {
  std::string s(head);
  s.push_back('\'');
  s.append(Truncated(subcommand, 128));
  s.append("'. Try ");
  for (char c : CStringView(container)) {
    s.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  s.append(" HELP.");
  return OneLine(std::move(s));
}
}  // namespace

std::string UnknownSubcommandError(std::string_view container, std::string_view subcommand) {
  return SubcommandHelpError("ERR unknown subcommand ", container, subcommand);
}

std::string SubcommandSyntaxError(std::string_view container, std::string_view subcommand) {
  return SubcommandHelpError("ERR unknown subcommand or wrong number of arguments for ", container,
                             subcommand);
}

std::string InvalidExpireTimeError(std::string_view full_name) {
  std::string s = "ERR invalid expire time in '";
  s.append(CStringView(full_name));
  s.append("' command");
  return OneLine(std::move(s));
}

std::string SubscribeContextError(std::string_view full_name) {
  std::string s = "ERR Can't execute '";
  s.append(CStringView(full_name));
  s.append(
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
      "context");
  return OneLine(std::move(s));
}

}  // namespace spindle::protocol
