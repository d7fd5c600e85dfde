#pragma once
// Notifications: turns key events (forwarded by the server's keyspace
// observer, keyspace_observer.h) into keyspace notifications, as Redis's
// notifyKeyspaceEvent:
//   __keyspace@<db>__:<key>    receives the event name  (class K)
//   __keyevent@<db>__:<event>  receives the key name    (class E)
// published only when the event's class is enabled in notify-keyspace-events
// and at least one of K / E is (neither: nothing is sent).
//
// The flags are pushed in by the server when the config is loaded and after
// every CONFIG SET (set_flags), never looked up per event.
//
// Thread: main thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/keyspace_events.h"

namespace spindle::server {

class PubSub;

class Notifications {
 public:
  explicit Notifications(PubSub* pubsub) : pubsub_(pubsub) {}

  // The parsed notify-keyspace-events classes (storage::NotifyFlag bits).
  void set_flags(uint32_t flags) { flags_ = flags; }
  uint32_t flags() const { return flags_; }

  // Publishes the event (type: one storage::NotifyFlag class).
  void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db);

 private:
  PubSub* pubsub_;
  uint32_t flags_ = 0;
  std::string channel_;  // scratch, reused so an event allocates nothing in the steady state
};

}  // namespace spindle::server
