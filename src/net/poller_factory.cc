// The only place that knows the concrete backends: each backend file defines
// one constructor function in spindle::net::internal, declared here.

#include <memory>
#include <string_view>
#include <vector>

#include "net/poller.h"

namespace spindle::net {
namespace internal {
std::unique_ptr<Poller> NewSelectPoller();
std::unique_ptr<Poller> NewPollPoller();
std::unique_ptr<Poller> NewEpollPoller(bool edge_triggered);
}  // namespace internal

std::unique_ptr<Poller> CreatePoller(std::string_view name) {
  if (name == "epoll") return internal::NewEpollPoller(false);
  if (name == "epoll-et") return internal::NewEpollPoller(true);
  if (name == "poll") return internal::NewPollPoller();
  if (name == "select") return internal::NewSelectPoller();
  return nullptr;
}

std::vector<std::string_view> PollerNames() { return {"epoll", "epoll-et", "poll", "select"}; }

}  // namespace spindle::net
