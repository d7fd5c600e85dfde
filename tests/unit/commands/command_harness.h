#pragma once
// In-process command runner for the command-family tests: a CommandTable with
// the families under test, a Keyspace, and a ReplyBuilder writing into a
// ChunkedBuffer. Run() checks arity as the dispatcher does and returns the
// raw RESP bytes of the reply. An EventRecorder on the keyspace keeps what
// the last command reported (modified keys, keyspace events, flushes), and
// a PropagationRecorder what it asked to propagate.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_table.h"
#include "common/chunked_buffer.h"
#include "protocol/errors.h"
#include "protocol/reply_builder.h"
#include "storage/keyspace.h"
#include "storage/keyspace_events.h"

namespace spindle::commands::testing {

// Records every observer call as one line, in order:
//   "modified k"        KeyModified (signalModifiedKey) of k in db 0
//   "$ set k"           KeyEvent: the class letter of notify-keyspace-events,
//                       the event, the key ("g@1 move_to k": in db 1)
//   "flushed 0"         DatabaseFlushed (-1: every database)
//   "swapped 0 1"       DatabasesSwapped
// Keys are printed as they are (tests use printable names).
class EventRecorder : public storage::KeyspaceObserver {
 public:
  void KeyModified(int db, std::string_view key) override {
    log_.push_back("modified" + DbSuffix(db) + " " + std::string(key));
  }
  void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) override {
    log_.push_back(std::string(1, ClassLetter(type)) + DbSuffix(db) + " " + std::string(event) +
                   " " + std::string(key));
  }
  void DatabaseFlushed(int db) override { log_.push_back("flushed " + std::to_string(db)); }
  void DatabasesSwapped(int a, int b) override {
    log_.push_back("swapped " + std::to_string(a) + " " + std::to_string(b));
  }

  const std::vector<std::string>& log() const { return log_; }
  void Clear() { log_.clear(); }

 private:
  static std::string DbSuffix(int db) { return db == 0 ? "" : "@" + std::to_string(db); }
  static char ClassLetter(uint32_t type) {
    switch (type) {
      case storage::kNotifyGeneric:
        return 'g';
      case storage::kNotifyString:
        return '$';
      case storage::kNotifyList:
        return 'l';
      case storage::kNotifySet:
        return 's';
      case storage::kNotifyHash:
        return 'h';
      case storage::kNotifyZset:
        return 'z';
      case storage::kNotifyExpired:
        return 'x';
      case storage::kNotifyEvicted:
        return 'e';
      case storage::kNotifyStream:
        return 't';
      case storage::kNotifyKeyMiss:
        return 'm';
      case storage::kNotifyModule:
        return 'd';
      case storage::kNotifyNew:
        return 'n';
      default:
        return '?';  // not one class: a bug the test will show
    }
  }
  std::vector<std::string> log_;
};

// Records a command's Propagator calls and derives what the server would
// propagate from them, by the contract in command_table.h: the Also entries
// first, then the command's own form (as sent, or as rewritten) when the
// dirty counter moved and the handler did not prevent it. Commands are
// printed as their arguments joined by spaces, with "@<db> " in front of an
// Also entry for a database other than 0.
class PropagationRecorder : public Propagator {
 public:
  void Rewrite(std::span<const std::string_view> argv) override {
    rewrite_ = Join(argv);
    ++rewrites_;
  }
  void Also(int db, std::span<const std::string_view> argv) override {
    also_.push_back((db == 0 ? "" : "@" + std::to_string(db) + " ") + Join(argv));
  }
  void Prevent() override { prevented_ = true; }

  void Clear() {
    rewrite_.reset();
    rewrites_ = 0;
    also_.clear();
    prevented_ = false;
  }
  // What goes to the AOF for a command sent as `sent`.
  std::vector<std::string> Propagated(std::span<const std::string_view> sent,
                                      bool dirty_moved) const {
    std::vector<std::string> out = also_;
    if (dirty_moved && !prevented_) out.push_back(rewrite_ ? *rewrite_ : Join(sent));
    return out;
  }
  int rewrites() const { return rewrites_; }

  static std::string Join(std::span<const std::string_view> argv) {
    std::string out;
    for (std::string_view a : argv) {
      if (!out.empty()) out += ' ';
      out += a;
    }
    return out;
  }

 private:
  std::optional<std::string> rewrite_;
  int rewrites_ = 0;
  std::vector<std::string> also_;
  bool prevented_ = false;
};

class CommandHarness {
 public:
  CommandHarness() : keyspace_(16), reply_(&out_) {
    RegisterStringCommands(&table_);
    RegisterKeyCommands(&table_);
    RegisterKeyspaceCommands(&table_);
    keyspace_.set_observer(&events_);
  }
  ~CommandHarness() { keyspace_.set_observer(nullptr); }

  // Runs one command (args[0] is its name, any case) and returns its reply.
  // events() then holds what the command reported.
  std::string Run(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    out_.Clear();
    events_.Clear();
    propagation_.Clear();
    const uint64_t dirty_before = keyspace_.dirty();
    const CommandSpec* spec = table_.Find(views[0]);
    if (spec == nullptr) return "-unknown command in test\r\n";
    if (!spec->ArityOk(views.size())) {
      reply_.Error(protocol::WrongArityError(spec->name));
    } else {
      CommandContext ctx;
      ctx.args = views;
      ctx.reply = &reply_;
      ctx.keyspace = &keyspace_;
      ctx.db = &keyspace_.db(db_index_);
      ctx.now_ms = now_ms_;
      ctx.limits = &limits_;
      last_block_ = BlockRequest();
      ctx.block = allow_block_ ? &last_block_ : nullptr;
      ctx.propagator = propagate_ ? &propagation_ : nullptr;
      ctx.lazy_user_del = lazy_user_del_;
      ctx.lazy_expire = lazy_expire_;
      spec->handler(ctx);
    }
    last_dirty_ = keyspace_.dirty() - dirty_before;
    last_propagated_.clear();
    if (propagate_) last_propagated_ = propagation_.Propagated(views, last_dirty_ != 0);
    return out_.ToString();
  }

  // How much the last Run() moved the dirty counter (server.dirty).
  uint64_t last_dirty() const { return last_dirty_; }
  // What the last Run() propagates (see PropagationRecorder), and a
  // shorthand that runs a command and returns just that.
  const std::vector<std::string>& propagated() const { return last_propagated_; }
  std::vector<std::string> Propagate(std::vector<std::string> args) {
    last_reply_ = Run(std::move(args));
    return last_propagated_;
  }
  const PropagationRecorder& propagation() const { return propagation_; }
  // Whether handlers see a propagator (on by default; off is AOF off).
  void set_propagate(bool on) { propagate_ = on; }
  void set_lazy_user_del(bool on) { lazy_user_del_ = on; }
  void set_lazy_expire(bool on) { lazy_expire_ = on; }

  // What the last Run() reported to the keyspace observer (EventRecorder's
  // lines), and a shorthand that runs a command and returns just that.
  const std::vector<std::string>& events() const { return events_.log(); }
  std::vector<std::string> Events(std::vector<std::string> args) {
    last_reply_ = Run(std::move(args));
    return events_.log();
  }
  // The reply of the last Events() call.
  const std::string& last_reply() const { return last_reply_; }

  void set_now_ms(int64_t now) { now_ms_ = now; }
  int64_t now_ms() const { return now_ms_; }
  void set_resp(int version) { reply_.set_resp(version); }
  void select(int db) { db_index_ = db; }

  storage::Keyspace& keyspace() { return keyspace_; }
  storage::Database& db() { return keyspace_.db(db_index_); }
  const CommandTable& table() const { return table_; }
  // Adds a command family (RegisterListCommands ...) to the table.
  void Register(void (*family)(CommandTable*)) { family(&table_); }
  // Blocking commands: when allowed, a handler may fill the block request
  // instead of replying (see BlockRequest); the test inspects it.
  void set_allow_block(bool allow) { allow_block_ = allow; }
  const BlockRequest& last_block() const { return last_block_; }

 private:
  CommandTable table_;
  EventRecorder events_;  // outlives keyspace_, which points at it
  storage::Keyspace keyspace_;
  ChunkedBuffer out_;
  protocol::ReplyBuilder reply_;
  int64_t now_ms_ = 1'700'000'000'000;  // a fixed "now" in unix ms
  int db_index_ = 0;
  bool allow_block_ = false;
  BlockRequest last_block_;
  std::string last_reply_;
  PropagationRecorder propagation_;
  bool propagate_ = true;
  bool lazy_user_del_ = false;
  bool lazy_expire_ = false;
  uint64_t last_dirty_ = 0;
  std::vector<std::string> last_propagated_;

 public:
  // Encoding thresholds handlers see; tests may lower them.
  storage::EncodingLimits limits_;
};

// RESP helpers for expectations.
inline std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
inline std::string Err(std::string_view msg) { return "-" + std::string(msg) + "\r\n"; }
// An array of bulk strings.
inline std::string Array(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& item : items) out += Bulk(item);
  return out;
}
inline const std::string kOk = "+OK\r\n";
inline const std::string kNil = "$-1\r\n";

}  // namespace spindle::commands::testing
