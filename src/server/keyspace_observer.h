#pragma once
// The server's storage::KeyspaceObserver: routes what happens to keys to the
// parts of the server that react: WATCH (modified keys, flushes, swaps),
// keyspace notifications (events); client-side caching hooks in here too.
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

 private:
  Server* server_;
};

}  // namespace spindle::server
