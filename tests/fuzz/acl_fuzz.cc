// libFuzzer target: the ACL rule grammar (server/acl.h). The first byte picks
// the input's shape:
//   even: ACL SETUSER rule lists, one rule per line (a rule may hold spaces,
//         as a RESP argument may); a line "--" separates two SETUSER calls
//         on the same user. A failed SETUSER must leave the user as it was
//         (same ACL LIST description, created or not).
//   odd:  an ACL file's text into ParseAclFile.
// For every user that parsed: its ACL LIST line, read back as an ACL file,
// must parse into a user with the same description (ACL SAVE then ACL LOAD
// changes nothing), and the permission check must run on a few commands
// whose arguments come from the input. Never a crash or UB (ASan, UBSan).
//
// Exceptions, Redis's own (redis-server 7.0.15 reads the same lines back
// into other users too), which skip the round trip:
//  - a first argument (+select|x) is kept as typed, spaces included;
//  - a selector's rules are split with sdssplitargs, but described as they
//    are: a key pattern or first argument ending in ')' closes the selector
//    early when read back ("(~a) ~b +get)"), one holding a quote no longer
//    splits ("(~\"a\\\"b\")" gives the pattern a"b).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl.h"
#include "server/server_commands.h"

namespace {

using spindle::server::Acl;
using spindle::server::AclError;
using spindle::server::AclHasSpaces;
using spindle::server::AclMergeSelectorArgs;
using spindle::server::AclUser;
using spindle::server::AclUserMap;
using spindle::server::ParseAclFile;

const spindle::commands::CommandTable& Table() {
  static const spindle::commands::CommandTable* table = [] {
    auto* t = new spindle::commands::CommandTable();
    spindle::server::RegisterAllCommands(t);
    return t;
  }();
  return *table;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    out.emplace_back(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

// A first-argument rule with whitespace (see the header comment).
bool HasSpacedFirstArg(std::string_view text) {
  for (const std::string& line : SplitLines(text)) {
    size_t bar = line.find('|');
    if (bar != std::string::npos && AclHasSpaces(std::string_view(line).substr(bar))) return true;
  }
  return false;
}

// Whether the user's selectors avoid Redis's holes (see the header comment).
bool SelectorsReadBack(const AclUser& u) {
  for (size_t i = 1; i < u.selectors().size(); ++i) {
    const std::string d = u.selectors()[i].Describe(Table());
    if (d.find_first_of("\"'") != std::string::npos) return false;
    size_t start = 0;
    while (true) {
      size_t sp = d.find(' ', start);
      if (sp == std::string::npos) break;  // the last token is followed by ')'
      if (sp > start && d[sp - 1] == ')') return false;
      start = sp + 1;
    }
  }
  return true;
}

// ACL SAVE then ACL LOAD: the description reads back into the same user.
void RoundTrip(const AclUser& u, bool pubsub_all) {
  if (!SelectorsReadBack(u)) return;
  const std::string desc = u.Describe(Table());
  const std::string line = "user " + u.name() + " " + desc + "\n";
  std::string errors;
  std::optional<AclUserMap> again = ParseAclFile(line, "fuzz", Table(), pubsub_all, &errors);
  if (!again || again->size() != 1) __builtin_trap();
  if (again->begin()->second->Describe(Table()) != desc) __builtin_trap();
}

// The permission check on commands with arguments from the input.
void Checks(const AclUser& u, const std::vector<std::string>& words) {
  std::vector<std::string_view> args;
  for (const std::string& w : words) args.emplace_back(w);
  for (const char* name : {"get", "set", "mset", "lmove", "publish", "psubscribe", "select",
                           "zunionstore", "sort", "bitfield"}) {
    const spindle::commands::CommandSpec* cmd = Table().Find(name);
    if (cmd == nullptr) continue;
    std::vector<std::string_view> argv = {name};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!cmd->ArityOk(argv.size())) continue;
    int pos = 0;
    (void)u.Check(*cmd, argv, &pos);
    if (pos < 0 || static_cast<size_t>(pos) >= argv.size()) __builtin_trap();
  }
}

void FuzzSetUser(std::string_view text, bool pubsub_all) {
  Acl acl(&Table());
  acl.set_pubsub_all(pubsub_all);
  std::vector<std::vector<std::string>> calls(1);
  for (std::string& line : SplitLines(text)) {
    if (line == "--") {
      calls.emplace_back();
    } else {
      calls.back().push_back(std::move(line));
    }
  }
  const bool round_trip = !HasSpacedFirstArg(text);
  for (const std::vector<std::string>& rules : calls) {
    std::vector<std::string_view> views(rules.begin(), rules.end());
    size_t unmatched = 0;
    auto merged = AclMergeSelectorArgs(views, &unmatched);
    if (!merged) {
      if (unmatched >= views.size()) __builtin_trap();
      continue;
    }
    AclUser* before = acl.Find("u");
    const std::string old_desc = before ? before->Describe(Table()) : "";
    Acl::SetResult r = acl.SetUser("u", *merged);
    AclUser* after = acl.Find("u");
    if (r.error != AclError::kOk) {
      if (r.failed >= merged->size()) __builtin_trap();
      if ((before == nullptr) != (after == nullptr)) __builtin_trap();
      if (after && after->Describe(Table()) != old_desc) __builtin_trap();
      continue;
    }
    if (after == nullptr) __builtin_trap();
    if (round_trip) RoundTrip(*after, pubsub_all);
    Checks(*after, rules);
  }
}

void FuzzFile(std::string_view text, bool pubsub_all) {
  std::string errors;
  std::optional<AclUserMap> users = ParseAclFile(text, "fuzz", Table(), pubsub_all, &errors);
  if (!users) {
    if (errors.empty()) __builtin_trap();
    return;
  }
  if (!errors.empty()) __builtin_trap();
  if (HasSpacedFirstArg(text)) return;
  // The whole file, saved and loaded again.
  std::string saved;
  for (const auto& [name, u] : *users) {
    if (!SelectorsReadBack(*u)) return;
    saved += "user " + name + " " + u->Describe(Table()) + "\n";
  }
  std::optional<AclUserMap> again = ParseAclFile(saved, "fuzz", Table(), pubsub_all, &errors);
  if (!again || again->size() != users->size()) __builtin_trap();
  for (const auto& [name, u] : *users) {
    auto it = again->find(name);
    if (it == again->end() || it->second->Describe(Table()) != u->Describe(Table())) {
      __builtin_trap();
    }
    Checks(*u, SplitLines(text));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  const bool pubsub_all = (data[0] & 2) != 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    FuzzFile(text, pubsub_all);
  } else {
    FuzzSetUser(text, pubsub_all);
  }
  return 0;
}
