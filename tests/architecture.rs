//! The module tree is the pipeline: each stage may use the stages before it
//! and never one after it; within a stage, files use each other by name
//! (never through the stage's own `mod.rs`) and without cycles; polars is
//! named only inside `evaluate/`.

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

/// Which modules each module uses, from the files' text.
fn uses(files: &[(PathBuf, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = files.iter().map(|(path, _)| module_of(path)).collect();
    let mut uses: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (path, text) in files {
        let (stage, name) = module_of(path);
        // `super::` is the folder the file is in (a stage's file: the stage).
        let code = code_of(text).replace("super::", &format!("crate::{}", parent_path(path)));
        let mut used = BTreeSet::new();
        for path in crate_paths(&code) {
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

fn sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.strip_prefix(&src).unwrap().to_path_buf(), text)
        })
        .collect()
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
fn polars_is_named_only_in_evaluate() {
    let outside: Vec<String> = sources()
        .iter()
        .filter(|(path, text)| !path.starts_with("evaluate") && code_of(text).contains("polars"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(outside.is_empty(), "polars named outside src/evaluate/: {outside:?}");
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
