//! What the last pack before a month published, read before a build writes
//! anything (so that a build of many months compares with the packs as they
//! were, whatever order it writes in).

use crate::judge::Published;
use crate::project::Month;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct PublishedScorecard {
    indicators: Vec<PublishedIndicator>,
}

#[derive(Deserialize)]
struct PublishedIndicator {
    id: String,
    series: Vec<PublishedValue>,
}

#[derive(Deserialize)]
struct PublishedValue {
    period: Month,
    value: Option<f64>,
}

/// An earlier pack's values, by indicator id.
pub(crate) struct EarlierPack {
    pub pack: Month,
    values: BTreeMap<String, Vec<(Month, Option<f64>)>>,
}

impl EarlierPack {
    /// The latest pack in `output_dir` before `month`, if one can be read.
    pub(crate) fn before(output_dir: &Path, month: Month) -> Option<EarlierPack> {
        let pack = std::fs::read_dir(output_dir)
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str()?.parse::<Month>().ok())
            .filter(|pack| *pack < month && output_dir.join(pack.to_string()).join("scorecard.json").is_file())
            .max()?;
        let bytes = std::fs::read(output_dir.join(pack.to_string()).join("scorecard.json")).ok()?;
        let published: PublishedScorecard = serde_json::from_slice(&bytes).ok()?;
        let values = published
            .indicators
            .into_iter()
            .map(|indicator| {
                (indicator.id, indicator.series.into_iter().map(|value| (value.period, value.value)).collect())
            })
            .collect();
        Some(EarlierPack { pack, values })
    }

    pub(crate) fn of(&self, id: &str) -> Option<Published<'_>> {
        Some(Published { pack: self.pack, values: self.values.get(id)? })
    }
}
