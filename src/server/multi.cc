#include "server/multi.h"

#include <algorithm>

#include "common/clock.h"
#include "server/client.h"
#include "server/server.h"

namespace spindle::server {

// ---------------------------------------------------------------------------
// QueuedCommand

QueuedCommand::QueuedCommand(const commands::CommandSpec* cmd,
                             std::span<const std::string_view> args)
    : cmd_(cmd) {
  size_t total = 0;
  for (std::string_view a : args) total += a.size();
  data_.reserve(total);
  lengths_.reserve(args.size());
  for (std::string_view a : args) {
    data_.append(a);
    lengths_.push_back(static_cast<uint32_t>(a.size()));
  }
}

std::vector<std::string_view> QueuedCommand::Args() const {
  std::vector<std::string_view> out;
  out.reserve(lengths_.size());
  size_t pos = 0;
  for (uint32_t len : lengths_) {
    out.emplace_back(data_.data() + pos, len);
    pos += len;
  }
  return out;
}

// ---------------------------------------------------------------------------
// WatchRegistry

void WatchRegistry::Watch(Client* c, MultiState* state, int db, std::string_view key,
                          bool expired) {
  for (const auto& wk : state->watched) {
    if (wk->db == db && wk->key == key) return;  // already watched
  }
  auto wk = std::make_unique<WatchedKey>(WatchedKey{c, db, expired, std::string(key)});
  KeyMap& map = by_db_[db];
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), Watchers()).first;
  it->second.push_back(wk.get());
  state->watched.push_back(std::move(wk));
}

void WatchRegistry::UnwatchAll(MultiState* state) {
  for (const auto& wk : state->watched) {
    KeyMap& map = by_db_[wk->db];
    auto it = map.find(wk->key);
    if (it == map.end()) continue;
    Watchers& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), wk.get()), list.end());
    if (list.empty()) map.erase(it);
  }
  state->watched.clear();
}

void WatchRegistry::MarkDirty(Client* c) {
  MultiState* state = c->multi_state();
  state->dirty_cas = true;
  // Nothing it watches matters any more: drop the watches now rather than
  // keep them (and their cost on every write) until EXEC.
  UnwatchAll(state);
}

void WatchRegistry::Touch(storage::Database& db, std::string_view key) {
  KeyMap& map = by_db_[db.index()];
  if (map.empty()) return;
  auto it = map.find(key);
  if (it == map.end()) return;
  // MarkDirty edits the lists being walked: work from a copy. Each client
  // has at most one watch per key, so the other entries stay valid.
  const Watchers watchers = it->second;
  for (WatchedKey* wk : watchers) {
    if (wk->expired) {
      if (!db.ContainsRaw(key)) {
        // The key was expired when watched and is gone now: no logical
        // change. From now on it is an ordinary absent key.
        wk->expired = false;
      }
      continue;
    }
    MarkDirty(wk->client);
  }
}

void WatchRegistry::TouchAll(storage::Database& emptied, storage::Database* replaced_with,
                             int64_t now_ms) {
  KeyMap& map = by_db_[emptied.index()];
  if (map.empty()) return;
  std::vector<Client*> dirty;
  for (auto& [key, watchers] : map) {
    const bool in_emptied = emptied.ContainsRaw(key);
    const bool in_replacement = replaced_with != nullptr && replaced_with->ContainsRaw(key);
    if (!in_emptied && !in_replacement) continue;
    for (WatchedKey* wk : watchers) {
      if (wk->expired) {
        if (!in_replacement) {
          wk->expired = false;  // the expired key is deleted: no logical change
          continue;
        }
        if (replaced_with->IsLogicallyExpired(key, now_ms)) continue;  // still expired
      } else if (!in_emptied && replaced_with->IsLogicallyExpired(key, now_ms)) {
        wk->expired = true;  // an absent key replaced by an expired one
        continue;
      }
      dirty.push_back(wk->client);
    }
  }
  for (Client* c : dirty) {
    if (!c->multi_state()->dirty_cas) MarkDirty(c);
  }
}

bool WatchRegistry::AnyExpired(const MultiState& state, storage::Keyspace& keyspace,
                               int64_t now_ms) {
  for (const auto& wk : state.watched) {
    if (wk->expired) continue;  // expired already when watched
    if (keyspace.db(wk->db).IsLogicallyExpired(wk->key, now_ms)) return true;
  }
  return false;
}

size_t WatchRegistry::watched_keys() const {
  size_t n = 0;
  for (const KeyMap& map : by_db_) n += map.size();
  return n;
}

// ---------------------------------------------------------------------------
// Commands

namespace {

using commands::CommandContext;

Client& ClientOf(CommandContext& ctx) { return *static_cast<Client*>(ctx.session); }

void MultiCommand(CommandContext& ctx) {
  Client& c = ClientOf(ctx);
  MultiState& m = c.EnsureMultiState();
  if (m.in_multi) {
    ctx.reply->Error("ERR MULTI calls can not be nested");
    return;
  }
  m.in_multi = true;
  ctx.reply->Ok();
}

void DiscardCommand(CommandContext& ctx) {
  Client& c = ClientOf(ctx);
  if (!c.in_multi()) {
    ctx.reply->Error("ERR DISCARD without MULTI");
    return;
  }
  c.server()->DiscardTransaction(&c);
  ctx.reply->Ok();
}

void ExecCommand(CommandContext& ctx) {
  Client& c = ClientOf(ctx);
  if (!c.in_multi()) {
    ctx.reply->Error("ERR EXEC without MULTI");
    return;
  }
  c.server()->ExecTransaction(&c);
}

void WatchCommand(CommandContext& ctx) {
  Client& c = ClientOf(ctx);
  if (c.in_multi()) {
    ctx.reply->Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  MultiState& m = c.EnsureMultiState();
  if (!m.dirty_cas) {  // a dirty client's EXEC fails anyway
    WatchRegistry& reg = c.server()->watches();
    for (size_t j = 1; j < ctx.argc(); ++j) {
      bool expired = ctx.db->IsLogicallyExpired(ctx.args[j], ctx.now_ms);
      reg.Watch(&c, &m, ctx.db->index(), ctx.args[j], expired);
    }
  }
  ctx.reply->Ok();
}

void UnwatchCommand(CommandContext& ctx) {
  Client& c = ClientOf(ctx);
  if (MultiState* m = c.multi_state()) {
    c.server()->watches().UnwatchAll(m);
    m->dirty_cas = false;
  }
  ctx.reply->Ok();
}

commands::CommandSpec Tx(const char* name, int arity, uint32_t flags, commands::KeyRange keys,
                         commands::Handler h, const char* summary, const char* since,
                         const char* complexity) {
  return commands::MakeCommand(name, arity, flags, commands::kAclTransaction, keys, h, summary,
                               since, "transactions", complexity);
}

}  // namespace

void RegisterTransactionCommands(commands::CommandTable* table) {
  using namespace commands;  // NOLINT: flag names
  const uint32_t base = kCmdNoScript | kCmdLoading | kCmdStale;
  table->Add(Tx("multi", 1, base | kCmdFast | kCmdAllowBusy, {}, MultiCommand,
                "Mark the start of a transaction block", "1.2.0", "O(1)"));
  table->Add(Tx("exec", 1, base | kCmdSkipSlowlog, {}, ExecCommand,
                "Execute all commands issued after MULTI", "1.2.0",
                "Depends on commands in the transaction"));
  table->Add(Tx("discard", 1, base | kCmdFast | kCmdAllowBusy, {}, DiscardCommand,
                "Discard all commands issued after MULTI", "2.0.0",
                "O(N), when N is the number of queued commands"));
  table->Add(Tx("watch", -2, base | kCmdFast | kCmdAllowBusy, {1, -1, 1}, WatchCommand,
                "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
                "O(1) for every key."));
  table->Add(Tx("unwatch", 1, base | kCmdFast | kCmdAllowBusy, {}, UnwatchCommand,
                "Forget about all watched keys", "2.2.0", "O(1)"));
}

// ---------------------------------------------------------------------------
// Server side: queueing and EXEC

bool Server::IsTransactionControl(const commands::CommandSpec* cmd) {
  // Redis runs these at once even inside MULTI (processCommand).
  const std::string& n = cmd->name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

void Server::QueueCommand(Client* c, const commands::CommandSpec* cmd,
                          std::span<const std::string_view> args) {
  MultiState* m = c->multi_state();
  // An aborted transaction keeps answering QUEUED but stores nothing.
  if (!m->dirty_cas && !m->dirty_exec) {
    m->queue.emplace_back(cmd, args);
    m->queued_bytes += m->queue.back().bytes();
  }
  c->reply().Raw("+QUEUED\r\n");
}

void Server::DiscardTransaction(Client* c) {
  MultiState* m = c->multi_state();
  if (m == nullptr) return;
  watches_->UnwatchAll(m);
  c->ResetMultiState();
}

void Server::ExecTransaction(Client* c) {
  MultiState* m = c->multi_state();
  protocol::ReplyBuilder& reply = c->reply();
  if (!m->dirty_cas && WatchRegistry::AnyExpired(*m, *keyspace_, Clock::NowMs())) {
    m->dirty_cas = true;
  }
  if (m->dirty_exec || m->dirty_cas) {
    if (m->dirty_exec) {
      reply.Error("EXECABORT Transaction discarded because of previous errors.");
    } else {
      reply.NullArray();
    }
    DiscardTransaction(c);
    return;
  }
  watches_->UnwatchAll(m);  // nothing can fail it now
  // The client stays in MULTI while its queue runs (CLIENT LIST shows
  // flags=x multi=N cmd=exec from inside, as Redis does); in_exec_ keeps
  // RunCommand from queueing the commands again.
  // Nothing a queued command does can reset this client's MULTI state
  // (DISCARD, MULTI and RESET are never queued), so the queue is read in place.
  reply.ArrayHeader(m->queue.size());
  in_exec_ = true;
  for (const QueuedCommand& q : m->queue) {
    std::vector<std::string_view> args = q.Args();
    uint64_t before = reply.errors_written();
    // Blocking is denied inside EXEC: a null BlockRequest makes blocking
    // commands answer as their non-blocking forms.
    RunCommand(c, args, nullptr);
    exec_inner_errors_ += reply.errors_written() - before;
  }
  in_exec_ = false;
  DiscardTransaction(c);
}

}  // namespace spindle::server
