#pragma once
// The server's storage::KeyspaceObserver: routes what happens to keys to the
// parts of the server that react: WATCH (modified keys, flushes, swaps),
// client-side caching (modified keys, flushes) and keyspace notifications
// (events).
//
// Thread: main thread.

#include <string_view>

#include "storage/keyspace_events.h"

namespace spindle::server {

class Server;

class ServerKeyspaceObserver final : public storage::KeyspaceObserver {
 public:
  explicit ServerKeyspaceObserver(Server* server) : server_(server) {}
  void KeyModified(int db, std::string_view key) override;
  void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) override;
  void DatabaseFlushed(int db) override;
  void DatabasesSwapped(int a, int b) override;
  // A key evicted by maxmemory (not a storage event: the evictor reports it
  // itself): WATCH and client-side caching hear of a key no client modified
  // (Redis's signalModifiedKey(NULL, ...)), then the "evicted" event.
  void KeyEvicted(int db, std::string_view key);

 private:
  Server* server_;
  bool expiring_ = false;  // "expired" was reported: the next modified key expired
};

}  // namespace spindle::server
