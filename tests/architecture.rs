//! The workspace is the pipeline, one crate per stage under `crates/`. Cargo
//! keeps a crate from using one it does not depend on; these tests check what
//! Cargo cannot: that each crate depends only on the stages before it (its
//! manifest against the documented order), that the modules inside the
//! `project` crate keep their order, that within a stage files use each other
//! by name (never through the crate root's re-exports) and without cycles,
//! and that polars is depended on and named only in `evaluate`.
//!
//! The sources are read as the pipeline's module tree: `crates/judge/src/rag.rs`
//! is `judge/rag.rs`, a crate's `lib.rs` is its stage's `mod.rs`, and the
//! `project` crate holds `diagnostics/`, `parallel.rs` and `error.rs` beside
//! `project/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module, in pipeline order: a module may use those before it.
const STAGES: [&str; 12] = [
    "diagnostics",
    "parallel",
    "project",
    "error",
    "language",
    "input",
    "evaluate",
    "judge",
    "render",
    "publish",
    "sample",
    "cli",
];

/// A module: its stage and its file within the stage (`mod` for the stage's
/// own `mod.rs`, or a one-file stage).
type Module = (String, String);

fn source_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// `judge/rag.rs` -> ("judge", "rag"); `judge/mod.rs` and `parallel.rs` -> (stage, "mod").
fn module_of(relative: &Path) -> Module {
    let parts: Vec<String> =
        relative.with_extension("").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [stage] => (stage.clone(), "mod".to_string()),
        [stage, file, ..] => (stage.clone(), file.clone()),
        [] => unreachable!(),
    }
}

/// Code without `//` comments (prose naming a module is not a use of it)
/// and without the unit tests at the foot of the file.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every path used after `crate::`, with brace groups spelt out one by one
/// (`crate::judge::{rag, spc::Spc}` -> `judge::rag`, `judge::spc::Spc`).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let preceded = rest[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        rest = &rest[at + "crate::".len()..];
        if !preceded {
            expand("", rest, &mut paths);
        }
    }
    paths
}

fn expand(prefix: &str, text: &str, paths: &mut Vec<Vec<String>>) {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len());
    let head = format!("{prefix}{}", &text[..end]);
    if text[end..].starts_with('{') {
        let inner = &text[end + 1..];
        let mut depth = 0;
        let mut start = 0;
        for (index, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&head, inner[start..index].trim_start(), paths);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&head, inner[start..index].trim_start(), paths);
                    start = index + 1;
                }
                _ => {}
            }
        }
    } else {
        let segments: Vec<String> =
            head.trim_end_matches(':').split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        if !segments.is_empty() {
            paths.push(segments);
        }
    }
}

/// The module path of the folder a file is in, ending `::`: `judge/rag.rs`
/// and `judge/projection/mod.rs` -> `judge::`, `judge/projection/care.rs`
/// -> `judge::projection::`.
fn parent_path(relative: &Path) -> String {
    let mut parts: Vec<String> =
        relative.with_extension("").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts.pop();
    parts.iter().map(|part| format!("{part}::")).collect()
}

/// The stage whose crate a file is in, where its `crate::` paths start: the
/// file's stage, or `project` for the shared modules in that crate.
fn crate_stage(relative: &Path) -> String {
    let (stage, _) = module_of(relative);
    if ["diagnostics", "parallel", "error"].contains(&stage.as_str()) {
        "project".to_string()
    } else {
        stage
    }
}

/// A `crate::` path as the pipeline's module tree names it: each crate
/// imports the earlier stages under their names, so a path starting with a
/// stage is already whole; any other starts at the file's own crate root.
fn in_tree(mut path: Vec<String>, crate_stage: &str) -> Vec<String> {
    if !STAGES.contains(&path[0].as_str()) && !["lib", "main"].contains(&crate_stage) {
        path.insert(0, crate_stage.to_string());
    }
    path
}

/// Which modules each module uses, from the files' text.
fn uses(files: &[(PathBuf, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = files.iter().map(|(path, _)| module_of(path)).collect();
    let mut uses: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (path, text) in files {
        let (stage, name) = module_of(path);
        let own_crate = crate_stage(path);
        // `super::` is the folder the file is in (a stage's file: the stage).
        let code = code_of(text).replace("super::", &format!("crate::{}", parent_path(path)));
        let mut used = BTreeSet::new();
        for path in crate_paths(&code).into_iter().map(|path| in_tree(path, &own_crate)) {
            let file = path.get(1).filter(|file| modules.contains(&(path[0].clone(), file.to_string())));
            used.insert((path[0].clone(), file.cloned().unwrap_or_else(|| "mod".to_string())));
        }
        used.remove(&(stage.clone(), name.clone()));
        uses.entry((stage, name)).or_default().extend(used);
    }
    uses
}

/// Every use that breaks the pipeline's order or goes through a stage's own `mod.rs`.
fn misplaced(uses: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let position = |stage: &str| STAGES.iter().position(|known| *known == stage);
    let mut wrong = Vec::new();
    for ((stage, file), used) in uses {
        if stage == "lib" || stage == "main" {
            continue;
        }
        let Some(own) = position(stage) else {
            wrong.push(format!("src/{stage}: not a known stage; add it to STAGES in pipeline order"));
            continue;
        };
        for (other, other_file) in used {
            match position(other) {
                Some(theirs) if theirs < own => {}
                Some(_) if other == stage && other_file != "mod" => {}
                Some(_) if other == stage => {
                    wrong.push(format!("{stage}/{file} uses its own stage's mod.rs: name the file instead"))
                }
                _ => wrong.push(format!("{stage}/{file} uses {other}, which comes after it in the pipeline")),
            }
        }
    }
    wrong
}

/// Every cycle among files, as `a -> b -> a`.
fn cycles(uses: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    fn visit<'a>(
        node: &'a Module,
        uses: &'a BTreeMap<Module, BTreeSet<Module>>,
        grey: &mut BTreeMap<&'a Module, bool>,
        stack: &mut Vec<&'a Module>,
        found: &mut Vec<String>,
    ) {
        match grey.get(node) {
            Some(true) => {
                let start = stack.iter().position(|n| *n == node).unwrap();
                let names: Vec<String> = stack[start..].iter().map(|(s, f)| format!("{s}/{f}")).collect();
                found.push(format!("{} -> {}/{}", names.join(" -> "), node.0, node.1));
                return;
            }
            Some(false) => return,
            None => {}
        }
        grey.insert(node, true);
        stack.push(node);
        for next in uses.get(node).into_iter().flatten() {
            visit(next, uses, grey, stack, found);
        }
        stack.pop();
        grey.insert(node, false);
    }
    let mut grey = BTreeMap::new();
    let mut found = Vec::new();
    for node in uses.keys() {
        visit(node, uses, &mut grey, &mut Vec::new(), &mut found);
    }
    found
}

/// Where a file sits in the pipeline's module tree (see the top of this file).
fn tree_path(crate_name: &str, relative: &Path) -> PathBuf {
    let top = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let shared = top.as_deref().is_some_and(|top| ["diagnostics", "parallel.rs", "error.rs"].contains(&top));
    let within = if relative == Path::new("lib.rs") { Path::new("mod.rs") } else { relative };
    if crate_name == "project" && shared {
        relative.to_path_buf()
    } else {
        Path::new(crate_name).join(within)
    }
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The stage crates under `crates/`, by folder name.
fn stage_crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every source file, as (its place in the module tree, its text): the stage
/// crates' and the top crate's (`cli/`, `lib.rs`, `main.rs`).
fn sources() -> Vec<(PathBuf, String)> {
    let mut roots: Vec<(Option<String>, PathBuf)> = stage_crates()
        .into_iter()
        .map(|name| (Some(name.clone()), workspace().join("crates").join(name).join("src")))
        .collect();
    roots.push((None, workspace().join("src")));
    let mut out = Vec::new();
    for (crate_name, src) in roots {
        let mut files = Vec::new();
        source_files(&src, &mut files);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(&src).unwrap();
            let place = crate_name.as_deref().map_or_else(|| relative.to_path_buf(), |name| tree_path(name, relative));
            out.push((place, text));
        }
    }
    out
}

/// A manifest's dependencies, normal and dev, by name.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|section| table.get(*section).and_then(|deps| deps.as_table()))
        .flat_map(|deps| deps.keys().cloned())
        .collect()
}

/// Each stage crate's manifest against the pipeline's order; every crate
/// under `crates/` must be a known stage.
fn manifest_order() -> Vec<String> {
    let position = |stage: &str| STAGES.iter().position(|known| *known == stage);
    let mut wrong = Vec::new();
    for name in stage_crates() {
        let Some(own) = position(&name) else {
            wrong.push(format!("crates/{name}: not a known stage; add it to STAGES in pipeline order"));
            continue;
        };
        for dependency in dependencies(&workspace().join("crates").join(&name).join("Cargo.toml")) {
            let Some(stage) = dependency.strip_prefix("scorecard-") else { continue };
            if position(stage).is_none_or(|theirs| theirs >= own) {
                wrong.push(format!("crates/{name} depends on {dependency}, which does not come before it"));
            }
        }
    }
    wrong
}

#[test]
fn stages_use_only_earlier_stages_and_name_their_own_files() {
    let wrong = misplaced(&uses(&sources()));
    assert!(wrong.is_empty(), "dependencies must run down the pipeline:\n{}", wrong.join("\n"));
}

#[test]
fn no_import_cycle_between_files() {
    let found = cycles(&uses(&sources()));
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn each_crate_depends_only_on_earlier_stages() {
    let wrong = manifest_order();
    assert!(wrong.is_empty(), "crates must depend down the pipeline:\n{}", wrong.join("\n"));
    // What it reads: judge's manifest names evaluate, an earlier stage.
    assert!(dependencies(&workspace().join("crates/judge/Cargo.toml")).contains(&"scorecard-evaluate".to_string()));
}

#[test]
fn polars_is_a_dependency_and_named_only_in_evaluate() {
    let mut manifests: Vec<PathBuf> =
        stage_crates().iter().map(|name| workspace().join("crates").join(name).join("Cargo.toml")).collect();
    manifests.push(workspace().join("Cargo.toml"));
    let depending: Vec<String> = manifests
        .iter()
        .filter(|manifest| dependencies(manifest).iter().any(|dependency| dependency == "polars"))
        .map(|manifest| manifest.strip_prefix(workspace()).unwrap().display().to_string())
        .collect();
    assert_eq!(depending, ["crates/evaluate/Cargo.toml"]);
    // A re-export (`evaluate::polars`) would let another stage name it.
    let outside: Vec<String> = sources()
        .iter()
        .filter(|(path, text)| !path.starts_with("evaluate") && code_of(text).contains("polars"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(outside.is_empty(), "polars named outside crates/evaluate/: {outside:?}");
}

#[test]
fn the_tree_is_read_as_the_pipeline() {
    assert_eq!(tree_path("judge", Path::new("lib.rs")), Path::new("judge/mod.rs"));
    assert_eq!(tree_path("judge", Path::new("projection/care.rs")), Path::new("judge/projection/care.rs"));
    assert_eq!(tree_path("project", Path::new("diagnostics/mod.rs")), Path::new("diagnostics/mod.rs"));
    assert_eq!(tree_path("project", Path::new("error.rs")), Path::new("error.rs"));
    assert_eq!(tree_path("project", Path::new("calendar.rs")), Path::new("project/calendar.rs"));
    // In judge's crate `crate::rag` is judge's file; `crate::project` is the stage.
    let tree = [
        (PathBuf::from("judge/spc.rs"), "use crate::rag::Rag;\nuse crate::project::Month;".to_string()),
        (PathBuf::from("judge/rag.rs"), String::new()),
        (PathBuf::from("error.rs"), "use crate::Month;".to_string()),
    ];
    let uses = uses(&tree);
    let module = |s: &str, f: &str| (s.to_string(), f.to_string());
    assert_eq!(uses[&module("judge", "spc")], [module("judge", "rag"), module("project", "mod")].into());
    assert_eq!(uses[&module("error", "mod")], [module("project", "mod")].into());
}

#[test]
fn the_checks_catch_what_they_are_for() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_string());
    let tree = [
        file("judge/rag.rs", "use super::{spc, rounding::round_to};\nuse crate::render::Shown;"),
        file("judge/spc.rs", "use super::rag::Rag;\nuse crate::judge::Scorecard;"),
        file("judge/rounding.rs", "// crate::publish is only named in prose\n#[cfg(test)]\nuse crate::cli;"),
        file("judge/mod.rs", "mod rag;"),
        file("render/mod.rs", "pub enum Shown {}"),
    ];
    let uses = uses(&tree);
    let rag = ("judge".to_string(), "rag".to_string());
    let expected: BTreeSet<Module> =
        [("judge", "spc"), ("judge", "rounding"), ("render", "mod")].map(|(s, f)| (s.into(), f.into())).into();
    assert_eq!(uses[&rag], expected);
    assert!(uses[&("judge".to_string(), "rounding".to_string())].is_empty());
    assert_eq!(
        misplaced(&uses),
        [
            "judge/rag uses render, which comes after it in the pipeline",
            "judge/spc uses its own stage's mod.rs: name the file instead"
        ]
    );
    assert_eq!(cycles(&uses), ["judge/rag -> judge/spc -> judge/rag"]);
}

#[test]
fn brace_groups_and_nested_paths_are_spelt_out() {
    let paths = crate_paths("use crate::judge::{rag::{self, Rag}, spc};\nlet x = crate::render::html::page();");
    let text: Vec<String> = paths.iter().map(|path| path.join("::")).collect();
    assert_eq!(text, ["judge::rag::self", "judge::rag::Rag", "judge::spc", "render::html::page"]);
}
