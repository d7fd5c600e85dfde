#pragma once
// In-process command runner for the command-family tests: a CommandTable with
// the families under test, a Keyspace, and a ReplyBuilder writing into a
// ChunkedBuffer. Run() checks arity as the dispatcher does and returns the
// raw RESP bytes of the reply.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "common/chunked_buffer.h"
#include "protocol/errors.h"
#include "protocol/reply_builder.h"
#include "storage/keyspace.h"

namespace spindle::commands::testing {

class CommandHarness {
 public:
  CommandHarness() : keyspace_(16), reply_(&out_) {
    RegisterStringCommands(&table_);
    RegisterKeyCommands(&table_);
    RegisterKeyspaceCommands(&table_);
  }

  // Runs one command (args[0] is its name, any case) and returns its reply.
  std::string Run(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    out_.Clear();
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
      spec->handler(ctx);
    }
    return out_.ToString();
  }

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
  storage::Keyspace keyspace_;
  ChunkedBuffer out_;
  protocol::ReplyBuilder reply_;
  int64_t now_ms_ = 1'700'000'000'000;  // a fixed "now" in unix ms
  int db_index_ = 0;
  bool allow_block_ = false;
  BlockRequest last_block_;

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
