#!/usr/bin/env python3
"""DfE's looked-after counting rules, written from the methodology and not
from the shipped definitions, run on a multi-year SSDA903 sample and compared
with `scorecard values` on the same returns read through the returns preset.

Each collection year's tables (`YYYY-episodes.csv` and `YYYY-header.csv`,
the year ending 31 March YYYY+1) are filed in the month folder of its
31 March, as a council would file each year's return, and read alone: the
engine sees one return at a time, and so does the reference. DfE's own
long-term stability reads a child's history from earlier returns too; from
one return, a period of care or placement that began before the return's
first episode is dated from that episode, so a child may be missed from
either count but is never wrongly counted (docs/library.md). The sample's years cannot show the size of
that: they were generated independently (73 of the 367 children looked after
at 31 March 2018 are missing from the next year's return).

Python standard library only, so CI runs it with the system interpreter:

    python3 tests/reference/ssda903_dfe.py --engine target/debug/scorecard \
        --returns ../shared/data/ssda903-demand-model --work /tmp/reference

Exit 0 when every figure agrees, 1 when any differs (each difference
printed), 2 when the engine fails.

The rules (docs/library.md, "Counting rules", has the sources):
- children looked after under an agreed series of short-term placements
  (legal status V3, V4) are left out of every figure;
- looked after at 31 March: an episode open on that day;
- starts: children with an episode starting to be looked after (RNE S) in
  the year, each child once (the first occasion);
- ceased: children with an episode ending in the year other than by a
  change of placement or legal status (REC X1), each child once, by the
  last occasion; adopted when that last reason is E11 or E12;
- placement type at 31 March: the placement of the episode open then;
- placements: a placement is a spell with one carer, begun by an episode
  whose reason is S, P or B; a change of legal status (L) or of placement
  with the same carer (T, U) continues it, and so do a temporary placement
  (PLACE T0 to T4: an absence from the placement, not a new one) and the
  return from it (DfE validation rule 383: back to the placement before);
  3 or more placements during the year among children looked after at
  31 March;
- long-term stability: under 16 at 31 March, looked after continuously
  (since the latest start, RNE S) for at least 2.5 years, and in the same
  placement for at least 2 years, or placed for adoption (PLACE A3 to A6)
  with the adoptive placement and the placement before it lasting 2 years
  together.
"""

import argparse
import csv
import datetime as dt
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

SHORT_BREAKS = {"V3", "V4"}
NEW_CARER = {"S", "P", "B"}
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
# DfE's "secure units, children's homes and semi-independent living accommodation".
RESIDENTIAL = {"K1", "K2", "H5"}
ADOPTIVE = {"A3", "A4", "A5", "A6"}
ADOPTED = {"E11", "E12"}
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}


def day(text):
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def years_before(date, years, months=0):
    """The same day `years` and `months` earlier (the last day of the month
    when that day does not exist), counted on the calendar."""
    month_index = date.year * 12 + (date.month - 1) - years * 12 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(date.day, last))
        except ValueError:
            continue
    raise ValueError(date)


class Episode:
    def __init__(self, row):
        self.child = row["CHILD"]
        self.start = day(row["DECOM"])
        self.end = day(row["DEC"])
        self.reason_new = row["RNE"]
        self.legal_status = row["LS"]
        self.place = row["PLACE"]
        self.reason_ceased = row["REC"]

    def open_on(self, date):
        return self.start <= date and (self.end is None or self.end > date)


def children(episodes_file, year_end):
    """Each child's episodes up to the year end, short breaks left out, in
    order of start."""
    by_child = defaultdict(list)
    with open(episodes_file, newline="") as handle:
        for row in csv.DictReader(handle):
            episode = Episode(row)
            if episode.start is None or episode.start > year_end:
                continue
            if episode.legal_status in SHORT_BREAKS:
                continue
            by_child[episode.child].append(episode)
    for episodes in by_child.values():
        episodes.sort(key=lambda e: e.start)
    return by_child


def placements(episodes):
    """The child's placements as (start, end, first episode's PLACE): a new
    one at each new carer; the first episode in the extract begins one
    whatever its reason (the placement began on or before it)."""
    spells = []
    previous_place = None
    for episode in episodes:
        away = episode.place in TEMPORARY or previous_place in TEMPORARY
        if not spells or (episode.reason_new in NEW_CARER and not away):
            spells.append([episode.start, episode.end, episode.place])
        else:
            spells[-1][1] = episode.end
        previous_place = episode.place
    return [tuple(spell) for spell in spells]


def figures(episodes_file, header_file, year_end):
    year_start = years_before(year_end, 1) + dt.timedelta(days=1)
    births = {}
    with open(header_file, newline="") as handle:
        for row in csv.DictReader(handle):
            births[row["CHILD"]] = day(row["DOB"])
    counts = defaultdict(int)
    for child, episodes in children(episodes_file, year_end).items():
        open_now = [e for e in episodes if e.open_on(year_end)]
        if any(year_start <= e.start <= year_end and e.reason_new == "S" for e in episodes):
            counts["starts"] += 1
        ceased = [e for e in episodes if e.end and year_start <= e.end <= year_end and e.reason_ceased != "X1"]
        if ceased:
            counts["ceased"] += 1
            last = max(ceased, key=lambda e: e.end)
            counts["adopted"] += last.reason_ceased in ADOPTED
        if not open_now:
            continue
        counts["looked_after"] += 1
        current = max(open_now, key=lambda e: e.start)
        counts["foster"] += current.place in FOSTER
        counts["residential"] += current.place in RESIDENTIAL
        spells = placements(episodes)
        in_year = [s for s in spells if s[0] <= year_end and (s[1] is None or s[1] > year_start)]
        counts["placements_3_plus"] += len(in_year) >= 3
        for name, count in stability(episodes, spells, births.get(child), year_end).items():
            counts[name] += count
    return counts


def stability(episodes, spells, birth, year_end):
    """Long-term stability's two counts for one child looked after at the
    year end."""
    starts = [e.start for e in episodes if e.reason_new == "S"]
    care_start = max(starts) if starts else episodes[0].start
    under_16 = birth is not None and birth > years_before(year_end, 16)
    if not (under_16 and care_start <= years_before(year_end, 2, 6)):
        return {}
    two_years_ago = years_before(year_end, 2)
    current = [s for s in spells if s[0] <= year_end][-1]
    stable = current[0] <= two_years_ago
    if not stable and current[2] in ADOPTIVE and len(spells) >= 2:
        before = spells[spells.index(current) - 1]
        stable = before[0] <= two_years_ago
    return {"stability_cohort": 1, "stable": int(stable)}


# The engine's figure for each (indicator, numerator, denominator); None for
# a population.
COMPARED = {
    "children-looked-after-rate": ("looked_after", None),
    "cla-starts-rate-per-10000": ("starts", None),
    "adopted": ("adopted", "ceased"),
    "foster-care": ("foster", "looked_after"),
    "residential-care": ("residential", "looked_after"),
    "placements-3-plus": ("placements_3_plus", "looked_after"),
    "long-term-stability": ("stable", "stability_cohort"),
}


def validated(returns, years, work):
    """A copy of the returns with each child's overlapping episodes ended
    where the next begins. An episode ends when the next one starts, and
    DfE's validation rejects a return whose episodes overlap, so a council
    corrects them before its figures count; the synthetic sample overlaps
    (the engine's data-quality check counts them). Both sides read the copy.
    Returns the folder and how many episodes were shortened."""
    folder = work / "validated"
    folder.mkdir(parents=True, exist_ok=True)
    shortened = 0
    for year in years:
        with open(returns / f"{year}-episodes.csv", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        by_child = defaultdict(list)
        for row in rows:
            by_child[row["CHILD"]].append(row)
        for episodes in by_child.values():
            episodes.sort(key=lambda row: day(row["DECOM"]))
            for row, following in zip(episodes, episodes[1:]):
                if row["DEC"] == "" or day(row["DEC"]) > day(following["DECOM"]):
                    row["DEC"], row["REC"] = following["DECOM"], "X1"
                    shortened += 1
        with open(folder / f"{year}-episodes.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        shutil.copyfile(returns / f"{year}-header.csv", folder / f"{year}-header.csv")
    return folder, shortened


def engine_values(engine, returns, years, work):
    project = work / "returns"
    shutil.rmtree(project, ignore_errors=True)
    subprocess.run([engine, "init", str(project), "--preset", "returns"], check=True, capture_output=True)
    for year in years:
        folder = project / "data" / f"{year + 1}-03"
        folder.mkdir(parents=True, exist_ok=True)
        for table in ("episodes", "header"):
            shutil.copyfile(returns / f"{year}-{table}.csv", folder / f"ssda903_{table}.csv")
    # The authority's code in place of the template's placeholder, as a
    # council must, and a population for every year, so the rates are
    # calculable and their numerators (children) can be compared.
    project_file = project / "scorecard.toml"
    text = project_file.read_text().replace('code = "E00000000"', 'code = "E08000025"', 1)
    text = text.replace("[population]\n", "[population]\n2015 = 40000\n", 1)
    project_file.write_text(text)
    out = work / "values.csv"
    done = subprocess.run(
        [engine, "--project", str(project), "--quiet", "values", "--out", str(out)], capture_output=True, text=True
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        sys.exit(2)
    values = {}
    with open(out, newline="") as handle:
        for row in csv.DictReader(handle):
            values[(row["indicator"], row["month"])] = row
    return values


def number(text):
    return None if text == "" else float(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True)
    parser.add_argument("--returns", required=True, type=Path, help="folder of YYYY-episodes.csv, YYYY-header.csv")
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args()
    years = sorted(int(p.name[:4]) for p in args.returns.glob("*-episodes.csv"))
    args.work.mkdir(parents=True, exist_ok=True)
    returns, shortened = validated(args.returns, years, args.work)
    print(f"{shortened} overlapping episodes ended where the next begins, as DfE's validation requires")
    values = engine_values(args.engine, returns, years, args.work)
    differences = 0
    print(f"{'indicator':28} {'31 March':8} {'reference':>12} {'engine':>12}")
    for year in years:
        year_end = dt.date(year + 1, 3, 31)
        reference = figures(returns / f"{year}-episodes.csv", returns / f"{year}-header.csv", year_end)
        for indicator, (numerator, denominator) in COMPARED.items():
            row = values[(indicator, f"{year + 1}-03")]
            expected = (float(reference[numerator]), float(reference[denominator]) if denominator else 40000.0)
            found = (number(row["numerator"]), number(row["denominator"]))
            mark = "" if found == expected else "   DIFFERENT"
            differences += bool(mark)
            shown = lambda pair: f"{pair[0]:g}/{pair[1]:g}" if None not in pair else str(pair)
            print(f"{indicator:28} {year + 1:8} {shown(expected):>12} {shown(found):>12}{mark}")
    if differences:
        print(f"{differences} figures differ from DfE's rules", file=sys.stderr)
        sys.exit(1)
    print(f"all {len(years) * len(COMPARED)} figures agree with DfE's rules applied by the reference")


if __name__ == "__main__":
    main()
