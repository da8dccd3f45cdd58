//! Markdown articles as passages: a heading starts a section, and a
//! section's paragraphs are gathered into passages of at most
//! [`MAX_WORDS`] words, each citing `file#heading`.

use std::sync::LazyLock;

use regex::Regex;

use crate::compiled;
use crate::passage::{Kind, Passage};

/// Long enough to hold a point with its context, short enough that the bot
/// can say it in one chat message.
pub(crate) const MAX_WORDS: usize = 120;

pub(super) fn passages(file: &str, text: &str) -> Vec<Passage> {
    let mut article = Article {
        file,
        headings: Vec::new(),
        paragraphs: Vec::new(),
        lines: Vec::new(),
        passages: Vec::new(),
    };
    let mut fence = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            article.lines.push(line.trim_end().to_string());
            continue;
        }
        if let Some((level, heading)) = heading(trimmed) {
            article.end_section();
            article.headings.retain(|(l, _)| *l < level);
            article.headings.push((level, clean_inline(heading)));
        } else if trimmed.is_empty() || is_rule(trimmed) {
            article.end_paragraph();
        } else {
            article.lines.push(clean_line(trimmed));
        }
    }
    article.end_section();
    article.passages
}

struct Article<'a> {
    file: &'a str,
    /// The headings above the current line: level and text.
    headings: Vec<(usize, String)>,
    paragraphs: Vec<String>,
    lines: Vec<String>,
    passages: Vec<Passage>,
}

impl Article<'_> {
    fn end_paragraph(&mut self) {
        if !self.lines.is_empty() {
            self.paragraphs.push(self.lines.join("\n"));
            self.lines.clear();
        }
    }

    fn end_section(&mut self) {
        self.end_paragraph();
        let paragraphs = std::mem::take(&mut self.paragraphs);
        if paragraphs.is_empty() {
            return;
        }
        let citation = match self.headings.last() {
            Some((_, heading)) => format!("{}#{heading}", self.file),
            None => self.file.to_string(),
        };
        let title = self
            .headings
            .iter()
            .map(|(_, heading)| heading.as_str())
            .collect::<Vec<_>>()
            .join(" › ");
        for text in gather(&paragraphs) {
            self.passages.push(Passage {
                kind: Kind::Article,
                citation: citation.clone(),
                title: title.clone(),
                alternatives: Vec::new(),
                text,
                sku: None,
            });
        }
    }
}

/// Consecutive paragraphs joined while they fit in [`MAX_WORDS`]; a longer
/// paragraph is cut between sentences (a sentence longer still, between words).
fn gather(paragraphs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for paragraph in paragraphs {
        for piece in cut(paragraph) {
            let count = word_count(&piece);
            if words > 0 && words + count > MAX_WORDS {
                out.push(std::mem::take(&mut current));
                words = 0;
            }
            if !current.is_empty() {
                current.push_str("\n\n");
            }
            current.push_str(&piece);
            words += count;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn cut(paragraph: &str) -> Vec<String> {
    if word_count(paragraph) <= MAX_WORDS {
        return vec![paragraph.to_string()];
    }
    let mut pieces = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for sentence in sentences(paragraph) {
        let words: Vec<&str> = sentence.split_whitespace().collect();
        if !current.is_empty() && current.len() + words.len() > MAX_WORDS {
            pieces.push(current.join(" "));
            current.clear();
        }
        for word in words {
            if current.len() == MAX_WORDS {
                pieces.push(current.join(" "));
                current.clear();
            }
            current.push(word);
        }
    }
    if !current.is_empty() {
        pieces.push(current.join(" "));
    }
    pieces
}

/// Sentences end at `.`, `!`, `?` or `…` followed by white space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut previous = ' ';
    for (index, c) in text.char_indices() {
        if c.is_whitespace() && matches!(previous, '.' | '!' | '?' | '…') {
            out.push(&text[start..index]);
            start = index;
        }
        previous = c;
    }
    out.push(&text[start..]);
    out
}

/// `## Title ##` → level 2, «Title». A `#` without a space after it is text
/// (`#hashtag`, `#42`).
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim();
    (!title.is_empty()).then_some((level, title))
}

/// `---`, `***`, `___`: a thematic break separates paragraphs.
fn is_rule(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&mark| compact.chars().all(|c| c == mark))
}

/// A line without block marks (`> `) and with its inline marks removed;
/// list markers stay, since lists read as lists in a chat too.
fn clean_line(line: &str) -> String {
    let line = line.trim_start_matches('>').trim_start();
    clean_inline(line)
}

fn clean_inline(text: &str) -> String {
    static IMAGE: LazyLock<Regex> = LazyLock::new(|| compiled(r"!\[([^\]]*)\]\([^)]*\)"));
    static LINK: LazyLock<Regex> = LazyLock::new(|| compiled(r"\[([^\]]+)\]\([^)]*\)"));
    static STRONG: LazyLock<Regex> = LazyLock::new(|| compiled(r"\*\*|__|`"));
    static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| compiled(r"(^|[^\w*])\*([^*\s][^*]*)\*"));
    let text = IMAGE.replace_all(text, "$1");
    let text = LINK.replace_all(&text, "$1");
    let text = STRONG.replace_all(&text, "");
    EMPHASIS.replace_all(&text, "$1$2").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_marks_are_removed_but_the_words_stay() {
        assert_eq!(
            clean_inline("**Важно:** смотрите [условия](https://x.ru/a) и `код`, *срочно*"),
            "Важно: смотрите условия и код, срочно"
        );
        assert_eq!(clean_inline("2*3 = 6"), "2*3 = 6");
    }

    #[test]
    fn a_hash_without_a_space_is_not_a_heading() {
        assert_eq!(heading("## Сроки ##"), Some((2, "Сроки")));
        assert_eq!(heading("#акция"), None);
        assert_eq!(heading("####### семь"), None);
    }
}
