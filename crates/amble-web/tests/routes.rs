//! The route table is the only place routes are added: `amble_web::ROUTES` and the router are
//! made from it, so tests that walk `ROUTES` (the role × route matrix) cover every route.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests may panic on broken fixtures

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

#[test]
fn every_route_is_in_the_table() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10);
    for (name, text) in &files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            assert!(
                !code.contains(".route(\"") && !code.contains(".nest("),
                "{name}:{}: a route outside the route table of lib.rs (add it to `route_table!`, so the access matrix covers it): {line}",
                n + 1
            );
        }
    }
}

#[test]
fn the_table_has_each_path_once_with_known_methods() {
    let mut seen = std::collections::BTreeSet::new();
    for r in amble_web::ROUTES {
        assert!(seen.insert(r.path), "{} twice", r.path);
        assert!(r.path.starts_with('/'), "{}", r.path);
        for m in r.methods {
            assert!(
                ["get", "post", "delete", "put", "patch"].contains(m),
                "{}: {m}",
                r.path
            );
        }
    }
    for path in [
        "/report.pdf",
        "/experiments",
        "/checkup/{id}",
        "/journal/{id}/gait",
        "/log/walk",
    ] {
        assert!(seen.contains(path), "{path}");
    }
}

/// The API routes in the table are exactly the ones the OpenAPI file is checked against.
#[test]
fn the_api_routes_are_the_tables() {
    let mut from_table: Vec<(String, String)> = amble_web::ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/") && r.path != "/api/v1/openapi.json")
        .flat_map(|r| {
            r.methods
                .iter()
                .map(|m| (m.to_string(), r.path.to_string()))
        })
        .collect();
    let mut listed: Vec<(String, String)> = amble_web::API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    from_table.sort();
    listed.sort();
    assert_eq!(from_table, listed);
}
