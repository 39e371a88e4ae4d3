"""The six core indicators, written independently of the engine, as a data
team would write them: once in DuckDB SQL and once in Python polars. Also
the floor: reading every CSV file once with polars and nothing else.

    python peers.py duckdb|polars DATA_DIR OUT.csv HOLIDAYS.csv
    python peers.py duckdb-history DATA_DIR OUT.csv HOLIDAYS.csv FIRST_MONTH LAST_MONTH
    python peers.py floor DATA_DIR [DATASET_FILE ...]

DATA_DIR is a consortium's data folder (`scorecard sample --authorities N`):
DATA_DIR/<authority code>/<YYYY-MM>/<extract>.csv. Each month's extract is
that month's snapshot; every indicator is worked out for every authority
and month from that snapshot alone. The definitions (see indicators/*.toml
in the repository, which these must match):

  caseloads-within-limit  case-holding social workers (OrgRole 5) in post at
                          month end with Cases30 <= 25 (18 for ASYE,
                          CFKSSstatus 1), as a % of those in post
  agency-rate             agency FTE / all FTE in post at month end, %
  placements-3-plus       children looked after at month end with 3+
                          placements in the 12 months to month end, %
                          (placement open at window start, plus each episode
                          starting in the window with a new carer, RNE in S,P,B)
  re-referrals            referrals in the 12 months to month end within 12
                          months of the child's previous referral, %
  assessments-in-45-days  assessments authorised in the month within 45
                          working days (after the start date, up to and
                          including the authorisation date; weekends and
                          England and Wales bank holidays excluded), %
  cp-plans-second-or-subsequent
                          CP plans starting in the 12 months to month end
                          that are a second or later plan, %

Writes authority_code,indicator,month,value (blank when not calculable).
Prints the seconds spent after imports, so interpreter start-up is not
counted against the peers.
"""

import glob
import os
import sys
import time

SIX = [
    "caseloads-within-limit",
    "agency-rate",
    "placements-3-plus",
    "re-referrals",
    "assessments-in-45-days",
    "cp-plans-second-or-subsequent",
]


def files_of(data_dir, name):
    return sorted(glob.glob(os.path.join(data_dir, "*", "[0-9][0-9][0-9][0-9]-[0-9][0-9]", name)))


def snapshots_of(data_dir):
    """Every (authority, month) with a month folder."""
    folders = glob.glob(os.path.join(data_dir, "*", "[0-9][0-9][0-9][0-9]-[0-9][0-9]"))
    return sorted(tuple(folder.split(os.sep)[-2:]) for folder in folders)


# ---------------------------------------------------------------- DuckDB ----

DUCKDB_SQL = """
CREATE TEMP TABLE snapshots AS
SELECT authority, month,
       CAST(month || '-01' AS DATE) AS period_start,
       CAST(last_day(CAST(month || '-01' AS DATE)) AS DATE) AS period_end,
       CAST(CAST(month || '-01' AS DATE) - INTERVAL 11 MONTH AS DATE) AS rolling_start
FROM (VALUES {snapshots}) t(authority, month);

CREATE TEMP TABLE working_days AS
WITH days AS (
  SELECT CAST(d AS DATE) AS day FROM range(DATE '2010-01-01', DATE '2032-01-01', INTERVAL 1 DAY) t(d)
)
SELECT day,
       SUM(CASE WHEN isodow(day) <= 5 AND day NOT IN (SELECT CAST(date AS DATE) FROM read_csv('{holidays}', header = true))
                THEN 1 ELSE 0 END) OVER (ORDER BY day) AS working_day_number
FROM days;

-- The extracts' layouts are known, so they are declared rather than sniffed
-- (sniffing each of thousands of small files is most of DuckDB's time).
CREATE TEMP MACRO read_extract(files, date_format, layout) AS TABLE
SELECT string_split(filename, '/')[-3] AS authority, string_split(filename, '/')[-2] AS month, *
FROM read_csv(files, filename = true, header = true, auto_detect = false, delim = ',', quote = '"',
              dateformat = date_format, columns = layout);

CREATE TEMP VIEW workforce AS FROM read_extract({workforce}, '%d/%m/%Y', {{
  'SWENo': 'VARCHAR', 'Team': 'VARCHAR', 'AgencyWorker': 'INTEGER', 'FTE': 'DOUBLE', 'OrgRole': 'INTEGER',
  'RoleStartDate': 'DATE', 'RoleEndDate': 'DATE', 'Cases30': 'INTEGER', 'CFKSSstatus': 'INTEGER'}});

CREATE TEMP VIEW episodes AS FROM read_extract({episodes}, '%d/%m/%Y', {{
  'CHILD': 'VARCHAR', 'DECOM': 'DATE', 'RNE': 'VARCHAR', 'LS': 'VARCHAR', 'CIN': 'VARCHAR', 'PLACE': 'VARCHAR',
  'PLACE_PROVIDER': 'VARCHAR', 'DEC': 'DATE', 'REC': 'VARCHAR', 'REASON_PLACE_CHANGE': 'VARCHAR',
  'HOME_POST': 'VARCHAR', 'PL_POST': 'VARCHAR', 'URN': 'VARCHAR', 'PL_DISTANCE': 'DOUBLE'}});

CREATE TEMP VIEW referrals AS FROM read_extract({referrals}, '%Y-%m-%d', {{
  'LAchildID': 'VARCHAR', 'CINdetailsID': 'VARCHAR', 'CINreferralDate': 'DATE', 'ReferralSource': 'VARCHAR',
  'PrimaryNeedCode': 'VARCHAR', 'CINclosureDate': 'DATE', 'ReasonForClosure': 'VARCHAR', 'ReferralNFA': 'INTEGER'}});

CREATE TEMP VIEW assessments AS FROM read_extract({assessments}, '%Y-%m-%d', {{
  'LAchildID': 'VARCHAR', 'CINdetailsID': 'VARCHAR', 'AssessmentID': 'VARCHAR', 'AssessmentActualStartDate': 'DATE',
  'AssessmentAuthorisationDate': 'DATE', 'AssessmentFactors': 'VARCHAR'}});

CREATE TEMP VIEW cp_plans AS FROM read_extract({cp_plans}, '%Y-%m-%d', {{
  'LAchildID': 'VARCHAR', 'CINdetailsID': 'VARCHAR', 'CPPID': 'VARCHAR', 'CPPstartDate': 'DATE', 'CPPendDate': 'DATE',
  'InitialCategoryOfAbuse': 'VARCHAR', 'LatestCategoryOfAbuse': 'VARCHAR', 'NumberOfPreviousCPP': 'INTEGER'}});

CREATE TEMP TABLE results AS
WITH
in_post AS (
  SELECT w.* FROM workforce w JOIN snapshots s USING (authority, month)
  WHERE w.RoleStartDate <= s.period_end AND (w.RoleEndDate IS NULL OR w.RoleEndDate > s.period_end)
),
caseloads AS (
  SELECT authority, month, 'caseloads-within-limit' AS indicator,
         100.0 * COUNT(*) FILTER (WHERE Cases30 <= CASE WHEN CFKSSstatus = 1 THEN 18 ELSE 25 END) / NULLIF(COUNT(*), 0) AS value
  FROM in_post WHERE OrgRole = 5 GROUP BY ALL
),
agency AS (
  SELECT authority, month, 'agency-rate' AS indicator,
         100.0 * SUM(CASE WHEN AgencyWorker = 1 THEN FTE ELSE 0 END) / NULLIF(SUM(FTE), 0) AS value
  FROM in_post GROUP BY ALL
),
children AS (
  SELECT e.authority, e.month, e.CHILD,
         SUM(CASE WHEN e.DECOM < s.rolling_start AND (e.DEC IS NULL OR e.DEC > s.rolling_start) THEN 1
                  WHEN e.DECOM >= s.rolling_start AND e.RNE IN ('S', 'P', 'B') THEN 1
                  ELSE 0 END) AS placements,
         MAX(CASE WHEN e.DEC IS NULL OR e.DEC > s.period_end THEN 1 ELSE 0 END) AS looked_after_at_end
  FROM episodes e JOIN snapshots s USING (authority, month)
  WHERE e.DECOM <= s.period_end
  GROUP BY ALL
),
placements AS (
  SELECT authority, month, 'placements-3-plus' AS indicator,
         100.0 * COUNT(*) FILTER (WHERE placements >= 3) / NULLIF(COUNT(*), 0) AS value
  FROM children WHERE looked_after_at_end = 1 GROUP BY ALL
),
referrals_with_previous AS (
  SELECT authority, month, CINreferralDate,
         LAG(CINreferralDate) OVER (PARTITION BY authority, month, LAchildID ORDER BY CINreferralDate) AS previous
  FROM referrals
),
re_referrals AS (
  SELECT r.authority, r.month, 're-referrals' AS indicator,
         100.0 * COUNT(*) FILTER (WHERE r.previous IS NOT NULL AND r.CINreferralDate <= r.previous + INTERVAL 12 MONTH)
               / NULLIF(COUNT(*), 0) AS value
  FROM referrals_with_previous r JOIN snapshots s USING (authority, month)
  WHERE r.CINreferralDate BETWEEN s.rolling_start AND s.period_end
  GROUP BY ALL
),
assessed AS (
  SELECT a.authority, a.month, 'assessments-in-45-days' AS indicator,
         100.0 * COUNT(*) FILTER (WHERE done.working_day_number - started.working_day_number <= 45) / NULLIF(COUNT(*), 0) AS value
  FROM assessments a
  JOIN snapshots s USING (authority, month)
  JOIN working_days started ON started.day = a.AssessmentActualStartDate
  JOIN working_days done ON done.day = a.AssessmentAuthorisationDate
  WHERE a.AssessmentAuthorisationDate BETWEEN s.period_start AND s.period_end
  GROUP BY ALL
),
repeat_plans AS (
  SELECT p.authority, p.month, 'cp-plans-second-or-subsequent' AS indicator,
         100.0 * COUNT(*) FILTER (WHERE p.NumberOfPreviousCPP >= 1) / NULLIF(COUNT(*), 0) AS value
  FROM cp_plans p JOIN snapshots s USING (authority, month)
  WHERE p.CPPstartDate BETWEEN s.rolling_start AND s.period_end
  GROUP BY ALL
),
everything AS (
  SELECT * FROM caseloads UNION ALL SELECT * FROM agency UNION ALL SELECT * FROM placements
  UNION ALL SELECT * FROM re_referrals UNION ALL SELECT * FROM assessed UNION ALL SELECT * FROM repeat_plans
)
-- Every snapshot gets every indicator: no rows at all is "not calculable".
SELECT s.authority AS authority_code, i.indicator, s.month, e.value
FROM snapshots s
CROSS JOIN (SELECT unnest({six}) AS indicator) i
LEFT JOIN everything e ON e.authority = s.authority AND e.month = s.month AND e.indicator = i.indicator;
"""


# One current extract per authority, DATA_DIR/<authority>/<extract>.csv, seen
# as at each month end: every row once per month end, which the SQL above
# then treats as that month's snapshot (the engine's `layout = "history"`).
HISTORY_MACRO = """
CREATE TEMP MACRO read_extract(files, date_format, layout) AS TABLE
SELECT s.month, e.* FROM (
  SELECT string_split(filename, '/')[-2] AS authority, *
  FROM read_csv(files, filename = true, header = true, auto_detect = false, delim = ',', quote = '"',
                dateformat = date_format, columns = layout)
) e JOIN (SELECT authority, month FROM snapshots) s USING (authority);
"""


def months_between(first, last):
    (year, month), (last_year, last_month) = map(int, first.split("-")), map(int, last.split("-"))
    while (year, month) <= (last_year, last_month):
        yield f"{year:04}-{month:02}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def run_duckdb(data_dir, out, holidays, history=None):
    """`history`: (first month, last month) of the month ends when each
    authority has one current extract rather than monthly snapshots."""
    import duckdb

    started = time.perf_counter()
    quoted = lambda paths: "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
    sql, snapshots, files = DUCKDB_SQL, snapshots_of(data_dir), lambda name: files_of(data_dir, name)
    if history:
        start = sql.index("CREATE TEMP MACRO read_extract")
        sql = sql[:start] + HISTORY_MACRO + sql[sql.index("CREATE TEMP VIEW workforce"):]
        authorities = sorted({os.path.basename(os.path.dirname(path)) for path in glob.glob(os.path.join(data_dir, "*", "*.csv"))})
        snapshots = [(authority, month) for authority in authorities for month in months_between(*history)]
        files = lambda name: sorted(glob.glob(os.path.join(data_dir, "*", name)))
    sql = sql.format(
        snapshots=", ".join(f"('{a}', '{m}')" for a, m in snapshots),
        holidays=holidays,
        workforce=quoted(files("workforce.csv")),
        episodes=quoted(files("ssda903_episodes.csv")),
        referrals=quoted(files("cin_referrals.csv")),
        assessments=quoted(files("cin_assessments.csv")),
        cp_plans=quoted(files("cin_cp_plans.csv")),
        six=quoted(SIX),
    )
    connection = duckdb.connect()
    connection.execute(sql)
    rows = connection.execute("SELECT * FROM results ORDER BY ALL").fetchall()
    elapsed = time.perf_counter() - started
    write(out, rows)
    return elapsed


# ---------------------------------------------------------- Python polars ----


def run_polars(data_dir, out, holidays):
    import polars as pl

    started = time.perf_counter()

    def read(name, dates, date_format, **types):
        frame = pl.scan_csv(
            files_of(data_dir, name),
            schema_overrides={**{d: pl.String for d in dates}, **types},
            include_file_paths="path",
        )
        parts = pl.col("path").str.split(os.sep)
        return frame.with_columns(
            *(pl.col(d).str.to_date(date_format, strict=True) for d in dates),
            authority=parts.list.get(-3),
            month=parts.list.get(-2),
        ).drop("path")

    def snapshot_dates(frame):
        start = (pl.col("month") + "-01").str.to_date("%Y-%m-%d")
        return frame.with_columns(
            period_start=start, period_end=start.dt.month_end(), rolling_start=start.dt.offset_by("-11mo")
        )

    def percent(numerator, denominator=None):
        denominator = pl.len() if denominator is None else denominator
        return pl.when(denominator > 0).then(100.0 * numerator / denominator).alias("value")

    by_snapshot = ["authority", "month"]
    workforce = snapshot_dates(read("workforce.csv", ["RoleStartDate", "RoleEndDate"], "%d/%m/%Y", SWENo=pl.String))
    in_post = workforce.filter(
        (pl.col("RoleStartDate") <= pl.col("period_end"))
        & (pl.col("RoleEndDate").is_null() | (pl.col("RoleEndDate") > pl.col("period_end")))
    )
    limit = pl.when(pl.col("CFKSSstatus") == 1).then(18).otherwise(25)
    caseloads = (
        in_post.filter(pl.col("OrgRole") == 5)
        .group_by(by_snapshot)
        .agg(percent((pl.col("Cases30") <= limit).sum()))
        .with_columns(indicator=pl.lit("caseloads-within-limit"))
    )
    agency = (
        in_post.group_by(by_snapshot)
        .agg(percent(pl.col("FTE").filter(pl.col("AgencyWorker") == 1).sum(), pl.col("FTE").sum()))
        .with_columns(indicator=pl.lit("agency-rate"))
    )

    episodes = snapshot_dates(read("ssda903_episodes.csv", ["DECOM", "DEC"], "%d/%m/%Y", CHILD=pl.String))
    open_at_start = (pl.col("DECOM") < pl.col("rolling_start")) & (
        pl.col("DEC").is_null() | (pl.col("DEC") > pl.col("rolling_start"))
    )
    starts_in_window = (pl.col("DECOM") >= pl.col("rolling_start")) & pl.col("RNE").is_in(["S", "P", "B"])
    children = (
        episodes.filter(pl.col("DECOM") <= pl.col("period_end"))
        .group_by([*by_snapshot, "CHILD"])
        .agg(
            placements=(open_at_start | starts_in_window).sum(),
            looked_after_at_end=(pl.col("DEC").is_null() | (pl.col("DEC") > pl.col("period_end"))).any(),
        )
    )
    placements = (
        children.filter(pl.col("looked_after_at_end"))
        .group_by(by_snapshot)
        .agg(percent((pl.col("placements") >= 3).sum()))
        .with_columns(indicator=pl.lit("placements-3-plus"))
    )

    referrals = snapshot_dates(read("cin_referrals.csv", ["CINreferralDate"], "%Y-%m-%d", LAchildID=pl.String))
    previous = pl.col("CINreferralDate").shift(1).over([*by_snapshot, "LAchildID"], order_by="CINreferralDate")
    re_referrals = (
        referrals.with_columns(previous=previous)
        .filter(pl.col("CINreferralDate").is_between(pl.col("rolling_start"), pl.col("period_end")))
        .group_by(by_snapshot)
        .agg(
            percent(
                (
                    pl.col("previous").is_not_null()
                    & (pl.col("CINreferralDate") <= pl.col("previous").dt.offset_by("12mo"))
                ).sum()
            )
        )
        .with_columns(indicator=pl.lit("re-referrals"))
    )

    bank_holidays = pl.read_csv(holidays, try_parse_dates=True)["date"]
    assessments = snapshot_dates(
        read("cin_assessments.csv", ["AssessmentActualStartDate", "AssessmentAuthorisationDate"], "%Y-%m-%d")
    )
    # Working days after the start date, up to and including the end date.
    one_day = pl.duration(days=1)
    working_days = pl.business_day_count(
        pl.col("AssessmentActualStartDate") + one_day,
        pl.col("AssessmentAuthorisationDate") + one_day,
        holidays=bank_holidays,
    )
    assessed = (
        assessments.filter(
            pl.col("AssessmentAuthorisationDate").is_between(pl.col("period_start"), pl.col("period_end"))
        )
        .group_by(by_snapshot)
        .agg(percent((working_days <= 45).sum()))
        .with_columns(indicator=pl.lit("assessments-in-45-days"))
    )

    plans = snapshot_dates(read("cin_cp_plans.csv", ["CPPstartDate", "CPPendDate"], "%Y-%m-%d"))
    repeat_plans = (
        plans.filter(pl.col("CPPstartDate").is_between(pl.col("rolling_start"), pl.col("period_end")))
        .group_by(by_snapshot)
        .agg(percent((pl.col("NumberOfPreviousCPP") >= 1).sum()))
        .with_columns(indicator=pl.lit("cp-plans-second-or-subsequent"))
    )

    columns = ["authority", "indicator", "month", "value"]
    found = pl.concat(
        [frame.select(columns) for frame in [caseloads, agency, placements, re_referrals, assessed, repeat_plans]]
    )
    every = pl.LazyFrame(
        [(a, i, m) for a, m in snapshots_of(data_dir) for i in SIX],
        schema=["authority", "indicator", "month"],
        orient="row",
    )
    results = every.join(found, on=["authority", "indicator", "month"], how="left").sort(columns[:3]).collect()
    elapsed = time.perf_counter() - started
    write(out, results.rows())
    return elapsed


# ------------------------------------------------------------------ floor ----


def run_floor(data_dir, names):
    import polars as pl

    started = time.perf_counter()
    names = names or sorted({os.path.basename(path) for path in files_of(data_dir, "*.csv")})
    rows = 0
    for name in names:
        rows += pl.scan_csv(files_of(data_dir, name)).collect().height
    elapsed = time.perf_counter() - started
    print(f"rows {rows}", file=sys.stderr)
    return elapsed


def write(out, rows):
    with open(out, "w") as file:
        file.write("authority_code,indicator,month,value\n")
        for authority, indicator, month, value in rows:
            file.write(f"{authority},{indicator},{month},{'' if value is None else repr(float(value))}\n")


if __name__ == "__main__":
    engine, data_dir, *rest = sys.argv[1:]
    if engine == "floor":
        seconds = run_floor(data_dir, rest)
    elif engine == "duckdb-history":
        out, holidays, first, last = rest
        seconds = run_duckdb(data_dir, out, holidays, history=(first, last))
    else:
        out, holidays = rest
        seconds = {"duckdb": run_duckdb, "polars": run_polars}[engine](data_dir, out, holidays)
    print(f"{seconds:.3f}")
