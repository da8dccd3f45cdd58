//! Replacing detected spans with their kind's label. Knows nothing of how
//! the spans were found.

use crate::entity::Entity;

/// Returns `text` with every entity replaced by `[KIND]` (`[PHONE]`,
/// `[PERSON]` …). Entities may come in any order; one that overlaps an
/// earlier one, or lies outside the text, is ignored.
pub fn redact(text: &str, entities: &[Entity]) -> String {
    let mut sorted: Vec<&Entity> = entities
        .iter()
        .filter(|entity| entity.start < entity.end)
        .collect();
    sorted.sort_by_key(|entity| (entity.start, entity.end));
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    let mut position = 0;
    for entity in sorted {
        if entity.start < position {
            continue;
        }
        out.extend(chars.by_ref().take(entity.start - position));
        let span: String = chars.by_ref().take(entity.end - entity.start).collect();
        position = entity.start + span.chars().count();
        if position < entity.end {
            // The entity runs past the end of the text: keep what was there.
            out.push_str(&span);
            break;
        }
        out.push('[');
        out.push_str(entity.kind.label());
        out.push(']');
    }
    out.extend(chars);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::PiiKind;

    fn entity(kind: PiiKind, start: usize, end: usize) -> Entity {
        Entity {
            kind,
            start,
            end,
            text: String::new(),
        }
    }

    #[test]
    fn spans_are_replaced_by_labels_in_character_offsets() {
        let text = "Звонил Пётр, тел 8 916 123 45 67.";
        let entities = [
            entity(PiiKind::Phone, 17, 32),
            entity(PiiKind::Person, 7, 11),
        ];
        assert_eq!(redact(text, &entities), "Звонил [PERSON], тел [PHONE].");
    }

    #[test]
    fn overlapping_and_empty_spans_are_ignored() {
        let entities = [
            entity(PiiKind::Email, 0, 5),
            entity(PiiKind::Phone, 3, 8),
            entity(PiiKind::Inn, 9, 9),
        ];
        assert_eq!(redact("abcdefghij", &entities), "[EMAIL]fghij");
    }
}
