#!/usr/bin/env bash
# The long chaos run: examples/cashback.sql (plus a MariaDB sink) and examples/purchases.sql
# exactly-once on the local stack for MINUTES while a driver (test/integration/chaos_test.cpp)
# randomly kill -9s sluice, takes PostgreSQL or MariaDB down for 2-8 s, fills the spill disk (a
# 1 MB tmpfs) during a PostgreSQL outage, restarts the broker, makes a consumer join the purchases
# group (a rebalance) and injects poison records; afterwards every output must equal the
# independent computation from the input topics. Prints the seed, the faults, the rows compared
# and the verdict.
# Needs root (the tmpfs).
#
#   bench/chaos.sh [minutes=10] [seed=random]   (the test suite runs the same for 60 s, seed 84)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINUTES=${1:-10}
tests="$ROOT/build/release/test/sluice_integration_tests"
[[ -x $tests ]] || { echo "build first: scripts/build release" >&2; exit 1; }
"$ROOT/scripts/stack" up >/dev/null
# shellcheck disable=SC1091
source "$ROOT/.stack/env"
export SLUICE_CHAOS_SECONDS=$((MINUTES * 60))
export SLUICE_CHAOS_SEED=${2:-random}
start=$(date +%s)
log=$(mktemp /tmp/sluice-chaos.XXXXXX)
status=0
"$tests" --gtest_filter='Chaos.*' >"$log" 2>&1 || status=$?
grep -E '^chaos:|Failure|FAILED|PASSED' "$log" || true
echo "chaos run of $MINUTES min took $(($(date +%s) - start)) s; exit $status (full output: $log)"
exit "$status"
