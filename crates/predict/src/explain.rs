//! Reasons in words: which column moved a score, which way, by how many
//! percentage points of probability.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ru,
    En,
}

impl std::str::FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "ru" | "рус" | "russian" => Ok(Language::Ru),
            "en" | "english" => Ok(Language::En),
            other => Err(format!("unknown language `{other}`; expected ru or en")),
        }
    }
}

/// One factor behind a score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    pub column: String,
    /// The row's value as written (empty when missing).
    pub value: String,
    /// How much this value moved the probability, in percentage points.
    pub points: f64,
}

impl Factor {
    /// `tenure = 1: +8.1 п.п.` — never containing `; `, which separates factors.
    pub fn text(&self, language: Language) -> String {
        let value = if self.value.is_empty() {
            match language {
                Language::Ru => "нет данных".to_string(),
                Language::En => "missing".to_string(),
            }
        } else {
            self.value.replace(';', ",")
        };
        let unit = match language {
            Language::Ru => "п.п.",
            Language::En => "pts",
        };
        format!(
            "{} = {value}: {:+.1} {unit}",
            self.column.replace(';', ","),
            self.points
        )
    }
}

/// Factors joined the way the score file writes them.
pub fn reasons(factors: &[Factor], language: Language) -> String {
    factors
        .iter()
        .map(|f| f.text(language))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_read_as_sentences_in_both_languages() {
        let factor = Factor {
            column: "contract".into(),
            value: "Month-to-month".into(),
            points: 12.34,
        };
        assert_eq!(
            factor.text(Language::En),
            "contract = Month-to-month: +12.3 pts"
        );
        assert_eq!(
            factor.text(Language::Ru),
            "contract = Month-to-month: +12.3 п.п."
        );
        let missing = Factor {
            column: "a;b".into(),
            value: String::new(),
            points: -3.0,
        };
        assert_eq!(missing.text(Language::Ru), "a,b = нет данных: -3.0 п.п.");
    }
}
