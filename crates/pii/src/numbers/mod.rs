//! Numbers that are personal data: phones, ИНН, СНИЛС, passports, cards,
//! ОГРН and bank accounts.
//!
//! The text is cut into *chunks*: runs of digit groups joined by the
//! separators people write inside numbers (space, dash, parentheses). A
//! chunk may hold several numbers («2 шт. 8 916 123-45-67») or none, so every
//! run of whole groups is scored as each kind (format, check digits, the
//! nearest cue word before it) and the best set of non-overlapping runs is
//! kept. Dots never join groups, so dates and amounts stay apart.
//!
//! Deliberately absent: looking numbers up anywhere (a valid check digit is
//! the strongest evidence we have) and local numbers without a cue word.

mod checksum;
mod context;
mod kinds;

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Found, PiiKind};
use context::{Hint, hint_before};
use kinds::{Run, classify};

/// How far back (in bytes) a cue word may stand; about 40 Cyrillic letters.
const CUE_WINDOW: usize = 80;

/// Finds the numbers in `text`, skipping the byte spans in `masked` (sorted),
/// and appends them to `out`.
pub(crate) fn find(text: &str, masked: &[(usize, usize)], out: &mut Vec<Found>) {
    let mut masks: Vec<(usize, usize)> = masked.to_vec();
    for found in passports_with_words(text, masked) {
        masks.push((found.start, found.end));
        out.push(found);
    }
    masks.sort_unstable();
    Scanner {
        text,
        masks: &masks,
        chunk: Chunk::default(),
    }
    .run(out);
}

/// «серия 45 09 номер 123456», «паспорт 4509 № 123456»: one entity from the
/// first digit of the series to the last of the number, words between
/// included, so the redaction reads «серия [PASSPORT]».
fn passports_with_words(text: &str, masked: &[(usize, usize)]) -> Vec<Found> {
    static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r"(?i)(?:паспорт\w*|passport|сери[яиюей]|сер\.)[\s:№]*(\d{2}[ \u{a0}]?\d{2})[ \u{a0},]*(?:номер|ном\.|№|no\.?|n)[ \u{a0}:№]*(\d{6})",
        )
        .ok()
    });
    // The regex is slow on Cyrillic text; most texts hold no passport at all.
    let lower = [
        "паспорт",
        "Паспорт",
        "ПАСПОРТ",
        "серия",
        "Серия",
        "СЕРИЯ",
        "серии",
        "Серии",
        "сер.",
        "assport",
        "ASSPORT",
    ];
    if !lower.iter().any(|word| text.contains(word)) {
        return Vec::new();
    }
    let Some(regex) = PATTERN.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for captures in regex.captures_iter(text) {
        let (Some(series), Some(number)) = (captures.get(1), captures.get(2)) else {
            continue;
        };
        let glued = text[number.end()..].starts_with(|c: char| c.is_ascii_digit());
        let inside_mask = masked
            .iter()
            .any(|&(start, end)| series.start() < end && start < number.end());
        if !glued && !inside_mask {
            found.push(Found {
                kind: PiiKind::Passport,
                start: series.start(),
                end: number.end(),
            });
        }
    }
    found
}

/// One run of digits inside a chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Group {
    pub start: usize,
    pub end: usize,
    /// Where its digits start in [`Chunk::digits`].
    pub from: usize,
    pub len: usize,
    /// Whether the separator before it holds a space (so it may start a
    /// number of its own) or a parenthesis (an area code).
    pub spaced_before: bool,
    pub paren_before: bool,
}

#[derive(Default)]
struct Chunk {
    start: usize,
    plus: bool,
    lead_paren: bool,
    glued_left: bool,
    glued_right: bool,
    groups: Vec<Group>,
    digits: Vec<u8>,
}

struct Scanner<'a> {
    text: &'a str,
    masks: &'a [(usize, usize)],
    chunk: Chunk,
}

impl Scanner<'_> {
    fn run(mut self, out: &mut Vec<Found>) {
        let bytes = self.text.as_bytes();
        let mut pos = 0;
        let mut mask_index = 0;
        let mut previous_end = 0;
        let mut previous_hint = Hint::None;
        while pos < bytes.len() {
            if !bytes[pos].is_ascii_digit() {
                pos += 1;
                continue;
            }
            while mask_index < self.masks.len() && self.masks[mask_index].1 <= pos {
                mask_index += 1;
            }
            let limit = match self.masks.get(mask_index) {
                Some(&(start, end)) if start <= pos => {
                    pos = end;
                    continue;
                }
                Some(&(start, _)) => start,
                None => bytes.len(),
            };
            let end = self.read_chunk(pos, limit);
            // Fewer than five digits is never personal data (a date, a time,
            // a quantity): skip the costly part.
            let hint = if self.chunk.digits.len() >= 5 {
                let hint = self.hint(previous_end, previous_hint);
                self.segment(hint, out);
                hint
            } else {
                Hint::None
            };
            previous_end = end;
            previous_hint = hint;
            pos = end;
        }
    }

    /// Reads the chunk whose first digit is at `pos`; returns its end.
    fn read_chunk(&mut self, mut pos: usize, limit: usize) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        let chunk = &mut self.chunk;
        chunk.groups.clear();
        chunk.digits.clear();
        chunk.plus = pos > 0 && bytes[pos - 1] == b'+';
        chunk.lead_paren = !chunk.plus && pos > 0 && bytes[pos - 1] == b'(';
        chunk.start = if chunk.plus || chunk.lead_paren {
            pos - 1
        } else {
            pos
        };
        let (mut spaced, mut paren) = (true, false);
        loop {
            let start = pos;
            let from = chunk.digits.len();
            while pos < limit && bytes[pos].is_ascii_digit() {
                chunk.digits.push(bytes[pos]);
                pos += 1;
            }
            chunk.groups.push(Group {
                start,
                end: pos,
                from,
                len: pos - start,
                spaced_before: spaced,
                paren_before: paren,
            });
            if chunk.groups.len() >= 16 {
                break;
            }
            match separator(text, pos, limit) {
                Some((next, has_space, has_paren)) => {
                    (spaced, paren) = (has_space, has_paren);
                    pos = next;
                }
                None => break,
            }
        }
        // «(495) 123-45-67» owns its parenthesis; «(89161234567)» does not.
        if chunk.lead_paren
            && !(matches!(chunk.groups[0].len, 3..=5)
                && chunk.groups.get(1).is_some_and(|g| g.paren_before))
        {
            chunk.lead_paren = false;
            chunk.start += 1;
        }
        chunk.glued_left = glued_left(text, chunk.start);
        chunk.glued_right = glued_right(text, pos);
        pos
    }

    /// The cue before the current chunk, looking back no further than the
    /// previous number or the start of the sentence; a list
    /// («тел.: 8916…, 8903…») keeps the cue of its first member.
    fn hint(&self, previous_end: usize, previous_hint: Hint) -> Hint {
        let start = self.chunk.start;
        let mut from = start
            .saturating_sub(CUE_WINDOW)
            .max(previous_end.min(start));
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let window = sentence_tail(&self.text[from..start]);
        let hint = hint_before(window);
        let gap = &self.text[previous_end.min(start)..start];
        let is_list = previous_end > 0
            && gap.chars().count() <= 12
            && gap.split(|c: char| !c.is_alphabetic()).all(|word| {
                matches!(
                    word,
                    "" | "и"
                        | "или"
                        | "либо"
                        | "а"
                        | "также"
                        | "на"
                        | "по"
                        | "or"
                        | "and"
                        | "at"
                        | "to"
                )
            });
        match hint {
            Hint::None if is_list => previous_hint,
            _ => hint,
        }
    }

    /// Chooses the best non-overlapping runs of the current chunk.
    fn segment(&self, hint: Hint, out: &mut Vec<Found>) {
        let chunk = &self.chunk;
        let n = chunk.groups.len();
        // best[i]: the best score of groups 0..i, and the run ending at i.
        let mut best: Vec<(f32, Option<(usize, PiiKind)>)> = vec![(0.0, None); n + 1];
        for i in 1..=n {
            best[i] = (best[i - 1].0, None);
            let mut n_digits = 0;
            for a in (0..i).rev() {
                n_digits += chunk.groups[a].len;
                if n_digits > 20 || i - a > 8 {
                    break;
                }
                let starts_alone = if a == 0 {
                    !chunk.glued_left
                } else {
                    chunk.groups[a].spaced_before
                };
                let ends_alone = if i == n {
                    !chunk.glued_right
                } else {
                    chunk.groups[i].spaced_before
                };
                if !starts_alone || !ends_alone {
                    continue;
                }
                let groups = &chunk.groups[a..i];
                let run = Run {
                    digits: &chunk.digits
                        [groups[0].from..groups[i - a - 1].from + groups[i - a - 1].len],
                    groups,
                    plus: a == 0 && chunk.plus,
                    paren: (a == 0 && chunk.lead_paren)
                        || groups[1..].iter().any(|g| g.paren_before),
                };
                // After «+44 7700» the rest of the chunk belongs to that phone.
                let inside_plus = chunk.plus && a > 0;
                if let Some((kind, score)) = classify(&run, hint)
                    && !inside_plus
                    && best[a].0 + score > best[i].0
                {
                    best[i] = (best[a].0 + score, Some((a, kind)));
                }
            }
        }
        let mut i = n;
        let mut runs = Vec::new();
        while i > 0 {
            match best[i].1 {
                Some((a, kind)) => {
                    let start = if a == 0 {
                        chunk.start
                    } else {
                        chunk.groups[a].start
                    };
                    runs.push(Found {
                        kind,
                        start,
                        end: chunk.groups[i - 1].end,
                    });
                    i = a;
                }
                None => i -= 1,
            }
        }
        out.extend(runs.into_iter().rev());
    }
}

/// The separator at `pos` if digits follow it: up to three characters of
/// space, dash and parenthesis. Returns where the next digits start and
/// whether the separator held a space or a parenthesis.
fn separator(text: &str, pos: usize, limit: usize) -> Option<(usize, bool, bool)> {
    let mut has_space = false;
    let mut has_paren = false;
    let (mut opens, mut closes, mut n_chars) = (0, 0, 0);
    for (offset, c) in text[pos..limit].char_indices() {
        match c {
            '0'..='9' => return (n_chars > 0).then_some((pos + offset, has_space, has_paren)),
            ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' => has_space = true,
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => {}
            '(' => {
                opens += 1;
                has_paren = true;
            }
            ')' => {
                closes += 1;
                has_paren = true;
            }
            _ => return None,
        }
        n_chars += 1;
        if n_chars > 3 || opens > 1 || closes > 1 {
            return None;
        }
    }
    None
}

/// The part of `window` after its last sentence end. A full stop after a
/// short word is an abbreviation («тел.», «р/сч.»), not an end, unless a
/// capital letter follows it («… 400 руб. Верните …»).
fn sentence_tail(window: &str) -> &str {
    for (index, c) in window.char_indices().rev() {
        let ends = match c {
            '\n' | '!' | '?' | ';' => true,
            '.' => {
                let letters = window[..index]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .count();
                let next_is_capital = window[index + 1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_uppercase());
                // One letter is an initial («А.Ю.») or «т.», never an end.
                letters == 0 || letters > 4 || (next_is_capital && letters > 1)
            }
            _ => false,
        };
        if ends {
            return &window[index + c.len_utf8()..];
        }
    }
    window
}

/// Whether the character before `start` makes the digits part of a longer
/// token (an article code, a decimal, a date); a cue word glued to the
/// number («ИНН7707083893», «т.89161234567») does not.
fn glued_left(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let mut chars = before.chars().rev();
    let Some(previous) = chars.next() else {
        return false;
    };
    match previous {
        c if c.is_alphabetic() => {
            let word: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .flat_map(char::to_lowercase)
                .collect();
            !matches!(
                word.as_str(),
                "инн"
                    | "тел"
                    | "т"
                    | "моб"
                    | "снилс"
                    | "огрн"
                    | "огрнип"
                    | "inn"
                    | "tel"
                    | "ph"
                    | "м"
                    | "сот"
            )
        }
        '_' | '\\' => true,
        '.' | ',' | '/' | '-' | ':' => chars
            .next()
            .is_some_and(|c| c.is_ascii_digit() || (previous == '-' && c.is_alphabetic())),
        _ => false,
    }
}

/// Whether the character after `end` continues the token.
fn glued_right(text: &str, end: usize) -> bool {
    let mut chars = text[end..].chars();
    let Some(next) = chars.next() else {
        return false;
    };
    match next {
        c if c.is_alphanumeric() => true,
        '@' | '_' => true,
        '.' | ',' | '-' | ':' => chars
            .next()
            .is_some_and(|c| c.is_ascii_digit() || (next == '-' && c.is_alphabetic())),
        _ => false,
    }
}
