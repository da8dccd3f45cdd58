//! Mapping presets: which columns of a CRM's export feed which fields.
//!
//! Presets are data, not code: TOML files in `presets/` (built in) or in a
//! user's directory, editable without a rebuild. A `generic-<collection>`
//! preset exists for every entity kind and maps columns named like the
//! fields (in English or by their Russian or English labels).

use std::collections::BTreeMap;
use std::path::Path;

use domain::{ALL_KINDS, EntityKind, FieldType};
use serde::Deserialize;

use crate::ImportError;
use crate::mapping::Mapper;

/// A mapping preset.
#[derive(Debug, Clone)]
pub struct Preset {
    /// Its name, as given to `--preset`.
    pub name: String,
    /// What it is for, shown in lists.
    pub title: String,
    /// The source system recorded on every record it imports.
    pub system: String,
    /// The kind of record each row becomes.
    pub entity: EntityKind,
    /// Columns holding the record's id in the source system.
    pub external_id: Vec<String>,
    /// Columns naming the responsible manager.
    pub owner: Vec<String>,
    /// Target → the columns that may feed it. A target is a field name, a
    /// field name ending in `?` (leave empty when the value is not
    /// recognised), `full_name` (split into last, first and middle names) or
    /// `<money field>.currency`.
    pub fields: BTreeMap<String, Vec<String>>,
    /// Values set on every record (e.g. `kind = "lead"`).
    pub constant: BTreeMap<String, String>,
}

/// A preset's name and title, for lists.
#[derive(Debug, Clone)]
pub struct PresetSummary {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Entity kind.
    pub entity: EntityKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetFile {
    name: String,
    title: Option<String>,
    system: String,
    entity: String,
    #[serde(default)]
    external_id: Vec<String>,
    #[serde(default)]
    owner: Vec<String>,
    fields: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    constant: BTreeMap<String, String>,
}

/// Column names people commonly give their own spreadsheets, beyond the field labels.
const GENERIC_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "phones",
        &[
            "Телефон",
            "Мобильный телефон",
            "Моб. телефон",
            "Phone",
            "Mobile",
        ],
    ),
    (
        "emails",
        &["Email", "Почта", "Электронная почта", "E-mail адрес"],
    ),
    ("last_name", &["Surname"]),
    ("first_name", &["Given name"]),
    ("middle_name", &["Patronymic"]),
    ("city", &["Населённый пункт", "Town"]),
    ("comment", &["Примечание", "Заметка", "Notes", "Note"]),
];

const BUILTIN: &[&str] = &[
    include_str!("../presets/amocrm-contacts.toml"),
    include_str!("../presets/amocrm-leads.toml"),
    include_str!("../presets/bitrix24-companies.toml"),
    include_str!("../presets/bitrix24-contacts.toml"),
    include_str!("../presets/bitrix24-deals.toml"),
    include_str!("../presets/bitrix24-leads.toml"),
    include_str!("../presets/hubspot-companies.toml"),
    include_str!("../presets/hubspot-contacts.toml"),
    include_str!("../presets/hubspot-deals.toml"),
    include_str!("../presets/salesforce-contacts.toml"),
    include_str!("../presets/salesforce-leads.toml"),
    include_str!("../presets/salesforce-opportunities.toml"),
];

impl Preset {
    /// Parses a preset from TOML; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ImportError> {
        let invalid = |reason: String| ImportError::Preset {
            name: origin.to_string(),
            reason,
        };
        let file: PresetFile = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
        let entity = EntityKind::parse(&file.entity).map_err(|error| invalid(error.to_string()))?;
        for target in file.fields.keys() {
            let field = target.trim_end_matches('?');
            let known = match field.split_once('.') {
                Some((money, "currency")) => matches!(
                    entity.field(money).map(|def| def.ty),
                    Some(FieldType::Money)
                ),
                Some(_) => false,
                None => field == "full_name" || entity.field(field).is_some(),
            };
            if !known {
                return Err(invalid(format!("{entity} has no field `{target}`")));
            }
        }
        for field in file.constant.keys() {
            if entity.field(field).is_none() {
                return Err(invalid(format!(
                    "constant: {entity} has no field `{field}`"
                )));
            }
        }
        Ok(Self {
            title: file.title.unwrap_or_else(|| file.name.clone()),
            name: file.name,
            system: file.system,
            entity,
            external_id: file.external_id,
            owner: file.owner,
            fields: file.fields,
            constant: file.constant,
        })
    }

    /// A built-in preset by name, including the `generic-<collection>` ones.
    pub fn builtin(name: &str) -> Result<Self, ImportError> {
        if let Some(collection) = name.strip_prefix("generic-")
            && let Ok(kind) = EntityKind::parse(collection)
        {
            return Ok(Self::generic(kind));
        }
        for text in BUILTIN {
            let preset = Self::from_toml(text, "built-in")?;
            if preset.name == name {
                return Ok(preset);
            }
        }
        Err(ImportError::UnknownPreset {
            name: name.to_string(),
            available: Self::list(None)
                .iter()
                .map(|summary| summary.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// A preset by name: `<dir>/<name>.toml` when it exists, else a built-in one.
    pub fn load(name: &str, dir: Option<&Path>) -> Result<Self, ImportError> {
        if let Some(path) = dir
            .map(|dir| dir.join(format!("{name}.toml")))
            .filter(|path| path.exists())
        {
            return Self::from_file(&path);
        }
        Self::builtin(name)
    }

    /// A preset from a TOML file (a user's mapping file).
    pub fn from_file(path: &Path) -> Result<Self, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ImportError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// Every preset: the user's directory first, then the built-in ones.
    pub fn list(dir: Option<&Path>) -> Vec<PresetSummary> {
        let mut presets: Vec<Preset> = Vec::new();
        if let Some(entries) = dir.and_then(|dir| std::fs::read_dir(dir).ok()) {
            presets.extend(
                entries
                    .flatten()
                    .filter_map(|entry| Self::from_file(&entry.path()).ok()),
            );
        }
        presets.extend(
            BUILTIN
                .iter()
                .filter_map(|text| Self::from_toml(text, "built-in").ok()),
        );
        presets.extend(ALL_KINDS.into_iter().map(Self::generic));
        let mut seen = std::collections::HashSet::new();
        presets
            .into_iter()
            .filter(|preset| seen.insert(preset.name.clone()))
            .map(|preset| PresetSummary {
                name: preset.name,
                title: preset.title,
                entity: preset.entity,
            })
            .collect()
    }

    /// The generic preset of a kind: columns named like its fields, in
    /// English or by their labels.
    pub fn generic(kind: EntityKind) -> Self {
        let mut fields = BTreeMap::new();
        for def in kind.fields() {
            let synonyms = GENERIC_SYNONYMS
                .iter()
                .filter(|(field, _)| *field == def.name)
                .flat_map(|(_, words)| words.iter().map(|word| (*word).to_string()));
            let names = [def.name, def.label_ru, def.label_en].map(str::to_string);
            fields.insert(
                def.name.to_string(),
                names.into_iter().chain(synonyms).collect(),
            );
            if def.ty == FieldType::Money {
                fields.insert(
                    format!("{}.currency", def.name),
                    vec![
                        format!("{}_currency", def.name),
                        "currency".into(),
                        "Валюта".into(),
                    ],
                );
            }
        }
        if kind == EntityKind::Contact {
            fields.insert(
                "full_name".into(),
                [
                    "ФИО",
                    "Ф.И.О.",
                    "Полное имя",
                    "Full name",
                    "Name",
                    "Контакт",
                ]
                .iter()
                .map(|word| (*word).to_string())
                .collect(),
            );
        }
        Self {
            name: format!("generic-{}", kind.collection()),
            title: format!(
                "Generic: {} (columns named like the fields)",
                kind.collection()
            ),
            system: "file".into(),
            entity: kind,
            external_id: vec!["external_id".into(), "id".into(), "ID".into()],
            owner: vec!["owner".into(), "Ответственный".into(), "Owner".into()],
            fields,
            constant: BTreeMap::new(),
        }
    }

    /// Binds the preset to a file's headers.
    pub fn mapper(&self, headers: &[String]) -> Result<Mapper, ImportError> {
        Mapper::new(self, headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_preset_parses_and_names_real_fields() {
        let presets = Preset::list(None);
        assert!(presets.len() >= 12 + ALL_KINDS.len());
        for summary in presets {
            Preset::builtin(&summary.name)
                .unwrap_or_else(|error| panic!("{}: {error}", summary.name));
        }
    }

    #[test]
    fn a_preset_with_an_unknown_field_is_rejected_with_its_name() {
        let error = Preset::from_toml(
            "name='x'\nsystem='s'\nentity='contact'\n[fields]\nshoe_size=['Размер']\n",
            "mine.toml",
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("mine.toml") && error.to_string().contains("shoe_size"),
            "{error}"
        );
        assert!(matches!(
            Preset::builtin("nope"),
            Err(ImportError::UnknownPreset { .. })
        ));
    }
}
