"""Issue 33's backtest, the peer's side: Python statsforecast's AutoETS on
the same series, origins and horizons as the engine's rolling-origin
backtest (`cargo bench --bench forecast_backtest`, which writes series.csv
and engine.csv), scored the same way: the share of later values inside the
80% and 95% intervals, and each series' MASE (mean absolute error over the
mean in-sample seasonal naive error, 12 months back), its median over
series.

    python3 benches/forecast/backtest.py target/forecast-backtest
"""

import csv
import statistics
import sys
import time
from collections import defaultdict

import numpy as np
from statsforecast.models import AutoETS


def read(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def score(rows, label, seconds):
    inside80 = sum(float(r["lower80"]) <= float(r["actual"]) <= float(r["upper80"]) for r in rows)
    inside95 = sum(float(r["lower95"]) <= float(r["actual"]) <= float(r["upper95"]) for r in rows)
    errors, scales = defaultdict(float), defaultdict(float)
    for r in rows:
        if float(r["scale_naive"]) > 0:
            errors[r["series"]] += abs(float(r["actual"]) - float(r["point"]))
            scales[r["series"]] += float(r["scale_naive"])
    mases = sorted(errors[s] / scales[s] for s in errors)
    n = len(rows)
    print(
        f"{label}: {n} forecasts of {len(mases)} series in {seconds:.1f} s; "
        f"80% intervals held {100 * inside80 / n:.1f}%, 95% held {100 * inside95 / n:.1f}%; "
        f"median MASE {statistics.median(mases):.3f}"
    )


def main(folder):
    series = defaultdict(list)
    for row in read(f"{folder}/series.csv"):
        series[row["series"]].append((row["period"], float(row["value"])))
    engine = read(f"{folder}/engine.csv")
    origins = sorted({(r["series"], r["origin"]) for r in engine})
    wanted = defaultdict(set)
    for r in engine:
        wanted[(r["series"], r["origin"])].add(int(r["h"]))

    def naive_scale(values):
        diffs = [abs(values[t] - values[t - 12]) for t in range(12, len(values))]
        return sum(diffs) / max(len(diffs), 1)

    peer, engine_scored = [], []
    started = time.time()
    for name, origin in origins:
        points = series[name]
        periods = [p for p, _ in points]
        upto = periods.index(origin) + 1
        y = np.array([v for _, v in points[:upto]])
        scale = naive_scale(list(y))
        fitted = AutoETS(season_length=1).fit(y)
        predicted = fitted.predict(h=12, level=[80, 95])
        for h in sorted(wanted[(name, origin)]):
            actual = points[upto + h - 1][1]
            peer.append(
                {
                    "series": name,
                    "actual": actual,
                    "point": predicted["mean"][h - 1],
                    "lower80": predicted["lo-80"][h - 1],
                    "upper80": predicted["hi-80"][h - 1],
                    "lower95": predicted["lo-95"][h - 1],
                    "upper95": predicted["hi-95"][h - 1],
                    "scale_naive": scale,
                }
            )
    seconds = time.time() - started
    for r in engine:
        points = series[r["series"]]
        upto = [p for p, _ in points].index(r["origin"]) + 1
        engine_scored.append({**r, "scale_naive": naive_scale([v for _, v in points[:upto]])})
    score(engine_scored, "engine (AutoETS, augurs; its scale as run)", float("nan"))
    score(peer, "statsforecast AutoETS (original scale)", seconds)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/forecast-backtest")
