//! The activities of a deal's timeline: the client's request, the
//! manager's first reply and each later touch (chat, call, e-mail, meeting,
//! note, task), on the right channel and, for the client's messages, with a
//! tone.
//!
//! It decides what one activity looks like; when activities happen and how
//! the deal ends is decided in `timeline`.

use chrono::{DateTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, hours, log_normal, pick_weighted};
use crate::messages::{self, Grievance, Tone};
use crate::timeline::DealStart;

/// How a deal's first request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Channel {
    /// The channel as activities and deals name it, e.g. `Telegram`.
    pub(crate) name: &'static str,
    /// The activity kind of a message on it: `chat`, `call` or `email`.
    pub(crate) kind: &'static str,
}

/// One activity before it becomes a record.
#[derive(Debug, Clone)]
pub(crate) struct PlannedActivity {
    /// `call`, `chat`, `email`, `meeting`, `note` or `task`.
    pub(crate) kind: &'static str,
    /// `inbound`, `outbound`, or none for notes and tasks.
    pub(crate) direction: Option<&'static str>,
    /// The channel, if the activity went through one.
    pub(crate) channel: Option<&'static str>,
    /// What was said or written.
    pub(crate) text: String,
    /// Whether the manager wrote it (and is its author).
    pub(crate) by_manager: bool,
    /// When it happened.
    pub(crate) occurred_at: DateTime<Utc>,
    /// A task's due time.
    pub(crate) due_at: Option<DateTime<Utc>>,
    /// A call's or meeting's length.
    pub(crate) duration_seconds: Option<i64>,
    /// The tone of a client's chat or e-mail message.
    pub(crate) tone: Option<Tone>,
    /// What a negative message is about.
    pub(crate) grievance: Option<Grievance>,
}

/// The channel a request from `source` arrives through.
pub(crate) fn channel_for_source(rng: &mut StdRng, source: &str) -> Channel {
    let (form, phone) = (
        Channel {
            name: "Форма на сайте",
            kind: "email",
        },
        Channel {
            name: "Телефон",
            kind: "call",
        },
    );
    let chat = |name| Channel { name, kind: "chat" };
    match source {
        "Сайт" | "Яндекс.Директ" => {
            if chance(rng, 0.75) {
                form
            } else {
                phone
            }
        }
        "Звонок" => phone,
        "Рекомендация" => {
            if chance(rng, 0.5) {
                phone
            } else {
                chat("WhatsApp")
            }
        }
        "Telegram" => chat("Telegram"),
        "VK" => chat("VK"),
        "Авито" => chat("Авито"),
        _ => chat("WhatsApp"),
    }
}

/// The client's first request on the deal's channel.
pub(crate) fn request(rng: &mut StdRng, start: &DealStart<'_>) -> PlannedActivity {
    let mut activity = message(
        start,
        start.opened_at,
        (false, start.request.clone()),
        Some((Tone::Neutral, Grievance::Other)),
    );
    if start.channel.kind == "call" {
        (activity.kind, activity.channel) = ("call", Some(start.channel.name));
        activity.text = format!("Входящий звонок. {}", start.request);
        activity.duration_seconds = Some(log_normal(rng, 150.0, 0.6).round() as i64);
        activity.tone = None;
    }
    activity
}

/// The manager's first answer, on the request's channel or by phone.
pub(crate) fn reply(rng: &mut StdRng, start: &DealStart<'_>, at: DateTime<Utc>) -> PlannedActivity {
    let by_phone =
        start.channel.kind == "call" || (start.channel.kind == "email" && chance(rng, 0.6));
    if by_phone {
        return call(rng, at, "outbound", true);
    }
    let text = messages::first_reply(rng, start.audience, start.manager.first_name);
    let mut activity = message(start, at, (true, text), None);
    if start.channel.kind == "email" {
        (activity.kind, activity.channel) = ("email", Some("E-mail"));
    }
    activity
}

/// One touch after the first reply.
pub(crate) fn touch(
    rng: &mut StdRng,
    start: &DealStart<'_>,
    at: DateTime<Utc>,
    is_slow: bool,
) -> PlannedActivity {
    let weights: &[(&str, f64)] = if start.audience.is_b2b {
        &[
            ("chat", 20.0),
            ("call", 25.0),
            ("email", 25.0),
            ("note", 10.0),
            ("task", 12.0),
            ("meeting", 8.0),
        ]
    } else {
        &[
            ("chat", 35.0),
            ("call", 25.0),
            ("email", 12.0),
            ("note", 14.0),
            ("task", 14.0),
        ]
    };
    let kind = pick_weighted(rng, weights);
    let mut activity = match kind {
        "chat" | "email" if chance(rng, 0.45) => {
            let tone = if chance(rng, 0.08 + if is_slow { 0.22 } else { 0.0 }) {
                Tone::Negative
            } else if chance(rng, 0.27) {
                Tone::Positive
            } else {
                Tone::Neutral
            };
            let grievance = if is_slow && chance(rng, 0.55) {
                Grievance::Ignored
            } else {
                pick_weighted(
                    rng,
                    &[
                        (Grievance::Price, 40.0),
                        (Grievance::Competitor, 35.0),
                        (Grievance::Other, 25.0),
                    ],
                )
            };
            let text = messages::client_message(rng, start.audience, tone, grievance);
            message(start, at, (false, text), Some((tone, grievance)))
        }
        "chat" | "email" => message(
            start,
            at,
            (
                true,
                messages::manager_message(rng, start.audience).to_string(),
            ),
            None,
        ),
        "call" => {
            let direction = if chance(rng, 0.3) {
                "inbound"
            } else {
                "outbound"
            };
            let answered = direction == "inbound" || chance(rng, 0.8);
            call(rng, at, direction, answered)
        }
        "meeting" => {
            let mut meeting = manager_entry(at, "meeting", messages::meeting(rng));
            meeting.channel = Some(if chance(rng, 0.5) { "Zoom" } else { "Офис" });
            meeting.duration_seconds = Some(60 * whole_minutes(rng, 30.0, 0.4));
            meeting
        }
        "task" => {
            let mut task = manager_entry(at, "task", messages::task(rng, start.audience.is_b2b));
            task.due_at = Some(at + hours(4.0 + 68.0 * rng.random::<f64>()));
            task
        }
        _ => manager_entry(at, "note", messages::note(rng)),
    };
    if kind == "email" {
        (activity.kind, activity.channel) = ("email", Some("E-mail"));
    }
    activity
}

/// A chat message on the deal's messenger (WhatsApp when the request came
/// another way), written by the manager or the client.
pub(crate) fn message(
    start: &DealStart<'_>,
    at: DateTime<Utc>,
    (by_manager, text): (bool, String),
    tone: Option<(Tone, Grievance)>,
) -> PlannedActivity {
    let (kind, channel) = match start.channel.kind {
        "chat" => ("chat", start.channel.name),
        "email" if !by_manager && at == start.opened_at => ("email", start.channel.name),
        _ => ("chat", "WhatsApp"),
    };
    PlannedActivity {
        kind,
        direction: Some(if by_manager { "outbound" } else { "inbound" }),
        channel: Some(channel),
        text,
        by_manager,
        occurred_at: at,
        due_at: None,
        duration_seconds: None,
        tone: tone.map(|(tone, _)| tone),
        grievance: tone
            .filter(|(tone, _)| *tone == Tone::Negative)
            .map(|(_, grievance)| grievance),
    }
}

/// A phone call; an unanswered one lasts zero seconds.
fn call(
    rng: &mut StdRng,
    at: DateTime<Utc>,
    direction: &'static str,
    answered: bool,
) -> PlannedActivity {
    PlannedActivity {
        kind: "call",
        direction: Some(direction),
        channel: Some("Телефон"),
        text: messages::call_summary(rng, answered).to_string(),
        by_manager: true,
        occurred_at: at,
        due_at: None,
        duration_seconds: Some(if answered {
            log_normal(rng, 150.0, 0.8).round().max(10.0) as i64
        } else {
            0
        }),
        tone: None,
        grievance: None,
    }
}

/// A note, task or meeting by the manager, with no direction.
fn manager_entry(at: DateTime<Utc>, kind: &'static str, text: &str) -> PlannedActivity {
    PlannedActivity {
        kind,
        direction: None,
        channel: None,
        text: text.to_string(),
        by_manager: true,
        occurred_at: at,
        due_at: None,
        duration_seconds: None,
        tone: None,
        grievance: None,
    }
}

/// Whole minutes from a log-normal draw.
fn whole_minutes(rng: &mut StdRng, median: f64, sigma: f64) -> i64 {
    log_normal(rng, median, sigma).round().max(1.0) as i64
}
