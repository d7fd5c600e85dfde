#pragma once
// Access control lists, as Redis 7.0 (acl.c): users with passwords, flags and
// selectors; a selector allows commands (by category, by name, by
// subcommand or by first argument), keys (glob patterns with read / write
// permissions) and Pub/Sub channels. A user's first selector is its root
// selector (the rules given outside parentheses); a command runs if any
// selector allows it.
//
// AclSelector and AclUser are pure: they know the command table and nothing
// of clients, so the rule grammar and the checks are unit-tested alone. Acl
// holds the users, the ACL LOG and the acl-pubsub-default setting.
//
// Thread: main thread.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"

namespace spindle::server {

// Redis's ACL_OK / ACL_DENIED_*, in Redis's order: of the denials of several
// selectors the largest value is reported.
enum class AclResult : uint8_t {
  kOk = 0,
  kDeniedCommand = 1,
  kDeniedKey = 2,
  kDeniedAuth = 3,
  kDeniedChannel = 4,
};

// Why a rule was refused; the texts are Redis's ACLSetUserStringError
// (named after the errno Redis uses for each).
enum class AclError : uint8_t {
  kOk,
  kUnknownCommand,   // ENOENT
  kSyntax,           // EINVAL
  kKeyAfterAll,      // EEXIST
  kChannelAfterAll,  // EISDIR
  kNoSuchPassword,   // ENODEV
  kBadHash,          // EBADMSG
  kDuplicateUser,    // EALREADY
  kSubcommandArg,    // ECHILD
};
const char* AclErrorText(AclError e);

// Redis's ACLStringHasSpaces: a C isspace() character (space, \t \n \v \f
// \r) or NUL. User names, key patterns and channels may hold none, so that
// ACL LIST's lines split back into the same rules.
bool AclHasSpaces(std::string_view s);

// Key pattern permissions (%R~, %W~, %RW~ and ~).
inline constexpr uint8_t kAclKeyRead = 1;
inline constexpr uint8_t kAclKeyWrite = 2;
inline constexpr uint8_t kAclKeyAll = kAclKeyRead | kAclKeyWrite;

// The keys one command names, with the permission each needs, found once per
// check and shared by the selectors (Redis's aclKeyResultCache). The first
// kInline keys live in the object itself, on the checker's stack: checking a
// command with a fixed key range and up to kInline keys (GET, SET, LMOVE, an
// 8-key MSET ...) allocates nothing. More keys spill into a vector, and the
// commands with a key count or a key finder (ZUNIONSTORE, SORT) find theirs
// through CommandSpec::Keys.
class AclKeyCache {
 public:
  static constexpr size_t kInline = 8;

  bool filled() const { return filled_; }
  // Finds cmd's keys in args and what each needs (AclKeyNeeds). No keys when
  // the arguments name no valid keys (a bad key count).
  void Fill(const commands::CommandSpec& cmd, std::span<const std::string_view> args);

  size_t size() const { return size_; }
  int position(size_t i) const { return At(i).pos; }
  uint8_t needs(size_t i) const { return At(i).needs; }  // kAclKey* bits

 private:
  struct Key {
    int pos;
    uint8_t needs;
  };
  const Key& At(size_t i) const { return i < kInline ? inline_[i] : spill_[i - kInline]; }
  Key& At(size_t i) { return i < kInline ? inline_[i] : spill_[i - kInline]; }
  void Push(int pos);

  bool filled_ = false;
  size_t size_ = 0;
  Key inline_[kInline];
  std::vector<Key> spill_;
};

// What a key needs for this command (Redis's key-spec flags: ACCESS is a
// read, INSERT / DELETE / UPDATE a write; 0 when neither, as EXISTS). Our
// table has no key specs, so the flags come from Redis 7.0.15's for the
// commands whose keys differ from "read-only command: read, write command:
// write" (acl.cc kKeyAccess); SET and BITFIELD resolve their variable flags
// from the arguments as Redis does. key_index counts the keys in Keys() order.
uint8_t AclKeyNeeds(const commands::CommandSpec& cmd, std::span<const std::string_view> args,
                    size_t key_index);

class AclSelector {
 public:
  // all_channels: acl-pubsub-default is allchannels (Redis's
  // ACLCreateSelector ORs server.acl_pubsub_default into every new selector).
  AclSelector(bool root, bool all_channels);

  // One rule (Redis's ACLSetSelector): allkeys / ~* / resetkeys / ~pattern /
  // %R~ %W~ %RW~pattern, allchannels / &* / resetchannels / &channel,
  // allcommands / +@all / nocommands / -@all, +@cat / -@cat, +cmd / -cmd,
  // +cmd|sub, +cmd|firstarg. Case-insensitive keywords.
  AclError Apply(std::string_view op, const commands::CommandTable& table);

  // Whether this selector allows cmd with args (Redis's ACLSelectorCheckCmd).
  // On a key or channel denial *pos is the argument's index.
  AclResult Check(const commands::CommandSpec& cmd, std::span<const std::string_view> args,
                  AclKeyCache* cache, int* pos) const;

  // ACL LIST's form: "~k* %R~r* resetchannels &c -@all +get".
  std::string Describe(const commands::CommandTable& table) const;
  // GETUSER's fields.
  std::string DescribeCommands(const commands::CommandTable& table) const;
  std::string DescribeKeys() const;
  std::string DescribeChannels() const;

  bool root() const { return root_; }
  bool all_keys() const { return all_keys_; }
  bool all_channels() const { return all_channels_; }
  // Allows everything: every command (+@all with no exception), every key,
  // every channel. Such a user's check is one flag test.
  bool Unrestricted() const;
  // Whether the channel (a pattern for PSUBSCRIBE) may be used.
  bool ChannelAllowed(std::string_view channel, bool is_pattern) const;

  bool CommandBit(uint32_t id) const {
    return id / 64 < bits_.size() ? (bits_[id / 64] >> (id % 64)) & 1 : future_;
  }
  // Sizes the command bitmap for ids [0, ids).
  void EnsureSize(size_t ids);
  // Redis's "future commands" bit: only +@all / allcommands set it.
  bool AllCommands() const { return future_; }

 private:
  struct KeyPattern {
    std::string pattern;
    uint8_t flags;
  };
  void SetBit(uint32_t id, bool on);
  // Redis's ACLChangeSelectorPerm: the command, and every subcommand of a
  // container; drops first-argument exceptions of the command.
  void ChangePerm(const commands::CommandSpec& cmd, bool allow);
  void SetCategory(const commands::CommandTable& table, uint64_t category, bool allow);
  void SetAll(bool allow);
  bool CheckKey(std::string_view key, uint8_t needs) const;

  bool root_;
  bool all_keys_ = false;
  bool all_channels_ = false;
  bool future_ = false;
  std::vector<uint64_t> bits_;
  // +cmd|arg of a command without subcommands (SELECT 0, DEBUG OBJECT).
  std::map<uint32_t, std::vector<std::string>> first_args_;
  std::vector<KeyPattern> keys_;
  std::vector<std::string> channels_;
};

class AclUser {
 public:
  // A new user: off, no passwords, no keys, no commands, channels as
  // acl-pubsub-default says (Redis's ACLCreateUser).
  AclUser(std::string name, bool all_channels);

  const std::string& name() const { return name_; }
  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  const std::vector<std::string>& passwords() const { return passwords_; }  // SHA-256 hex
  const std::vector<AclSelector>& selectors() const { return selectors_; }
  const AclSelector& root() const { return selectors_.front(); }

  // One rule (Redis's ACLSetUser): on, off, nopass, resetpass, >pass, <pass,
  // #hash, !hash, skip-sanitize-payload, sanitize-payload, (selector),
  // clearselectors, reset, or a selector rule for the root selector.
  AclError Apply(std::string_view op, const commands::CommandTable& table, bool all_channels);

  // Redis's ACLCheckUserCredentials, past the name: enabled, and nopass or a
  // password whose hash is listed.
  bool CheckPassword(std::string_view pass) const;

  // Redis's ACLCheckAllUserCommandPerm. On denial *pos is the key or
  // channel's argument index (0 for a command).
  AclResult Check(const commands::CommandSpec& cmd, std::span<const std::string_view> args,
                  int* pos) const;
  // The dispatcher's fast path: true when Check can only answer kOk.
  bool unrestricted() const { return unrestricted_; }

  // "on" / "off", "nopass", "sanitize-payload" / "skip-sanitize-payload",
  // in Redis's ACLUserFlags order.
  std::vector<std::string_view> FlagNames() const;
  // ACL LIST's line without "user <name> ".
  std::string Describe(const commands::CommandTable& table) const;
  // Whether every channel this pattern / channel set needs is still allowed
  // (Redis's ACLKillPubsubClientsIfNeeded, per subscription).
  bool ChannelAllowed(std::string_view channel, bool is_pattern) const;

 private:
  void Refresh();

  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  // 0: neither flag; 1: sanitize-payload; 2: skip-sanitize-payload.
  uint8_t sanitize_ = 0;
  std::vector<std::string> passwords_;
  std::vector<AclSelector> selectors_;
  bool unrestricted_ = false;
};

// Redis's ACLMergeSelectorArguments: joins "(a" "b)" into "(a b)". nullopt
// with *unmatched the index of an argument opening a selector never closed.
std::optional<std::vector<std::string>> AclMergeSelectorArgs(
    std::span<const std::string_view> args, size_t* unmatched);

// One ACL LOG entry (Redis's ACLLogEntry).
struct AclLogEntry {
  uint64_t count = 1;
  AclResult reason = AclResult::kDeniedCommand;
  bool in_multi = false;  // context "multi", otherwise "toplevel"
  std::string object;
  std::string username;
  int64_t ctime_ms = 0;
  std::string client_info;
};

class Acl {
 public:
  explicit Acl(const commands::CommandTable* table);

  const commands::CommandTable& table() const { return *table_; }
  // The default user always exists and is never freed (ACL LOAD copies into
  // it), so clients may keep a pointer to it.
  AclUser* default_user() { return default_; }
  AclUser* Find(std::string_view name);
  // Users by name (ACL USERS and LIST order: Redis's rax is sorted).
  const std::map<std::string, std::unique_ptr<AclUser>, std::less<>>& users() const {
    return users_;
  }

  // acl-pubsub-default: allchannels (true) or resetchannels.
  bool pubsub_all() const { return pubsub_all_; }
  void set_pubsub_all(bool v) { pubsub_all_ = v; }

  // ACL SETUSER's core: applies every rule to a copy of the user (a new user
  // when absent) and commits only if all succeed. On error returns the
  // failing rule's index and the error.
  struct SetResult {
    AclError error = AclError::kOk;
    size_t failed = 0;
  };
  SetResult SetUser(std::string_view name, std::span<const std::string> rules,
                    AclUser** changed = nullptr);
  // Removes a user (never "default"); false if absent. The caller first
  // moves the user's clients off it.
  bool DeleteUser(std::string_view name);
  // Replaces every user but the default with `users` and copies the new
  // default (or a fresh one) into the default user (Redis's ACL LOAD).
  void ReplaceAll(std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users);
  // "user <name> <rules>" for every user in name order: ACL LIST's lines,
  // ACL SAVE's file and CONFIG REWRITE's `user` lines.
  std::vector<std::string> UserLines() const;
  // A fresh "default" as Redis creates it: on nopass ~* &* +@all.
  std::unique_ptr<AclUser> MakeDefaultUser() const;

  // requirepass (Redis's ACLUpdateDefaultUserPassword): resetpass, then
  // >password or nopass.
  void SetDefaultPassword(std::string_view password);
  // Whether a new connection starts authenticated and an unauthenticated
  // one may run commands: the default user is on and nopass.
  bool DefaultNeedsAuth() const { return !default_->enabled() || !default_->nopass(); }

  // The ACL LOG, newest first (Redis's addACLLogEntry: an entry with the same
  // reason, context, object and user within 60 s among the 10 newest is
  // counted again and moved to the front).
  void Log(AclResult reason, bool in_multi, std::string object, std::string username,
           std::string client_info, int64_t now_ms, size_t max_len);
  const std::deque<AclLogEntry>& log() const { return log_; }
  void ResetLog() { log_.clear(); }
  void TrimLog(size_t max_len) {
    while (log_.size() > max_len) log_.pop_back();
  }

 private:
  const commands::CommandTable* table_;
  bool pubsub_all_ = false;
  std::map<std::string, std::unique_ptr<AclUser>, std::less<>> users_;
  AclUser* default_ = nullptr;
  std::deque<AclLogEntry> log_;
};

using AclUserMap = std::map<std::string, std::unique_ptr<AclUser>, std::less<>>;

// An ACL file's text (Redis's ACLLoadFromFile): "user <name> <rules>" lines,
// split on single spaces, blank lines skipped. Returns every user of the
// file, or nullopt with *errors Redis's concatenated messages, each naming
// path and line ("<path>:3: Error in applying operation '+x': Unknown
// command or category name in ACL. "), without the final "WARNING: ACL
// errors detected ..." sentence. Pure: the caller installs the users.
std::optional<AclUserMap> ParseAclFile(std::string_view text, std::string_view path,
                                       const commands::CommandTable& table, bool pubsub_all,
                                       std::string* errors);

}  // namespace spindle::server
