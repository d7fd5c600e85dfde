// Blocking commands: BLPOP and friends park a client on keys; a write that
// stores a list / sorted set / stream under one of them (storage's
// KeyReadyHook) makes the key ready, and after the current command the
// server runs each waiter's command again, FIFO per key, until one finds
// nothing and blocks again. A timer per blocked client delivers the timeout
// reply. No polling anywhere: an idle blocked client costs a map entry and a
// timer.

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "server/latency_tracking.h"
#include "server/server.h"

namespace spindle::server {

std::string Server::WaitKey(int db, std::string_view key) {
  std::string k = std::to_string(db);
  k.push_back('\0');
  k.append(key);
  return k;
}

void Server::BlockClient(Client* c, std::span<const std::string_view> args,
                         const commands::BlockRequest& request) {
  auto state = std::make_unique<BlockedState>();
  state->args.assign(args.begin(), args.end());
  // A key named twice waits once (Redis adds each key to its dict once).
  std::set<std::string> seen;
  for (const std::string& k : request.keys) {
    if (seen.insert(k).second) state->keys.push_back(k);
  }
  state->db = c->db_index();
  state->deadline_ms = request.deadline_ms;
  state->blocked_run_us = request.ran_us;
  for (const std::string& k : state->keys) waiters_[WaitKey(state->db, k)].push_back(c->id());
  if (state->deadline_ms > 0) {
    int64_t delay = std::max<int64_t>(0, state->deadline_ms - Clock::NowMs());
    uint64_t id = c->id();
    state->timer = loop_->AddTimer(delay, [this, id] {
      OnBlockTimeout(id);
      return int64_t{-1};
    });
  }
  c->set_blocked(std::move(state));
  ++blocked_count_;
}

void Server::UnblockClient(Client* c) {
  BlockedState* state = c->blocked_state();
  if (state == nullptr) return;
  for (const std::string& k : state->keys) {
    auto it = waiters_.find(WaitKey(state->db, k));
    if (it == waiters_.end()) continue;
    auto& queue = it->second;
    queue.erase(std::remove(queue.begin(), queue.end(), c->id()), queue.end());
    if (queue.empty()) waiters_.erase(it);
  }
  if (state->timer != 0) loop_->CancelTimer(state->timer);
  c->set_blocked(nullptr);
  --blocked_count_;
}

void Server::OnKeyReady(int db, std::string_view key) {
  std::string wk = WaitKey(db, key);
  if (waiters_.find(wk) == waiters_.end()) return;
  if (ready_set_.insert(wk).second) ready_keys_.push_back(std::move(wk));
}

namespace {

// The type a blocked command waits for, from its ACL category. As in Redis
// 7.0, a waiter is served only when the key holds that type; otherwise it
// keeps waiting.
storage::ValueType WantedType(const commands::CommandSpec& cmd) {
  if (cmd.acl_categories & commands::kAclSortedSet) return storage::ValueType::kZSet;
  if (cmd.acl_categories & commands::kAclStream) return storage::ValueType::kStream;
  return storage::ValueType::kList;
}

}  // namespace

void Server::ServeReadyKeys() {
  if (serving_ready_keys_) return;  // a served command made more keys ready: the loop below takes them
  serving_ready_keys_ = true;
  while (!ready_keys_.empty()) {
    std::vector<std::string> keys;
    keys.swap(ready_keys_);
    ready_set_.clear();
    for (const std::string& wk : keys) {
      auto it = waiters_.find(wk);
      if (it == waiters_.end()) continue;
      // Serving unblocks clients, which edits the queue: walk a copy.
      std::deque<uint64_t> queue = it->second;
      std::string_view key = std::string_view(wk).substr(wk.find('\0') + 1);
      for (uint64_t id : queue) {
        Client* c = FindClient(id);
        if (c == nullptr || !c->blocked() || c->close_asap()) continue;
        BlockedState* state = c->blocked_state();
        const commands::CommandSpec* cmd = commands_.Find(state->args[0]);
        if (cmd == nullptr) continue;
        storage::Value* v = keyspace_->db(state->db).LookupNoTouch(key, Clock::NowMs());
        if (v == nullptr) break;  // drained by earlier waiters
        if (v->type() != WantedType(*cmd)) continue;
        std::vector<std::string_view> argv(state->args.begin(), state->args.end());
        commands::BlockRequest again;
        reprocessing_ = true;  // MONITOR saw the command when it blocked
        RunCommand(c, argv, &again);
        reprocessing_ = false;
        if (again.requested) break;  // nothing left for it: the key is drained
        UnblockClient(c);
        OutputAppended(c);
        unblocked_.push_back(id);
      }
    }
  }
  serving_ready_keys_ = false;
}

// A wait that ends without the command running again (timeout, CLIENT
// UNBLOCK) still counts as one call, as Redis's updateStatsOnUnblock.
// Redis 7.0.15 records the latency (the run that blocked) for CLIENT UNBLOCK
// but not for a timeout.
void Server::CountUnblockedCall(Client* c, bool failed, bool record_latency) {
  const commands::CommandSpec* cmd = commands_.Find(c->blocked_state()->args[0]);
  if (cmd == nullptr) return;
  ++cmd->stats.calls;
  if (failed) ++cmd->stats.failed_calls;
  if (record_latency && settings_.latency_tracking) {
    RecordCommandLatency(*cmd, c->blocked_state()->blocked_run_us);
  }
}

void Server::OnBlockTimeout(uint64_t client_id) {
  Client* c = FindClient(client_id);
  if (c == nullptr || !c->blocked()) return;
  BlockedState* state = c->blocked_state();
  state->timer = 0;  // fired: nothing to cancel
  // Redis 7.0 (replyToBlockedClientTimedOut) answers every list, sorted-set
  // and stream timeout with a null array, BLMOVE and BRPOPLPUSH included.
  c->reply().NullArray();
  CountUnblockedCall(c, false, false);
  UnblockClient(c);
  OutputAppended(c);
  unblocked_.push_back(client_id);
}

bool Server::UnblockByRequest(Client* c, bool with_error) {
  if (!c->blocked()) return false;
  if (with_error) {
    uint64_t before = c->reply().errors_written();
    c->reply().Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    CountErrors(c, before);
  } else {
    c->reply().NullArray();  // the timeout's reply
  }
  // Redis 7.0.15's CLIENT UNBLOCK counts the call as failed either way, and
  // records its latency (a timeout does neither).
  CountUnblockedCall(c, true, true);
  UnblockClient(c);
  OutputAppended(c);
  unblocked_.push_back(c->id());
  return true;
}

}  // namespace spindle::server
