//! The whole sample build: 36 months, every indicator, CSV + JSON.
//! Run with `cargo bench --bench build_sample`; figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use scorecard::{pipeline, render_tables};
use std::path::Path;

fn build_sample() -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = pipeline::load(root).expect("sample project loads");
    let data = pipeline::read_data(&loaded).expect("sample extracts read");
    let month = pipeline::choose_month(&data, None).expect("a month");
    let computed = pipeline::compute(&loaded, &data).expect("sample computes");
    let scorecard = pipeline::scorecard(&loaded, &computed, month);
    let csv = render_tables::scorecard_csv(&scorecard).expect("csv");
    let series = render_tables::series_csv(&scorecard).expect("series");
    let json = render_tables::scorecard_json(&scorecard).expect("json");
    csv.len() + series.len() + json.len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sample");
    group.sample_size(10);
    group.bench_function("build_36_months_all_indicators", |b| b.iter(build_sample));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
