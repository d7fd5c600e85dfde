#include "common/chunked_buffer.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace spindle
