//! Episodes of care as the model counts them: joined into periods of care
//! (an episode starting the day the last ended continues the same period),
//! each day of which a child has an age band and a placement type.

use chrono::{Datelike, NaiveDate};

/// The demand model's placement types, from SSDA903's placement codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Foster placements (U1-U6).
    Fostering,
    /// Children's homes (K2, R1).
    Residential,
    /// Supported accommodation (H5, P2).
    Supported,
    /// Every other placement.
    Other,
}

/// Every placement type, in the order reports list them.
pub const PLACEMENTS: [Placement; 4] =
    [Placement::Fostering, Placement::Residential, Placement::Supported, Placement::Other];

impl Placement {
    /// The demand model's standard configuration (`standard-v1.yaml`):
    /// foster placements U1-U6; residential K2 and R1; supported H5 and P2;
    /// every other code (placed for adoption, with parents, secure, other).
    pub fn of_code(code: &str) -> Placement {
        match code.trim().to_ascii_uppercase().as_str() {
            "U1" | "U2" | "U3" | "U4" | "U5" | "U6" => Placement::Fostering,
            "K2" | "R1" => Placement::Residential,
            "H5" | "P2" => Placement::Supported,
            _ => Placement::Other,
        }
    }

    /// Its place in `PLACEMENTS`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name as reports print it.
    pub fn label(self) -> &'static str {
        ["Fostering", "Residential", "Supported", "Other"][self.index()]
    }
}

/// An age band: from its first birthday up to (not including) the next
/// band's. The demand model's bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeBand {
    /// The age the band starts at.
    pub from_years: u32,
    /// Its name as reports print it.
    pub label: &'static str,
}

/// The demand model's age bands, youngest first.
pub const AGE_BANDS: [AgeBand; 5] = [
    AgeBand { from_years: 0, label: "Under 1" },
    AgeBand { from_years: 1, label: "1 to 4" },
    AgeBand { from_years: 5, label: "5 to 9" },
    AgeBand { from_years: 10, label: "10 to 15" },
    AgeBand { from_years: 16, label: "16 and 17" },
];

/// Care ends at 18 (Children Act 1989, s.105): the model leaves a child's
/// care on their 18th birthday if nothing else has ended it.
pub const LEAVING_AGE: u32 = 18;

/// One SSDA903 episode: a child, their date of birth, its start, its end
/// (none while open) and its placement type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    /// The child's id.
    pub child: String,
    /// Their date of birth.
    pub born: NaiveDate,
    /// The episode's first day.
    pub start: NaiveDate,
    /// The day it ended; None while open.
    pub end: Option<NaiveDate>,
    /// Its placement type.
    pub placement: Placement,
}

/// The day a child born on `born` turns `years` (a 29 February birthday
/// falls on 1 March in other years, as the law counts it).
pub fn birthday(born: NaiveDate, years: u32) -> NaiveDate {
    let year = born.year() + years as i32;
    NaiveDate::from_ymd_opt(year, born.month(), born.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// The age band of a child born on `born`, on `day`.
pub fn band_on(born: NaiveDate, day: NaiveDate) -> usize {
    AGE_BANDS.iter().rposition(|band| birthday(born, band.from_years) <= day).unwrap_or(0)
}

/// The first day after `day` on which a child born on `born` changes band
/// or turns 18.
pub fn next_birthday_that_counts(born: NaiveDate, day: NaiveDate) -> NaiveDate {
    AGE_BANDS
        .iter()
        .map(|band| band.from_years)
        .chain([LEAVING_AGE])
        .map(|years| birthday(born, years))
        .find(|date| *date > day)
        .unwrap_or(NaiveDate::MAX)
}

/// A stretch of one placement type within a period of care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stretch {
    /// Its first day.
    pub start: NaiveDate,
    /// The day it ended; None while open.
    pub end: Option<NaiveDate>,
    /// The placement type throughout.
    pub placement: Placement,
}

/// A child's continuous period of care: its stretches in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The child's date of birth.
    pub born: NaiveDate,
    /// Its stretches, in order.
    pub stretches: Vec<Stretch>,
}

impl Period {
    /// The period's first day.
    pub fn start(&self) -> NaiveDate {
        self.stretches[0].start
    }

    /// The day it ended; None while open.
    pub fn end(&self) -> Option<NaiveDate> {
        self.stretches.last().and_then(|stretch| stretch.end)
    }
}

/// Each child's episodes, sorted, joined into periods of care. Episodes of
/// the same type back to back are one stretch. As the demand model does
/// with several years' returns: of two episodes starting the same day the
/// one with the latest end is kept (an open one in one year, closed in the
/// next); an episode that starts before the last ended cuts the last short.
/// An episode ending where it starts is dropped.
pub fn periods(episodes: &[Episode]) -> Vec<Period> {
    let mut sorted: Vec<&Episode> = episodes.iter().filter(|episode| episode.end != Some(episode.start)).collect();
    // An open end sorts first, so the last of a start day has the latest end.
    sorted.sort_by(|a, b| (&a.child, a.start, a.end).cmp(&(&b.child, b.start, b.end)));
    sorted.dedup_by(|later, earlier| {
        let same = later.child == earlier.child && later.start == earlier.start;
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    let mut periods: Vec<Period> = Vec::new();
    let mut last_child: Option<&str> = None;
    for episode in sorted {
        let same_child = last_child == Some(episode.child.as_str());
        last_child = Some(&episode.child);
        let period = periods.last_mut().filter(|period| same_child && continues(period, episode.start));
        match period {
            Some(period) => extend(period, episode),
            None => periods.push(Period { born: episode.born, stretches: vec![stretch(episode)] }),
        }
    }
    periods
}

fn continues(period: &Period, start: NaiveDate) -> bool {
    period.end().is_none_or(|end| start <= end)
}

fn stretch(episode: &Episode) -> Stretch {
    Stretch { start: episode.start, end: episode.end, placement: episode.placement }
}

fn extend(period: &mut Period, episode: &Episode) {
    let last = period.stretches.last_mut().expect("a period has a stretch");
    if last.end.is_none_or(|end| end > episode.start) {
        last.end = Some(episode.start);
    }
    if last.placement == episode.placement {
        last.end = episode.end;
    } else {
        period.stretches.push(stretch(episode));
    }
    period.stretches.retain(|stretch| stretch.end != Some(stretch.start));
}
