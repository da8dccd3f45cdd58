//! The personal-data map: every column that can hold personal data (152-FZ),
//! so that encryption at rest, subject export and erasure reach every copy.

use domain::{ALL_KINDS, PiiCategory};

use crate::layout::field_columns;

/// A column that holds personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalColumn {
    /// Table name.
    pub table: &'static str,
    /// Column name.
    pub column: String,
    /// What kind of personal data (`free_text` may hold anything).
    pub category: &'static str,
}

/// Every column that holds personal data: the schema's personal fields, the
/// derived search text, and the audit log's before/after snapshots.
pub fn personal_data_map() -> Vec<PersonalColumn> {
    let mut map = Vec::new();
    for kind in ALL_KINDS {
        let personal: Vec<_> = kind
            .fields()
            .iter()
            .filter_map(|def| def.pii.map(|category| (def, category)))
            .collect();
        for (def, category) in &personal {
            for column in field_columns(def) {
                map.push(PersonalColumn {
                    table: kind.collection(),
                    column: column.name,
                    category: category.as_str(),
                });
            }
        }
        if !personal.is_empty() {
            map.push(PersonalColumn {
                table: kind.collection(),
                column: "search".into(),
                category: "derived",
            });
        }
    }
    for column in ["before_json", "after_json"] {
        map.push(PersonalColumn {
            table: "audit_log",
            column: column.into(),
            category: PiiCategory::FreeText.as_str(),
        });
    }
    map
}
