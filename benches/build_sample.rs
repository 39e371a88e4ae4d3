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
    group.bench_function("render_board_pack_pdf", |b| {
        b.iter(|| render::board_pack(&scorecard, &built).expect("pack renders").len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
