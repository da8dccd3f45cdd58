//! Scoring a run of digit groups as each kind of number: format, check
//! digits and the cue word before it. Finding the runs is the scanner's job.

use super::Group;
use super::checksum;
use super::context::Hint;
use crate::entity::PiiKind;

/// A score a run must reach to be reported.
const THRESHOLD: f32 = 1.5;

/// A run of whole groups, as one candidate number.
pub(super) struct Run<'a> {
    pub digits: &'a [u8],
    pub groups: &'a [Group],
    pub plus: bool,
    pub paren: bool,
}

impl Run<'_> {
    fn lens_are(&self, lens: &[usize]) -> bool {
        self.groups.len() == lens.len() && self.groups.iter().zip(lens).all(|(g, l)| g.len == *l)
    }

    fn contiguous(&self) -> bool {
        self.groups.len() == 1
    }
}

/// The best kind for a run and its score, if any reaches [`THRESHOLD`].
pub(super) fn classify(run: &Run, hint: Hint) -> Option<(PiiKind, f32)> {
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
