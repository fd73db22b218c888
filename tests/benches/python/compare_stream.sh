#!/usr/bin/env bash
# Runs the Rust stream benchmark, then times the official Python SDK's
# stream reader on the same bytes, and prints both with their ratio.
#
#   tests/benches/python/compare_stream.sh [criterion args, e.g. --measurement-time 10]
#
# The SDK goes into a throwaway virtualenv in a temporary directory; set
# PYTHON_SDK_VENV to a directory to keep (and reuse) it instead.
set -euo pipefail

# The newest tencentcloud-sdk-python-hunyuan on PyPI, with its own common.
SDK_VERSION=3.1.180
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
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "tencentcloud-sdk-python-common==$SDK_VERSION" "tencentcloud-sdk-python-hunyuan==$SDK_VERSION"
fi

cargo bench -p tencentcloud-tests --bench stream -- "$@" >&2

target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "tencentcloud-sdk-python-hunyuan $SDK_VERSION, $("$venv/bin/python" --version), $(nproc) cores"
"$venv/bin/python" tests/benches/python/compare_stream.py --criterion "$target_dir/criterion"
