//! The workspace keeps the shape ARCHITECTURE.md describes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Each crate's workspace dependencies (normal ones; dev-dependencies may reach further).
fn workspace_dependencies() -> BTreeMap<String, Vec<String>> {
    let crates = [
        "domain",
        "store",
        "import",
        "app",
        "server",
        "cli",
        "demo",
        "test-support",
        "bench",
        "pii",
        "lexicon",
        "synth",
        "quality",
        "clv",
        "predict",
        "crm",
        "nlu",
        "converse",
        "messengers",
        "kb",
    ];
    crates
        .iter()
        .map(|name| {
            let manifest =
                std::fs::read_to_string(root().join("crates").join(name).join("Cargo.toml"))
                    .expect("manifest");
            let parsed: toml::Table = manifest.parse().expect("valid toml");
            let dependencies = parsed
                .get("dependencies")
                .and_then(|value| value.as_table())
                .map(|table| {
                    table
                        .keys()
                        .filter(|key| crates.contains(&key.as_str()))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            ((*name).to_string(), dependencies)
        })
        .collect()
}

#[test]
fn crates_depend_only_as_the_architecture_allows() {
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("domain", &[][..]),
        ("store", &["domain"][..]),
        ("import", &["domain"][..]),
        ("demo", &["domain"][..]),
        (
            "app",
            &[
                "domain",
                "store",
                "import",
                "demo",
                "quality",
                "predict",
                "crm",
                "nlu",
                "converse",
                "messengers",
                "kb",
            ][..],
        ),
        ("server", &["app", "domain"][..]),
        (
            "cli",
            &[
                "app", "domain", "server", "demo", "quality", "pii", "predict", "clv", "nlu",
                "converse",
            ][..],
        ),
        ("test-support", &[][..]),
        ("bench", &[][..]),
        ("pii", &["domain", "lexicon"][..]),
        ("lexicon", &[][..]),
        ("synth", &[][..]),
        ("quality", &["domain", "import", "lexicon", "pii"][..]),
        ("predict", &[][..]),
        ("clv", &[][..]),
        ("crm", &[][..]),
        ("nlu", &["domain", "lexicon", "predict"][..]),
        ("converse", &["domain", "nlu", "kb"][..]),
        ("messengers", &[][..]),
        ("kb", &["nlu", "pii"][..]),
    ]);
    for (name, dependencies) in workspace_dependencies() {
        for dependency in dependencies {
            assert!(
                allowed[name.as_str()].contains(&dependency.as_str()),
                "{name} must not depend on {dependency} (see ARCHITECTURE.md)"
            );
        }
    }
}

#[test]
fn every_source_file_opens_with_a_doc_comment() {
    let mut missing = Vec::new();
    let mut stack = vec![root().join("crates"), root().join("xtask")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).expect("read");
                if !text.trim_start().starts_with("//!") {
                    missing.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these files do not say what they are for (`//!` first): {missing:#?}"
    );
}
