//! The core depends on nothing outside it: no other workspace crate, no IO, async or database
//! crate. Adding a dependency to the core means adding it here, on purpose.

#[test]
fn core_dependencies_are_the_allowed_pure_ones() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .unwrap_or_default();
    let doc: toml::Table = toml::from_str(&manifest).unwrap_or_default();
    let deps: Vec<&String> = doc
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().collect())
        .unwrap_or_default();
    let allowed = [
        "serde",
        "serde_json",
        "serde_path_to_error",
        "toml",
        "thiserror",
        "jiff",
        // Distributions for the insights statistics (no IO; default features off).
        "statrs",
        // String similarity for the library search (no dependencies of its own).
        "strsim",
    ];
    assert!(!deps.is_empty(), "read the core's dependencies");
    for d in deps {
        assert!(
            allowed.contains(&d.as_str()),
            "amble-core must stay pure; `{d}` is not an allowed dependency"
        );
    }
}
