"""The demand projection beside Social Finance's demand model (cs-demand-model).

Both are fitted on the same SSDA903 episodes and headers (the multi-year
sample in ../shared/data/ssda903-demand-model): a backtest fitted on the
returns for 2017-18 to 2020-21 and projecting the 12 months to 31 March 2022,
set beside the count in the 2021-22 return; and a projection from all five
years. Children in care by age band at 12 months, the engine's mean and 80%
range, the demand model's expected value, and the actual count where known.

    python3 -m venv /tmp/cdm && /tmp/cdm/bin/pip install -r benches/projection/requirements.txt
    /tmp/cdm/bin/python benches/projection/compare.py --engine target/release/scorecard \\
        --data ../shared/data/ssda903-demand-model --sample sample-data

The actual counts are worked out here from the episodes (each child's age on
the day), independently of both models.
"""

import argparse
import csv
import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

BANDS = [(0, "Under 1"), (1, "1 to 4"), (5, "5 to 9"), (10, "10 to 15"), (16, "16 and 17")]
DEMAND_MODEL_BINS = ["BIRTH_TO_ONE", "ONE_TO_FIVE", "FIVE_TO_TEN", "TEN_TO_SIXTEEN", "SIXTEEN_TO_EIGHTEEN"]
REFERENCE_MONTHS = 12


def day(text):
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def years_between(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def band(born, on):
    age = years_between(born, on)
    return max(index for index, (start, _) in enumerate(BANDS) if age >= start)


def read_years(data, years):
    episodes, born = [], {}
    for year in years:
        with open(data / f"{year}-header.csv", newline="") as file:
            for row in csv.DictReader(file):
                born.setdefault(row["CHILD"], day(row["DOB"]))
        with open(data / f"{year}-episodes.csv", newline="") as file:
            episodes.extend(csv.DictReader(file))
    return episodes, born


def read_snapshot(folder):
    """A monthly snapshot's episodes and dates of birth (the sample's)."""
    with open(folder / "ssda903_header.csv", newline="") as file:
        born = {row["CHILD"]: day(row["DOB"]) for row in csv.DictReader(file)}
    with open(folder / "ssda903_episodes.csv", newline="") as file:
        return list(csv.DictReader(file)), born


def engine_projection(engine, episodes, born, month):
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        extracts = project / "data" / month
        extracts.mkdir(parents=True)
        (project / "indicators").mkdir()
        with open(extracts / "ssda903_episodes.csv", "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=["CHILD", "DECOM", "DEC", "PLACE"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(episodes)
        with open(extracts / "ssda903_header.csv", "w", newline="") as file:
            file.write("CHILD,DOB\n")
            file.writelines(f"{child},{b:%d/%m/%Y}\n" for child, b in born.items() if b)
        (project / "scorecard.toml").write_text(
            f"""[authority]
name = "Demand model sample"
code = "E06000999"
[paths]
data = "data"
indicators = ["indicators"]
output = "reports"
[datasets.cla-header]
layout = "monthly"
file = "ssda903_header.csv"
date_formats = ["%d/%m/%Y"]
columns = {{ CHILD = "text", DOB = "date" }}
[datasets.cla-episodes]
layout = "monthly"
file = "ssda903_episodes.csv"
date_formats = ["%d/%m/%Y"]
columns = {{ CHILD = "text", DECOM = "date", DEC = "date", PLACE = "text" }}
[projection]
months = 12
reference_months = {REFERENCE_MONTHS}
"""
        )
        out = project / "projection.json"
        run = subprocess.run([engine, "--project", str(project), "project", "--json", str(out)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"the engine failed ({run.returncode}): {run.stderr}")
        report = json.loads(out.read_text())
    last = report["scenarios"][0]["months"][-1]
    spread = lambda s: (s["mean"], s["lower80"], s["upper80"])
    return report["in_care_by_age"], [spread(s) for s in last["by_age"]], spread(last["total"])


def demand_model_projection(files, end):
    import pandas as pd
    from dateutil.relativedelta import relativedelta
    from cs_demand_model import Config, DemandModellingDataContainer, ModelPredictor, PopulationStats, fs_datastore

    with tempfile.TemporaryDirectory() as folder:
        for path, name in files:
            shutil.copy(path, Path(folder) / name)
        config = Config()
        container = DemandModellingDataContainer(fs_datastore(folder), config)
        stats = PopulationStats(container.enriched_view, config)
        end = pd.Timestamp(end)
        start = end - relativedelta(months=REFERENCE_MONTHS)
        predictor = ModelPredictor.from_model(stats, start, end)
        predicted = predictor.predict(365)
    last = predicted.iloc[-1]
    # Children who leave care move to an (age, NOT_IN_CARE) state, which
    # the model keeps as a column: they are not in care.
    in_care = lambda placement: placement != "NOT_IN_CARE"
    by_bin = [sum(v for (age, placement), v in last.items() if age == name and in_care(placement))
              for name in DEMAND_MODEL_BINS]
    start = sum(v for (_, placement), v in predictor.initial_population.items() if in_care(placement))
    return by_bin, str(predicted.index[-1])[:10], float(start)


def in_care_counts(episodes, born, on):
    counts = [0] * len(BANDS)
    children = {row["CHILD"] for row in episodes
                if day(row["DECOM"]) <= on and (not row["DEC"] or day(row["DEC"]) > on)}
    for child in children:
        if child in born and years_between(born[child], on) < 18:
            counts[band(born[child], on)] += 1
    return counts


def returns_case(data, last_year, actual):
    """Fitted to the returns up to `last_year`'s (which ends on 31 March of
    the next year); the actual count as the next year's return says."""
    years = range(2017, last_year + 1)
    episodes, born = read_years(data, years)
    end = dt.date(last_year + 1, 3, 31)
    files = [(path, path.name) for year in years for path in data.glob(f"{year}-*.csv")]
    actual_counts = in_care_counts(*read_years(data, [last_year + 1]), dt.date(last_year + 2, 3, 31)) if actual else None
    in_last_return = sum(in_care_counts(*read_years(data, [last_year]), end))
    return episodes, born, end, files, actual_counts, f"{in_last_return} in the last return alone"


def sample_case(sample, fitted, actual):
    """The sample authority's snapshot for `fitted` (YYYY-MM), and the
    snapshot 12 months on for the actual count."""
    folder = sample / fitted
    episodes, born = read_snapshot(folder)
    year, month = map(int, fitted.split("-"))
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    files = [(folder / "ssda903_episodes.csv", f"{year}-episodes.csv"), (folder / "ssda903_header.csv", f"{year}-header.csv")]
    later = read_snapshot(sample / actual)
    actual_counts = in_care_counts(*later, end.replace(year=end.year + 1))
    return episodes, born, end, files, actual_counts, "the snapshot's own"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sample", type=Path, help="the sample authority's sample-data folder")
    args = parser.parse_args()
    cases = [
        ("Demand model sample, backtest: fitted to March 2021", lambda: returns_case(args.data, 2020, True)),
        ("Demand model sample, all five years: from March 2022", lambda: returns_case(args.data, 2021, False)),
    ]
    if args.sample:
        cases.append(("Sample authority, backtest: fitted to March 2025", lambda: sample_case(args.sample, "2025-03", "2026-03")))
    for title, case in cases:
        episodes, born, end, files, actual, start_note = case()
        start_counts, engine, engine_total = engine_projection(args.engine, episodes, born, f"{end:%Y-%m}")
        peer, peer_day, peer_start = demand_model_projection(files, end)
        print(f"\n## {title} (rates from the {REFERENCE_MONTHS} months before; demand model to {peer_day})\n")
        print(f"In care at the start: {sum(start_counts)} as the engine reads the episodes, {peer_start:.0f} as the "
              f"demand model does; {start_note}.\n")
        print("| age band | in care at the start | engine at 12 months (80% range) | demand model | actual |")
        print("|---|---|---|---|---|")
        rows = zip(BANDS, start_counts, engine, peer, actual or [None] * len(BANDS))
        for (_, label), start, (mean, low, high), model, real in rows:
            real = "" if real is None else real
            print(f"| {label} | {start} | {mean:.1f} ({low:.0f}-{high:.0f}) | {model:.1f} | {real} |")
        total_real = "" if actual is None else sum(actual)
        mean, low, high = engine_total
        print(f"| total | {sum(start_counts)} | {mean:.1f} ({low:.0f}-{high:.0f}) | {sum(peer):.1f} | {total_real} |")


if __name__ == "__main__":
    main()
