// Micro-benchmarks of the storage layer (Google Benchmark). Build and run:
// see bench/README.md.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/hashtable.h"
#include "storage/keyspace.h"

namespace spindle::storage {
namespace {

std::vector<std::string> MakeKeys(size_t n) {
  std::vector<std::string> keys(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "key:%010zu", i);
    keys[i] = buf;
  }
  return keys;
}

void BM_HashKey14(benchmark::State& state) {
  std::string key = "key:0000012345";
  for (auto _ : state) benchmark::DoNotOptimize(HashKey(key));
}
BENCHMARK(BM_HashKey14);

void BM_ValueFromString(benchmark::State& state) {
  std::string s(static_cast<size_t>(state.range(0)), 'v');
  for (auto _ : state) benchmark::DoNotOptimize(Value::FromString(s));
}
BENCHMARK(BM_ValueFromString)->Arg(16)->Arg(40)->Arg(100);

void BM_ValueFromIntString(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Value::FromString("1234567"));
}
BENCHMARK(BM_ValueFromIntString);

// Inserting N keys into an empty database (growth and rehash included).
void BM_DatabaseSetGrow(benchmark::State& state) {
  auto keys = MakeKeys(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Keyspace ks(1);
    for (const auto& k : keys) ks.db(0).Set(k, Value::FromString("val:000000000001"));
    state.PauseTiming();
    ks.db(0).Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DatabaseSetGrow)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_DatabaseLookupHit(benchmark::State& state) {
  auto keys = MakeKeys(static_cast<size_t>(state.range(0)));
  Keyspace ks(1);
  for (const auto& k : keys) ks.db(0).Set(k, Value::FromString("val:000000000001"));
  while (ks.db(0).RehashStep(1000)) {
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ks.db(0).LookupRead(keys[i], 0));
    if (++i == keys.size()) i = 0;
  }
}
BENCHMARK(BM_DatabaseLookupHit)->Arg(1 << 10)->Arg(1 << 20);

void BM_DatabaseLookupWithTtl(benchmark::State& state) {
  auto keys = MakeKeys(1 << 16);
  Keyspace ks(1);
  for (const auto& k : keys) {
    ks.db(0).Set(k, Value::FromString("v"));
    ks.db(0).SetExpire(k, INT64_MAX);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ks.db(0).LookupRead(keys[i], 0));
    if (++i == keys.size()) i = 0;
  }
}
BENCHMARK(BM_DatabaseLookupWithTtl);

void BM_ScanFullTable(benchmark::State& state) {
  auto keys = MakeKeys(1 << 16);
  Keyspace ks(1);
  for (const auto& k : keys) ks.db(0).Set(k, Value::FromString("v"));
  for (auto _ : state) {
    uint64_t cursor = 0;
    size_t n = 0;
    do {
      cursor = ks.db(0).Scan(cursor, [&](std::string_view, const Value&) { ++n; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * (1 << 16));
}
BENCHMARK(BM_ScanFullTable);

}  // namespace
}  // namespace spindle::storage

BENCHMARK_MAIN();
