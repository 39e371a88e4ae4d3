#!/usr/bin/env bash
# The sample authority's looked-after indicators from its 36 monthly
# snapshots of `cla-episodes`, and from one history extract (the March 2026
# snapshot, read as `layout = "history"`): wall time and peak memory of
# `scorecard values`, median of 5 runs each, one after the other.
# Usage: benches/history/run.sh [path/to/scorecard]   (default: the release binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-${CARGO_TARGET_DIR:-target}/release/scorecard}"
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
for shape in snapshots history; do
    mkdir -p "$work/$shape/indicators/looked-after"
    cp -r sample-data "$work/$shape/"
    cp indicators/looked-after/{children-looked-after-rate,placements-3-plus,long-term-stability}.toml \
        "$work/$shape/indicators/looked-after/"
    sed -n '1,/^\[\[events\]\]/p' scorecard.toml | grep -v '^\[\[events\]\]' > "$work/$shape/scorecard.toml"
done
cp sample-data/2026-03/ssda903_episodes.csv "$work/history/sample-data/ssda903_episodes.csv"
python3 - "$work/history/scorecard.toml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
start = text.index("[datasets.cla-episodes]")
text = text[:start] + text[start:].replace('layout = "monthly"', 'layout = "history"', 1)
open(path, "w").write(text)
PY
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; binary: $bin"
for shape in snapshots history; do
    runs=()
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin" --project "$work/$shape" values >/dev/null 2>"$work/log"
        runs+=("$(cat "$work/time")")
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p | awk -v shape="$shape" '{printf "%-9s median of 5: %.2f s, peak %.0f MB\n", shape, $1, $2/1024}'
done
# The same values either way where the definitions coincide: shown, not asserted.
"$bin" --project "$work/snapshots" values 2>/dev/null | tail -3
"$bin" --project "$work/history" values 2>/dev/null | tail -3
