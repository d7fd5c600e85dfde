// Fan-out of one published message to N subscriber buffers, the two ways
// PubSub can deliver it: the frame's prefix ("*3\r\n$7\r\nmessage\r\n") and
// body copied into every buffer (Append), or both queued by reference
// (AppendShared), or PubSub's rule (AppendSharedOrCopy). Each buffer is then drained the way the
// server writes it (Iov, the bytes copied out as writev would, Consume). Where the two lines cross
// is PubSub's kShareMinBytes. Build and run: bench/README.md.

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/chunked_buffer.h"

namespace spindle {
namespace {

constexpr int kReceivers = 100;
const SharedBytes kPrefix = std::make_shared<const std::string>("*3\r\n$7\r\nmessage\r\n");

void Drain(ChunkedBuffer* b, std::vector<char>* sink) {
  struct iovec iov[64];
  while (!b->empty()) {
    int n = b->Iov(iov, 64);
    size_t total = 0;
    for (int i = 0; i < n; ++i) {
      if (sink->size() < iov[i].iov_len) sink->resize(iov[i].iov_len);
      std::memcpy(sink->data(), iov[i].iov_base, iov[i].iov_len);
      total += iov[i].iov_len;
    }
    b->Consume(total);
  }
}

enum Mode { kCopy, kShare, kHybrid };

// kHybrid is PubSub's rule: copy below 512 bytes when the tail has room.
void Deliver(Mode mode, ChunkedBuffer* b, const SharedBytes& body) {
  switch (mode) {
    case kCopy:
      b->Append(*kPrefix);
      b->Append(*body);
      break;
    case kShare:
      b->AppendShared(kPrefix);
      b->AppendShared(body);
      break;
    case kHybrid:
      b->AppendSharedOrCopy(kPrefix, 512);
      b->AppendSharedOrCopy(body, 512);
      break;
  }
}

template <Mode kMode>
void BM_FanOut(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<ChunkedBuffer> buffers(kReceivers);
  std::vector<char> sink;
  for (auto _ : state) {
    // One body per publish, as PubSub builds it.
    auto body = std::make_shared<const std::string>(size, 'x');
    for (auto& b : buffers) Deliver(kMode, &b, body);
    for (auto& b : buffers) Drain(&b, &sink);
  }
  state.SetBytesProcessed(state.iterations() * kReceivers * static_cast<int64_t>(size));
}

// Several publishes queued before the subscribers drain (a slow reader, or
// a burst within one loop iteration).
template <Mode kMode>
void BM_FanOutBurst(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<ChunkedBuffer> buffers(kReceivers);
  std::vector<char> sink;
  for (auto _ : state) {
    for (int m = 0; m < 16; ++m) {
      auto body = std::make_shared<const std::string>(size, 'x');
      for (auto& b : buffers) Deliver(kMode, &b, body);
    }
    for (auto& b : buffers) Drain(&b, &sink);
  }
  state.SetBytesProcessed(state.iterations() * 16 * kReceivers * static_cast<int64_t>(size));
}

#define SIZES \
  Arg(16)->Arg(128)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Arg(4096)->Arg(16384)->Arg(65536)
BENCHMARK_TEMPLATE(BM_FanOut, kCopy)->SIZES;
BENCHMARK_TEMPLATE(BM_FanOut, kShare)->SIZES;
BENCHMARK_TEMPLATE(BM_FanOut, kHybrid)->SIZES;
BENCHMARK_TEMPLATE(BM_FanOutBurst, kCopy)->SIZES;
BENCHMARK_TEMPLATE(BM_FanOutBurst, kShare)->SIZES;
BENCHMARK_TEMPLATE(BM_FanOutBurst, kHybrid)->SIZES;

}  // namespace
}  // namespace spindle

BENCHMARK_MAIN();
