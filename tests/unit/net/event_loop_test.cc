// EventLoop over every backend: dispatch, timers, cross-thread work, and the
// seeds' case (2 KB sent, 1 KB processed per step, nothing lost or stalled
// under edge-triggered epoll).
//
// No timing assertions: timeouts are generous and only keep a broken loop
// from hanging the test.

#include "net/event_loop.h"
#include "socket_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/buffer.h"
#include "net/socket.h"

namespace spindle::net {
namespace {

using Pair = test_util::SocketPair;

constexpr int kMaxFds = 1024;
constexpr int kLongMs = 5000;
constexpr int kQuietMs = 50;


void WriteBytes(int fd, size_t n) {
  std::string s(n, 'x');
  ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(n));
}

// Counts callbacks and runs an optional action in them.
class CountingHandler : public FdHandler {
 public:
  void OnReadable(int fd) override {
    ++reads;
    if (on_read) on_read(fd);
  }
  void OnWritable(int fd) override {
    ++writes;
    if (on_write) on_write(fd);
  }
  int reads = 0;
  int writes = 0;
  std::function<void(int)> on_read;
  std::function<void(int)> on_write;
};

class EventLoopTest : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    auto poller = CreatePoller(GetParam());
    ASSERT_NE(poller, nullptr);
    loop_ = std::make_unique<EventLoop>(std::move(poller), kMaxFds);
  }
  // A timer that stops a Run() that would otherwise hang, failing the test.
  void AddWatchdog() {
    loop_->AddTimer(30000, [this] {
      ADD_FAILURE() << "watchdog fired: the loop stalled";
      loop_->Stop();
      return -1;
    });
  }
  std::unique_ptr<EventLoop> loop_;
};

TEST_P(EventLoopTest, DispatchesReadableThenWritable) {
  Pair p;
  CountingHandler h;
  std::vector<char> order;
  h.on_read = [&](int fd) {
    order.push_back('r');
    char buf[16];
    EXPECT_EQ(read(fd, buf, sizeof(buf)), 3);
  };
  h.on_write = [&](int) { order.push_back('w'); };
  WriteBytes(p.b, 3);
  ASSERT_TRUE(loop_->AddFd(p.a, kReadable | kWritable, &h).ok());
  EXPECT_EQ(loop_->GetMask(p.a), kReadable | kWritable);
  loop_->RunOnce(kLongMs);
  EXPECT_EQ(order, (std::vector<char>{'r', 'w'}));

  ASSERT_TRUE(loop_->SetMask(p.a, kReadable).ok());
  EXPECT_EQ(loop_->GetMask(p.a), kReadable);
  loop_->RunOnce(kQuietMs);  // nothing to read, not interested in writing
  EXPECT_EQ(h.reads, 1);
  EXPECT_EQ(h.writes, 1);
  loop_->RemoveFd(p.a);
  EXPECT_EQ(loop_->GetMask(p.a), kNone);
}

TEST_P(EventLoopTest, AddFdRejections) {
  Pair p;
  CountingHandler h;
  EXPECT_FALSE(loop_->AddFd(p.a, kReadable, nullptr).ok());
  EXPECT_FALSE(loop_->AddFd(-1, kReadable, &h).ok());
  EXPECT_FALSE(loop_->AddFd(kMaxFds, kReadable, &h).ok());  // beyond the table
  EXPECT_FALSE(loop_->SetMask(p.a, kReadable).ok());        // not registered
  ASSERT_TRUE(loop_->AddFd(p.a, kReadable, &h).ok());
  EXPECT_FALSE(loop_->AddFd(p.a, kReadable, &h).ok());  // twice
  loop_->RemoveFd(p.a);
  loop_->RemoveFd(p.a);  // twice is fine
  EXPECT_EQ(loop_->max_fds(), kMaxFds);
}

TEST_P(EventLoopTest, HandlerRemovesItselfAndAnotherFd) {
  Pair p;
  Pair q;
  CountingHandler hp;
  CountingHandler hq;
  // Whichever runs first removes both fds; the other must not be called,
  // neither for reading nor for writing.
  auto remove_both = [&](int) {
    loop_->RemoveFd(p.a);
    loop_->RemoveFd(q.a);
  };
  hp.on_read = remove_both;
  hq.on_read = remove_both;
  WriteBytes(p.b, 1);
  WriteBytes(q.b, 1);
  ASSERT_TRUE(loop_->AddFd(p.a, kReadable | kWritable, &hp).ok());
  ASSERT_TRUE(loop_->AddFd(q.a, kReadable | kWritable, &hq).ok());
  loop_->RunOnce(kLongMs);
  EXPECT_EQ(hp.reads + hq.reads, 1);
  EXPECT_EQ(hp.writes + hq.writes, 0);
  loop_->RunOnce(kQuietMs);
  EXPECT_EQ(hp.reads + hq.reads, 1);
}

TEST_P(EventLoopTest, WriterSeesPeerHangUp) {
  Pair p;
  CountingHandler h;
  ASSERT_TRUE(loop_->AddFd(p.a, kWritable, &h).ok());
  loop_->RunOnce(kLongMs);
  ASSERT_EQ(h.writes, 1);
  ASSERT_TRUE(loop_->SetMask(p.a, kNone).ok());
  close(p.b);
  p.b = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_TRUE(loop_->SetMask(p.a, kWritable).ok());
  loop_->RunOnce(kLongMs);
  EXPECT_EQ(h.writes, 2);
  EXPECT_EQ(h.reads, 0);  // no read interest: the error goes to the writer
}

TEST_P(EventLoopTest, TimersFireInOrder) {
  std::vector<int> order;
  loop_->AddTimer(30, [&] {
    order.push_back(30);
    loop_->Stop();
    return -1;
  });
  loop_->AddTimer(10, [&] {
    order.push_back(10);
    return -1;
  });
  loop_->AddTimer(20, [&] {
    order.push_back(20);
    return -1;
  });
  AddWatchdog();
  loop_->Run();
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
}

TEST_P(EventLoopTest, PeriodicTimerAndCancel) {
  int periodic = 0;
  bool cancelled_ran = false;
  TimerId doomed = loop_->AddTimer(5, [&] {
    cancelled_ran = true;
    return -1;
  });
  loop_->AddTimer(1, [&] {
    if (++periodic == 5) {
      loop_->Stop();
      return int64_t{-1};
    }
    return int64_t{2};
  });
  loop_->CancelTimer(doomed);
  AddWatchdog();
  loop_->Run();
  EXPECT_EQ(periodic, 5);
  EXPECT_FALSE(cancelled_ran);
}

TEST_P(EventLoopTest, ThousandsOfTimers) {
  constexpr int kTimers = 3000;
  int fired = 0;
  std::vector<TimerId> ids;
  for (int i = 0; i < kTimers; ++i) {
    ids.push_back(loop_->AddTimer(i % 40, [&] {
      if (++fired == kTimers / 2) loop_->Stop();
      return -1;
    }));
  }
  for (int i = 0; i < kTimers; i += 2) loop_->CancelTimer(ids[i]);
  AddWatchdog();
  loop_->Run();
  EXPECT_EQ(fired, kTimers / 2);
}

TEST_P(EventLoopTest, BeforeAndAfterSleepRunEachIteration) {
  int before = 0;
  int after = 0;
  loop_->SetBeforeSleep([&] {
    EXPECT_EQ(before, after);  // before-sleep precedes the wait
    ++before;
  });
  loop_->SetAfterSleep([&] { ++after; });
  for (int i = 0; i < 5; ++i) loop_->RunOnce(0);
  EXPECT_EQ(before, 5);
  EXPECT_EQ(after, 5);
}

TEST_P(EventLoopTest, RunInLoopFromAnotherThreadWakesWait) {
  std::atomic<bool> ran{false};
  std::atomic<bool> in_loop_thread{false};
  std::atomic<bool> other_thread_in_loop{true};
  AddWatchdog();
  std::thread other([&] {
    // Give Run() time to block in Wait (not required for correctness).
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    other_thread_in_loop = loop_->IsInLoopThread();
    loop_->RunInLoop([&] {
      ran = true;
      in_loop_thread = loop_->IsInLoopThread();
      loop_->Stop();
    });
  });
  loop_->Run();  // no fd, only the watchdog timer: only a wake-up ends Wait early
  other.join();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(in_loop_thread);
  EXPECT_FALSE(other_thread_in_loop);
}

TEST_P(EventLoopTest, RunInLoopFromLoopThreadDoesNotSleep) {
  int runs = 0;
  std::function<void()> again = [&] {
    if (++runs < 10) loop_->RunInLoop(again);
  };
  loop_->RunInLoop(again);
  AddWatchdog();
  // Each queued function runs in the next iteration, without waiting.
  for (int i = 0; i < 10; ++i) loop_->RunOnce(-1);
  EXPECT_EQ(runs, 10);
}

TEST_P(EventLoopTest, StopFromAnotherThread) {
  AddWatchdog();
  std::thread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    loop_->Stop();
  });
  loop_->Run();
  other.join();
  // Run() can run again after a Stop.
  loop_->RunInLoop([&] { loop_->Stop(); });
  loop_->Run();
}

TEST_P(EventLoopTest, StopBeforeRunReturnsAtOnce) {
  loop_->Stop();
  AddWatchdog();
  loop_->Run();
}

// The connection handler the seeds' case needs: on readable it drains the
// socket until EAGAIN into a Buffer (as the server's connection does under
// edge-triggered epoll), then processes at most 1 KB per loop iteration and
// keeps a RunInLoop queued while buffered input remains, since no new
// readiness event will come for bytes that are already read.
class StepConnection : public FdHandler {
 public:
  static constexpr size_t kStep = 1024;
  StepConnection(EventLoop* loop, int fd) : loop_(loop), fd_(fd) {}

  void OnReadable(int fd) override {
    for (;;) {
      int err = 0;
      ssize_t n = in_.ReadFd(fd, &err);
      if (n > 0) continue;
      if (n == 0) eof_ = true;
      if (n < 0 && err != EAGAIN) ADD_FAILURE() << "read error " << err;
      break;
    }
    ProcessStep();
  }
  void OnWritable(int) override {}

  size_t processed() const { return processed_; }
  int steps() const { return steps_; }

 private:
  void ProcessStep() {
    size_t n = std::min(kStep, in_.size());
    if (n > 0) {
      processed_ += n;
      ++steps_;
      in_.Consume(n);
    }
    if (!in_.empty() && !continuation_queued_) {
      continuation_queued_ = true;
      loop_->RunInLoop([this] {
        continuation_queued_ = false;
        ProcessStep();
      });
    }
  }

  EventLoop* loop_;
  int fd_;
  Buffer in_;
  size_t processed_ = 0;
  int steps_ = 0;
  bool continuation_queued_ = false;
  bool eof_ = false;
};

TEST_P(EventLoopTest, TwoKilobytesOneKilobytePerStepNothingLostOrStalled) {
  Result<int> listener = ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listener.ok()) << listener.status().message();
  sockaddr_in sa{};
  socklen_t len = sizeof(sa);
  ASSERT_EQ(getsockname(*listener, reinterpret_cast<sockaddr*>(&sa), &len), 0);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  int server = -1;
  int err = 0;
  // Polled until a generous deadline: on a loaded machine the kernel may
  // queue the connection some time after connect() returned.
  const auto accept_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server < 0 && std::chrono::steady_clock::now() < accept_deadline) {
    server = Accept(*listener, nullptr, &err);
    if (server < 0) usleep(1000);
  }
  ASSERT_GE(server, 0);

  StepConnection conn(loop_.get(), server);
  ASSERT_TRUE(loop_->AddFd(server, kReadable, &conn).ok());
  WriteBytes(client, 2048);

  // Every iteration must make progress; a stalled loop would sit in Wait
  // until the (generous) timeout, and the bound below turns that into a
  // failure instead of a hang.
  for (int i = 0; i < 10 && conn.processed() < 2048; ++i) loop_->RunOnce(kLongMs);
  EXPECT_EQ(conn.processed(), 2048u);
  EXPECT_GE(conn.steps(), 2);

  // Nothing left over: another round reports nothing new.
  loop_->RunOnce(kQuietMs);
  EXPECT_EQ(conn.processed(), 2048u);

  loop_->RemoveFd(server);
  close(server);
  close(client);
  close(*listener);
}

// The hazard that makes draining necessary: a handler that reads only 1 KB
// per event. Level-triggered backends report the rest again; edge-triggered
// epoll does not, and the remaining kilobyte waits until the peer sends more.
TEST_P(EventLoopTest, NotDrainingStallsOnlyUnderEdgeTriggered) {
  Pair p;
  CountingHandler h;
  size_t got = 0;
  h.on_read = [&](int fd) {
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) got += n;
  };
  ASSERT_TRUE(loop_->AddFd(p.a, kReadable, &h).ok());
  WriteBytes(p.b, 2048);
  loop_->RunOnce(kLongMs);
  ASSERT_EQ(got, 1024u);
  if (loop_->poller()->edge_triggered()) {
    loop_->RunOnce(kQuietMs);
    EXPECT_EQ(h.reads, 1) << "epoll-et reported undrained data twice";
    EXPECT_EQ(got, 1024u);  // stalled: 1 KB sits in the socket unreported
  } else {
    loop_->RunOnce(kLongMs);
    EXPECT_EQ(h.reads, 2);
    EXPECT_EQ(got, 2048u);
  }
}

TEST(EventLoopSelect, FdBeyondFdSetsizeRejectedByAddFd) {
  struct rlimit rl;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_cur <= FD_SETSIZE + 1) {
    rlim_t want = rl.rlim_max == RLIM_INFINITY ? 20000 : std::min<rlim_t>(rl.rlim_max, 20000);
    rl.rlim_cur = want;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
  }
  if (rl.rlim_cur <= FD_SETSIZE + 1) GTEST_SKIP() << "RLIMIT_NOFILE too low for this test";
  EventLoop loop(CreatePoller("select"), 4096);
  Pair p;
  int high = fcntl(p.a, F_DUPFD_CLOEXEC, FD_SETSIZE);
  ASSERT_GE(high, FD_SETSIZE);
  CountingHandler h;
  Status s = loop.AddFd(high, kReadable, &h);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(loop.GetMask(high), kNone);
  close(high);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, EventLoopTest, ::testing::ValuesIn(PollerNames()),
                         [](const ::testing::TestParamInfo<std::string_view>& info) {
                           std::string name(info.param);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace spindle::net
