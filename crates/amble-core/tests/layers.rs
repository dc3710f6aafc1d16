//! The layers of the core (ARCHITECTURE.md, "Layers of the core"): every module sits in one
//! layer and imports only from its own layer or the layers below, with no circle between
//! modules. Read from the sources' own `crate::` paths (code under `#[cfg(test)]` left out), so
//! a new module or a new import that runs back up fails here with its file named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first. A module may import from its own layer and the layers below.
const LAYERS: &[(&str, &[&str])] = &[
    // Plain values and the journal: what an entry holds and the entries themselves.
    (
        "entries",
        &[
            "words",
            "pain",
            "answers",
            "journal",
            "correction",
            "revision",
            "client_ref",
            "text",
        ],
    ),
    // The check-up: content, questionnaires, the assessment and check-ins read on their own.
    (
        "check-up",
        &[
            "tier",
            "pose",
            "topics",
            "coach_rules",
            "tuning",
            "instruments",
            "outcomes",
            "knowledge",
            "answers_check",
            "assessment",
            "new_symptoms",
            "checkin",
            "checkup",
        ],
    ),
    // The plan: the replay of the journal and what it prescribes.
    ("plan", &["plan"]),
    // What reads the plan: care and alerts, insights, reports, charts, exports.
    (
        "readers",
        &[
            "checkin_doc",
            "coach",
            "learn",
            "gait",
            "reminders",
            "insights",
            "report",
            "charts",
            "clinician",
            "fhir",
        ],
    ),
];

/// Modules that stand apart: they import nothing of the core.
const APART: &[&str] = &["access", "gait_setup"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The text with comments, string literals and `#[cfg(test)]` modules blanked out.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '"' {
            out.push_str("\"\"");
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == 'r' && b.get(i + 1) == Some(&'#') && b.get(i + 2) == Some(&'"') {
            out.push_str("\"\"");
            i += 3;
            while i < b.len() && !(b[i] == '"' && b.get(i + 1) == Some(&'#')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else if c == '\'' && b.get(i + 1) == Some(&'\\') && b.get(i + 3) == Some(&'\'') {
            out.push_str("' '");
            i += 4;
        } else {
            out.push(c);
            i += 1;
        }
    }
    strip_test_modules(&out)
}

fn strip_test_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // The attribute's item: skip to its body's closing brace (or its `;`).
        let open = after.find('{');
        let semi = after.find(';');
        match (open, semi) {
            (Some(o), s) if s.is_none_or(|s| o < s) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (k, ch) in after[o..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = o + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            (_, Some(s)) => rest = &after[s + 1..],
            _ => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first segments of every path that starts with `prefix` (`crate::`, `super::`), groups
/// (`crate::{a, b::c}`) opened.
fn first_segments(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1usize;
            let mut item = String::new();
            let mut items = Vec::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        items.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                if depth == 1 {
                    item.push(ch);
                } else if ch != '{' {
                    item.push(' ');
                }
            }
            items.push(item);
            for it in items {
                let name = ident_at(it.trim());
                if !name.is_empty() {
                    out.push(name.to_string());
                }
            }
        } else {
            let name = ident_at(rest);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `pub use m::{A, b}` lines of a module root: each re-exported name and the module it is from.
fn reexports(code: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in code.split(';') {
        let s = stmt.trim();
        let Some(path) = s.strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(path).to_string();
        let names = match path.find('{') {
            Some(o) => path[o + 1..].trim_end_matches('}').to_string(),
            None => path.rsplit("::").next().unwrap_or("").to_string(),
        };
        for n in names.split(',') {
            let n = n.trim();
            let n = n.rsplit(" as ").next().unwrap_or(n).trim();
            let n = n.rsplit("::").next().unwrap_or(n);
            if !n.is_empty() {
                map.insert(n.to_string(), module.clone());
            }
        }
    }
    map
}

/// The top-level module a file belongs to (`plan` for `plan/replay.rs`), `None` for lib.rs.
fn unit_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    if first == "lib.rs" {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Module -> (module it imports -> the file that imports it).
fn module_graph() -> BTreeMap<String, BTreeMap<String, String>> {
    let root = reexports(&code_of(&read(&src().join("lib.rs"))));
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 20, "read the core's sources");
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in &files {
        let Some(unit) = unit_of(f) else { continue };
        let code = code_of(&read(f));
        let edges = graph.entry(unit.clone()).or_default();
        for seg in first_segments(&code, "crate::") {
            let target = root.get(&seg).cloned().unwrap_or(seg);
            if target != unit && target != "self" {
                let rel = f.strip_prefix(src()).unwrap_or(f);
                edges
                    .entry(target)
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    graph
}

fn layer_of() -> BTreeMap<&'static str, usize> {
    let mut at = BTreeMap::new();
    for (i, (_, modules)) in LAYERS.iter().enumerate() {
        for m in modules.iter() {
            assert!(at.insert(*m, i).is_none(), "`{m}` is in two layers");
        }
    }
    at
}

/// The strongly connected parts with more than one member (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !g.contains_key(w) {
                continue;
            }
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut part = BTreeSet::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                part.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if part.len() > 1 {
                t.out.push(part);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v.as_str());
        }
    }
    t.out
}

#[test]
fn every_module_has_a_layer() {
    let at = layer_of();
    let graph = module_graph();
    for m in graph.keys() {
        assert!(
            at.contains_key(m.as_str()) || APART.contains(&m.as_str()),
            "module `{m}` is in no layer: add it to LAYERS (or APART) in tests/layers.rs and to \
             ARCHITECTURE.md"
        );
    }
    for m in at.keys().chain(APART) {
        assert!(
            graph.contains_key(*m),
            "LAYERS names `{m}`, which is no module of the core"
        );
    }
}

#[test]
fn imports_run_down_only() {
    let at = layer_of();
    let mut wrong = Vec::new();
    for (m, edges) in module_graph() {
        if APART.contains(&m.as_str()) {
            for (to, file) in &edges {
                wrong.push(format!("{file}: `{m}` stands apart but imports `{to}`"));
            }
            continue;
        }
        let Some(&mine) = at.get(m.as_str()) else {
            continue;
        };
        for (to, file) in &edges {
            match at.get(to.as_str()) {
                Some(&theirs) if theirs > mine => wrong.push(format!(
                    "{file}: `{m}` ({}) imports `{to}` from the layer above ({})",
                    LAYERS[mine].0, LAYERS[theirs].0
                )),
                None if !APART.contains(&to.as_str()) => {
                    wrong.push(format!("{file}: `{m}` imports `{to}`, which has no layer"))
                }
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run back up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_circle_between_modules() {
    let graph: BTreeMap<String, BTreeSet<String>> = module_graph()
        .into_iter()
        .map(|(m, e)| (m, e.into_keys().collect()))
        .collect();
    let found = circles(&graph);
    assert!(found.is_empty(), "modules importing each other: {found:?}");
}

/// The files of the plan and what each imports from the others, by name relative to plan/
/// (`replay`, `replay/state`): `super::` read from where the file sits, a child module
/// declared with `mod` counted as imported by its parent, names re-exported by plan/mod.rs
/// followed to their file.
fn plan_graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = src().join("plan");
    let names = reexports(&code_of(&read(&dir.join("mod.rs"))));
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let node = |f: &Path| -> Option<String> {
        let rel = f.strip_prefix(&dir).ok()?.with_extension("");
        let s = rel.to_str()?.replace('\\', "/");
        (s != "mod").then_some(s)
    };
    let nodes: BTreeSet<String> = files.iter().filter_map(|f| node(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let Some(me) = node(f) else { continue };
        let code = code_of(&read(f));
        // The module `super::` names from this file: plan/ itself for plan/x.rs, `x` for
        // plan/x/y.rs (and `super::super::` plan/ again).
        let parent = me.rsplit_once('/').map(|(p, _)| p.to_string());
        let mut targets: Vec<String> = Vec::new();
        for seg in first_segments(&code, "crate::plan::") {
            targets.push(seg);
        }
        match &parent {
            None => targets.extend(first_segments(&code, "super::")),
            Some(p) => {
                targets.extend(first_segments(&code, "super::super::"));
                let direct =
                    first_segments(&code.replace("super::super::", "plan_up::"), "super::");
                if !direct.is_empty() {
                    graph.entry(me.clone()).or_default().insert(p.clone());
                }
            }
        }
        for seg in first_segments(&code, "mod ") {
            let child = format!("{me}/{seg}");
            if nodes.contains(&child) {
                targets.push(child);
            }
        }
        let edges = graph.entry(me.clone()).or_default();
        for seg in targets {
            let target = if nodes.contains(&seg) {
                Some(seg)
            } else {
                names.get(&seg).cloned()
            };
            if let Some(t) = target.filter(|t| *t != me && nodes.contains(t)) {
                edges.insert(t);
            }
        }
    }
    graph
}

#[test]
fn no_circle_inside_the_plan() {
    let graph = plan_graph();
    assert!(
        graph
            .get("replay")
            .is_some_and(|e| e.contains("keep") && e.contains("replay/state")),
        "read the plan's own imports: {graph:?}"
    );
    assert!(
        graph.get("ask").is_some_and(|e| e.contains("replay")),
        "read the plan's own imports: {graph:?}"
    );
    let found = circles(&graph);
    assert!(
        found.is_empty(),
        "files of the plan importing each other: {found:?}"
    );
}

#[test]
fn a_circle_inside_the_plan_would_be_seen() {
    let mut graph = plan_graph();
    graph
        .entry("replay/state".to_string())
        .or_default()
        .insert("replay".to_string());
    assert!(!circles(&graph).is_empty());
}

#[test]
fn the_reader_sees_a_group_and_a_test_module() {
    let code = code_of(
        "use crate::{a, b::{c, d}};\nfn f() { crate::e::g(); }\n#[cfg(test)]\nmod t { use crate::z; }\nfn h() -> crate::y::Y { todo!() }\n",
    );
    assert_eq!(first_segments(&code, "crate::"), ["a", "b", "e", "y"]);
}
