"""Consortium-scale benchmarks (issue: consortium scale, measured against peers).

    python bench.py peers  --engine BIN --work DIR [--authorities 20] [--runs 5]
    python bench.py history --engine BIN --work DIR [--authorities 20] [--runs 5]
    python bench.py scale  --engine BIN --work DIR [--runs 3]

peers: on 20 generated authorities x 36 months, times the engine's
values-only evaluation of the six core indicators (`scorecard values`, the
whole process), the same six in DuckDB SQL and in Python polars
(peers.py, timed after imports), and the floor: polars reading every CSV
file once. Prints medians and ratios; exits 1 if any value differs between
the engine and a peer.

history: the same six from one current extract per authority (its last
month's snapshot read with `layout = "history"`, 36 month ends), engine
against DuckDB seeing every row at every month end.

scale: the full bundle for every authority (`scorecard build --force`, every
shipped indicator) at 1x, 4x and 16x the data (1, 4 and 16 authorities), and 1 vs
12 indicators over the same 4 authorities. Peak memory of every run is
read from the kernel (wait4), so nothing else is needed.

Timings are printed, never asserted: BENCHMARKS.md records them.
"""

import argparse
import csv
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HOLIDAYS = os.path.join(REPO, "crates", "project", "src", "bank_holidays_england_wales.csv")
SIX = [
    "workforce/caseloads-within-limit",
    "workforce/agency-rate",
    "looked-after/placements-3-plus",
    "children-in-need/re-referrals",
    "children-in-need/assessments-in-45-days",
    "child-protection/cp-plans-second-or-subsequent",
]
TWELVE = SIX + [
    "workforce/average-caseload",
    "workforce/turnover-rate",
    "looked-after/children-looked-after-rate",
    "looked-after/long-term-stability",
    "children-in-need/assessment-median-days",
    "child-protection/cp-rate-per-10000",
]


def run(command, capture=False):
    """Run a command; return (wall seconds, peak resident MB, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    output = process.stdout.read().decode() if capture else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024, output


def consortium(engine, work, authorities):
    """Generated data for `authorities` members, made once and kept."""
    data = os.path.join(work, f"data-{authorities}")
    if not os.path.exists(os.path.join(data, "members.csv")):
        shutil.rmtree(data, ignore_errors=True)
        run([engine, "sample", "--authorities", str(authorities), "--out", data])
    return data


def project(work, name, data, definitions):
    """A project folder: the repository's scorecard.toml, the chosen
    definitions and the data, linked in."""
    root = os.path.join(work, name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    ids = {os.path.basename(definition) for definition in definitions}
    with open(os.path.join(REPO, "scorecard.toml")) as source, open(os.path.join(root, "scorecard.toml"), "w") as out:
        out.write(events_of_chosen(source.read(), ids))
    os.symlink(os.path.abspath(data), os.path.join(root, "sample-data"))
    for definition in definitions:
        target = os.path.join(root, "indicators", definition + ".toml")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.symlink(os.path.join(REPO, "indicators", definition + ".toml"), target)
    return root


def events_of_chosen(text, ids):
    """The project file with each event's `indicators` and the `[owners]`
    cut to the chosen definitions (naming an indicator the project lacks is
    an error)."""
    lines, table = [], ""
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            table = line.strip()
        if table == "[owners]" and " = " in line and line.split(" = ")[0].strip() not in ids:
            continue
        if table == "[[events]]" and line.startswith("indicators = ["):
            named = re.findall(r'"([^"]+)"', line)
            kept = [name for name in named if name in ids]
            if not kept:
                continue
            line = "indicators = [" + ", ".join(f'"{name}"' for name in kept) + "]\n"
        lines.append(line)
    return "".join(lines)


def read_values(path):
    with open(path) as file:
        return {
            (row["authority_code"], row["indicator"], row["month"]): (float(row["value"]) if row["value"] else None)
            for row in csv.DictReader(file)
        }


def differences(engine_values, peer_values):
    keys = sorted(set(engine_values) | set(peer_values))

    def same(a, b):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)

    return [(key, engine_values.get(key), peer_values.get(key)) for key in keys
            if key not in engine_values or key not in peer_values or not same(engine_values[key], peer_values[key])]


def median(values):
    return statistics.median(values)


def peers(args):
    data = consortium(args.engine, args.work, args.authorities)
    root = project(args.work, "six", data, SIX)
    files = sum(len(f) for _, _, f in os.walk(data)) - 1
    rows = sum(sum(1 for _ in open(os.path.join(d, f))) - 1 for d, _, fs in os.walk(data) for f in fs if f != "members.csv")
    print(f"data: {args.authorities} authorities x 36 months, {files} CSV files, {rows:,} rows")
    python = sys.executable
    script = os.path.join(HERE, "peers.py")
    outputs = {name: os.path.join(args.work, f"values-{name}.csv") for name in ["engine", "duckdb", "polars"]}
    commands = {
        "engine": [args.engine, "--quiet", "--project", root, "values", "--out", outputs["engine"]],
        "duckdb": [python, script, "duckdb", data, outputs["duckdb"], HOLIDAYS],
        "polars": [python, script, "polars", data, outputs["polars"], HOLIDAYS],
        "floor": [python, script, "floor", data],
        "floor (5 files used)": [python, script, "floor", data, "workforce.csv", "ssda903_episodes.csv",
                                 "cin_referrals.csv", "cin_assessments.csv", "cin_cp_plans.csv"],
    }
    if args.values_only:
        commands = {name: commands[name] for name in ["engine", "duckdb", "polars"]}
    return compare_timed(args, commands, outputs)


def compare_timed(args, commands, outputs):
    """Runs every command `args.runs` times, interleaved; compares each
    peer's values with the engine's; prints medians and ratios."""
    times = {name: [] for name in commands}
    inner = {name: [] for name in commands}
    memory = {name: [] for name in commands}
    for _ in range(args.runs):
        # Interleaved, so that a slow spell on the machine hits every engine.
        for name, command in commands.items():
            seconds, peak, output = run(command, capture=name != "engine")
            times[name].append(seconds)
            memory[name].append(peak)
            inner[name].append(float(output.strip().splitlines()[-1]) if name != "engine" else seconds)
    engine_values = read_values(outputs["engine"])
    failed = False
    for name in [name for name in outputs if name != "engine"]:
        found = differences(engine_values, read_values(outputs[name]))
        print(f"values: engine vs {name}: {len(engine_values)} values, {len(found)} differ")
        for key, ours, theirs in found[:10]:
            print(f"  {key}: engine {ours}, {name} {theirs}")
        failed |= bool(found)
    if args.values_only:
        return 1 if failed else 0
    engine = median(times["engine"])
    print(f"\nmedian of {args.runs} runs (seconds; peers timed after their imports, engine as a whole process)")
    print(f"{'':24} {'time':>7} {'whole process':>14} {'peak MB':>8} {'engine ratio':>13}")
    for name in commands:
        ratio = engine / median(inner[name])
        print(f"{name:24} {median(inner[name]):7.2f} {median(times[name]):14.2f} {median(memory[name]):8.0f} "
              f"{ratio:12.2f}x")
    print("\nengine ratio = engine time / that time: below 1 the engine is faster")
    return 1 if failed else 0


HISTORY = {  # dataset: its extract, read as one current extract per authority
    "workforce": "workforce.csv",
    "cla-episodes": "ssda903_episodes.csv",
    "cin-referrals": "cin_referrals.csv",
    "cin-assessments": "cin_assessments.csv",
    "cp-plans": "cin_cp_plans.csv",
}
HISTORY_MONTHS = ("2023-04", "2026-03")


def history(args):
    """The six from one current extract per authority (its March 2026
    snapshot, read with `layout = "history"` and evaluated at 36 month
    ends), against DuckDB seeing every row at every month end."""
    source = consortium(args.engine, args.work, args.authorities)
    data = os.path.join(args.work, f"history-{args.authorities}")
    if not os.path.exists(os.path.join(data, "members.csv")):
        shutil.rmtree(data, ignore_errors=True)
        for code in sorted(os.listdir(source)):
            latest = os.path.join(source, code, HISTORY_MONTHS[1])
            if os.path.isdir(latest):
                os.makedirs(os.path.join(data, code))
                for file in HISTORY.values():
                    shutil.copy(os.path.join(latest, file), os.path.join(data, code, file))
        shutil.copy(os.path.join(source, "members.csv"), data)
    root = project(args.work, "six-history", data, SIX)
    settings = os.path.join(root, "scorecard.toml")
    text = open(settings).read()
    for dataset in HISTORY:
        start = text.index(f"[datasets.{dataset}]")
        months = f'layout = "history"\nhistory = {{ from = "{HISTORY_MONTHS[0]}", through = "{HISTORY_MONTHS[1]}" }}'
        text = text[:start] + text[start:].replace('layout = "monthly"', months, 1)
    open(settings, "w").write(text)
    outputs = {name: os.path.join(args.work, f"history-values-{name}.csv") for name in ["engine", "duckdb"]}
    commands = {
        "engine": [args.engine, "--quiet", "--project", root, "values", "--out", outputs["engine"]],
        "duckdb": [sys.executable, os.path.join(HERE, "peers.py"), "duckdb-history", data, outputs["duckdb"], HOLIDAYS,
                   *HISTORY_MONTHS],
    }
    print(f"data: {args.authorities} authorities, one current extract each of {len(HISTORY)} datasets, "
          f"{HISTORY_MONTHS[0]} to {HISTORY_MONTHS[1]} month ends")
    return compare_timed(args, commands, outputs)


def scale(args):
    print(f"full bundle for every authority (`build --force`), median of {args.runs} runs")
    print(f"{'case':44} {'rows':>12} {'seconds':>8} {'peak MB':>8} {'vs first':>9}")
    # Data: 1x, 4x, 16x, and the 20 authorities of the targets (peak memory).
    every = all_definitions()
    cases = [("data", f"{n} authorities x {len(every)} indicators", n, every) for n in (1, 4, 16, 20)]
    # Indicators over the same 4 authorities: one on the smallest dataset,
    # one on the largest (every indicator reads what it needs only), then 12.
    for group, definitions in [("small", ["workforce/caseloads-within-limit"]),
                               ("large", ["children-in-need/re-referrals"])]:
        cases.append((group, f"4 authorities x 1 ({definitions[0].split('/')[1]})", 4, definitions))
        cases.append((group, "4 authorities x 12 indicators", 4, TWELVE))
    first = {}
    for group, label, authorities, definitions in cases:
        data = consortium(args.engine, args.work, authorities)
        root = project(args.work, f"{group}-{authorities}-{len(definitions)}", data, definitions)
        rows = sum(sum(1 for _ in open(os.path.join(d, f))) - 1 for d, _, fs in os.walk(data) for f in fs
                   if f != "members.csv")
        measured = [run([args.engine, "--quiet", "--project", root, "build", "--force"]) for _ in range(args.runs)]
        seconds = median([m[0] for m in measured])
        peak = median([m[1] for m in measured])
        first.setdefault(group, seconds)
        print(f"{label:44} {rows:12,} {seconds:8.2f} {peak:8.0f} {seconds / first[group]:8.2f}x")
    return 0


def all_definitions():
    found = []
    for theme in sorted(os.listdir(os.path.join(REPO, "indicators"))):
        for name in sorted(os.listdir(os.path.join(REPO, "indicators", theme))):
            if name.endswith(".toml"):
                found.append(f"{theme}/{name[:-5]}")
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["peers", "history", "scale"])
    parser.add_argument("--engine", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--authorities", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--values-only", action="store_true", help="compare values, print no timings (CI)")
    arguments = parser.parse_args()
    os.makedirs(arguments.work, exist_ok=True)
    sys.exit({"peers": peers, "history": history, "scale": scale}[arguments.what](arguments))
