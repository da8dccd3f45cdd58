//! Cutting a reply longer than a platform accepts into several messages, at paragraph,
//! line or word breaks where possible, so a long answer arrives whole instead of refused.

/// Splits `text` into parts of at most `limit` UTF-16 code units each.
///
/// UTF-16 units, because Telegram counts message length so; a part within the limit in
/// units is within it in characters too, which is how WhatsApp and VK count. Whitespace
/// around a break is dropped; empty parts are never produced.
pub(crate) fn split(text: &str, limit: usize) -> Vec<&str> {
    let limit = limit.max(1);
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let fits = prefix_within(rest, limit);
        if fits == rest.len() {
            parts.push(rest);
            break;
        }
        let cut = break_before(&rest[..fits]).unwrap_or(fits);
        let part = rest[..cut].trim_end();
        if !part.is_empty() {
            parts.push(part);
        }
        rest = rest[cut..].trim_start();
    }
    parts
}

/// The byte length of the longest prefix of `text` within `limit` UTF-16 units (at least
/// one character, so a part always makes progress).
fn prefix_within(text: &str, limit: usize) -> usize {
    let mut units = 0;
    for (index, character) in text.char_indices() {
        units += character.len_utf16();
        if units > limit {
            return if index == 0 {
                character.len_utf8()
            } else {
                index
            };
        }
    }
    text.len()
}

/// Where to end a part inside `window`: after its last paragraph break, else its last
/// line break, else its last space. `None` when it has none, or only at its very start.
fn break_before(window: &str) -> Option<usize> {
    ["\n\n", "\n", " "].iter().find_map(|separator| {
        window
            .rfind(separator)
            .map(|at| at + separator.len())
            .filter(|&end| !window[..end].trim().is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_stay_whole() {
        assert_eq!(split("Добрый день!", 4096), vec!["Добрый день!"]);
        assert_eq!(split("  hi \n", 10), vec!["hi"]);
        assert!(split("   ", 10).is_empty());
    }

    #[test]
    fn breaks_prefer_paragraphs_then_lines_then_words() {
        assert_eq!(
            split("one two\n\nthree four", 15),
            vec!["one two", "three four"]
        );
        assert_eq!(
            split("one two\nthree four", 15),
            vec!["one two", "three four"]
        );
        assert_eq!(
            split("one two three four", 10),
            vec!["one two", "three four"]
        );
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut_hard() {
        assert_eq!(split("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn every_part_is_within_the_limit_in_utf16_units() {
        // "😀" is two UTF-16 units: Telegram's count, not the character count.
        let text = "😀".repeat(5000) + " " + &"я".repeat(5000);
        let parts = split(&text, 4096);
        assert!(parts.iter().all(|part| part.encode_utf16().count() <= 4096));
        assert_eq!(parts.concat(), text.replace(' ', ""));
    }
}
