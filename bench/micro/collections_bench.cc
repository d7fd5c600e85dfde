// Micro-benchmarks of the hash and sorted-set payloads (Google Benchmark),
// in both encodings: what the one-allocation nodes and the packed listpacks
// cost or save in time. Build and run: see bench/README.md.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "storage/hash_value.h"
#include "storage/zset_value.h"

namespace spindle::storage {
namespace {

// n 16-byte strings: "member:000000042".
std::vector<std::string> Members(size_t n) {
  std::vector<std::string> out(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "member:%09zu", i);
    out[i] = buf;
  }
  return out;
}

// Arg: elements. 128 and fewer stay listpacks (the default limits).
void BM_HashFill(benchmark::State& state) {
  const auto fields = Members(static_cast<size_t>(state.range(0)));
  const std::string value = "value:0000000000";
  EncodingLimits limits;
  for (auto _ : state) {
    HashValue h;
    for (const auto& f : fields) h.Set(f, value, limits);
    benchmark::DoNotOptimize(h.Length());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HashFill)->Arg(10)->Arg(128)->Arg(1000)->Arg(100000);

void BM_HashGet(benchmark::State& state) {
  const auto fields = Members(static_cast<size_t>(state.range(0)));
  EncodingLimits limits;
  HashValue h;
  for (const auto& f : fields) h.Set(f, "value:0000000000", limits);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.Get(fields[i]));
    if (++i == fields.size()) i = 0;
  }
}
BENCHMARK(BM_HashGet)->Arg(10)->Arg(128)->Arg(100000);

// Values alternating between two lengths: a listpack moves its tail, a
// hashtable node is reallocated and relinked.
void BM_HashUpdateNewLength(benchmark::State& state) {
  const auto fields = Members(static_cast<size_t>(state.range(0)));
  EncodingLimits limits;
  HashValue h;
  for (const auto& f : fields) h.Set(f, "v", limits);
  const std::string values[2] = {"value:0000000000", "v"};
  size_t i = 0;
  size_t round = 0;
  for (auto _ : state) {
    h.Set(fields[i], values[round & 1], limits);
    if (++i == fields.size()) {
      i = 0;
      ++round;
    }
  }
}
BENCHMARK(BM_HashUpdateNewLength)->Arg(10)->Arg(128)->Arg(100000);

void BM_ZSetFill(benchmark::State& state) {
  const auto members = Members(static_cast<size_t>(state.range(0)));
  EncodingLimits limits;
  for (auto _ : state) {
    auto z = ZSetValue::CreateForFirst(limits, members[0].size());
    // Scores out of member order, so inserts land all over the set.
    for (size_t i = 0; i < members.size(); ++i) {
      z->Insert(members[i], static_cast<double>(i * 7919 % 100003), limits);
    }
    benchmark::DoNotOptimize(z->size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ZSetFill)->Arg(10)->Arg(128)->Arg(1000)->Arg(100000);

std::unique_ptr<ZSetValue> FilledZSet(const std::vector<std::string>& members) {
  EncodingLimits limits;
  auto z = ZSetValue::CreateForFirst(limits, members[0].size());
  for (size_t i = 0; i < members.size(); ++i) {
    z->Insert(members[i], static_cast<double>(i * 7919 % 100003), limits);
  }
  return z;
}

void BM_ZSetScore(benchmark::State& state) {
  const auto members = Members(static_cast<size_t>(state.range(0)));
  auto z = FilledZSet(members);
  size_t i = 0;
  double score;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z->Score(members[i], &score));
    if (++i == members.size()) i = 0;
  }
}
BENCHMARK(BM_ZSetScore)->Arg(10)->Arg(128)->Arg(100000);

void BM_ZSetRank(benchmark::State& state) {
  const auto members = Members(static_cast<size_t>(state.range(0)));
  auto z = FilledZSet(members);
  size_t i = 0;
  size_t rank;
  for (auto _ : state) {
    benchmark::DoNotOptimize(z->Rank(members[i], &rank));
    if (++i == members.size()) i = 0;
  }
}
BENCHMARK(BM_ZSetRank)->Arg(10)->Arg(128)->Arg(100000);

// ZINCRBY-like: every member's score moves by one step.
void BM_ZSetUpdateScore(benchmark::State& state) {
  const auto members = Members(static_cast<size_t>(state.range(0)));
  auto z = FilledZSet(members);
  size_t i = 0;
  double score;
  for (auto _ : state) {
    z->Score(members[i], &score);
    z->UpdateScore(members[i], score, score + 13);
    if (++i == members.size()) i = 0;
  }
}
BENCHMARK(BM_ZSetUpdateScore)->Arg(10)->Arg(128)->Arg(100000);

void BM_ZSetRange(benchmark::State& state) {
  const auto members = Members(static_cast<size_t>(state.range(0)));
  auto z = FilledZSet(members);
  for (auto _ : state) {
    size_t n = 0;
    z->Visit(0, 10, false, [&](std::string_view m, double) {
      n += m.size();
      return true;
    });
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_ZSetRange)->Arg(128)->Arg(100000);

}  // namespace
}  // namespace spindle::storage

BENCHMARK_MAIN();
