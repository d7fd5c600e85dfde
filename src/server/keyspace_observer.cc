#include "server/keyspace_observer.h"

#include "common/clock.h"
#include "server/server.h"

namespace spindle::server {

void ServerKeyspaceObserver::KeyModified(int db, std::string_view key) {
  server_->watches().Touch(server_->keyspace().db(db), key);
  // An expiry reports "expired" right before the modified key: no client
  // modified it (Redis's signalModifiedKey(NULL, ...)), which BCAST NOLOOP
  // clients must hear about.
  const bool by_expiry = expiring_;
  expiring_ = false;
  server_->tracking().KeyModified(key, by_expiry);
}

void ServerKeyspaceObserver::KeyEvent(uint32_t type, std::string_view event, std::string_view key,
                                      int db) {
  if (type == storage::kNotifyExpired) {
    expiring_ = true;
    server_->PropagateExpired(db, key);
  }
  server_->notifications().KeyEvent(type, event, key, db);
}

void ServerKeyspaceObserver::KeyEvicted(int db, std::string_view key) {
  server_->watches().Touch(server_->keyspace().db(db), key);
  server_->tracking().KeyModified(key, /*by_expiry=*/true);
  server_->notifications().KeyEvent(storage::kNotifyEvicted, "evicted", key, db);
}

void ServerKeyspaceObserver::DatabaseFlushed(int db) {
  storage::Keyspace& ks = server_->keyspace();
  const int64_t now = Clock::NowMs();
  if (db >= 0) {
    server_->watches().TouchAll(ks.db(db), nullptr, now);
  } else {
    for (int i = 0; i < ks.count(); ++i) server_->watches().TouchAll(ks.db(i), nullptr, now);
  }
  // Tracked keys are names in no particular database: any flush
  // invalidates them all (Redis's trackingInvalidateKeysOnFlush).
  server_->tracking().DatabaseFlushed();
}

void ServerKeyspaceObserver::DatabasesSwapped(int a, int b) {
  // Redis 7.0's SWAPDB touches watched keys only: no tracking invalidation.
  storage::Keyspace& ks = server_->keyspace();
  const int64_t now = Clock::NowMs();
  server_->watches().TouchAll(ks.db(a), &ks.db(b), now);
  server_->watches().TouchAll(ks.db(b), &ks.db(a), now);
}

}  // namespace spindle::server
