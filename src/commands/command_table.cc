#include "commands/command_table.h"

#include <cctype>
#include <iterator>
#include <memory>

#include "common/strings.h"

namespace spindle::commands {
namespace {

constexpr const char* kFlagNames[] = {
    "write",        "readonly",      "denyoom",         "module",         "admin",
    "pubsub",       "noscript",      "blocking",        "loading",        "stale",
    "skip_monitor", "skip_slowlog",  "asking",          "fast",           "no_auth",
    "may_replicate", "sentinel",     "only_sentinel",   "no_mandatory_keys", "protected",
    "module_getkeys", "module_no_cluster", "no_async_loading", "no_multi", "movablekeys",
    "allow_busy"};

constexpr const char* kAclNames[] = {
    "keyspace", "read",  "write", "set",      "sortedset",  "list",       "hash",
    "string",   "bitmap", "hyperloglog", "geo", "stream",   "pubsub",     "admin",
    "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ApplyImplicitCategories(CommandSpec* spec) {
  if (spec->flags & kCmdWrite) spec->acl_categories |= kAclWrite;
  if ((spec->flags & kCmdReadOnly) && !(spec->acl_categories & kAclScripting)) {
    spec->acl_categories |= kAclRead;
  }
  if (spec->flags & kCmdAdmin) spec->acl_categories |= kAclAdmin | kAclDangerous;
  if (spec->flags & kCmdPubSub) spec->acl_categories |= kAclPubSub;
  if (spec->flags & kCmdFast) spec->acl_categories |= kAclFast;
  if (spec->flags & kCmdBlocking) spec->acl_categories |= kAclBlocking;
  if (!(spec->acl_categories & kAclFast)) spec->acl_categories |= kAclSlow;
  for (auto& sub : spec->subcommands) ApplyImplicitCategories(&sub);
}

}  // namespace

std::span<const char* const> CommandFlagNames() { return kFlagNames; }
std::span<const char* const> AclCategoryNames() { return kAclNames; }

uint64_t AclCategoryByName(std::string_view name) {
  for (size_t i = 0; i < std::size(kAclNames); ++i) {
    if (EqualsIgnoreCase(kAclNames[i], name)) return uint64_t{1} << i;
  }
  return 0;
}

CommandSpec MakeCommand(std::string name, int arity, uint32_t flags, uint64_t acl_categories,
                        KeyRange keys, Handler handler, std::string summary, std::string since,
                        std::string group, std::string complexity) {
  CommandSpec spec;
  spec.name = std::move(name);
  spec.arity = arity;
  spec.flags = flags;
  spec.acl_categories = acl_categories;
  spec.first_key = keys.first;
  spec.last_key = keys.last;
  spec.key_step = keys.step;
  spec.handler = handler;
  spec.summary = std::move(summary);
  spec.since = std::move(since);
  spec.group = std::move(group);
  spec.complexity = std::move(complexity);
  return spec;
}

std::vector<int> CommandSpec::KeyPositions(size_t argc) const {
  std::vector<int> keys;
  ForEachRangeKey(argc, [&](int i) { keys.push_back(i); });
  return keys;
}

bool CommandSpec::Keys(std::span<const std::string_view> args, std::vector<int>* out) const {
  out->clear();
  if (keys_fn != nullptr) return keys_fn(args, out);
  if (numkeys.count_index > 0) {
    const NumKeysSpec& nk = numkeys;
    if (nk.count_index >= static_cast<int>(args.size())) return false;
    // Redis reads the count with atoi: leading digits, "1a" is 1, "x" is 0.
    std::string_view c = args[nk.count_index];
    size_t i = 0;
    while (i < c.size() && (c[i] == ' ' || (c[i] >= '\t' && c[i] <= '\r'))) ++i;
    bool neg = i < c.size() && c[i] == '-';
    if (i < c.size() && (c[i] == '-' || c[i] == '+')) ++i;
    int64_t num = 0;
    while (i < c.size() && c[i] >= '0' && c[i] <= '9' && num < (1LL << 40)) {
      num = num * 10 + (c[i++] - '0');
    }
    if (neg) num = -num;
    int64_t room = (static_cast<int64_t>(args.size()) - nk.first_key) / nk.step;
    if (num < 1 || num > room) return false;
    if (nk.store_key > 0) out->push_back(nk.store_key);
    for (int64_t k = 0; k < num; ++k) out->push_back(nk.first_key + static_cast<int>(k) * nk.step);
    return true;
  }
  *out = KeyPositions(args.size());
  return !out->empty();
}

void CommandTable::Add(CommandSpec spec) {
  spec.name = Lower(spec.name);
  ApplyImplicitCategories(&spec);
  auto it = commands_.find(spec.name);
  if (it != commands_.end()) {
    // Re-registration replaces the entry in place (tests, rename-command).
    *it->second = std::move(spec);
    return;
  }
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  order_.push_back(owned.get());
  std::string key = owned->name;
  commands_.emplace(std::move(key), std::move(owned));
}

void CommandTable::AddAbsent(CommandSpec spec) {
  // A command implemented since the list was generated is the real one.
  if (commands_.find(Lower(spec.name)) != commands_.end()) return;
  spec.absent = true;
  for (auto& sub : spec.subcommands) sub.absent = true;
  absent_.push_back(std::make_unique<CommandSpec>(std::move(spec)));
  order_.push_back(absent_.back().get());
}

const CommandSpec* CommandTable::FindOriginal(std::string_view full_name) const {
  std::string lower = Lower(full_name);
  std::string_view base = lower;
  size_t bar = base.find('|');
  if (bar != std::string_view::npos) base = base.substr(0, bar);
  for (const CommandSpec* c : order_) {
    if (c->name != base) continue;
    if (bar == std::string_view::npos) return c;
    // Redis's lookupSubcommand: one level only, "a|b|c" is unknown.
    for (const auto& sub : c->subcommands) {
      if (sub.name == lower) return &sub;
    }
    return nullptr;
  }
  return nullptr;
}

bool CommandTable::Rename(std::string_view from, std::string_view to, std::string* err) {
  auto it = commands_.find(Lower(from));
  if (it == commands_.end()) {
    *err = "No such command in rename-command";
    return false;
  }
  std::unique_ptr<CommandSpec> spec = std::move(it->second);
  commands_.erase(it);
  if (to.empty()) {
    disabled_.push_back(std::move(spec));
    return true;
  }
  std::string key = Lower(to);
  if (commands_.count(key) != 0) {
    commands_.emplace(spec->name, std::move(spec));  // left as it was
    *err = "Target command name already exists";
    return false;
  }
  commands_.emplace(std::move(key), std::move(spec));
  return true;
}

void CommandTable::AssignIds() {
  uint32_t next = 0;
  for (const CommandSpec* c : order_) {
    auto* spec = const_cast<CommandSpec*>(c);
    spec->id = next++;
    for (auto& sub : spec->subcommands) sub.id = next++;
  }
  id_count_ = next;
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[64];
  if (name.size() >= sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) {
    // ASCII lower-casing, as tolower in the C locale, without a call per byte.
    char ch = name[i];
    buf[i] = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch | 0x20) : ch;
  }
  auto it = commands_.find(std::string_view(buf, name.size()));
  return it == commands_.end() ? nullptr : it->second.get();
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view sub) {
  for (const auto& s : container.subcommands) {
    size_t bar = s.name.find('|');
    std::string_view short_name = std::string_view(s.name).substr(bar + 1);
    if (short_name.size() != sub.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < sub.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(sub[i])) != short_name[i]) {
        eq = false;
        break;
      }
    }
    if (eq) return &s;
  }
  return nullptr;
}

}  // namespace spindle::commands
