//! Publishing: the build of a month under the output lock, bundles written
//! atomically, manifests and staleness.

mod build;
pub mod bundle;
pub mod lock;

pub use build::*;
