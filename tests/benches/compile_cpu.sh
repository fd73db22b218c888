#!/usr/bin/env bash
# The compile cost of one generated crate in CPU time and peak memory, which
# other work on a shared machine disturbs far less than wall time:
# `cargo build` (or `check`) of the package alone, its dependencies already
# built, several runs; prints each run's wall and CPU (user + sys of cargo
# and rustc) seconds and the largest process's peak RSS (`/usr/bin/time`).
#
#   tests/benches/compile_cpu.sh <package> [build|check] [runs] [cargo args…]
#
# As compile_cost.sh: not incremental, full debuginfo (a user's dev profile).
set -euo pipefail

package=${1:?package}
mode=${2:-build}
runs=${3:-3}
shift $(($# < 3 ? $# : 3))
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=2
flags=(-p "$package" --quiet "$@")

manifest=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c "import json,sys; print(next(p['manifest_path'] for p in json.load(sys.stdin)['packages'] if p['name'] == '$package'))")
src=$(dirname "$manifest")/src/lib.rs

cargo "$mode" "${flags[@]}"
cpus=()
for ((i = 1; i <= runs; i++)); do
    touch "$src"
    /usr/bin/time -f '%e %U %S %M' -o /tmp/compile_cpu.$$ cargo "$mode" "${flags[@]}"
    read -r wall user sys rss </tmp/compile_cpu.$$
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    echo "run $i: wall ${wall} s, cpu ${cpu} s, peak rss $((rss / 1024)) MB"
    cpus+=("$cpu")
done
rm -f /tmp/compile_cpu.$$
median=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
echo "$package ($mode): median cpu $median s over $runs runs"
