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

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Found, PiiKind};
use context::{Hint, hint_before};

/// A score a run must reach to be reported.
const THRESHOLD: f32 = 1.5;
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
struct Group {
    start: usize,
    end: usize,
    /// Where its digits start in [`Chunk::digits`].
    from: usize,
    len: usize,
    /// Whether the separator before it holds a space (so it may start a
    /// number of its own) or a parenthesis (an area code).
    spaced_before: bool,
    paren_before: bool,
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

/// A run of whole groups, as one candidate number.
struct Run<'a> {
    digits: &'a [u8],
    groups: &'a [Group],
    plus: bool,
    paren: bool,
}

impl Run<'_> {
    fn lens_are(&self, lens: &[usize]) -> bool {
        self.groups.len() == lens.len() && self.groups.iter().zip(lens).all(|(g, l)| g.len == *l)
    }

    fn contiguous(&self) -> bool {
        self.groups.len() == 1
    }
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
            && gap.chars().count() <= 6
            && gap
                .split(|c: char| !c.is_alphabetic())
                .all(|word| matches!(word, "" | "и" | "или" | "or" | "and"));
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

/// The best kind for a run and its score, if any reaches [`THRESHOLD`].
fn classify(run: &Run, hint: Hint) -> Option<(PiiKind, f32)> {
    let candidates = [
        (PiiKind::Phone, phone(run)),
        (PiiKind::Inn, inn(run)),
        (PiiKind::Snils, snils(run)),
        (PiiKind::Passport, passport(run)),
        (PiiKind::Card, card(run)),
        (PiiKind::Ogrn, ogrn(run)),
        (PiiKind::BankAccount, bank_account(run)),
    ];
    candidates
        .into_iter()
        .filter_map(|(kind, base)| {
            let base = base?;
            let score = match hint {
                Hint::None => base,
                Hint::Kind(cued) if cued == kind => base + 4.0,
                Hint::Kind(_) => base - 2.0,
                Hint::Other => base - 3.0,
            };
            (score >= THRESHOLD).then_some((kind, score))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Scores below are how sure the format alone makes us; `Some(0.0)` means
/// "only with a cue word", `None` "never this kind".
fn phone(run: &Run) -> Option<f32> {
    let digits = run.digits;
    let n = digits.len();
    if run.plus {
        // Numbers libphonenumber rejects (reserved ranges, new codes) are
        // still written as phones when they carry a country code.
        return match n {
            8..=15 if valid_international(digits) => Some(6.0),
            10..=15 if digits[0] != b'0' => Some(3.0),
            _ => None,
        };
    }
    let national = match n {
        11 if matches!(digits[0], b'7' | b'8') => &digits[1..],
        10 => digits,
        5..=7 => return local_phone(run),
        _ => return None,
    };
    if !matches!(national[0], b'3' | b'4' | b'8' | b'9') {
        return None;
    }
    if !run.contiguous() {
        return Some(match n {
            11 if run.lens_are(&[3, 3, 3, 2]) => 1.0,
            11 => 5.0,
            _ if run.lens_are(&[4, 6]) || run.lens_are(&[2, 2, 6]) => 0.5,
            _ if run.paren || run.groups[0].len == 3 => 4.0,
            _ => 1.0,
        });
    }
    Some(match (n, national[0]) {
        (11, _) => 3.0,
        (_, b'9') => 3.0,
        _ if BIG_CITY_CODES.iter().any(|code| national.starts_with(code)) => 2.0,
        _ => 0.5,
    })
}

/// Area codes common enough that a bare ten-digit number with them is more
/// likely a phone than an order number.
const BIG_CITY_CODES: &[&[u8]] = &[
    b"495", b"499", b"812", b"800", b"343", b"383", b"843", b"863", b"846", b"861",
];

/// «123-45-67», «12-34-56»: a local number, only when a cue says so.
fn local_phone(run: &Run) -> Option<f32> {
    let shaped = run.lens_are(&[3, 2, 2])
        || run.lens_are(&[2, 2, 2])
        || run.lens_are(&[3, 4])
        || run.lens_are(&[1, 2, 2]);
    shaped.then_some(0.0)
}

fn valid_international(digits: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(digits) else {
        return false;
    };
    domain::Phone::parse(&format!("+{text}"), "RU").is_ok()
}

fn inn(run: &Run) -> Option<f32> {
    let digits = run.digits;
    if !matches!(digits.len(), 10 | 12) || !checksum::inn(digits) {
        return None;
    }
    Some(match (run.contiguous(), digits.len(), digits[0]) {
        (false, _, _) => 0.0,
        (true, 12, _) => 4.0,
        // New Moscow inspections issue 97xx, but a bare 9xx… is far more often a mobile.
        (true, _, b'9') => 2.5,
        _ => 3.5,
    })
}

fn snils(run: &Run) -> Option<f32> {
    if !checksum::snils(run.digits) {
        return None;
    }
    Some(if run.lens_are(&[3, 3, 3, 2]) {
        6.0
    } else if run.lens_are(&[9, 2]) {
        4.0
    } else if run.contiguous() {
        2.5
    } else {
        0.0
    })
}

fn passport(run: &Run) -> Option<f32> {
    let digits = run.digits;
    // The series opens with a region code, 01 to 99.
    if digits.len() != 10 || digits.starts_with(b"00") {
        return None;
    }
    Some(if run.lens_are(&[2, 2, 6]) || run.lens_are(&[4, 6]) {
        4.0
    } else {
        0.0
    })
}

fn card(run: &Run) -> Option<f32> {
    let digits = run.digits;
    if !matches!(digits.len(), 13..=19) || !checksum::luhn(digits) {
        return None;
    }
    if !checksum::card_prefix(digits) {
        return Some(0.0);
    }
    let (last, rest) = run.groups.split_last()?;
    let by_fours = rest.iter().all(|g| g.len == 4) && (1..=4).contains(&last.len);
    Some(if run.contiguous() {
        if digits.len() == 16 { 4.0 } else { 2.0 }
    } else if by_fours || run.lens_are(&[4, 6, 5]) || run.lens_are(&[4, 6, 4]) {
        6.0
    } else {
        0.0
    })
}

fn ogrn(run: &Run) -> Option<f32> {
    let digits = run.digits;
    let plausible = match digits.len() {
        13 => matches!(digits[0], b'1' | b'5'),
        15 => digits[0] == b'3',
        _ => false,
    };
    if !plausible || !checksum::ogrn(digits) {
        return None;
    }
    Some(if run.contiguous() { 4.0 } else { 0.0 })
}

fn bank_account(run: &Run) -> Option<f32> {
    let digits = run.digits;
    if digits.len() != 20 || !matches!(digits[0], b'3' | b'4') {
        return None;
    }
    Some(if checksum::bank_account(digits) {
        4.0
    } else {
        0.0
    })
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
/// short word is an abbreviation («тел.», «р/сч.»), not an end.
fn sentence_tail(window: &str) -> &str {
    for (index, c) in window.char_indices().rev() {
        let ends = match c {
            '\n' | '!' | '?' | ';' => true,
            '.' => {
                window[..index]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .count()
                    > 4
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
