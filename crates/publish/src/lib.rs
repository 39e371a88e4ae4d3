//! Publishing: a build under the output lock (what is out of date, read and
//! evaluate once, write each bundle), bundles written atomically, manifests,
//! archive pages and a consortium's comparisons; `publish` copies a bundle
//! to a publication folder. Depends on every stage before it.

#![warn(missing_docs)]

// The earlier stages, under the names the pipeline's paths use (`crate::project::Month`).
pub(crate) use scorecard_evaluate as evaluate;
pub(crate) use scorecard_input as input;
pub(crate) use scorecard_judge as judge;
pub(crate) use scorecard_language as language;
pub(crate) use scorecard_project as project;
pub(crate) use scorecard_project::{error, parallel};
pub(crate) use scorecard_render as render;

mod archive;
mod build;
mod bundle;
mod comparison;
mod context;
mod earlier;
mod inputs;
mod lock;
mod manifest;
mod progress;
mod staleness;

pub use build::{run as build, Headline, Options, Outcome};
pub use bundle::{publish, zip};
pub use lock::{LockError, OutputLock};
pub use manifest::{Manifest, ManifestFile};
