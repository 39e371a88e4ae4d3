//! `scorecard schema`: the JSON Schema of a user-written file, for editor
//! completion, generated from the same types the engine reads it into.

use super::args::SchemaKind;

/// The JSON Schema of `kind`'s file, pretty-printed.
pub fn schema(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Indicator => schemars::schema_for!(crate::language::Indicator),
        SchemaKind::Project => schemars::schema_for!(crate::project::ProjectFile),
        SchemaKind::Plan => schemars::schema_for!(crate::language::PlanFile),
    };
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
