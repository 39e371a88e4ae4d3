//! Rolling-origin backtest of the engine's forecasts (issue 33): for every
//! monthly indicator of a project's members, every origin with 24 months or
//! more before it, the forecast 1 to 12 months ahead against what was then
//! reported. Prints the empirical coverage of the 80% and 95% intervals and
//! the accuracy (MASE against a seasonal naive forecast, by series), and
//! writes `series.csv` and `engine.csv` to the folder given (default
//! `target/forecast-backtest`) for `benches/forecast/backtest.py`, which runs
//! Python statsforecast's AutoETS on the same series and origins.
//!
//! ```sh
//! cargo bench --bench forecast_backtest                 # the sample authority
//! BACKTEST_PROJECT=/tmp/cons cargo bench --bench forecast_backtest
//! BACKTEST_SCALE=unit cargo bench --bench forecast_backtest   # logit / log scales
//! python3 benches/forecast/backtest.py target/forecast-backtest
//! ```

use scorecard::evaluate;
use scorecard::judge::{self, PublishedBenchmarks};
use scorecard::language::Frequency;
use scorecard::project::Month;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const MINIMUM: usize = 24;
const HORIZON: usize = 12;

fn main() {
    let root =
        std::env::var("BACKTEST_PROJECT").map_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let out = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/forecast-backtest"), PathBuf::from);
    std::fs::create_dir_all(&out).expect("output folder");
    let loaded = evaluate::load(&root).expect("project loads");
    let data = evaluate::read_data(&loaded).expect("extracts read");
    let month = Month::choose(&data.months, None).expect("a month");
    let computed = evaluate::compute(&loaded, &data).expect("computes");
    let benchmarks = PublishedBenchmarks::of(&loaded);
    // `BACKTEST_SCALE=unit`: proportions on the logit, rates on the log scale.
    let on_unit_scale = std::env::var("BACKTEST_SCALE").is_ok_and(|scale| scale == "unit");
    let mut series_csv = String::from("series,period,value\n");
    let mut engine_csv = String::from("series,origin,h,actual,point,lower80,upper80,lower95,upper95,scale\n");
    let (mut checks, mut inside80, mut inside95) = (0usize, 0usize, 0usize);
    let mut mases = Vec::new();
    let started = std::time::Instant::now();
    for (member, published) in computed.iter().enumerate() {
        let scorecard = judge::scorecard(&loaded, member, published, month, &benchmarks);
        for (report, definition) in scorecard.indicators.iter().zip(&loaded.definitions) {
            if report.frequency != Frequency::Monthly {
                continue;
            }
            let name = format!("{}:{}", loaded.members[member].code, report.id);
            let values: Vec<Option<f64>> =
                report.series.iter().map(|o| o.value.filter(|_| !o.is_suppressed())).collect();
            // Whole series only, so that both sides fit the same months.
            if values.iter().any(Option::is_none) || values.len() <= MINIMUM {
                continue;
            }
            for (observation, value) in report.series.iter().zip(&values) {
                if let Some(value) = value {
                    writeln!(series_csv, "{name},{},{value}", observation.period).unwrap();
                }
            }
            let (mut errors, mut scale_sum) = (Vec::new(), 0.0);
            for origin in MINIMUM..report.series.len() {
                let mut truncated = report.clone();
                truncated.series.truncate(origin);
                truncated.latest = truncated.series[origin - 1].clone();
                truncated.add_forecast(definition, 4, on_unit_scale);
                let Some(forecast) = &truncated.forecast else { continue };
                // MASE's scale: the in-sample seasonal naive error before the origin.
                let naive: Vec<f64> = (12..origin).filter_map(|t| Some((values[t]? - values[t - 12]?).abs())).collect();
                let scale = naive.iter().sum::<f64>() / naive.len().max(1) as f64;
                for (step, predicted) in forecast.months.iter().enumerate().take(HORIZON) {
                    let Some(Some(actual)) = values.get(origin + step) else { continue };
                    checks += 1;
                    inside80 += usize::from(predicted.lower80 <= *actual && *actual <= predicted.upper80);
                    inside95 += usize::from(predicted.lower95 <= *actual && *actual <= predicted.upper95);
                    if scale > 0.0 {
                        errors.push((actual - predicted.point).abs());
                        scale_sum += scale;
                    }
                    writeln!(
                        engine_csv,
                        "{name},{},{},{actual},{},{},{},{},{},{:?}",
                        report.series[origin - 1].period,
                        step + 1,
                        predicted.point,
                        predicted.lower80,
                        predicted.upper80,
                        predicted.lower95,
                        predicted.upper95,
                        forecast.scale
                    )
                    .unwrap();
                }
            }
            if !errors.is_empty() {
                mases.push(errors.iter().sum::<f64>() / scale_sum);
            }
        }
    }
    std::fs::write(out.join("series.csv"), series_csv).expect("series.csv");
    std::fs::write(out.join("engine.csv"), engine_csv).expect("engine.csv");
    mases.sort_by(f64::total_cmp);
    let share = |inside: usize| inside as f64 / checks.max(1) as f64 * 100.0;
    println!(
        "engine: {checks} forecasts of {} series in {:.1} s; 80% intervals held {:.1}%, 95% held {:.1}%; median MASE {:.3}",
        mases.len(),
        started.elapsed().as_secs_f64(),
        share(inside80),
        share(inside95),
        mases.get(mases.len() / 2).copied().unwrap_or(f64::NAN)
    );
    println!("wrote {}", out.display());
}
