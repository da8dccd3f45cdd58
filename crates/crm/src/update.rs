//! What is pushed (a deal's score, reasons and an optional task) and what came back.
//! Also the checks and text shaping every CRM shares: score in percent, the task's key marker.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Crm;
use crate::error::PushError;

/// One deal's new score and, optionally, a task for its owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// The deal's id in the CRM (amoCRM lead, Bitrix24 deal, HubSpot deal, Salesforce Opportunity).
    pub crm_deal_id: String,
    /// Calibrated probability of winning, in `0.0..=1.0`; written as a whole percent.
    pub probability: f64,
    /// Why the score is what it is, as text for the reasons field.
    pub reasons: String,
    /// The recommended next action; appended to the reasons text.
    pub action: String,
    /// A task to create on the deal, at most once per [`Update::key`].
    pub task: Option<Task>,
    /// Idempotency key, stable across retries of this update.
    /// 1 to 100 characters from `A-Z a-z 0-9 . _ : @ # / + = -`.
    pub key: String,
}

/// A task for the deal's owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// What to do; the first line becomes the title where the CRM has one.
    pub text: String,
    /// When it is due.
    pub due: DateTime<Utc>,
}

/// What a successful push did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    pub crm: Crm,
    pub crm_deal_id: String,
    pub task: TaskOutcome,
}

/// What happened to the update's task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskOutcome {
    /// The update carried no task.
    NotRequested,
    /// The task was created now; `id` is the CRM's id for it.
    Created { id: String },
    /// A task with this update's key already existed (an earlier attempt created it).
    AlreadyThere { id: String },
}

/// Longest key accepted; keeps the marker inside every CRM's title limits.
const MAX_KEY_CHARS: usize = 100;

impl Update {
    /// Checks what every CRM needs before any request is made.
    pub(crate) fn validate(&self, crm: Crm) -> Result<(), PushError> {
        let invalid = |expected: &str| PushError::Invalid {
            crm,
            deal: self.crm_deal_id.clone(),
            expected: expected.to_string(),
        };
        if !(self.probability.is_finite() && (0.0..=1.0).contains(&self.probability)) {
            return Err(invalid("a probability between 0 and 1"));
        }
        let key_ok = !self.key.is_empty()
            && self.key.chars().count() <= MAX_KEY_CHARS
            && self
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._:@#/+=-".contains(c));
        if !key_ok {
            return Err(invalid(
                "a key of 1 to 100 characters from A-Z a-z 0-9 . _ : @ # / + = -",
            ));
        }
        Ok(())
    }

    /// The score as a whole percent, the form every CRM's number field takes.
    pub(crate) fn score_percent(&self) -> u8 {
        // validate() has bounded the probability, so the cast cannot truncate.
        (self.probability * 100.0).round().clamp(0.0, 100.0) as u8
    }

    /// The reasons field's text: the reasons, then the recommended action.
    pub(crate) fn reasons_text(&self) -> String {
        match (self.reasons.trim(), self.action.trim()) {
            (reasons, "") => reasons.to_string(),
            ("", action) => format!("→ {action}"),
            (reasons, action) => format!("{reasons}\n→ {action}"),
        }
    }

    /// The text put into a task so a retry can find it: `[fundament:<key>]`.
    ///
    /// No key contains `]` (see [`Update::validate`]), so one key's marker is never a
    /// substring of another's.
    pub(crate) fn marker(&self) -> String {
        format!("[fundament:{}]", self.key)
    }
}

impl Task {
    /// The first non-empty line, cut to `max_chars`, for CRMs whose tasks have a title.
    pub(crate) fn title(&self, max_chars: usize) -> String {
        let line = self
            .text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("");
        line.chars().take(max_chars).collect()
    }

    /// The task text followed by the update's marker on its own line.
    pub(crate) fn body_with(&self, marker: &str) -> String {
        format!("{}\n\n{marker}", self.text.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(probability: f64, key: &str) -> Update {
        Update {
            crm_deal_id: "42".into(),
            probability,
            reasons: "Replied within a day".into(),
            action: "Call today".into(),
            task: None,
            key: key.into(),
        }
    }

    #[test]
    fn probabilities_and_keys_are_checked() {
        let cases = [
            ("ok", 0.734, "score:42:v3", true),
            ("zero", 0.0, "k", true),
            ("one", 1.0, "k", true),
            ("nan", f64::NAN, "k", false),
            ("above one", 1.2, "k", false),
            ("negative", -0.1, "k", false),
            ("empty key", 0.5, "", false),
            ("bracket in key", 0.5, "a]", false),
            ("quote in key", 0.5, "a'b", false),
            ("space in key", 0.5, "a b", false),
            ("long key", 0.5, &"k".repeat(101), false),
        ];
        for (name, probability, key, ok) in cases {
            let result = update(probability, key).validate(Crm::HubSpot);
            assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
        }
    }

    #[test]
    fn the_score_is_a_rounded_percent() {
        assert_eq!(update(0.734, "k").score_percent(), 73);
        assert_eq!(update(0.735, "k").score_percent(), 74);
        assert_eq!(update(1.0, "k").score_percent(), 100);
        assert_eq!(update(0.0, "k").score_percent(), 0);
    }

    #[test]
    fn reasons_text_carries_the_action() {
        assert_eq!(
            update(0.5, "k").reasons_text(),
            "Replied within a day\n→ Call today"
        );
        let mut quiet = update(0.5, "k");
        quiet.action = " ".into();
        assert_eq!(quiet.reasons_text(), "Replied within a day");
    }

    #[test]
    fn task_titles_take_the_first_line() {
        let task = Task {
            text: "\n  Call the buyer back  \nabout the quote".into(),
            due: Utc::now(),
        };
        assert_eq!(task.title(100), "Call the buyer back");
        assert_eq!(task.title(4), "Call");
        assert_eq!(
            task.body_with("[fundament:k]"),
            "\n  Call the buyer back  \nabout the quote\n\n[fundament:k]"
        );
    }
}
