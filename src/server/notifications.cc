#include "server/notifications.h"

#include <charconv>

#include "server/pubsub.h"

namespace spindle::server {
namespace {

// "<prefix><db>__:<suffix>", as Redis builds both channel names.
void ChannelName(std::string* out, std::string_view prefix, int db, std::string_view suffix) {
  char num[16];
  auto end = std::to_chars(num, num + sizeof(num), db).ptr;
  out->clear();
  out->append(prefix);
  out->append(num, end);
  out->append("__:");
  out->append(suffix);
}

}  // namespace

void Notifications::KeyEvent(uint32_t type, std::string_view event, std::string_view key, int db) {
  // The class must be enabled; then K and E pick the channels (a class
  // without K or E sends nothing).
  if ((flags_ & type) == 0) return;
  if (flags_ & storage::kNotifyKeyspace) {
    ChannelName(&channel_, "__keyspace@", db, key);
    pubsub_->Publish(ChannelKind::kGlobal, channel_, event);
  }
  if (flags_ & storage::kNotifyKeyevent) {
    ChannelName(&channel_, "__keyevent@", db, event);
    pubsub_->Publish(ChannelKind::kGlobal, channel_, key);
  }
}

}  // namespace spindle::server
