#include "server/client.h"

#include <unistd.h>

#include "server/server.h"

namespace spindle::server {

Client::Client(Server* server, int fd, uint64_t id, const net::PeerAddress& peer, int64_t now_ms)
    : server_(server),
      fd_(fd),
      id_(id),
      peer_(peer),
      created_ms_(now_ms),
      last_interaction_ms_(now_ms) {}

Client::~Client() {
  tls_.reset();  // its close_notify goes out on the socket before it closes
  if (fd_ >= 0) close(fd_);
}

void Client::OnReadable(int) { server_->HandleReadable(this); }
void Client::OnWritable(int) { server_->HandleWritable(this); }

void ClientTls::OnReadable(int) { client_->server()->HandleTlsReadable(client_); }
void ClientTls::OnWritable(int) { client_->server()->HandleTlsWritable(client_); }

std::string Client::PeerId() const {
  if (peer_.unix_socket) return peer_.ip + ":0";
  return peer_.ip + ":" + std::to_string(peer_.port);
}

std::string Client::LocalId() const {
  if (local_addr_.empty()) {
    // Computed on first use (CLIENT LIST), not per connection.
    const_cast<Client*>(this)->local_addr_ = net::LocalAddress(fd_);
  }
  return local_addr_;
}

ClientSubscriptions& Client::EnsureSubscriptions() {
  if (!subs_) subs_ = std::make_unique<ClientSubscriptions>();
  return *subs_;
}

size_t Client::subscription_count() const {
  return subs_ ? subs_->channels.size() + subs_->patterns.size() : 0;
}

size_t Client::shard_subscription_count() const {
  return subs_ ? subs_->shard_channels.size() : 0;
}

size_t Client::multi_memory() const {
  if (multi_ == nullptr) return 0;
  return multi_->queued_bytes + multi_->queue.capacity() * sizeof(QueuedCommand) +
         multi_->watched.size() * sizeof(WatchedKey);
}

std::string Client::EventsString() const {
  std::string ev;
  if (!close_after_reply_) ev += 'r';
  if (write_interest) ev += 'w';
  return ev;
}

}  // namespace spindle::server
