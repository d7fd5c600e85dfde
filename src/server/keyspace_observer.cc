#include "server/keyspace_observer.h"

#include "common/clock.h"
#include "server/server.h"

namespace spindle::server {

void ServerKeyspaceObserver::KeyModified(int db, std::string_view key) {
  server_->watches().Touch(server_->keyspace().db(db), key);
}

void ServerKeyspaceObserver::KeyEvent(uint32_t type, std::string_view event, std::string_view key,
                                      int db) {
  server_->notifications().KeyEvent(type, event, key, db);
}

void ServerKeyspaceObserver::DatabaseFlushed(int db) {
  storage::Keyspace& ks = server_->keyspace();
  const int64_t now = Clock::NowMs();
  if (db >= 0) {
    server_->watches().TouchAll(ks.db(db), nullptr, now);
    return;
  }
  for (int i = 0; i < ks.count(); ++i) server_->watches().TouchAll(ks.db(i), nullptr, now);
}

void ServerKeyspaceObserver::DatabasesSwapped(int a, int b) {
  storage::Keyspace& ks = server_->keyspace();
  const int64_t now = Clock::NowMs();
  server_->watches().TouchAll(ks.db(a), &ks.db(b), now);
  server_->watches().TouchAll(ks.db(b), &ks.db(a), now);
}

}  // namespace spindle::server
