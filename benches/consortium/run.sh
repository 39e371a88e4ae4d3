#!/usr/bin/env bash
# Consortium benchmarks against DuckDB and Python polars (see BENCHMARKS.md).
#
#   bash benches/consortium/run.sh            # peers, then scale
#   bash benches/consortium/run.sh peers      # or just one; RUNS=5 by default
#
# Builds the engine in release, installs the Python peers into a virtual
# environment from PyPI, generates the consortium data once (kept in the
# work folder) and prints the figures. Exits 1 if a peer's value differs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/scorecard-target}
work=${BENCH_WORK:-$CARGO_TARGET_DIR/consortium-bench}
mkdir -p "$work"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
for what in ${1:-peers scale}; do
  "$work/venv/bin/python" "$here/bench.py" "$what" --engine "$CARGO_TARGET_DIR/release/scorecard" \
    --work "$work" --runs "${RUNS:-5}"
done
