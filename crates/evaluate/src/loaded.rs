//! A project loaded for evaluation: the project file, its members and its
//! definitions, each definition checked and compiled into a plan.

use super::plan::{compile_all, compile_checks, CheckPlan, Plan};
use super::ties::tie_checks;
use crate::diagnostics::{did_you_mean, Diagnostics};
use crate::error::{Error, UsageError};
use crate::language::{self, Definition, Event, ImprovementPlan, LeftOut};
use crate::project::{self, Member, Project};
use std::path::Path;

/// A project whose definitions have all been checked and compiled.
pub struct Loaded {
    /// The project file, checked.
    pub project: Project,
    /// Every indicator definition, checked, in the order they are listed.
    pub definitions: Vec<Definition>,
    /// The authorities reported on: one, or a consortium's members.
    pub members: Vec<Member>,
    /// Dated events, in date order, for charts and SPC rebasing.
    pub events: Vec<Event>,
    /// The improvement plan (`plan.toml`), if the project has one.
    pub plan: Option<ImprovementPlan>,
    /// Each definition's plan, in definition order.
    pub(super) plans: Vec<Plan>,
    pub(super) checks: Vec<CheckPlan>,
    /// Indicators left out because they read a dataset marked `held = false`.
    pub left_out: Vec<LeftOut>,
}

impl Loaded {
    /// A member by its code, or the only member when none is named.
    pub fn member(&self, code: Option<&str>) -> Result<usize, Error> {
        let codes = || self.members.iter().map(|member| member.code.as_str());
        match code {
            Some(code) => codes().position(|found| found == code).ok_or_else(|| {
                let help = did_you_mean(code, codes()).map(|h| format!(" ({h})")).unwrap_or_default();
                Error::Usage(UsageError::NoMember { code: code.to_string(), help })
            }),
            None if self.members.len() == 1 => Ok(0),
            None => Err(Error::Usage(UsageError::MemberNotNamed {
                members: self.members.len(),
                example: self.members[0].code.to_string(),
            })),
        }
    }
}

/// Read and check the project, its members and every definition, and
/// compile the definitions: every problem in every file is reported.
pub fn load(root: &Path) -> Result<Loaded, Error> {
    let project = Project::load(root).map_err(Error::Invalid)?;
    let (definitions, mut diagnostics) = language::load_all(&project);
    let (definitions, left_out) = language::leave_out_unheld(&project, definitions);
    let ids: Vec<&str> = definitions.iter().map(Definition::id).collect();
    let (events, found) = language::load_events(&project, &ids);
    diagnostics.extend(found);
    let (plan, found) = language::load_plan(&project, &ids);
    diagnostics.extend(found);
    diagnostics.extend(unknown_indicators_named(&project, &ids));
    let checks = compile_checks(&project).unwrap_or_else(|found| {
        diagnostics.extend(found);
        Vec::new()
    });
    let members = project::load_members(&project).unwrap_or_else(|found| {
        diagnostics.extend(found);
        Vec::new()
    });
    match compile_all(&project, &definitions) {
        Ok(plans) => {
            let mut checks = checks;
            checks.extend(tie_checks(&definitions, &plans));
            diagnostics
                .into_result(Loaded { project, definitions, members, events, plan, plans, checks, left_out })
                .map_err(Error::Invalid)
        }
        Err(found) => {
            diagnostics.extend(found);
            Err(Error::Invalid(diagnostics))
        }
    }
}

/// `[board_pack] pages_for` and `[owners]` name indicators by id: each must be one.
fn unknown_indicators_named(project: &Project, ids: &[&str]) -> Diagnostics {
    let mut found = Diagnostics::default();
    for (section, id, span) in project.indicators_named() {
        if !ids.contains(&id) {
            let help = did_you_mean(id, ids.iter().copied());
            let message = format!("`{section}` names `{id}`, which is no indicator");
            found.push(project.source.error(span, message, "no indicator has this id").with_help_opt(help));
        }
    }
    found
}
