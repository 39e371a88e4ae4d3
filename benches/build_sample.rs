//! The whole sample build (36 months, every indicator, CSV + JSON), and the
//! rendering of the published bundle (charts, page, PDF, workbook, zip) on
//! top, and the PDF board pack alone.
//! Run with `cargo bench --bench build_sample`; figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use scorecard::evaluate::{self, Data, Loaded};
use scorecard::judge::{self, PublishedBenchmarks, Scorecard};
use scorecard::project::Month;
use scorecard::render::{self, BuildTime};
use std::path::Path;

/// The binary's allocator (src/main.rs), so the bench times the engine as
/// it runs: the bundle's jobs allocate heavily on both cores.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn load() -> (Loaded, Data) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = evaluate::load(root).expect("sample project loads");
    let data = evaluate::read_data(&loaded).expect("sample extracts read");
    (loaded, data)
}

fn evaluate(loaded: &Loaded, data: &Data) -> Scorecard {
    let month = Month::choose(&data.months, None).expect("a month");
    let computed = evaluate::compute(loaded, data).expect("sample computes");
    judge::scorecard(loaded, 0, &computed[0], month, &PublishedBenchmarks::of(loaded))
}

fn build_sample() -> usize {
    let (loaded, data) = load();
    let scorecard = evaluate(&loaded, &data);
    let csv = render::scorecard_csv(&scorecard).expect("csv");
    let series = render::series_csv(&scorecard).expect("series");
    let json = render::scorecard_json(&scorecard).expect("json");
    csv.len() + series.len() + json.len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sample");
    group.sample_size(10);
    group.bench_function("build_36_months_all_indicators", |b| b.iter(build_sample));
    let (loaded, data) = load();
    let scorecard = evaluate(&loaded, &data);
    let built = BuildTime::at(1_774_915_200);
    group.bench_function("render_bundle_charts_page_xlsx_zip", |b| {
        b.iter(|| {
            let files = render::month_files(&scorecard, &built).expect("bundle renders");
            // The manifest's SHA-256 of every file, as a build writes it.
            let described = scorecard::publish::Manifest::describe(&files);
            scorecard::publish::zip(&files).expect("zip").len() + described.len()
        })
    });
    // What `[forecast] show = true` adds to a build: every indicator's
    // forecast (43 AutoETS searches on 36 months), one core.
    group.bench_function("forecast_every_indicator", |b| {
        b.iter(|| {
            let mut reports = scorecard.indicators.clone();
            for (report, definition) in reports.iter_mut().zip(&loaded.definitions) {
                report.add_forecast(definition, 4, false);
            }
            reports.iter().filter(|report| report.forecast.is_some()).count()
        })
    });
    group.bench_function("render_board_pack_pdf", |b| {
        b.iter(|| render::board_pack(&scorecard, &built).expect("pack renders").len())
    });
    group.bench_function("render_full_pack_pdf", |b| {
        b.iter(|| render::full_pack(&scorecard, &built).expect("pack renders").len())
    });
    group.finish();
}

/// A 100,000-row Annex A-style sheet (a title row, then six columns: text,
/// coded text, an Excel date cell, a number, a yes/no, a whole number),
/// written once and read as a dataset each iteration.
fn bench_sheet(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("list-3.xlsx");
    write_sheet(&path, 100_000);
    let config: scorecard::project::DatasetConfig = toml::from_str(
        r#"layout = "monthly"
file = "list-3.xlsx"
codes = { Gender = { F = ["Female", "b) Female"], M = ["Male", "a) Male"] } }
columns = { "Child Unique ID" = "text", Gender = "text", "Date of Referral" = "date", Age = "number", "Referral NFA?" = "boolean", "Number of Referrals in Last 12 Months" = "integer" }
"#,
    )
    .expect("dataset declaration");
    let mut group = c.benchmark_group("workbook");
    group.sample_size(10);
    group.bench_function("read_100k_row_sheet", |b| {
        b.iter(|| scorecard::input::read_table(&path, &config, false).expect("sheet reads").0.rows)
    });
    group.finish();
}

fn write_sheet(path: &Path, rows: u32) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("List 3").expect("name");
    sheet.write_string(0, 0, "List 3: referrals").expect("title");
    let header = [
        "Child Unique ID",
        "Gender",
        "Date of Referral",
        "Age",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string(1, column as u16, *text).expect("header");
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for index in 0..rows {
        let row = index + 2;
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1 + (index % 12) as u8, 1 + (index % 28) as u8)
            .expect("date");
        sheet.write_string(row, 0, format!("C{index:06}")).expect("cell");
        sheet.write_string(row, 1, if index % 2 == 0 { "b) Female" } else { "a) Male" }).expect("cell");
        sheet.write_datetime_with_format(row, 2, &date, &date_format).expect("cell");
        sheet.write_number(row, 3, f64::from(index % 18) + 0.5).expect("cell");
        sheet.write_string(row, 4, if index % 5 == 0 { "a) Yes" } else { "b) No" }).expect("cell");
        sheet.write_number(row, 5, f64::from(index % 4)).expect("cell");
    }
    book.save(path).expect("saved");
}

criterion_group!(benches, bench, bench_sheet);
criterion_main!(benches);
