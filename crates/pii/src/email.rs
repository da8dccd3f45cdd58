//! E-mail addresses and web addresses. Addresses become entities; web
//! addresses only mask their text so digits and names inside a link are not
//! read as phones or people. Nothing here checks that a mailbox exists.

use std::sync::LazyLock;

use regex::Regex;

/// `local@domain.tld`, with Unicode letters in both parts (`info@пример.рф`).
/// The top-level domain is letters only, so a trailing dot or comma is never taken.
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"[\p{L}\p{N}_%+\-]+(?:\.[\p{L}\p{N}_%+\-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,24}",
    )
    .ok()
});

static URL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:https?://|www\.)[^\s<>«»]+|\b[a-z0-9\-]+\.(?:ru|com|рф|net|org|su|io)/[^\s<>«»]*",
    )
    .ok()
});

/// Byte spans of e-mail addresses, in order.
pub(crate) fn find_emails(text: &str) -> Vec<(usize, usize)> {
    if !text.contains('@') {
        return Vec::new();
    }
    let Some(regex) = EMAIL.as_ref() else {
        return Vec::new();
    };
    regex
        .find_iter(text)
        .filter(|found| !is_glued_to_word(text, found.end()))
        .map(|found| (found.start(), found.end()))
        .collect()
}

/// Byte spans of web addresses, in order.
pub(crate) fn find_urls(text: &str) -> Vec<(usize, usize)> {
    if !text.contains('/') && !text.contains("www.") && !text.contains("WWW.") {
        return Vec::new();
    }
    let Some(regex) = URL.as_ref() else {
        return Vec::new();
    };
    regex
        .find_iter(text)
        .map(|found| {
            // A link at the end of a sentence does not own the full stop.
            let trimmed = found
                .as_str()
                .trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
            (found.start(), found.start() + trimmed.len())
        })
        .collect()
}

/// An address followed directly by more letters (`a@b.cd_x`) is part of
/// something else.
fn is_glued_to_word(text: &str, end: usize) -> bool {
    text[end..]
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c == '@')
}
