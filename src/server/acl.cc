#include "server/acl.h"

#include <algorithm>
#include <climits>
#include <unordered_map>

#include "common/glob.h"
#include "common/sha256.h"
#include "common/strings.h"
#include "common/text_lines.h"

namespace spindle::server {

using commands::CommandSpec;
using commands::CommandTable;

const char* AclErrorText(AclError e) {
  switch (e) {
    case AclError::kOk:
      return "";
    case AclError::kUnknownCommand:
      return "Unknown command or category name in ACL";
    case AclError::kSyntax:
      return "Syntax error";
    case AclError::kKeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
             "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case AclError::kChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
             "does not have any effect. Try 'resetchannels' to start with an empty list of "
             "channels";
    case AclError::kNoSuchPassword:
      return "The password you are trying to remove from the user does not exist";
    case AclError::kBadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters";
    case AclError::kDuplicateUser:
      return "Duplicate user found. A user can only be defined once in config files";
    case AclError::kSubcommandArg:
      return "Allowing first-arg of a subcommand is not supported";
  }
  return "Wrong format";
}

bool AclHasSpaces(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || (c >= '\t' && c <= '\r') || c == '\0') return true;
  }
  return false;
}

namespace {

// Redis 7.0.15's key-spec flags where they differ from the command's
// read-only / write flag (COMMAND INFO's key specifications): R is ACCESS,
// W is INSERT / DELETE / UPDATE. `first` is the first key's, `rest` every
// later key's (the *STORE destinations come first, the sources after; the
// moves' source first, the destination after).
struct KeyAccess {
  uint8_t first;
  uint8_t rest;
};
constexpr uint8_t R = kAclKeyRead, W = kAclKeyWrite, RW = kAclKeyAll;

const std::unordered_map<std::string_view, KeyAccess>& KeyAccessTable() {
  static const std::unordered_map<std::string_view, KeyAccess> table = {
      {"bitop", {W, R}},          {"blmove", {RW, W}},          {"blmpop", {RW, RW}},
      {"blpop", {RW, RW}},        {"brpop", {RW, RW}},          {"brpoplpush", {RW, W}},
      {"bzmpop", {RW, RW}},       {"bzpopmax", {RW, RW}},       {"bzpopmin", {RW, RW}},
      {"copy", {R, W}},           {"decr", {RW, RW}},           {"decrby", {RW, RW}},
      {"exists", {0, 0}},         {"georadius", {R, W}},        {"georadiusbymember", {R, W}},
      {"geosearchstore", {W, R}}, {"getdel", {RW, RW}},         {"getex", {RW, RW}},
      {"getset", {RW, RW}},       {"hexists", {0, 0}},          {"hincrby", {RW, RW}},
      {"hincrbyfloat", {RW, RW}}, {"hlen", {0, 0}},             {"hstrlen", {0, 0}},
      {"incr", {RW, RW}},         {"incrby", {RW, RW}},         {"incrbyfloat", {RW, RW}},
      {"llen", {0, 0}},           {"lmove", {RW, W}},           {"lmpop", {RW, RW}},
      {"lpop", {RW, RW}},         {"memory|usage", {0, 0}},     {"migrate", {RW, RW}},
      {"move", {RW, RW}},         {"object|encoding", {0, 0}},  {"object|freq", {0, 0}},
      {"object|idletime", {0, 0}}, {"object|refcount", {0, 0}}, {"pfdebug", {R, R}},
      {"pfmerge", {RW, R}},       {"rename", {RW, W}},          {"renamenx", {RW, W}},
      {"rpop", {RW, RW}},         {"rpoplpush", {RW, W}},       {"scard", {0, 0}},
      {"sdiffstore", {W, R}},     {"setbit", {RW, RW}},         {"sinterstore", {W, R}},
      {"sismember", {0, 0}},      {"smove", {RW, W}},           {"sort", {R, W}},
      {"spop", {RW, RW}},         {"strlen", {0, 0}},           {"sunionstore", {W, R}},
      {"touch", {0, 0}},          {"type", {0, 0}},             {"watch", {0, 0}},
      {"xlen", {0, 0}},           {"xreadgroup", {R, R}},       {"zcard", {0, 0}},
      {"zdiffstore", {W, R}},     {"zincrby", {RW, RW}},        {"zinterstore", {W, R}},
      {"zmpop", {RW, RW}},        {"zpopmax", {RW, RW}},        {"zpopmin", {RW, RW}},
      {"zrangestore", {W, R}},    {"zunionstore", {W, R}},      {"eval", {RW, RW}},
      {"evalsha", {RW, RW}},      {"fcall", {RW, RW}},
  };
  return table;
}

// Commands whose arguments name Pub/Sub channels (Redis's commandChannels
// entries with the PUBLISH or SUBSCRIBE flag; UNSUBSCRIBE is never checked).
enum class ChannelArgs : uint8_t { kNone, kFirst, kAll, kAllPatterns };

ChannelArgs ChannelArgsOf(const CommandSpec& cmd) {
  if (!(cmd.acl_categories & commands::kAclPubSub)) return ChannelArgs::kNone;
  const std::string& n = cmd.name;
  if (n == "publish" || n == "spublish") return ChannelArgs::kFirst;
  if (n == "subscribe" || n == "ssubscribe") return ChannelArgs::kAll;
  if (n == "psubscribe") return ChannelArgs::kAllPatterns;
  return ChannelArgs::kNone;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Redis's time-independent password comparison (it hashes both sides and
// compares every byte whatever the first difference).
bool SameHash(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

uint8_t AclKeyNeeds(const CommandSpec& cmd, std::span<const std::string_view> args,
                    size_t key_index) {
  // Variable flags (Redis's setGetKeys / bitfieldGetKeys).
  if (cmd.name == "set") {
    for (size_t i = 3; i < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], "get")) return RW;
    }
    return W;
  }
  if (cmd.name == "bitfield") {
    for (size_t i = 2; i < args.size(); ++i) {
      if (EqualsIgnoreCase(args[i], "set") || EqualsIgnoreCase(args[i], "incrby")) return RW;
    }
    return R;
  }
  const auto& table = KeyAccessTable();
  auto it = table.find(cmd.name);
  if (it != table.end()) return key_index == 0 ? it->second.first : it->second.rest;
  if (cmd.flags & commands::kCmdWrite) return W;
  if (cmd.flags & commands::kCmdReadOnly) return R;
  return RW;
}

// ---------------------------------------------------------------------------
// AclKeyCache

void AclKeyCache::Push(int pos) {
  if (size_ < kInline) {
    inline_[size_] = {pos, 0};
  } else {
    spill_.push_back({pos, 0});
  }
  ++size_;
}

void AclKeyCache::Fill(const CommandSpec& cmd, std::span<const std::string_view> args) {
  filled_ = true;
  if (cmd.keys_fn == nullptr && cmd.numkeys.count_index == 0) {
    // A fixed range, walked in place (CommandSpec::Keys would build a vector).
    cmd.ForEachRangeKey(args.size(), [this](int pos) { Push(pos); });
  } else {
    std::vector<int> positions;
    if (cmd.Keys(args, &positions)) {
      for (int pos : positions) Push(pos);
    }
  }
  if (size_ == 0) return;
  // AclKeyNeeds tells only the first key from the others: ask twice at most.
  const uint8_t first = AclKeyNeeds(cmd, args, 0);
  const uint8_t rest = size_ > 1 ? AclKeyNeeds(cmd, args, 1) : first;
  At(0).needs = first;
  for (size_t i = 1; i < size_; ++i) At(i).needs = rest;
}

// ---------------------------------------------------------------------------
// AclSelector

AclSelector::AclSelector(bool root, bool all_channels)
    : root_(root), all_channels_(all_channels) {}

void AclSelector::EnsureSize(size_t ids) {
  size_t words = ids / 64 + 1;
  if (bits_.size() < words) bits_.resize(words, future_ ? ~uint64_t{0} : 0);
}

void AclSelector::SetBit(uint32_t id, bool on) {
  EnsureSize(id + 1);
  if (on) {
    bits_[id / 64] |= uint64_t{1} << (id % 64);
  } else {
    bits_[id / 64] &= ~(uint64_t{1} << (id % 64));
  }
}

void AclSelector::ChangePerm(const CommandSpec& cmd, bool allow) {
  SetBit(cmd.id, allow);
  first_args_.erase(cmd.id);
  for (const auto& sub : cmd.subcommands) SetBit(sub.id, allow);
}

void AclSelector::SetCategory(const CommandTable& table, uint64_t category, bool allow) {
  table.ForEach([&](const CommandSpec& cmd) {
    if (cmd.acl_categories & category) ChangePerm(cmd, allow);
    for (const auto& sub : cmd.subcommands) {
      if (sub.acl_categories & category) ChangePerm(sub, allow);
    }
  });
}

void AclSelector::SetAll(bool allow) {
  future_ = allow;
  std::fill(bits_.begin(), bits_.end(), allow ? ~uint64_t{0} : 0);
  first_args_.clear();
}

AclError AclSelector::Apply(std::string_view op, const CommandTable& table) {
  EnsureSize(table.id_count());
  if (EqualsIgnoreCase(op, "allkeys") || op == "~*") {
    all_keys_ = true;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    all_keys_ = false;
    keys_.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || op == "&*") {
    all_channels_ = true;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    all_channels_ = false;
    channels_.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    SetAll(true);
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    SetAll(false);
  } else if (!op.empty() && (op[0] == '~' || op[0] == '%')) {
    if (all_keys_) return AclError::kKeyAfterAll;
    uint8_t flags = 0;
    size_t offset = 1;
    if (op[0] == '%') {
      for (; offset < op.size(); ++offset) {
        char c = static_cast<char>(std::toupper(static_cast<unsigned char>(op[offset])));
        if (c == 'R' && !(flags & kAclKeyRead)) {
          flags |= kAclKeyRead;
        } else if (c == 'W' && !(flags & kAclKeyWrite)) {
          flags |= kAclKeyWrite;
        } else if (op[offset] == '~') {
          ++offset;
          break;
        } else {
          return AclError::kSyntax;
        }
      }
    } else {
      flags = kAclKeyAll;
    }
    if (flags == 0 || offset > op.size()) return AclError::kSyntax;
    std::string_view pattern = op.substr(offset);
    if (AclHasSpaces(pattern)) return AclError::kSyntax;
    for (KeyPattern& k : keys_) {
      if (k.pattern == pattern) {
        k.flags |= flags;  // the same pattern again widens it
        return AclError::kOk;
      }
    }
    keys_.push_back({std::string(pattern), flags});
  } else if (!op.empty() && op[0] == '&') {
    if (all_channels_) return AclError::kChannelAfterAll;
    std::string_view channel = op.substr(1);
    if (AclHasSpaces(channel)) return AclError::kSyntax;
    if (std::find(channels_.begin(), channels_.end(), channel) == channels_.end()) {
      channels_.emplace_back(channel);
    }
  } else if (op.size() >= 2 && (op[0] == '+' || op[0] == '-') && op[1] == '@') {
    uint64_t category = commands::AclCategoryByName(op.substr(2));
    if (category == 0) return AclError::kUnknownCommand;
    SetCategory(table, category, op[0] == '+');
  } else if (!op.empty() && op[0] == '+') {
    std::string_view name = op.substr(1);
    size_t bar = name.rfind('|');
    if (bar == std::string_view::npos) {
      const CommandSpec* cmd = table.FindOriginal(name);
      if (cmd == nullptr) return AclError::kUnknownCommand;
      ChangePerm(*cmd, true);
      return AclError::kOk;
    }
    std::string_view base = name.substr(0, bar);
    std::string_view sub = name.substr(bar + 1);
    const CommandSpec* cmd = table.FindOriginal(base);
    if (cmd == nullptr) return AclError::kUnknownCommand;
    // "config|get|x": the base is itself a subcommand.
    if (base.find('|') != std::string_view::npos) return AclError::kSubcommandArg;
    if (sub.empty()) return AclError::kSyntax;
    if (cmd->is_container()) {
      const CommandSpec* subcmd = table.FindOriginal(name);
      if (subcmd == nullptr) return AclError::kUnknownCommand;
      ChangePerm(*subcmd, true);
    } else {
      // A first argument of a command without subcommands (SELECT|0).
      // Kept as typed, compared case-insensitively (ACLAddAllowedFirstArg).
      std::vector<std::string>& args = first_args_[cmd->id];
      bool known = false;
      for (const std::string& a : args) known |= EqualsIgnoreCase(a, sub);
      if (!known) args.emplace_back(sub);
    }
  } else if (!op.empty() && op[0] == '-') {
    const CommandSpec* cmd = table.FindOriginal(op.substr(1));
    if (cmd == nullptr) return AclError::kUnknownCommand;
    ChangePerm(*cmd, false);
  } else {
    return AclError::kSyntax;
  }
  return AclError::kOk;
}

bool AclSelector::CheckKey(std::string_view key, uint8_t needs) const {
  if (all_keys_) return true;
  for (const KeyPattern& k : keys_) {
    if ((k.flags & needs) != needs) continue;
    if (GlobMatch(k.pattern, key)) return true;
  }
  return false;
}

bool AclSelector::ChannelAllowed(std::string_view channel, bool is_pattern) const {
  if (all_channels_) return true;
  for (const std::string& c : channels_) {
    // A pattern subscription must be listed literally; a channel may match
    // a listed pattern.
    if (is_pattern ? c == channel : GlobMatch(c, channel)) return true;
  }
  return false;
}

AclResult AclSelector::Check(const CommandSpec& cmd, std::span<const std::string_view> args,
                             AclKeyCache* cache, int* pos) const {
  if (!(cmd.flags & commands::kCmdNoAuth) && !CommandBit(cmd.id)) {
    // Allowed only with one of the listed first arguments.
    auto it = first_args_.find(cmd.id);
    if (args.size() < 2 || it == first_args_.end()) return AclResult::kDeniedCommand;
    bool found = false;
    for (const std::string& a : it->second) {
      if (EqualsIgnoreCase(a, args[1])) {
        found = true;
        break;
      }
    }
    if (!found) return AclResult::kDeniedCommand;
  }
  if (!all_keys_ && cmd.HasKeys()) {
    if (!cache->filled()) cache->Fill(cmd, args);
    for (size_t i = 0; i < cache->size(); ++i) {
      int p = cache->position(i);
      if (!CheckKey(args[p], cache->needs(i))) {
        *pos = p;
        return AclResult::kDeniedKey;
      }
    }
  }
  if (!all_channels_) {
    ChannelArgs kind = ChannelArgsOf(cmd);
    if (kind != ChannelArgs::kNone) {
      size_t end = kind == ChannelArgs::kFirst ? std::min<size_t>(2, args.size()) : args.size();
      for (size_t i = 1; i < end; ++i) {
        if (!ChannelAllowed(args[i], kind == ChannelArgs::kAllPatterns)) {
          *pos = static_cast<int>(i);
          return AclResult::kDeniedChannel;
        }
      }
    }
  }
  return AclResult::kOk;
}

bool AclSelector::Unrestricted() const {
  if (!all_keys_ || !all_channels_ || !future_) return false;
  for (uint64_t w : bits_) {
    if (w != ~uint64_t{0}) return false;
  }
  return true;
}

std::string AclSelector::DescribeCommands(const CommandTable& table) const {
  // Redis 7.0's ACLDescribeSelectorCommandRules: start from +@all (when the
  // future-commands bit is set) or -@all, add the categories that fit best,
  // then the single commands that still differ and the first arguments.
  std::string rules;
  const bool additive = !future_;
  AclSelector fake(false, false);
  fake.EnsureSize(table.id_count());
  fake.SetAll(!additive);
  rules = additive ? "-@all " : "+@all ";
  AclSelector temp = *this;
  temp.EnsureSize(table.id_count());
  auto names = commands::AclCategoryNames();
  std::vector<bool> applied(names.size(), false);
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (size_t j = 0; j < names.size(); ++j) {
      if (applied[j]) continue;
      const uint64_t flag = 1ull << j;
      unsigned long on = 0, off = 0;
      // Every command and subcommand in the category counts, as Redis's
      // ACLCountCategoryBitsForCommands recurses into subcommands: with
      // +client's sixteen @connection subcommands, +select +echo +client is
      // best described from +@connection.
      auto count = [&](const CommandSpec& cmd) {
        if (!(cmd.acl_categories & flag)) return;
        if (temp.CommandBit(cmd.id)) {
          ++on;
        } else {
          ++off;
        }
      };
      table.ForEach([&](const CommandSpec& cmd) {
        count(cmd);
        for (const auto& sub : cmd.subcommands) count(sub);
      });
      unsigned long diff = additive ? off : on;
      unsigned long same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = static_cast<int>(j);
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best < 0) break;
    const uint64_t flag = 1ull << best;
    fake.SetCategory(table, flag, additive);
    temp.SetCategory(table, flag, !additive);
    rules += additive ? "+@" : "-@";
    rules += names[best];
    rules += ' ';
    applied[best] = true;
  }
  // Single commands (Redis walks its command dict, whose order is random
  // per process; we walk the table's).
  auto single = [&](const CommandSpec& cmd) {
    bool user_bit = CommandBit(cmd.id);
    if (user_bit != fake.CommandBit(cmd.id)) {
      rules += user_bit ? '+' : '-';
      rules += cmd.name;
      rules += ' ';
      fake.ChangePerm(cmd, user_bit);
    }
    return user_bit;
  };
  auto first_args = [&](const CommandSpec& cmd, bool user_bit) {
    auto it = first_args_.find(cmd.id);
    if (user_bit || it == first_args_.end()) return;
    for (const std::string& a : it->second) {
      rules += '+';
      rules += cmd.name;
      rules += '|';
      rules += a;
      rules += ' ';
    }
  };
  table.ForEach([&](const CommandSpec& cmd) {
    bool user_bit = single(cmd);
    for (const auto& sub : cmd.subcommands) first_args(sub, single(sub));
    first_args(cmd, user_bit);
  });
  rules.pop_back();
  return rules;
}

std::string AclSelector::DescribeKeys() const {
  if (all_keys_) return "~*";
  std::string out;
  for (const KeyPattern& k : keys_) {
    if (!out.empty()) out += ' ';
    out += k.flags == kAclKeyAll ? "~" : k.flags == kAclKeyRead ? "%R~" : "%W~";
    out += k.pattern;
  }
  return out;
}

std::string AclSelector::DescribeChannels() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const std::string& c : channels_) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += c;
  }
  return out;
}

std::string AclSelector::Describe(const CommandTable& table) const {
  std::string out;
  if (all_keys_) {
    out = "~* ";
  } else {
    std::string keys = DescribeKeys();
    if (!keys.empty()) out = keys + " ";
  }
  if (all_channels_) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const std::string& c : channels_) out += "&" + c + " ";
  }
  out += DescribeCommands(table);
  return out;
}

// ---------------------------------------------------------------------------
// AclUser

AclUser::AclUser(std::string name, bool all_channels) : name_(std::move(name)) {
  selectors_.emplace_back(true, all_channels);
  Refresh();
}

void AclUser::Refresh() {
  unrestricted_ = selectors_.front().Unrestricted();
}

AclError AclUser::Apply(std::string_view op, const CommandTable& table, bool all_channels) {
  AclError err = AclError::kOk;
  if (op.empty()) {
    return err;  // a no-op, as in Redis
  } else if (EqualsIgnoreCase(op, "on")) {
    enabled_ = true;
  } else if (EqualsIgnoreCase(op, "off")) {
    enabled_ = false;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    sanitize_ = 2;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    sanitize_ = 1;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    nopass_ = true;
    passwords_.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    nopass_ = false;
    passwords_.clear();
  } else if (!op.empty() && (op[0] == '>' || op[0] == '#')) {
    std::string hash;
    if (op[0] == '>') {
      hash = Sha256Hex(op.substr(1));
    } else {
      if (!IsLowerHex64(op.substr(1))) return AclError::kBadHash;
      hash = std::string(op.substr(1));
    }
    if (std::find(passwords_.begin(), passwords_.end(), hash) == passwords_.end()) {
      passwords_.push_back(std::move(hash));
    }
    nopass_ = false;
  } else if (!op.empty() && (op[0] == '<' || op[0] == '!')) {
    std::string hash;
    if (op[0] == '<') {
      hash = Sha256Hex(op.substr(1));
    } else {
      if (!IsLowerHex64(op.substr(1))) return AclError::kBadHash;
      hash = std::string(op.substr(1));
    }
    auto it = std::find(passwords_.begin(), passwords_.end(), hash);
    if (it == passwords_.end()) return AclError::kNoSuchPassword;
    passwords_.erase(it);
  } else if (op.size() >= 2 && op.front() == '(' && op.back() == ')') {
    AclSelector selector(false, all_channels);
    auto parts = SplitArgs(op.substr(1, op.size() - 2));
    if (parts) {
      for (const std::string& part : *parts) {
        err = selector.Apply(part, table);
        if (err != AclError::kOk) return err;
      }
    }
    selector.EnsureSize(table.id_count());
    selectors_.push_back(std::move(selector));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    selectors_.erase(selectors_.begin() + 1, selectors_.end());
  } else if (EqualsIgnoreCase(op, "reset")) {
    passwords_.clear();
    nopass_ = false;
    AclSelector& root = selectors_.front();
    root.Apply("resetkeys", table);
    root.Apply("resetchannels", table);
    if (all_channels) root.Apply("allchannels", table);
    enabled_ = false;
    sanitize_ = 1;
    selectors_.erase(selectors_.begin() + 1, selectors_.end());
    root.Apply("-@all", table);
  } else {
    err = selectors_.front().Apply(op, table);
  }
  Refresh();
  return err;
}

bool AclUser::CheckPassword(std::string_view pass) const {
  if (!enabled_) return false;
  if (nopass_) return true;
  std::string hash = Sha256Hex(pass);
  bool match = false;
  for (const std::string& p : passwords_) match |= SameHash(p, hash);
  return match;
}

AclResult AclUser::Check(const CommandSpec& cmd, std::span<const std::string_view> args,
                         int* pos) const {
  AclResult relevant = AclResult::kDeniedCommand;
  int last_pos = 0;
  AclKeyCache cache;
  for (const AclSelector& s : selectors_) {
    int local = 0;
    AclResult r = s.Check(cmd, args, &cache, &local);
    if (r == AclResult::kOk) return r;
    if (r > relevant || (r == relevant && local > last_pos)) {
      relevant = r;
      last_pos = local;
    }
  }
  *pos = last_pos;
  return relevant;
}

bool AclUser::ChannelAllowed(std::string_view channel, bool is_pattern) const {
  for (const AclSelector& s : selectors_) {
    if (s.ChannelAllowed(channel, is_pattern)) return true;
  }
  return false;
}

std::vector<std::string_view> AclUser::FlagNames() const {
  std::vector<std::string_view> out;
  out.push_back(enabled_ ? "on" : "off");
  if (nopass_) out.push_back("nopass");
  if (sanitize_ == 2) out.push_back("skip-sanitize-payload");
  if (sanitize_ == 1) out.push_back("sanitize-payload");
  return out;
}

std::string AclUser::Describe(const CommandTable& table) const {
  std::string out;
  for (std::string_view f : FlagNames()) {
    out += f;
    out += ' ';
  }
  for (const std::string& p : passwords_) out += "#" + p + " ";
  for (const AclSelector& s : selectors_) {
    if (s.root()) {
      out += s.Describe(table);
    } else {
      out += " (" + s.Describe(table) + ")";
    }
  }
  return out;
}

std::optional<std::vector<std::string>> AclMergeSelectorArgs(
    std::span<const std::string_view> args, size_t* unmatched) {
  std::vector<std::string> out;
  std::string selector;
  bool open = false;
  size_t open_at = 0;
  for (size_t j = 0; j < args.size(); ++j) {
    std::string_view op = args[j];
    if (!open && !op.empty() && op.front() == '(' && op.back() != ')') {
      selector = std::string(op);
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out.push_back(std::move(selector));
      }
      continue;
    }
    out.emplace_back(op);
  }
  if (open) {
    *unmatched = open_at;
    return std::nullopt;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Acl

Acl::Acl(const CommandTable* table) : table_(table) {
  auto def = MakeDefaultUser();
  default_ = def.get();
  users_.emplace("default", std::move(def));
}

std::unique_ptr<AclUser> Acl::MakeDefaultUser() const {
  auto u = std::make_unique<AclUser>("default", pubsub_all_);
  for (std::string_view op : {"+@all", "~*", "&*", "on", "nopass"}) u->Apply(op, *table_, false);
  return u;
}

AclUser* Acl::Find(std::string_view name) {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

Acl::SetResult Acl::SetUser(std::string_view name, std::span<const std::string> rules,
                            AclUser** changed) {
  AclUser* existing = Find(name);
  AclUser staged = existing ? *existing : AclUser(std::string(name), pubsub_all_);
  for (size_t i = 0; i < rules.size(); ++i) {
    AclError err = staged.Apply(rules[i], *table_, pubsub_all_);
    if (err != AclError::kOk) return {err, i};
  }
  if (existing) {
    *existing = std::move(staged);
  } else {
    existing = users_.emplace(std::string(name), std::make_unique<AclUser>(std::move(staged)))
                   .first->second.get();
  }
  if (changed) *changed = existing;
  return {};
}

std::vector<std::string> Acl::UserLines() const {
  std::vector<std::string> lines;
  lines.reserve(users_.size());
  for (const auto& [name, u] : users_) lines.push_back("user " + name + " " + u->Describe(*table_));
  return lines;
}

bool Acl::DeleteUser(std::string_view name) {
  if (name == "default") return false;
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

void Acl::ReplaceAll(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users) {
  auto def = users.find("default");
  if (def != users.end()) {
    *default_ = std::move(*def->second);
    users.erase(def);
  } else {
    *default_ = std::move(*MakeDefaultUser());
  }
  auto keep = std::move(users_.find("default")->second);
  users_ = std::move(users);
  users_.emplace("default", std::move(keep));
}

void Acl::SetDefaultPassword(std::string_view password) {
  default_->Apply("resetpass", *table_, pubsub_all_);
  if (password.empty()) {
    default_->Apply("nopass", *table_, pubsub_all_);
  } else {
    default_->Apply(">" + std::string(password), *table_, pubsub_all_);
  }
}

void Acl::Log(AclResult reason, bool in_multi, std::string object, std::string username,
              std::string client_info, int64_t now_ms, size_t max_len) {
  // Up to 10 recent entries are looked at for a duplicate.
  for (size_t i = 0; i < log_.size() && i < 10; ++i) {
    AclLogEntry& e = log_[i];
    if (e.reason == reason && e.in_multi == in_multi && now_ms - e.ctime_ms <= 60000 &&
        e.object == object && e.username == username) {
      AclLogEntry match = std::move(e);
      log_.erase(log_.begin() + static_cast<std::ptrdiff_t>(i));
      match.client_info = std::move(client_info);
      match.ctime_ms = now_ms;
      ++match.count;
      log_.push_front(std::move(match));
      return;
    }
  }
  AclLogEntry e;
  e.reason = reason;
  e.in_multi = in_multi;
  e.object = std::move(object);
  e.username = std::move(username);
  e.ctime_ms = now_ms;
  e.client_info = std::move(client_info);
  log_.push_front(std::move(e));
  TrimLog(max_len);
}

// ---------------------------------------------------------------------------
// ACL files

std::optional<AclUserMap> ParseAclFile(std::string_view text, std::string_view path,
                                       const CommandTable& table, bool pubsub_all,
                                       std::string* errors) {
  // Every line is loaded into a fresh set of users; any error anywhere
  // keeps none of them (the caller keeps its old set).
  AclUserMap users;
  errors->clear();
  LineReader lines(text);
  std::string line;
  while (lines.Next(&line)) {
    const size_t linenum = lines.number();
    if (line.empty()) continue;
    // Split on single spaces, as sdssplitlen: runs of spaces make empty
    // arguments, which are no-ops.
    std::vector<std::string> argv;
    size_t p = 0;
    while (true) {
      size_t sp = line.find(' ', p);
      argv.push_back(line.substr(p, sp == std::string::npos ? std::string::npos : sp - p));
      if (sp == std::string::npos) break;
      p = sp + 1;
    }
    const std::string where = std::string(path) + ":" + std::to_string(linenum);
    if (argv[0] != "user" || argv.size() < 2) {
      *errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    const std::string& name = argv[1];
    if (AclHasSpaces(name)) {
      *errors += "'" + where + ": username '" + name + "' contains invalid characters. ";
      continue;
    }
    if (users.count(name) != 0) {
      *errors += "WARNING: Duplicate user '" + name + "' found on line " +
                 std::to_string(linenum) + ". ";
      continue;
    }
    auto u = std::make_unique<AclUser>(name, pubsub_all);
    std::vector<std::string_view> views(argv.begin() + 2, argv.end());
    size_t unmatched = 0;
    auto rules = AclMergeSelectorArgs(views, &unmatched);
    if (!rules) {
      *errors += where + ": Unmatched parenthesis in selector definition.";
      rules.emplace();
    }
    for (std::string& rule : *rules) {
      rule = Trim(rule, "\t\r\n");
      AclError err = u->Apply(rule, table, pubsub_all);
      if (err != AclError::kOk) {
        *errors += where + ": Error in applying operation '" + rule + "': " + AclErrorText(err) +
                   ". ";
      }
    }
    users.emplace(name, std::move(u));
  }
  if (!errors->empty()) return std::nullopt;
  return users;
}

}  // namespace spindle::server
