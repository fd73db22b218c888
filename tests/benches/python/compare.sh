#!/usr/bin/env bash
# Runs the Rust benchmarks of signing and decoding, then times the official
# Python SDK on the same work, and prints both with their ratio.
#
#   tests/benches/python/compare.sh [criterion args, e.g. --measurement-time 10]
#
# The SDK goes into a throwaway virtualenv in a temporary directory; set
# PYTHON_SDK_VENV to a directory to keep (and reuse) it instead.
set -euo pipefail

SDK_VERSION=3.1.195
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"

venv=${PYTHON_SDK_VENV:-}
if [[ -z $venv ]]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    venv=$scratch/venv
fi
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "tencentcloud-sdk-python==$SDK_VERSION"
fi

cargo bench -p tencentcloud-tests --bench signing --bench decode -- "$@" >&2

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "tencentcloud-sdk-python $SDK_VERSION, $("$venv/bin/python" --version), $(nproc) cores"
"$venv/bin/python" tests/benches/python/compare.py \
    --criterion "$target_dir/criterion" \
    --reply tests/fixtures/bench/describe_instances_100.json
