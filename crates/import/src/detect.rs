//! Guessing how a text file was written: its encoding and its delimiter.
//! Russian CRM exports are often Windows-1251 with `;` and a BOM.

/// A text encoding fundament reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a BOM).
    Utf8,
    /// UTF-16, little-endian, with a BOM (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16, big-endian, with a BOM.
    Utf16Be,
    /// Windows-1251, the Cyrillic code page of Russian Windows and 1C.
    Windows1251,
    /// KOI8-R, older Unix mail and exports.
    Koi8R,
    /// IBM 866, DOS Cyrillic.
    Ibm866,
}

impl Encoding {
    /// Finds an encoding by name (`utf-8`, `windows-1251`, `cp1251`, `koi8-r`, `cp866` ...).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-16" | "utf-16le" | "utf16" => Some(Encoding::Utf16Le),
            "utf-16be" => Some(Encoding::Utf16Be),
            "windows-1251" | "cp1251" | "win1251" | "1251" => Some(Encoding::Windows1251),
            "koi8-r" | "koi8r" => Some(Encoding::Koi8R),
            "ibm866" | "cp866" | "866" => Some(Encoding::Ibm866),
            _ => None,
        }
    }

    /// The encoding_rs codec.
    pub fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1251 => encoding_rs::WINDOWS_1251,
            Encoding::Koi8R => encoding_rs::KOI8_R,
            Encoding::Ibm866 => encoding_rs::IBM866,
        }
    }

    /// The name to show.
    pub fn name(self) -> &'static str {
        self.codec().name()
    }
}

/// Guesses the encoding of a file from its first bytes: a BOM decides;
/// valid UTF-8 is UTF-8; otherwise the single-byte Cyrillic code page whose
/// decoding reads most like Russian text wins.
pub fn detect_encoding(sample: &[u8]) -> Encoding {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8;
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    // A sample cut mid-character is still UTF-8 if only its tail is incomplete.
    match std::str::from_utf8(sample) {
        Ok(_) => return Encoding::Utf8,
        Err(error) if error.error_len().is_none() => return Encoding::Utf8,
        Err(_) => {}
    }
    [Encoding::Windows1251, Encoding::Koi8R, Encoding::Ibm866]
        .into_iter()
        .max_by_key(|encoding| {
            russian_score(&encoding.codec().decode_without_bom_handling(sample).0)
        })
        .unwrap_or(Encoding::Windows1251)
}

/// How much a text looks like Russian: frequent lower-case letters count up,
/// upper-case letters inside words and box-drawing characters count down.
fn russian_score(text: &str) -> i64 {
    const FREQUENT: &str = "оеаинтсрвлкмдпуяыьгзбчй";
    let mut score = 0_i64;
    let mut previous_is_letter = false;
    for character in text.chars() {
        if FREQUENT.contains(character) {
            score += 2;
        } else if ('А'..='Я').contains(&character) && previous_is_letter {
            score -= 3;
        } else if ('\u{2500}'..='\u{25FF}').contains(&character) {
            score -= 5;
        }
        previous_is_letter = character.is_alphabetic();
    }
    score
}

/// Guesses the delimiter of a CSV text from its first lines: the candidate
/// that splits the most lines into the same number (more than one) of fields.
pub fn detect_delimiter(sample: &str) -> u8 {
    let lines: Vec<&str> = sample
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0_usize, 0_usize);
    for delimiter in [b';', b',', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| count_fields(line, delimiter))
            .collect();
        let Some(&header_count) = counts.first() else {
            continue;
        };
        if header_count < 2 {
            continue;
        }
        let consistent = counts
            .iter()
            .filter(|count| **count == header_count)
            .count();
        if (consistent, header_count) > (best.1, best.2) {
            best = (delimiter, consistent, header_count);
        }
    }
    best.0
}

/// Fields in one line, honouring double quotes.
fn count_fields(line: &str, delimiter: u8) -> usize {
    let mut in_quotes = false;
    let mut count = 1;
    for byte in line.bytes() {
        if byte == b'"' {
            in_quotes = !in_quotes;
        } else if byte == delimiter && !in_quotes {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_code_pages_are_told_apart() {
        let text = "Фамилия;Имя;Отчество;Мобильный телефон\nИванов;Иван;Иванович;8 916 123-45-67\nПетрова;Анна;Сергеевна;+7 903 000-00-00\n";
        for encoding in [Encoding::Windows1251, Encoding::Koi8R, Encoding::Ibm866] {
            let (bytes, _, _) = encoding.codec().encode(text);
            assert_eq!(detect_encoding(&bytes), encoding, "{}", encoding.name());
        }
        assert_eq!(detect_encoding(text.as_bytes()), Encoding::Utf8);
        assert_eq!(detect_encoding(&[0xEF, 0xBB, 0xBF, b'a']), Encoding::Utf8);
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_consistently() {
        assert_eq!(detect_delimiter("a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1,\"x;y\",3\n"), b',');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(
            detect_delimiter("\"Имя; полное\",Телефон\n\"Иванов; Иван\",8916\n"),
            b','
        );
    }
}
