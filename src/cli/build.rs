//! `scorecard build` and `scorecard publish`: what was built, and the newest
//! month's indicators line by line (the page has the rest).

use crate::error::Error;
use crate::evaluate;
use crate::project::Month;
use crate::publish::{self, Headline, Outcome};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub(super) fn build(root: &Path, options: &publish::Options, out: &mut String) -> Result<(), Error> {
    // Each member's newest month built, indicator by indicator (the page has the rest).
    let mut newest: BTreeMap<Option<String>, (Month, Vec<Headline>)> = BTreeMap::new();
    for outcome in publish::build(root, options)? {
        match outcome {
            Outcome::Built { authority, month, path, counts, headlines } => {
                let who = authority.as_ref().map(|code| format!(" {code}")).unwrap_or_default();
                let (red, amber, green) = (counts.red, counts.amber, counts.green);
                say!(out, "built{who} {month}: {red} red, {amber} amber, {green} green -> {}", path.display());
                if newest.get(&authority).is_none_or(|(latest, _)| *latest <= month) {
                    newest.insert(authority, (month, headlines));
                }
            }
            Outcome::UpToDate { authority, month } => {
                let who = authority.map(|code| format!("{code} ")).unwrap_or_default();
                say!(out, "{who}{month} is up to date: nothing to do (--force rebuilds)")
            }
            Outcome::Compared { month, path } => say!(out, "compared {month}: {}", path.display()),
        }
    }
    let consortium = newest.len() > 1 || newest.keys().any(Option::is_some);
    for (authority, (month, headlines)) in &newest {
        if let (true, Some(code)) = (consortium, authority) {
            say!(out, "{code} {month}:");
        }
        for headline in headlines {
            say!(out, "  {}", headline_line(headline));
        }
    }
    Ok(())
}

/// `[A] re-referrals   20.7%  worsening`: RAG letter, id, value, direction since last month.
fn headline_line(headline: &Headline) -> String {
    let rag = headline.rag.map_or("-", |rag| rag.letter());
    let travel = headline.since_last_month.map_or("", |direction| direction.describe());
    format!("[{rag}] {:<38} {:>16}  {travel}", headline.id, headline.value)
}

pub(super) fn publish(
    root: &Path,
    month: Month,
    to: &Path,
    wait: Duration,
    authority: Option<&str>,
    out: &mut String,
) -> Result<(), Error> {
    let loaded = evaluate::load(root)?;
    let member = &loaded.members[loaded.member(authority)?];
    // The lock builds take: the folder and its zip are read between builds.
    let _lock = publish::OutputLock::acquire_for_build(&loaded.project.output_dir(), wait)?;
    let target = publish::publish(&member.output_dir, month, to)?;
    say!(out, "published {}", target.display());
    Ok(())
}
