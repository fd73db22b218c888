#!/usr/bin/env bash
# The compile cost of the generated crate: `cargo build` of tencentcloud-cvm
# alone, its dependencies already built, as the median of several runs, and
# that divided by the number of actions (every API module of the crate).
#
#   tests/benches/compile_cost.sh [debug|release] [runs]
set -euo pipefail

profile=${1:-debug}
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# Incremental compilation would reuse the previous run's work: a fresh
# build is what a user's first build (and CI) pays.
export CARGO_INCREMENTAL=0
# A user's default dev profile has full debuginfo; the workspace keeps only
# line tables for its own crates (disk), which would flatter the figure.
export CARGO_PROFILE_DEV_DEBUG=2
flags=(-p tencentcloud-cvm --locked --quiet)
[[ $profile == release ]] && flags+=(--release)

actions=0
for module in api-spec/cvm/*/; do
    count=$(find "$module/actions" -name '*.json' | wc -l)
    echo "$module: $count actions"
    actions=$((actions + count))
done

# Dependencies first, so that each timed run compiles this crate only.
cargo build "${flags[@]}"

times=()
for ((i = 1; i <= runs; i++)); do
    touch generated/cvm/src/lib.rs
    start=$(date +%s%N)
    cargo build "${flags[@]}"
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    echo "run $i: $ms ms"
    times+=("$ms")
done

median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
echo "tencentcloud-cvm ($profile): median $median ms over $runs runs, $actions actions," \
    "$(awk -v m="$median" -v a="$actions" 'BEGIN {printf "%.1f", m / a}') ms per action"
