//! The gait crate is pure: samples or text in, numbers out. No IO, no clock, no environment; its
//! only dependency is thiserror. Reading files and zips is the edges' work (`amble-imports`).

#[test]
fn gait_stays_pure() {
    let manifest = include_str!("../Cargo.toml");
    let mut section = "";
    let mut deps = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if let Some((name, _)) = line.split_once('=').filter(|_| section == "[dependencies]")
        {
            // `thiserror.workspace = true` names `thiserror`.
            let name = name.trim();
            deps.push(name.split('.').next().unwrap_or(name).to_string());
        }
    }
    assert_eq!(deps, ["thiserror"], "amble-gait's dependencies");
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let mut seen = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            seen += 1;
            for banned in [
                "std::fs",
                "std::net",
                "std::env",
                "std::process",
                "SystemTime",
                "Instant",
            ] {
                assert!(
                    !text.contains(banned),
                    "{} uses {banned}: the gait crate stays pure",
                    path.display()
                );
            }
        }
    }
    assert!(seen >= 10, "read the sources");
}
