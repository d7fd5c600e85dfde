// AofFsyncThread: the everysec fsyncs and the closes of replaced incr files
// run off the main thread; what the main thread reads back (pending count,
// last error, synced offset) is what INFO and MISCONF report. The rest of
// server/aof.cc (files, rewrite child, loading) needs a whole server and is
// covered by tests/integration/test_aof.py and test_aof_durability.py.

#include "server/aof.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace spindle::server {
namespace {

int TempFile() {
  char path[] = "/tmp/spindle-aof-test-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  return fd;
}

TEST(AofFsyncThreadTest, FsyncReportsTheOffsetItCovered) {
  AofFsyncThread t;
  int fd = TempFile();
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "abc", 3), 3);
  t.Fsync(fd, 3);
  t.Drain();
  EXPECT_EQ(t.pending_fsyncs(), 0);
  EXPECT_EQ(t.last_error(), 0);
  EXPECT_EQ(t.synced_offset(), 3u);
  close(fd);
}

TEST(AofFsyncThreadTest, AFailedFsyncIsReportedAndASuccessClearsIt) {
  AofFsyncThread t;
  t.Fsync(-1, 10);  // EBADF
  t.Drain();
  EXPECT_EQ(t.last_error(), EBADF);
  EXPECT_EQ(t.synced_offset(), 0u);
  int fd = TempFile();
  ASSERT_GE(fd, 0);
  t.Fsync(fd, 7);
  t.Drain();
  EXPECT_EQ(t.last_error(), 0);
  EXPECT_EQ(t.synced_offset(), 7u);
  close(fd);
}

TEST(AofFsyncThreadTest, UnsyncableFilesAreNotErrors) {
  AofFsyncThread t;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  t.Fsync(fds[1], 1);  // EINVAL: nothing to sync
  t.Drain();
  EXPECT_EQ(t.last_error(), 0);
  close(fds[0]);
  close(fds[1]);
}

TEST(AofFsyncThreadTest, CloseRunsAfterTheFsyncQueuedBeforeIt) {
  AofFsyncThread t;
  int fd = TempFile();
  ASSERT_GE(fd, 0);
  t.Fsync(fd, 1);
  t.Close(fd);
  t.Drain();
  EXPECT_EQ(t.last_error(), 0);  // the fsync saw an open descriptor
  errno = 0;
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);  // and the close happened
  EXPECT_EQ(errno, EBADF);
}

TEST(AofFsyncThreadTest, ManyJobsDrain) {
  AofFsyncThread t;
  int fd = TempFile();
  ASSERT_GE(fd, 0);
  for (uint64_t i = 1; i <= 200; ++i) t.Fsync(fd, i);
  t.Drain();
  EXPECT_EQ(t.pending_fsyncs(), 0);
  EXPECT_EQ(t.synced_offset(), 200u);
  close(fd);
}

}  // namespace
}  // namespace spindle::server
