//! Words and initials with what stands between them, for the name matcher.
//! Only what names need is kept: letters, initials, the kind of gap before
//! each word, and whether it sits inside quotation marks.

/// A word or an initial.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub text: &'a str,
    /// Byte span; an initial's span includes its full stop.
    pub start: usize,
    pub end: usize,
    pub initial: bool,
    pub capitalized: bool,
    pub all_caps: bool,
    pub latin: bool,
    /// What separates it from the previous token.
    pub gap: Gap,
    /// The index of the quotation it sits in, if any (see [`Tokens::quotes`]).
    pub quote: Option<usize>,
}

/// What stands between two tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Nothing (between «И.» and «С.») or spaces on one line.
    Space,
    /// A comma.
    Comma,
    /// The start of a sentence, a line, a list item or a quotation.
    Boundary,
    /// Anything else: digits, dashes, brackets, other punctuation.
    Other,
}

/// A quotation («…», "…") and the words just before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quote {
    /// The index of the first token after the opening mark.
    pub first_token: usize,
    pub n_tokens: usize,
}

pub(crate) struct Tokens<'a> {
    pub tokens: Vec<Token<'a>>,
    pub quotes: Vec<Quote>,
}

/// Splits `text` into tokens; text inside `masked` byte spans (sorted) is
/// treated as punctuation.
pub(crate) fn tokenize<'a>(text: &'a str, masked: &[(usize, usize)]) -> Tokens<'a> {
    let mut tokens: Vec<Token<'a>> = Vec::new();
    let mut quotes: Vec<Quote> = Vec::new();
    let mut open_quote: Option<usize> = None;
    let mut gap = Gap::Boundary;
    let mut mask_index = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        while mask_index < masked.len() && masked[mask_index].1 <= start {
            mask_index += 1;
        }
        if masked
            .get(mask_index)
            .is_some_and(|&(from, _)| from <= start)
        {
            gap = worse(gap, Gap::Other);
            continue;
        }
        if !c.is_alphabetic() {
            match c {
                ' ' | '\t' | '\u{a0}' | '\u{2009}' | '\u{202f}' => {}
                ',' => gap = worse(gap, Gap::Comma),
                '.' | '!' | '?' | '…' | '\n' | '\r' | ':' | ';' | '•' | '*' | '|' => {
                    gap = Gap::Boundary
                }
                '«' | '“' | '„' => {
                    quotes.push(Quote {
                        first_token: tokens.len(),
                        n_tokens: 0,
                    });
                    open_quote = Some(quotes.len() - 1);
                    gap = Gap::Boundary;
                }
                '»' | '”' => {
                    open_quote = None;
                    gap = worse(gap, Gap::Other);
                }
                '"' => {
                    if open_quote.is_some() {
                        open_quote = None;
                        gap = worse(gap, Gap::Other);
                    } else {
                        quotes.push(Quote {
                            first_token: tokens.len(),
                            n_tokens: 0,
                        });
                        open_quote = Some(quotes.len() - 1);
                        gap = Gap::Boundary;
                    }
                }
                _ => gap = worse(gap, Gap::Other),
            }
            continue;
        }
        // A word: letters, with inner hyphens and apostrophes (Римский-Корсаков, O'Brien).
        let mut end = start + c.len_utf8();
        let mut has_lower = c.is_lowercase();
        let mut has_latin = c.is_ascii_alphabetic();
        while let Some(&(index, next)) = chars.peek() {
            if next.is_alphabetic() {
                has_lower |= next.is_lowercase();
                has_latin |= next.is_ascii_alphabetic();
                end = index + next.len_utf8();
                chars.next();
            } else if matches!(next, '-' | '\'' | '’')
                && text[index + next.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic)
            {
                end = index + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        // «Ivan Petrov's contact»: the possessive is not part of the name.
        for possessive in ["'s", "’s"] {
            if text[start..end].ends_with(possessive) {
                end -= possessive.len();
            }
        }
        let word = &text[start..end];
        let single_upper = c.is_uppercase() && end == start + c.len_utf8();
        let initial = single_upper && text[end..].starts_with('.');
        let end = if initial { end + 1 } else { end };
        if initial {
            chars.next();
        }
        if let Some(quote) = open_quote {
            quotes[quote].n_tokens += 1;
        }
        tokens.push(Token {
            text: word,
            start,
            end,
            initial,
            capitalized: c.is_uppercase(),
            all_caps: c.is_uppercase() && !has_lower && word.chars().nth(1).is_some(),
            latin: has_latin,
            gap,
            quote: open_quote,
        });
        gap = Gap::Space;
    }
    Tokens { tokens, quotes }
}

/// The stronger of two separations.
fn worse(a: Gap, b: Gap) -> Gap {
    let rank = |gap: Gap| match gap {
        Gap::Space => 0,
        Gap::Comma => 1,
        Gap::Other => 2,
        Gap::Boundary => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_their_full_stops_and_sentences_are_marked() {
        let tokens = tokenize("Звонил Петров И.С. Потом: «Ромашка»", &[]).tokens;
        let texts: Vec<&str> = tokens.iter().map(|t| t.text).collect();
        assert_eq!(texts, ["Звонил", "Петров", "И", "С", "Потом", "Ромашка"]);
        assert!(tokens[2].initial && tokens[3].initial);
        assert_eq!(tokens[3].gap, Gap::Space);
        // The full stop belongs to the initial; the matcher decides about «Потом».
        assert_eq!(tokens[4].gap, Gap::Space);
        assert_eq!(tokens[5].gap, Gap::Boundary);
        assert!(tokens[5].quote.is_some());
        assert_eq!(
            &"Звонил Петров И.С. Потом"[tokens[2].start..tokens[3].end],
            "И.С."
        );
    }
}
