//! Turning source files into passages. The extension says what a file is:
//! Markdown is an article, YAML a FAQ, CSV a FAQ or the catalogue by its
//! header. A file's problems are all collected before loading fails.

mod catalogue;
mod faq;
mod markdown;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{LoadError, SourceError};
use crate::passage::{Kind, Passage};

/// The kinds of file a directory is searched for; others in it are skipped.
const KNOWN_EXTENSIONS: [&str; 5] = ["md", "markdown", "yaml", "yml", "csv"];

/// Passages of every file named, and of every known file under every
/// directory named (in name order, so citations and ties are stable).
pub(crate) fn load_paths<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
) -> Result<Vec<Passage>, LoadError> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path.is_dir() {
            collect_dir(path, &mut files, &mut problems);
        } else {
            files.push(path.to_path_buf());
        }
    }
    let mut passages = Vec::new();
    // Two catalogue files with one SKU would give one citation two meanings.
    let mut sku_files: HashMap<String, String> = HashMap::new();
    for file in files {
        let shown = file.display().to_string();
        let cited = file
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        match read_text(&file, &shown) {
            Ok(text) => match parse(&shown, &cited, &text) {
                Ok(found) => {
                    for passage in found.iter().filter(|p| p.kind == Kind::Product) {
                        let sku = passage.sku.clone().unwrap_or_default();
                        match sku_files.get(&sku) {
                            Some(first) => problems.push(SourceError::SkuInTwoFiles {
                                sku,
                                first: first.clone(),
                                second: shown.clone(),
                            }),
                            None => {
                                sku_files.insert(sku, shown.clone());
                            }
                        }
                    }
                    passages.extend(found);
                }
                Err(found) => problems.extend(found),
            },
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(passages)
    } else {
        Err(LoadError { problems })
    }
}

/// Passages of one source given as text; `name` (`faq.yaml`, `catalogue.csv`)
/// says its kind by its extension and is what citations name.
pub fn parse_source(name: &str, text: &str) -> Result<Vec<Passage>, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse(name, name, text).map_err(|problems| LoadError { problems })
}

fn parse(shown: &str, cited: &str, text: &str) -> Result<Vec<Passage>, Vec<SourceError>> {
    match extension(Path::new(shown)).as_deref() {
        Some("md" | "markdown") => Ok(markdown::passages(cited, text)),
        Some("yaml" | "yml") => faq::from_yaml(shown, cited, text),
        Some("csv") => table::passages(shown, cited, text),
        _ => Err(vec![SourceError::UnknownKind {
            file: shown.to_string(),
        }]),
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|extension| extension.to_string_lossy().to_lowercase())
}

fn collect_dir(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<SourceError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(SourceError::Read {
                file: dir.display().to_string(),
                error,
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_dir(&path, files, problems);
        } else if extension(&path).is_some_and(|e| KNOWN_EXTENSIONS.contains(&e.as_str())) {
            files.push(path);
        }
    }
}

/// The file as UTF-8 without a byte-order mark. Exports from Excel in
/// Windows-1251 are refused with the byte where decoding failed rather than
/// guessed at: a wrong guess would put garbled prices in front of customers.
fn read_text(path: &Path, shown: &str) -> Result<String, SourceError> {
    let bytes = std::fs::read(path).map_err(|error| SourceError::Read {
        file: shown.to_string(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|error| SourceError::Encoding {
        file: shown.to_string(),
        offset: error.utf8_error().valid_up_to(),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
