//! Exporting a whole collection, page by page, as JSON Lines or CSV.

use std::io::Write;

use domain::EntityKind;
use serde_json::Value as Json;
use store::{ListQuery, Sort};

use crate::{Actor, App, Error, Permission, Result};

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, exactly as the API shows records.
    JsonLines,
    /// A header and one row per record; lists joined with `; `.
    Csv,
}

impl App {
    /// Writes every record of a kind the actor may see; returns how many.
    pub async fn export(
        &self,
        actor: &Actor,
        kind: EntityKind,
        format: ExportFormat,
        out: &mut (dyn Write + Send),
    ) -> Result<usize> {
        actor.require(Permission::Export)?;
        let io = |source: std::io::Error| Error::Io {
            context: "writing the export".into(),
            source,
        };
        let mut query = ListQuery {
            sort: Sort::parse(kind, "id")?,
            limit: store::MAX_PAGE,
            ..ListQuery::default()
        };
        let headers: Vec<String> = [
            "id",
            "owner_id",
            "source_system",
            "external_id",
            "created_at",
            "updated_at",
        ]
        .iter()
        .map(|name| (*name).to_string())
        .chain(kind.fields().iter().map(|def| def.name.to_string()))
        .collect();
        let mut sink = match format {
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer
                    .write_record(&headers)
                    .map_err(|error| io(error.into()))?;
                Sink::Csv(Box::new(writer))
            }
            ExportFormat::JsonLines => Sink::Json(out),
        };
        let mut written = 0;
        loop {
            let page = self.list(actor, kind, query.clone()).await?;
            for record in &page.items {
                let json = record.to_json();
                match &mut sink {
                    Sink::Csv(writer) => {
                        let cells: Vec<String> = headers
                            .iter()
                            .map(|header| cell_text(&json[header]))
                            .collect();
                        writer
                            .write_record(&cells)
                            .map_err(|error| io(error.into()))?;
                    }
                    Sink::Json(out) => writeln!(out, "{json}").map_err(io)?,
                }
                written += 1;
            }
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        match &mut sink {
            Sink::Csv(writer) => writer.flush().map_err(io)?,
            Sink::Json(out) => out.flush().map_err(io)?,
        }
        Ok(written)
    }
}

enum Sink<'a> {
    Csv(Box<csv::Writer<&'a mut (dyn Write + Send)>>),
    Json(&'a mut (dyn Write + Send)),
}

fn cell_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(text) => text.clone(),
        Json::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join("; "),
        Json::Object(object) if object.contains_key("amount") => format!(
            "{} {}",
            cell_text(&object["amount"]),
            cell_text(&object["currency"])
        ),
        other => other.to_string(),
    }
}
