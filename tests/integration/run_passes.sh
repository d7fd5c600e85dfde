#!/bin/sh
# Runs the integration suite once per io-threads setting given (default:
# 1 and 2), the passes at the same time, against $SPINDLE_SERVER; prints each
# pass's output in turn and fails if any pass failed.
#
# Why concurrently: the suite spends most of its time waiting on servers
# (replies, timeouts, polls), not on CPU, so two passes side by side take
# little longer than one on this 2-core machine, and `make test` stays under
# its 15-minute budget. Each pass starts its own servers on free ports.
#
#   tests/integration/run_passes.sh [io-threads ...]   (PY: the interpreter)
set -u
PY=${PY:-/usr/bin/python3}
[ $# -gt 0 ] || set -- 1 2
dir=$(mktemp -d)
pids=""
for n in "$@"; do
  SPINDLE_TEST_IO_THREADS=$n "$PY" -m pytest -q -p no:cacheprovider tests/integration \
    > "$dir/io$n.log" 2>&1 &
  pids="$pids $!"
done
status=0
for p in $pids; do
  wait "$p" || status=1
done
for n in "$@"; do
  echo "== integration suite, io-threads $n"
  cat "$dir/io$n.log"
done
rm -rf "$dir"
exit $status
