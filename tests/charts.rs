//! The trend chart for a fixed series, compared with the SVG snapshot in
//! tests/snapshots/ (after an intended change, `cargo insta review` shows
//! the difference line by line and accepts it).

use scorecard::evaluate::Observation;
use scorecard::judge::{Comparison, Confidence, IndicatorReport};
use scorecard::judge::{Limits, Rag};
use scorecard::language::{Benchmark, Event, Polarity};
use scorecard::project::Month;

fn fixed_indicator() -> IndicatorReport {
    let start = Month::new(2024, 4).unwrap();
    let values = [30.0, 28.5, 27.0, 26.0, 24.5, 23.0, 21.0, 20.5, 19.0, 17.5, 16.0, 15.5];
    let mut series: Vec<Observation> = values
        .iter()
        .enumerate()
        .map(|(i, v)| Observation {
            period: start.plus(i as i32),
            value: Some(*v),
            numerator: None,
            denominator: None,
            missing: None,
        })
        .collect();
    // A month that is not calculable leaves a gap in the line.
    series[5] = Observation::not_calculable(start.plus(5), "no extract");
    // A suppressed month too: a gap with a "c" at its foot.
    series[8] = Observation::suppressed(start.plus(8));
    let comparison = Comparison { period: start.plus(10), direction: None, change: None, not_comparable: None };
    IndicatorReport {
        id: "fixed".into(),
        title: "Agency social worker rate".into(),
        description: String::new(),
        plan_ref: None,
        owner: None,
        rag_bands_on_spc: false,
        theme: "workforce".into(),
        unit: scorecard::language::Unit::Percent,
        decimals: 1,
        polarity: Polarity::LowerIsBetter,
        dataset: "workforce".into(),
        frequency: scorecard::language::Frequency::Monthly,
        window: String::new(),
        basis: String::new(),
        latest: series[11].clone(),
        rag: Some(Rag::Amber),
        target: Some(14.0),
        benchmark: Some(Benchmark { value: 13.0, label: "England 2025".into() }),
        published_benchmarks: None,
        england_standing: None,
        actions: Vec::new(),
        rag_limits: Some(Limits { green: 14.0, amber: 17.5 }),
        targets: Vec::new(),
        rating_basis: None,
        previous_rag: None,
        confidence: vec![Confidence { level: 95.0, lower: 13.9, upper: 17.4 }],
        spc: None,
        spc_not_applicable: None,
        funnel_kind: None,
        definition: Vec::new(),
        in_words: Vec::new(),
        revisions: Vec::new(),
        rank: None,
        consortium: None,
        forecast: None,
        forecast_declined: None,
        commentary: None,
        events: vec![Event {
            date: "2024-07-15".into(),
            month: start.plus(3),
            day: Some(15),
            label: "New front door".into(),
            indicators: Vec::new(),
            rebase: false,
        }],
        vs_previous_month: comparison.clone(),
        vs_last_year: comparison,
        vs_months: None,
        recent_trend: scorecard::judge::RecentTrend {
            test: scorecard::judge::TrendTest::ChiSquared,
            from: start.plus(7),
            chi_squared: None,
            significant: false,
            rising: None,
            not_tested: Some("not needed by the chart".into()),
        },
        series,
        recent: Vec::new(),
        breakdown: None,
    }
}

#[test]
fn trend_chart_svg_matches_the_snapshot() {
    let svg = scorecard::render::trend_svg(&fixed_indicator()).unwrap();
    // What the chart must show, whatever the snapshot: title, the legend's
    // target, benchmark and interval, bands' letters, quarterly months with
    // the year on the first and in January, the latest value, the suppressed month's "c".
    for needle in [
        "Agency social worker rate",
        "target 14.0%",
        "England 2025 13.0%",
        "95% interval, latest month",
        ">\nR\n<",
        ">\nA\n<",
        ">\nG\n<",
        ">\nApr 2024\n<",
        ">\nJul\n<",
        ">\nJan 2025\n<",
        "15.5",
        "percent",
        ">\nc\n<",
        ">\nNew front door\n<",
    ] {
        assert!(svg.contains(needle), "{needle} missing from the chart");
    }
    insta::assert_snapshot!("trend_chart_svg", svg);
    // Same input, same bytes: PNG too.
    let indicator = fixed_indicator();
    assert_eq!(scorecard::render::trend_png(&indicator).unwrap(), scorecard::render::trend_png(&indicator).unwrap());
    // For slides and print: twice the SVG's 720 x 400, marked 300 dpi
    // (11,811 pixels a metre).
    let png = scorecard::render::trend_png(&indicator).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (1440, 800));
    let dims = info.pixel_dims.expect("pHYs");
    assert_eq!((dims.xppu, dims.yppu, dims.unit), (11_811, 11_811, png::Unit::Meter));
}
