#pragma once
// What happens to keys, told to whoever must react: WATCH (a watched key was
// modified), client-side caching (invalidate a tracked key) and keyspace
// notifications (publish "__keyspace@<db>__:<key>" / "__keyevent@<db>__:<event>").
//
// Storage reports what it does on its own (lazy and active expiry, key
// misses); command handlers report their writes through CommandContext, at
// the same moments Redis 7.0 calls signalModifiedKey / notifyKeyspaceEvent.
// The server installs the one observer (Keyspace::set_observer); until then
// a no-op observer takes the calls, so callers never test for null.
//
// Thread: main thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace spindle::storage {

// notify-keyspace-events classes, Redis's NOTIFY_* bits and letters.
enum NotifyFlag : uint32_t {
  kNotifyKeyspace = 1u << 0,   // K
  kNotifyKeyevent = 1u << 1,   // E
  kNotifyGeneric = 1u << 2,    // g
  kNotifyString = 1u << 3,     // $
  kNotifyList = 1u << 4,       // l
  kNotifySet = 1u << 5,        // s
  kNotifyHash = 1u << 6,       // h
  kNotifyZset = 1u << 7,       // z
  kNotifyExpired = 1u << 8,    // x
  kNotifyEvicted = 1u << 9,    // e
  kNotifyStream = 1u << 10,    // t
  kNotifyKeyMiss = 1u << 11,   // m (not part of A)
  kNotifyLoaded = 1u << 12,    // module-only, no letter
  kNotifyModule = 1u << 13,    // d
  kNotifyNew = 1u << 14,       // n (not part of A)
};
// "A": g$lshzxetd.
inline constexpr uint32_t kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet |
                                       kNotifyHash | kNotifyZset | kNotifyExpired |
                                       kNotifyEvicted | kNotifyStream | kNotifyModule;

// Redis's keyspaceEventsStringToFlags: -1 on an unknown letter.
int64_t ParseNotifyFlags(std::string_view text);
// Redis's keyspaceEventsFlagsToString (CONFIG GET notify-keyspace-events).
std::string NotifyFlagsToString(uint32_t flags);

class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // signalModifiedKey: the value under key in db changed, was replaced or
  // deleted (WATCH, client-side caching).
  virtual void KeyModified(int db, std::string_view key) = 0;
  // notifyKeyspaceEvent: `type` is one NotifyFlag class.
  virtual void KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) = 0;
  // signalFlushedDb: db (or every db when -1) is about to be emptied; its
  // keys are still there.
  virtual void DatabaseFlushed(int db) = 0;
  // SWAPDB a b, called before the contents are exchanged.
  virtual void DatabasesSwapped(int a, int b) = 0;
};

// The observer in place until the server installs its own.
class NullKeyspaceObserver final : public KeyspaceObserver {
 public:
  void KeyModified(int, std::string_view) override {}
  void KeyEvent(uint32_t, std::string_view, std::string_view, int) override {}
  void DatabaseFlushed(int) override {}
  void DatabasesSwapped(int, int) override {}
  static NullKeyspaceObserver* Instance();
};

}  // namespace spindle::storage
