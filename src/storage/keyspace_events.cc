#include "storage/keyspace_events.h"

namespace spindle::storage {

int64_t ParseNotifyFlags(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    if (c == '\0') break;  // Redis reads the argument as a C string
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'g': flags |= kNotifyGeneric; break;
      case '$': flags |= kNotifyString; break;
      case 'l': flags |= kNotifyList; break;
      case 's': flags |= kNotifySet; break;
      case 'h': flags |= kNotifyHash; break;
      case 'z': flags |= kNotifyZset; break;
      case 'x': flags |= kNotifyExpired; break;
      case 'e': flags |= kNotifyEvicted; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 't': flags |= kNotifyStream; break;
      case 'm': flags |= kNotifyKeyMiss; break;
      case 'd': flags |= kNotifyModule; break;
      case 'n': flags |= kNotifyNew; break;
      default: return -1;
    }
  }
  return flags;
}

std::string NotifyFlagsToString(uint32_t flags) {
  std::string res;
  if ((flags & kNotifyAll) == kNotifyAll) {
    res += 'A';
  } else {
    if (flags & kNotifyGeneric) res += 'g';
    if (flags & kNotifyString) res += '$';
    if (flags & kNotifyList) res += 'l';
    if (flags & kNotifySet) res += 's';
    if (flags & kNotifyHash) res += 'h';
    if (flags & kNotifyZset) res += 'z';
    if (flags & kNotifyExpired) res += 'x';
    if (flags & kNotifyEvicted) res += 'e';
    if (flags & kNotifyStream) res += 't';
    if (flags & kNotifyModule) res += 'd';
    if (flags & kNotifyNew) res += 'n';
  }
  if (flags & kNotifyKeyspace) res += 'K';
  if (flags & kNotifyKeyevent) res += 'E';
  if (flags & kNotifyKeyMiss) res += 'm';
  return res;
}

NullKeyspaceObserver* NullKeyspaceObserver::Instance() {
  static NullKeyspaceObserver instance;
  return &instance;
}

}  // namespace spindle::storage
