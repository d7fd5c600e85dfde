#include "common/chunked_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace spindle {
namespace {

std::string Drain(const ChunkedBuffer& b) {
  struct iovec iov[64];
  int n = b.Iov(iov, 64);
  std::string s;
  for (int i = 0; i < n; ++i) s.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
  return s;
}

TEST(ChunkedBufferTest, EmptyHoldsNoMemory) {
  ChunkedBuffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.allocated(), 0u);
  struct iovec iov[4];
  EXPECT_EQ(b.Iov(iov, 4), 0);
}

TEST(ChunkedBufferTest, AppendAcrossChunksKeepsOrder) {
  ChunkedBuffer b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece = "+" + std::to_string(i) + "\r\n";
    b.Append(piece);
    expected += piece;
  }
  EXPECT_EQ(b.size(), expected.size());
  EXPECT_EQ(b.ToString(), expected);
  EXPECT_EQ(Drain(b), expected);
  EXPECT_GT(b.allocated(), ChunkedBuffer::kChunkSize);
}

TEST(ChunkedBufferTest, LargePayloadGetsOneChunk) {
  ChunkedBuffer b;
  std::string big(100000, 'x');
  b.Append(big);
  struct iovec iov[4];
  EXPECT_EQ(b.Iov(iov, 4), 1);
  EXPECT_EQ(iov[0].iov_len, big.size());
}

TEST(ChunkedBufferTest, ConsumePartialAndWholeChunks) {
  ChunkedBuffer b;
  std::string data;
  for (int i = 0; i < 40000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  b.Append(data);
  b.Append(std::string(20000, 'z'));
  data += std::string(20000, 'z');
  size_t offset = 0;
  for (size_t step : {1u, 100u, 16383u, 17000u, 5u}) {
    b.Consume(step);
    offset += step;
    EXPECT_EQ(b.ToString(), data.substr(offset));
    EXPECT_EQ(Drain(b), data.substr(offset));
  }
  b.Consume(b.size());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.allocated(), 0u);
}

TEST(ChunkedBufferTest, IovRespectsMax) {
  ChunkedBuffer b;
  b.Append(std::string(ChunkedBuffer::kChunkSize * 3, 'q'));
  b.Append("tail");
  struct iovec iov[2];
  EXPECT_EQ(b.Iov(iov, 2), 2);
}

// ---- shared chunks ---------------------------------------------------------

SharedBytes Block(size_t n, char fill) { return std::make_shared<const std::string>(n, fill); }

TEST(ChunkedBufferTest, SharedBlockIsQueuedByReference) {
  ChunkedBuffer b;
  SharedBytes block = Block(300, 'm');
  b.AppendShared(block);
  EXPECT_EQ(block.use_count(), 2);  // the buffer holds it, not a copy
  struct iovec iov[4];
  ASSERT_EQ(b.Iov(iov, 4), 1);
  EXPECT_EQ(iov[0].iov_base, static_cast<const void*>(block->data()));
  EXPECT_EQ(b.size(), block->size());
  EXPECT_EQ(b.allocated(), block->size());
}

TEST(ChunkedBufferTest, OneBlockInManyBuffers) {
  SharedBytes block = Block(4096, 'x');
  std::vector<ChunkedBuffer> buffers(100);
  for (auto& b : buffers) {
    b.Append("*3\r\n");
    b.AppendShared(block);
  }
  EXPECT_EQ(block.use_count(), 101);
  for (auto& b : buffers) {
    EXPECT_EQ(b.size(), 4 + block->size());
    EXPECT_EQ(b.ToString(), "*3\r\n" + *block);
  }
  // Draining one buffer releases only its reference.
  buffers[0].Consume(buffers[0].size());
  EXPECT_EQ(block.use_count(), 100);
  buffers.clear();
  EXPECT_EQ(block.use_count(), 1);
}

TEST(ChunkedBufferTest, SharedKeepsOrderWithAppends) {
  ChunkedBuffer b;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string piece = "+" + std::to_string(i) + "\r\n";
    b.Append(piece);
    expected += piece;
    SharedBytes block = Block(300 + i, static_cast<char>('a' + i % 26));
    b.AppendShared(block);
    expected += *block;
  }
  EXPECT_EQ(b.size(), expected.size());
  EXPECT_EQ(b.ToString(), expected);
  std::string drained;
  while (!b.empty()) {
    struct iovec iov[7];
    int n = b.Iov(iov, 7);
    size_t total = 0;
    for (int i = 0; i < n; ++i) {
      drained.append(static_cast<char*>(iov[i].iov_base), iov[i].iov_len);
      total += iov[i].iov_len;
    }
    b.Consume(total);
  }
  EXPECT_EQ(drained, expected);
  EXPECT_EQ(b.allocated(), 0u);
}

TEST(ChunkedBufferTest, PartialWritesAcrossASharedBlock) {
  ChunkedBuffer b;
  SharedBytes block = Block(1000, 's');
  b.Append("head");
  b.AppendShared(block);
  b.Append("tail");
  std::string expected = "head" + *block + "tail";
  // Consume in steps that end inside the head, inside the block (twice),
  // exactly at its end, and inside the tail.
  size_t offset = 0;
  for (size_t step : {3u, 10u, 500u, 491u, 2u}) {
    b.Consume(step);
    offset += step;
    EXPECT_EQ(b.ToString(), expected.substr(offset)) << offset;
    EXPECT_EQ(Drain(b), expected.substr(offset)) << offset;
    EXPECT_EQ(block.use_count(), offset < 4 + block->size() ? 2 : 1) << offset;
  }
  b.Consume(b.size());
  EXPECT_TRUE(b.empty());
}

TEST(ChunkedBufferTest, TinyBlockIsStillShared) {
  ChunkedBuffer b;
  b.Append("x");
  SharedBytes tiny = Block(10, 't');
  b.AppendShared(tiny);
  EXPECT_EQ(tiny.use_count(), 2);  // by reference, after the copied byte
  struct iovec iov[4];
  EXPECT_EQ(b.Iov(iov, 4), 2);
  EXPECT_EQ(b.ToString(), "x" + *tiny);
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kFirstChunk + 10);
}

TEST(ChunkedBufferTest, SmallFirstReplyTakesASmallChunkThenFullSizeOnes) {
  ChunkedBuffer b;
  b.Append(std::string(5, 'a'));  // a typical reply: not a 16 KiB block
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kFirstChunk);
  b.Append(std::string(ChunkedBuffer::kFirstChunk, 'b'));  // fills it, spills over
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kFirstChunk + ChunkedBuffer::kChunkSize);
  EXPECT_EQ(b.size(), 5 + ChunkedBuffer::kFirstChunk);
  EXPECT_EQ(b.ToString(), std::string(5, 'a') + std::string(ChunkedBuffer::kFirstChunk, 'b'));
  b.Consume(b.size());
  // Empty again: the next small reply starts small again.
  b.Append("+OK\r\n");
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kFirstChunk);
  // A first payload too big for the small chunk gets a full-size one.
  ChunkedBuffer c;
  c.Append(std::string(ChunkedBuffer::kFirstChunk + 1, 'c'));
  EXPECT_EQ(c.allocated(), ChunkedBuffer::kChunkSize);
}

TEST(ChunkedBufferTest, SharedOrCopyCopiesSmallBlocksSharesLargeOnes) {
  ChunkedBuffer b;
  SharedBytes small = Block(100, 's');
  // Nothing queued: copied into a small chunk, not a 16 KiB one.
  b.AppendSharedOrCopy(small, 512);
  EXPECT_EQ(small.use_count(), 1);
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kChunkAfterShared);
  b.AppendSharedOrCopy(small, 512);  // into the same chunk's free space
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kChunkAfterShared);
  SharedBytes big = Block(512, 'b');
  b.AppendSharedOrCopy(big, 512);  // not below the limit: by reference
  EXPECT_EQ(big.use_count(), 2);
  b.AppendSharedOrCopy(small, 512);  // right after a shared block: shared
  EXPECT_EQ(small.use_count(), 2);
  EXPECT_EQ(b.allocated(), ChunkedBuffer::kChunkAfterShared + 512 + 100);
  EXPECT_EQ(b.ToString(), *small + *small + *big + *small);
  b.AppendSharedOrCopy(nullptr, 512);
  EXPECT_EQ(b.size(), 100u * 3 + 512);
  struct iovec iov[8];
  EXPECT_EQ(b.Iov(iov, 8), 3);
  // A full owned tail: the copy goes on in a new standard chunk.
  ChunkedBuffer c;
  c.Append(std::string(ChunkedBuffer::kChunkSize, 'f'));
  c.AppendSharedOrCopy(small, 512);
  EXPECT_EQ(small.use_count(), 2);  // only b's reference
  EXPECT_EQ(c.allocated(), 2 * ChunkedBuffer::kChunkSize);
}

TEST(ChunkedBufferTest, AppendAfterSharedOpensASmallChunk) {
  ChunkedBuffer b;
  b.AppendShared(Block(5000, 'b'));
  b.Append("+OK\r\n");
  EXPECT_EQ(b.allocated(), 5000 + ChunkedBuffer::kChunkAfterShared);
  b.Append(std::string(3000, 'z'));  // overflows into a standard chunk
  EXPECT_EQ(b.ToString(), std::string(5000, 'b') + "+OK\r\n" + std::string(3000, 'z'));
}

TEST(ChunkedBufferTest, ClearReleasesSharedBlocks) {
  ChunkedBuffer b;
  SharedBytes block = Block(2000, 'c');
  for (int i = 0; i < 1000; ++i) b.AppendShared(block);
  EXPECT_EQ(block.use_count(), 1001);
  EXPECT_EQ(b.size(), 2000u * 1000);
  b.Clear();
  EXPECT_EQ(block.use_count(), 1);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.allocated(), 0u);
}

TEST(ChunkedBufferTest, ManyChunksDrainInOrder) {
  // Thousands of queued shared blocks drained a few bytes at a time: the
  // front index compaction must keep order and accounting right.
  ChunkedBuffer b;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    SharedBytes block = Block(200 + i % 7, static_cast<char>('0' + i % 10));
    b.AppendShared(block);
    expected += *block;
  }
  size_t offset = 0;
  while (!b.empty()) {
    size_t step = std::min<size_t>(b.size(), 777);
    struct iovec iov[1] = {};
    ASSERT_EQ(b.Iov(iov, 1), 1);
    ASSERT_EQ(std::string(static_cast<char*>(iov[0].iov_base), std::min(iov[0].iov_len, step)),
              expected.substr(offset, std::min(iov[0].iov_len, step)));
    b.Consume(step);
    offset += step;
  }
  EXPECT_EQ(offset, expected.size());
  EXPECT_EQ(b.allocated(), 0u);
}

TEST(ChunkedBufferTest, EmptyOrNullBlockQueuesNothing) {
  ChunkedBuffer b;
  b.AppendShared(nullptr);
  b.AppendShared(std::make_shared<const std::string>());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.allocated(), 0u);
}

}  // namespace
}  // namespace spindle

namespace spindle {
namespace {

// A drained small first chunk is kept by the thread and handed to the next
// small reply (what saves a batch of replies the trip through glibc's bins).
TEST(ChunkedBufferTest, SmallFirstChunksAreRecycledOnTheirThread) {
  auto front = [](const ChunkedBuffer& b) {
    struct iovec iov[1] = {};
    EXPECT_EQ(b.Iov(iov, 1), 1);
    return iov[0].iov_base;
  };
  ChunkedBuffer a;
  a.Append("+OK\r\n");
  void* first = front(a);
  a.Consume(a.size());
  ChunkedBuffer b;
  b.Append(":1\r\n");
  EXPECT_EQ(front(b), first);
  EXPECT_EQ(b.ToString(), ":1\r\n");
  // Drained on another thread (an I/O thread writing it out): released
  // there, and the buffer is usable again here.
  std::thread([&] { b.Consume(b.size()); }).join();
  EXPECT_TRUE(b.empty());
  b.Append("+PONG\r\n");
  EXPECT_EQ(b.ToString(), "+PONG\r\n");
}

// Past its grow limit a buffer queues nothing more that needs a new chunk
// and says it was truncated; the chunk that crosses the limit is kept, so
// allocated() is at or over the limit for the owner's check.
TEST(ChunkedBufferTest, GrowLimitStopsGrowthAndMarksTruncated) {
  ChunkedBuffer b;
  b.set_grow_limit(3 * ChunkedBuffer::kChunkSize);
  const std::string piece(1000, 'x');
  for (int i = 0; i < 1000; ++i) b.Append(piece);  // 1 MB asked for
  EXPECT_TRUE(b.truncated());
  EXPECT_GE(b.allocated(), 3 * ChunkedBuffer::kChunkSize);
  EXPECT_LT(b.allocated(), 4 * ChunkedBuffer::kChunkSize);
  const size_t held = b.allocated();
  b.AppendShared(std::make_shared<const std::string>(100000, 'y'));
  EXPECT_EQ(b.allocated(), held);
  // Clearing (the client freed, or a buffer reused) starts over.
  b.Clear();
  EXPECT_FALSE(b.truncated());
  b.Append("+OK\r\n");
  EXPECT_EQ(b.ToString(), "+OK\r\n");
}

TEST(ChunkedBufferTest, UnderItsGrowLimitNothingIsDropped) {
  ChunkedBuffer b;
  b.set_grow_limit(1 << 20);
  const std::string big(100000, 'z');
  b.Append(big);  // one chunk of its own size
  b.AppendShared(std::make_shared<const std::string>(500, 's'));
  EXPECT_FALSE(b.truncated());
  EXPECT_EQ(b.size(), big.size() + 500);
  // A single payload bigger than the limit is kept whole (as Redis adds the
  // block that crosses); only what comes after it is dropped.
  b.set_grow_limit(1000);
  EXPECT_FALSE(b.truncated());
  b.Append("more");
  EXPECT_TRUE(b.truncated());
  EXPECT_EQ(b.size(), big.size() + 500);
}

}  // namespace
}  // namespace spindle
