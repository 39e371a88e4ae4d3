"""Rolling-origin backtest of the demand projection on the sample authority.

From each month end with 12 months of episodes before it and 12 after (in
the latest snapshot), `scorecard project --month` projects 12 months on;
the actual count on that month end is worked out here from the latest
snapshot's episodes and headers (children under 18 with an episode open on
the day). Prints each origin and how often the actual fell inside the
projection's 80% and 95% ranges, and the mean absolute error of the mean.

    python3 benches/projection/backtest.py --engine target/release/scorecard --project .

The origins overlap (each projects 12 months, a month apart), so they are
far from independent: read the coverage as a check, not a measurement.
"""

import argparse
import csv
import datetime as dt
import json
import subprocess
import tempfile
from pathlib import Path


def day(text):
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def month_end(year, month):
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def in_care(snapshot, on):
    with open(snapshot / "ssda903_header.csv", newline="") as file:
        born = {row["CHILD"]: day(row["DOB"]) for row in csv.DictReader(file)}
    with open(snapshot / "ssda903_episodes.csv", newline="") as file:
        children = {row["CHILD"] for row in csv.DictReader(file)
                    if day(row["DECOM"]) <= on and (not row["DEC"] or day(row["DEC"]) > on)}
    adult = lambda child: (on.year - born[child].year - ((on.month, on.day) < (born[child].month, born[child].day))) >= 18
    return sum(1 for child in children if child in born and not adult(child))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--project", type=Path, default=Path("."))
    args = parser.parse_args()
    data = args.project / "sample-data"
    months = sorted(path.name for path in data.iterdir() if path.is_dir())
    latest = data / months[-1]
    last_year, last_month = map(int, months[-1].split("-"))
    inside80 = inside95 = 0
    errors = []
    print("| origin | projected 12 months on (80% range) | actual | inside 80% | inside 95% |")
    print("|---|---|---|---|---|")
    origins = [m for m in months[12:] if (last_year * 12 + last_month) - (int(m[:4]) * 12 + int(m[5:])) >= 12]
    for origin in origins:
        year, month = map(int, origin.split("-"))
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([args.engine, "--project", str(args.project), "project", "--month", origin, "--json", out.name],
                           check=True, capture_output=True)
            report = json.loads(Path(out.name).read_text())
        total = report["scenarios"][0]["months"][11]["total"]
        target = month_end(year + 1, month)
        actual = in_care(latest, target)
        hit80 = total["lower80"] <= actual <= total["upper80"]
        hit95 = total["lower95"] <= actual <= total["upper95"]
        inside80 += hit80
        inside95 += hit95
        errors.append(abs(total["mean"] - actual))
        print(f"| {origin} | {total['mean']:.1f} ({total['lower80']:.0f}-{total['upper80']:.0f}) | {actual} | "
              f"{'yes' if hit80 else 'no'} | {'yes' if hit95 else 'no'} |")
    count = len(origins)
    print(f"\n{count} origins: actual inside the 80% range {inside80} times ({100 * inside80 / count:.0f}%), "
          f"inside the 95% range {inside95} times ({100 * inside95 / count:.0f}%); "
          f"mean absolute error {sum(errors) / count:.1f} children")


if __name__ == "__main__":
    main()
