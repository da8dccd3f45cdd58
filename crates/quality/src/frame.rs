//! A whole table in memory, read through the `import` crate's readers (CSV in
//! any Russian encoding and delimiter, XLSX), and CSV written all or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use import::{Table, TableOptions};

use crate::QualityError;

/// A table: headers and rows of cells, trimmed.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Frame {
    /// Reads a CSV or XLSX file with a header row. Any unreadable row fails
    /// the whole read, naming the file and the row.
    pub fn read(path: &Path) -> Result<Frame, QualityError> {
        let mut table = Table::open(path, &TableOptions::default())?;
        let headers = table.headers().to_vec();
        let mut rows = Vec::new();
        for row in table.rows() {
            let row = row?;
            rows.push(row.cells.into_iter().map(trim_owned).collect());
        }
        Ok(Frame {
            path: path.to_path_buf(),
            headers,
            rows,
        })
    }

    /// A frame from headers and rows, e.g. records taken from the store.
    pub fn new(headers: Vec<String>, rows: Vec<Vec<String>>) -> Frame {
        Frame {
            path: PathBuf::new(),
            headers,
            rows,
        }
    }

    /// The index of the column named `name` (exact, then case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name).or_else(|| {
            let folded = lexicon::fold(name);
            self.headers.iter().position(|h| lexicon::fold(h) == folded)
        })
    }

    /// The cell, or `""` past the row's end.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(column))
            .map_or("", String::as_str)
    }
}

pub(crate) fn trim_owned(cell: String) -> String {
    let trimmed = cell.trim();
    if trimmed.len() == cell.len() {
        cell
    } else {
        trimmed.to_string()
    }
}

/// Writes CSV to `path` all or nothing: into a temporary file beside it,
/// renamed over `path` only when everything was written.
pub fn write_csv<I, R, S>(path: &Path, header: &[&str], rows: I) -> Result<(), QualityError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    write_atomically(path, |file| {
        let mut writer = csv::Writer::from_writer(file);
        let csv_error = |source| QualityError::Csv {
            file: path.to_path_buf(),
            source,
        };
        writer.write_record(header).map_err(csv_error)?;
        for row in rows {
            writer.write_record(row).map_err(csv_error)?;
        }
        writer.flush().map_err(|source| QualityError::Io {
            file: path.to_path_buf(),
            source,
        })
    })
}

/// Runs `write` on a temporary file beside `path` and renames it over `path`
/// on success; on failure the temporary file is removed and `path` untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), QualityError>,
) -> Result<(), QualityError> {
    let io_error = |source| QualityError::Io {
        file: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let file = std::fs::File::create(&temporary).map_err(io_error)?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
    let result = write(&mut buffered).and_then(|()| buffered.flush().map_err(io_error));
    match result {
        Ok(()) => std::fs::rename(&temporary, path).map_err(io_error),
        Err(error) => {
            // The partial file is garbage; failing to remove it changes nothing.
            let _ = std::fs::remove_file(&temporary);
            Err(error)
        }
    }
}
