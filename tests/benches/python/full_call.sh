#!/usr/bin/env bash
# The full-call benchmark (tests/benches/full_call.rs), then the official
# Python SDK against the same local server, side by side with the ratio.
#
#   tests/benches/python/full_call.sh [criterion args, e.g. --measurement-time 10]
#
# The SDK goes into a throwaway virtualenv; set PYTHON_SDK_VENV to a
# directory to keep (and reuse) it instead.
set -euo pipefail

SDK_VERSION=3.1.178
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
        "tencentcloud-sdk-python-common==$SDK_VERSION" "tencentcloud-sdk-python-cvm==$SDK_VERSION"
fi
echo "$("$venv/bin/python" --version), $(nproc) cores"
FULL_CALL_PYTHON="$venv/bin/python" cargo bench -p tencentcloud-tests --bench full_call -- "$@"
