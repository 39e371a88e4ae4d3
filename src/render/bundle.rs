//! Every file of a month's bundle, rendered in memory: the page, the
//! tables, the workbook, the charts and the manifest that lists them.

use crate::evaluate::{Data, Loaded};
use crate::judge::{IndicatorReport, Scorecard};
use crate::parallel;
use crate::project::members::Member;
use crate::publish::bundle::{sha256, Manifest, ManifestFile};
use crate::render::html::{self, ArchiveEntry, PageContext};
use crate::{render::charts, render::tables, render::xlsx};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// When the build happened: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), otherwise now.
#[derive(Debug, Clone)]
pub struct BuildTime {
    pub epoch: i64,
    pub text: String,
}

impl BuildTime {
    pub fn from_environment() -> BuildTime {
        let epoch = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        BuildTime::at(epoch)
    }

    pub fn at(epoch: i64) -> BuildTime {
        let text = chrono::DateTime::from_timestamp(epoch, 0)
            .map(|time| time.format("%-d %B %Y %H:%M UTC").to_string())
            .unwrap_or_default();
        BuildTime { epoch, text }
    }
}

pub type Files = Vec<(String, Vec<u8>)>;

fn charts(indicator: &IndicatorReport) -> Result<(Files, String), String> {
    let svg = charts::trend_svg(indicator)?;
    let png = charts::trend_png(indicator)?;
    let sparkline = charts::sparkline_svg(indicator)?;
    Ok((
        vec![(format!("charts/{}.svg", indicator.id), svg.into_bytes()), (format!("charts/{}.png", indicator.id), png)],
        sparkline,
    ))
}

/// Hash of the project file and every definition, in path order: a change
/// to any rule changes it.
pub fn definitions_hash(loaded: &Loaded) -> String {
    let mut text = loaded.project.source.text.to_string();
    let mut sources: Vec<_> = loaded.definitions.iter().map(|d| (&d.source.path, &d.source.text)).collect();
    sources.sort();
    for (path, source) in sources {
        text.push_str(&format!("\0{}\0{source}", path.display()));
    }
    sha256(text.as_bytes())
}

pub fn render(
    loaded: &Loaded,
    member: &Member,
    data: &Data,
    scorecard: &Scorecard,
    built: &BuildTime,
) -> Result<Files, String> {
    let drawn = parallel::map(&scorecard.indicators, charts);
    let mut files: Files = Vec::new();
    let mut sparklines = BTreeMap::new();
    for (indicator, result) in scorecard.indicators.iter().zip(drawn) {
        let (chart_files, sparkline) = result?;
        files.extend(chart_files);
        sparklines.insert(indicator.id.clone(), sparkline);
    }
    let page = html::scorecard_page(scorecard, &PageContext { built: &built.text, sparklines: &sparklines })?;
    files.push(("index.html".into(), page.into_bytes()));
    files.push(("scorecard.csv".into(), tables::scorecard_csv(scorecard)?));
    files.push(("series.csv".into(), tables::series_csv(scorecard)?));
    files.push(("scorecard.json".into(), tables::scorecard_json(scorecard)?));
    files.push(("scorecard.xlsx".into(), xlsx::workbook(scorecard, built.epoch)?));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let (red, amber, green) = scorecard.counts();
    let inputs = crate::evaluate::input_files(loaded, member, scorecard.month);
    let manifest = Manifest {
        authority: scorecard.authority.clone(),
        month: scorecard.month.to_string(),
        engine_version: scorecard.engine_version.to_string(),
        built: built.text.clone(),
        definitions_sha256: definitions_hash(loaded),
        inputs: describe_inputs(loaded, data, &inputs),
        files: Manifest::describe(&files),
        counts: ArchiveEntry { month: scorecard.month.to_string(), red, amber, green },
    };
    files.push(("manifest.json".into(), manifest_json(&manifest)?));
    Ok(files)
}

/// The manifest of a consortium's comparison: every member's inputs.
pub fn comparison_manifest(
    loaded: &Loaded,
    data: &Data,
    files: &Files,
    month: crate::project::period::Month,
    built: &BuildTime,
) -> Result<Vec<u8>, String> {
    let inputs = crate::evaluate::comparison_inputs(loaded, month);
    let manifest = Manifest {
        authority: loaded.project.file.authority.name.clone(),
        month: month.to_string(),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        built: built.text.clone(),
        definitions_sha256: definitions_hash(loaded),
        inputs: describe_inputs(loaded, data, &inputs),
        files: Manifest::describe(files),
        counts: ArchiveEntry { month: month.to_string(), red: 0, amber: 0, green: 0 },
    };
    manifest_json(&manifest)
}

fn manifest_json(manifest: &Manifest) -> Result<Vec<u8>, String> {
    let mut json = serde_json::to_vec_pretty(manifest).map_err(|error| error.to_string())?;
    json.push(b'\n');
    Ok(json)
}

/// Each input's path (relative to the project), size and SHA-256; hashes
/// come from the read where the file was read.
fn describe_inputs(loaded: &Loaded, data: &Data, inputs: &[PathBuf]) -> Vec<ManifestFile> {
    let root = &loaded.project.root;
    inputs
        .iter()
        .map(|path| {
            let path_text = crate::evaluate::relative(root, path);
            // `data.inputs` is sorted by path.
            match data.inputs.binary_search_by(|(read, _)| read.as_path().cmp(path)).ok().map(|at| &data.inputs[at]) {
                Some((_, hash)) => ManifestFile {
                    path: path_text,
                    bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
                    sha256: hash.clone(),
                },
                None => {
                    let bytes = std::fs::read(path).unwrap_or_default();
                    ManifestFile { path: path_text, bytes: bytes.len() as u64, sha256: sha256(&bytes) }
                }
            }
        })
        .collect()
}
