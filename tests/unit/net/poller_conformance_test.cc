// One conformance suite run against every backend named by PollerNames().

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/poller.h"
#include "socket_pair.h"

namespace spindle::net {
namespace {

using Pair = test_util::SocketPair;

// Generous: only there so a broken backend fails instead of hanging.
constexpr int kLongMs = 5000;
// Long enough that an event that was going to come would have come.
constexpr int kQuietMs = 50;


void WriteBytes(int fd, size_t n) {
  std::string s(n, 'x');
  ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(n));
}

// The mask reported for fd in ready, or -1 if fd is absent.
int MaskOf(const std::vector<ReadyEvent>& ready, int fd) {
  int mask = -1;
  for (const ReadyEvent& e : ready) {
    if (e.fd == fd) {
      EXPECT_EQ(mask, -1) << "fd " << fd << " reported twice";
      mask = e.mask;
    }
  }
  return mask;
}

class PollerConformance : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    poller_ = CreatePoller(GetParam());
    ASSERT_NE(poller_, nullptr);
  }
  int Wait(int timeout_ms) { return poller_->Wait(&ready_, timeout_ms); }

  std::unique_ptr<Poller> poller_;
  std::vector<ReadyEvent> ready_;
};

TEST_P(PollerConformance, NameAndTrigger) {
  EXPECT_EQ(std::string_view(poller_->Name()), GetParam());
  EXPECT_EQ(poller_->edge_triggered(), GetParam() == "epoll-et");
  if (GetParam() == "select") {
    EXPECT_EQ(poller_->max_fd(), FD_SETSIZE);
  } else {
    EXPECT_EQ(poller_->max_fd(), -1);
  }
}

TEST_P(PollerConformance, ReadableOnData) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  EXPECT_EQ(Wait(0), 0);
  EXPECT_TRUE(ready_.empty());
  WriteBytes(p.b, 10);
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kReadable);
}

TEST_P(PollerConformance, WritableOnEmptySocket) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kWritable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kWritable);
}

TEST_P(PollerConformance, ModifyChangesInterest) {
  Pair p;
  WriteBytes(p.b, 10);
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kReadable);

  ASSERT_TRUE(poller_->Modify(p.a, kWritable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kWritable);

  ASSERT_TRUE(poller_->Modify(p.a, kReadable | kWritable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kReadable | kWritable);
}

TEST_P(PollerConformance, ModifyToNoneIsSilent) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable | kWritable).ok());
  WriteBytes(p.b, 10);
  ASSERT_TRUE(poller_->Modify(p.a, kNone).ok());
  EXPECT_EQ(Wait(kQuietMs), 0);
  EXPECT_TRUE(ready_.empty());
  // Not even a hang-up is reported while the mask is kNone.
  p.CloseB();
  EXPECT_EQ(Wait(kQuietMs), 0);
  EXPECT_TRUE(ready_.empty());
  // Still registered: a new mask brings it back.
  ASSERT_TRUE(poller_->Modify(p.a, kReadable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_TRUE(MaskOf(ready_, p.a) & kReadable);
}

TEST_P(PollerConformance, HangUpReportedAsReadable) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  p.CloseB();
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, p.a), kReadable);
  char c;
  EXPECT_EQ(read(p.a, &c, 1), 0);  // the owner's read sees EOF
}

TEST_P(PollerConformance, HangUpReportedToWriter) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kWritable).ok());
  p.CloseB();
  ASSERT_EQ(Wait(kLongMs), 1);
  // The writer is told, so its write sees EPIPE.
  EXPECT_TRUE(MaskOf(ready_, p.a) & kWritable);
  EXPECT_EQ(send(p.a, "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
}

TEST_P(PollerConformance, ManyFdsAtOnce) {
  constexpr int kPairs = 300;
  std::vector<std::unique_ptr<Pair>> pairs;
  std::set<int> expected;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(std::make_unique<Pair>());
    ASSERT_TRUE(poller_->Add(pairs.back()->a, kReadable).ok());
    if (i % 3 == 0) {
      WriteBytes(pairs.back()->b, 1);
      expected.insert(pairs.back()->a);
    }
  }
  // A backend may return a bounded batch per call; the rest must follow.
  std::set<int> seen;
  for (int round = 0; round < 20 && seen.size() < expected.size(); ++round) {
    Wait(kLongMs);
    for (const ReadyEvent& e : ready_) {
      EXPECT_EQ(e.mask, kReadable);
      EXPECT_TRUE(expected.count(e.fd)) << "fd " << e.fd << " reported without data";
      seen.insert(e.fd);
    }
  }
  EXPECT_EQ(seen, expected);
  for (auto& p : pairs) poller_->Remove(p->a);
}

TEST_P(PollerConformance, RemoveThenClose) {
  Pair p;
  Pair q;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  ASSERT_TRUE(poller_->Add(q.a, kReadable).ok());
  WriteBytes(p.b, 10);
  WriteBytes(q.b, 10);
  poller_->Remove(p.a);
  p.CloseA();
  ASSERT_EQ(Wait(kLongMs), 1);
  EXPECT_EQ(MaskOf(ready_, q.a), kReadable);
  poller_->Remove(q.a);
  EXPECT_EQ(Wait(kQuietMs), 0);
  // Unknown fds: Remove ignores them, Modify reports them.
  poller_->Remove(q.a);
  poller_->Remove(12345);
  EXPECT_FALSE(poller_->Modify(q.a, kReadable).ok());
  // Re-adding after Remove works.
  ASSERT_TRUE(poller_->Add(q.a, kReadable).ok());
  ASSERT_EQ(Wait(kLongMs), 1);
}

TEST_P(PollerConformance, AddTwiceOrNegativeFails) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  EXPECT_FALSE(poller_->Add(p.a, kReadable).ok());
  EXPECT_FALSE(poller_->Add(-1, kReadable).ok());
}

TEST_P(PollerConformance, UndrainedDataLevelVersusEdge) {
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  WriteBytes(p.b, 100);
  ASSERT_EQ(Wait(kLongMs), 1);
  char buf[10];
  ASSERT_EQ(read(p.a, buf, sizeof(buf)), 10);  // 90 bytes left unread
  if (poller_->edge_triggered()) {
    // Reported once per change: nothing new arrived, so nothing is reported.
    EXPECT_EQ(Wait(kQuietMs), 0);
    EXPECT_EQ(Wait(kQuietMs), 0);
    // New data is a new edge.
    WriteBytes(p.b, 1);
    ASSERT_EQ(Wait(kLongMs), 1);
    EXPECT_EQ(MaskOf(ready_, p.a), kReadable);
    EXPECT_EQ(Wait(kQuietMs), 0);
  } else {
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(Wait(kLongMs), 1);
      EXPECT_EQ(MaskOf(ready_, p.a), kReadable);
    }
  }
}

TEST_P(PollerConformance, HighFdBeyondFdSetsize) {
  struct rlimit rl;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  rlim_t want = rl.rlim_max == RLIM_INFINITY ? 20000 : std::min<rlim_t>(rl.rlim_max, 20000);
  if (rl.rlim_cur < want) {
    rl.rlim_cur = want;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
  }
  if (rl.rlim_cur <= FD_SETSIZE + 1) GTEST_SKIP() << "RLIMIT_NOFILE too low for this test";
  Pair p;
  int high = fcntl(p.a, F_DUPFD_CLOEXEC, FD_SETSIZE);  // the lowest free fd >= FD_SETSIZE
  ASSERT_GE(high, FD_SETSIZE);
  WriteBytes(p.b, 1);
  Status s = poller_->Add(high, kReadable);
  if (GetParam() == "select") {
    EXPECT_FALSE(s.ok());
    EXPECT_FALSE(s.message().empty());
    EXPECT_FALSE(poller_->Modify(high, kReadable).ok());
    poller_->Remove(high);  // ignored, and harmless
    // The backend still works for low fds.
    ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
    ASSERT_EQ(Wait(kLongMs), 1);
    EXPECT_EQ(MaskOf(ready_, p.a), kReadable);
  } else {
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_EQ(Wait(kLongMs), 1);
    EXPECT_EQ(MaskOf(ready_, high), kReadable);
    poller_->Remove(high);
  }
  close(high);
}

void NoopHandler(int) {}

TEST_P(PollerConformance, InterruptedWaitReturnsNoEvents) {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = NoopHandler;  // no SA_RESTART: the wait fails with EINTR
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  Pair p;
  ASSERT_TRUE(poller_->Add(p.a, kReadable).ok());
  std::atomic<bool> done{false};
  pthread_t self = pthread_self();
  std::thread killer([&] {
    while (!done.load()) {
      pthread_kill(self, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  EXPECT_EQ(Wait(kLongMs), 0);
  EXPECT_TRUE(ready_.empty());
  done = true;
  killer.join();
  sigaction(SIGUSR1, &old, nullptr);
}

TEST(PollerFactory, UnknownNameGivesNull) {
  EXPECT_EQ(CreatePoller("kqueue"), nullptr);
  EXPECT_EQ(CreatePoller(""), nullptr);
  EXPECT_EQ(PollerNames().size(), 4u);
  EXPECT_EQ(PollerNames().front(), "epoll");  // the default comes first
}

INSTANTIATE_TEST_SUITE_P(AllBackends, PollerConformance, ::testing::ValuesIn(PollerNames()),
                         [](const ::testing::TestParamInfo<std::string_view>& info) {
                           std::string name(info.param);
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace spindle::net
