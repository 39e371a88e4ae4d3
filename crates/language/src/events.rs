//! Dated events: `[[events]]` in the project file and in `events/*.toml`
//! beside it. Each is drawn as a labelled marker on every chart whose
//! months it falls in and listed in the indicator's section; an event
//! marked `rebase` restarts the SPC limits of the indicators it concerns.
//!
//! ```toml
//! [[events]]
//! date = "2025-01-06"
//! label = "New front door"
//! indicators = ["re-referrals"]   # none: every indicator
//! rebase = true
//! ```

use crate::diagnostics::{did_you_mean, field_names, parse_toml, Diagnostics, SourceFile};
use crate::project::{EventEntry, Month, Project};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Labels are drawn on charts a third of a page wide.
pub(crate) const MAX_LABEL_CHARS: usize = 40;

/// A checked event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// As written: `2025-01-06`, or `2025-01` for a month.
    pub date: String,
    /// The month it falls in.
    pub month: Month,
    /// The day of the month, when the date gives one.
    #[serde(skip)]
    pub day: Option<u32>,
    /// What the chart's marker says.
    pub label: String,
    /// The indicator ids it concerns; empty for every indicator.
    #[serde(skip)]
    pub indicators: Vec<String>,
    /// SPC limits are recalculated from its month.
    pub rebase: bool,
}

impl Event {
    /// True when it concerns indicator `id` (an event naming none concerns all).
    pub fn concerns(&self, id: &str) -> bool {
        self.indicators.is_empty() || self.indicators.iter().any(|known| known == id)
    }

    /// How far into its month the event falls: 0 at the month's start.
    pub fn into_month(&self) -> f64 {
        let days = self.month.last_day().day() as f64;
        self.day.map_or(0.0, |day| (day as f64 - 1.0) / days)
    }
}

/// The file shape of `events/*.toml`.
#[derive(Deserialize)]
struct EventsFile {
    #[serde(default)]
    events: Vec<EventEntry>,
}

/// Every event of the project, in date order; every problem in every file
/// is reported.
pub fn load_events(project: &Project, ids: &[&str]) -> (Vec<Event>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut events = check_all(&project.source, project.events_as_written(), ids, &mut diagnostics);
    for path in event_files(project, &mut diagnostics) {
        let source = match SourceFile::read(&path) {
            Ok(source) => source,
            Err(error) => {
                diagnostics.push(error);
                continue;
            }
        };
        let keys = [field_names::<EventsFile>(), field_names::<EventEntry>()].concat();
        let (file, found) = parse_toml::<EventsFile>(&source, &keys);
        diagnostics.extend(found);
        if let Some(file) = file {
            events.extend(check_all(&source, &file.events, ids, &mut diagnostics));
        }
    }
    events.sort_by(|a, b| (a.month, a.day, &a.label).cmp(&(b.month, b.day, &b.label)));
    (events, diagnostics)
}

/// `events/*.toml`, sorted by name; no folder means no files.
fn event_files(project: &Project, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let folder = project.events_dir();
    if !folder.is_dir() {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(crate::diagnostics::Diagnostic::file(&folder, format!("cannot list events: {error}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn check_all(source: &SourceFile, entries: &[EventEntry], ids: &[&str], diagnostics: &mut Diagnostics) -> Vec<Event> {
    entries.iter().filter_map(|entry| check(source, entry, ids, diagnostics)).collect()
}

fn check(source: &SourceFile, entry: &EventEntry, ids: &[&str], diagnostics: &mut Diagnostics) -> Option<Event> {
    let before = diagnostics.len();
    let written = entry.date.get_ref().trim();
    let date = parse_date(written);
    if date.is_none() {
        let message = format!("`{written}` is not a date written YYYY-MM-DD or a month written YYYY-MM");
        diagnostics.push(source.error(entry.date.span(), message, "not a date"));
    }
    let label = entry.label.get_ref().trim();
    if label.is_empty() || label.chars().any(char::is_control) || label.chars().count() > MAX_LABEL_CHARS {
        let message = format!("an event's label must be one line of 1 to {MAX_LABEL_CHARS} characters");
        let help = "labels are drawn on every chart the event falls in; put detail in the commentary";
        diagnostics.push(source.error(entry.label.span(), message, "this label").with_help(help));
    }
    for id in &entry.indicators {
        if !ids.contains(&id.get_ref().as_str()) {
            let message = format!("`{}` is not an indicator id", id.get_ref());
            let help = did_you_mean(id.get_ref(), ids.iter().copied());
            diagnostics.push(source.error(id.span(), message, "unknown indicator").with_help_opt(help));
        }
    }
    let (month, day) = date?;
    (diagnostics.len() == before).then(|| Event {
        date: written.to_string(),
        month,
        day,
        label: label.to_string(),
        indicators: entry.indicators.iter().map(|id| id.get_ref().clone()).collect(),
        rebase: entry.rebase,
    })
}

/// `YYYY-MM-DD` or `YYYY-MM`, as a month and the day if given.
fn parse_date(text: &str) -> Option<(Month, Option<u32>)> {
    match text.len() {
        7 => text.parse::<Month>().ok().map(|month| (month, None)),
        10 => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
            Some((Month::containing(date), Some(date.day())))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> (Vec<Event>, Diagnostics) {
        let source = SourceFile::new("events/2025.toml", text);
        let keys = [field_names::<EventsFile>(), field_names::<EventEntry>()].concat();
        let (file, mut diagnostics) = parse_toml::<EventsFile>(&source, &keys);
        let events = check_all(&source, &file.unwrap().events, &["re-referrals", "agency-rate"], &mut diagnostics);
        (events, diagnostics)
    }

    #[test]
    fn dates_months_and_whom_they_concern() {
        let (events, diagnostics) = entries(
            "[[events]]\ndate = \"2025-01-16\"\nlabel = \"New front door\"\nindicators = [\"re-referrals\"]\nrebase = true\n\
             [[events]]\ndate = \"2024-10\"\nlabel = \"Restructure\"\n",
        );
        assert!(diagnostics.is_empty(), "{}", diagnostics.render());
        assert_eq!(events[0].month, Month::new(2025, 1).unwrap());
        // 16 January: 15 of January's 31 days have passed.
        assert!((events[0].into_month() - 15.0 / 31.0).abs() < 1e-12);
        assert!(events[0].concerns("re-referrals") && !events[0].concerns("agency-rate") && events[0].rebase);
        assert_eq!(events[1].into_month(), 0.0);
        assert!(events[1].concerns("agency-rate") && !events[1].rebase);
    }

    #[test]
    fn every_mistake_is_reported_with_its_line() {
        let (events, diagnostics) = entries(
            "[[events]]\ndate = \"2025-13-01\"\nlabel = \"\"\nindicators = [\"re-referral\"]\n\
             [[events]]\ndate = \"2025-02\"\nlabel = \"A label far too long to be drawn on a chart beside others\"\n",
        );
        assert!(events.is_empty());
        let text = diagnostics.render();
        assert_eq!(diagnostics.len(), 4, "{text}");
        for needle in [
            "2025-13-01",
            "events/2025.toml:2",
            "events/2025.toml:3",
            "re-referral",
            "re-referrals",
            "events/2025.toml:7",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
    }
}
