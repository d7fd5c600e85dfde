# Spindle: top-level entry points. See README.md.
#
#   make            build build/spindle-server (RelWithDebInfo: -O2 -g)
#   make run        build and start the server on built-in defaults (ARGS=... to add options)
#   make test       install missing Debian packages, build, run every test
#   make difftest   long differential run: OPS=N (default 100000) on every backend
#   make test-asan  ASan + UBSan build, unit and integration suites
#   make fuzz       run every libFuzzer target (FUZZ_SECONDS each, default 60)
#   make bench      side-by-side benchmarks against redis-server (bench/)
#   make bench-bgsave  BGSAVE of BGSAVE_KEYS (default 10M) keys beside redis-server:
#                   fork time, throughput beside the child, copy-on-write (~3 GB RAM)
#   make bench-backends  every --io-backend with 0..15000 idle connections
#                   (docs/BACKENDS.md; rewrites docs/images/backends.png)
#   make bench-idle  memory per idle connection (IDLE_CONNS, default 10000) beside redis-server

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
PY         := /usr/bin/python3
OPS        ?= 100000
FUZZ_SECONDS ?= 60
ARGS       ?=
BGSAVE_KEYS ?= 10000000
BACKENDS_REQUESTS ?= 100000
BACKENDS_ROUNDS ?= 3
IDLE_CONNS ?= 10000

# Debian packages the build and the tests need. redis-server and redis-tools
# are the reference implementation and the client tools the tests drive;
# jemalloc is the allocator (memory accounting, docs/MEMORY.md); libssl-dev is
# the TLS transport's OpenSSL, openssl makes the tests' certs.
DEB_PACKAGES := cmake ninja-build g++ clang libgtest-dev libjemalloc-dev libssl-dev openssl \
                redis-server redis-tools python3-pytest python3-redis

.PHONY: all build run deps test test-unit test-integration test-differential difftest \
        test-asan fuzz fuzz-smoke bench bench-bgsave bench-backends bench-idle clean

all: build

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/spindle-server $(ARGS)

# Installs whatever is missing: apt-get when root, otherwise prints the exact
# command and stops.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages. Run:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

test: deps build test-unit test-integration test-differential fuzz-smoke

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The suite runs twice: on the main thread alone, and with two I/O threads
# taking the reads, the parsing and the writes (io-threads 2).
# The whole suite with io-threads 1 and with io-threads 2, the two passes side
# by side (tests/integration/run_passes.sh).
test-integration: build
	SPINDLE_SERVER=$(CURDIR)/$(BUILD)/spindle-server PY=$(PY) tests/integration/run_passes.sh 1 2

test-differential: build
	SPINDLE_SERVER=$(CURDIR)/$(BUILD)/spindle-server $(PY) -m pytest -q tests/differential

difftest: build
	@for b in epoll epoll-et poll select; do \
	  $(PY) tests/differential/difftest.py --ops $(OPS) --backend $$b \
	    --spindle $(CURDIR)/$(BUILD)/spindle-server || exit 1; \
	done

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPINDLE_SANITIZE=ON
	ninja -C $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)
	SPINDLE_SERVER=$(CURDIR)/$(ASAN_BUILD)/spindle-server $(PY) -m pytest -q tests/integration
	SPINDLE_TEST_IO_THREADS=2 SPINDLE_SERVER=$(CURDIR)/$(ASAN_BUILD)/spindle-server \
	  $(PY) -m pytest -q tests/integration

$(FUZZ_BUILD)/build.ninja:
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DSPINDLE_FUZZ=ON \
	  -DSPINDLE_TESTS=OFF

# Each fuzzer for FUZZ_SECONDS; fuzz-smoke (part of make test) runs each briefly.
fuzz: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS)
	@for f in $(FUZZ_BUILD)/fuzz/*_fuzz; do \
	  echo "== $$f"; $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 || exit 1; \
	done

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=10

bench: build
	$(PY) bench/compare.py --spindle $(CURDIR)/$(BUILD)/spindle-server

# Not part of `bench`: it holds two 10M-key datasets' worth of memory in turn
# and runs for minutes.
bench-bgsave: build
	$(PY) bench/bgsave_bench.py $(CURDIR)/$(BUILD)/spindle-server --keys $(BGSAVE_KEYS)

# Not part of `bench` either: tens of thousands of connections per backend, and
# poll at 15000 idle connections serves a few thousand requests a second.
bench-backends: build
	$(PY) bench/backends.py $(CURDIR)/$(BUILD)/spindle-server --requests $(BACKENDS_REQUESTS) \
	  --rounds $(BACKENDS_ROUNDS) --png docs/images/backends.png

bench-idle: build
	$(PY) bench/idle_conns.py $(CURDIR)/$(BUILD)/spindle-server --conns $(IDLE_CONNS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
