//! The trained entity tagger: an averaged structured perceptron over BILOU
//! tags with Viterbi decoding (the CRF's model shape, trained the simpler
//! way; it learns as well on a few hundred sentences). Each word is seen
//! through its form, stem, affixes, shape and neighbours, and through what
//! the gazetteers and rules say about it, so a city never seen in training
//! but known to the gazetteer is still tagged.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// What one word looks like to the tagger: hashed feature names.
pub type Features = Vec<u64>;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tagger {
    /// Entity labels; tag `0` is O, then B, I, L, U of each label.
    pub labels: Vec<String>,
    index: HashMap<u64, u32>,
    /// `features × tags`.
    weights: Vec<f32>,
    /// `(tags + 1) × tags`: the last row is the start of the sentence.
    transitions: Vec<f32>,
}

const B: usize = 0;
const I: usize = 1;
const L: usize = 2;
const U: usize = 3;

/// A labelled span over tokens `first..last`.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: usize,
    pub first: usize,
    pub last: usize,
}

fn tag(label: usize, part: usize) -> usize {
    1 + label * 4 + part
}

fn part(tag: usize) -> Option<(usize, usize)> {
    (tag > 0).then(|| ((tag - 1) / 4, (tag - 1) % 4))
}

fn allowed(previous: Option<usize>, current: usize) -> bool {
    let open = previous.and_then(part).filter(|(_, p)| *p == B || *p == I);
    match (open, part(current)) {
        (Some((label, _)), Some((l, p))) => l == label && (p == I || p == L),
        (Some(_), None) => false,
        (None, Some((_, p))) => p == B || p == U,
        (None, None) => true,
    }
}

fn may_end(tag: usize) -> bool {
    part(tag).is_none_or(|(_, p)| p == L || p == U)
}

fn encode(spans: &[Span], len: usize) -> Vec<usize> {
    let mut tags = vec![0; len];
    for span in spans {
        if span.last - span.first == 1 {
            tags[span.first] = tag(span.label, U);
        } else {
            tags[span.first] = tag(span.label, B);
            for t in &mut tags[span.first + 1..span.last - 1] {
                *t = tag(span.label, I);
            }
            tags[span.last - 1] = tag(span.label, L);
        }
    }
    tags
}

fn decode(tags: &[usize]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match part(t) {
            Some((label, p)) if p == U => spans.push(Span {
                label,
                first: i,
                last: i + 1,
            }),
            Some((label, p)) if p == B => open = Some((label, i)),
            Some((label, p)) if p == L => {
                if let Some((open_label, first)) = open.take()
                    && open_label == label
                {
                    spans.push(Span {
                        label,
                        first,
                        last: i + 1,
                    });
                }
            }
            _ => {}
        }
    }
    spans
}

impl Tagger {
    fn tags(&self) -> usize {
        1 + 4 * self.labels.len()
    }

    /// Trains on sentences given as per-word features and gold spans.
    pub fn train(
        labels: Vec<String>,
        sentences: &[(Vec<Features>, Vec<Span>)],
        epochs: usize,
    ) -> Self {
        let mut index: HashMap<u64, u32> = HashMap::new();
        for (words, _) in sentences {
            for features in words {
                for &f in features {
                    let next = index.len() as u32;
                    index.entry(f).or_insert(next);
                }
            }
        }
        let tags = 1 + 4 * labels.len();
        let mut tagger = Tagger {
            labels,
            weights: vec![0.0; index.len() * tags],
            transitions: vec![0.0; (tags + 1) * tags],
            index,
        };
        // Averaging: `sums` collects each update times the step it was made
        // at; the average is `w − sums / steps`.
        let mut weight_sums = vec![0.0f32; tagger.weights.len()];
        let mut transition_sums = vec![0.0f32; tagger.transitions.len()];
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut step = 1.0f32;
        for _ in 0..epochs {
            // Fisher–Yates with a fixed-seed xorshift: the same data trains
            // the same model.
            for i in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            for &s in &order {
                let (words, spans) = &sentences[s];
                if words.is_empty() {
                    continue;
                }
                let gold = encode(spans, words.len());
                let guess = tagger.viterbi(words);
                if guess != gold {
                    for (sequence, sign) in [(&gold, 1.0f32), (&guess, -1.0)] {
                        let mut previous = tags;
                        for (features, &t) in words.iter().zip(sequence.iter()) {
                            for f in features {
                                if let Some(&row) = tagger.index.get(f) {
                                    let at = row as usize * tags + t;
                                    tagger.weights[at] += sign;
                                    weight_sums[at] += sign * step;
                                }
                            }
                            let at = previous * tags + t;
                            tagger.transitions[at] += sign;
                            transition_sums[at] += sign * step;
                            previous = t;
                        }
                    }
                }
                step += 1.0;
            }
        }
        for (w, sum) in tagger.weights.iter_mut().zip(&weight_sums) {
            *w -= sum / step;
        }
        for (w, sum) in tagger.transitions.iter_mut().zip(&transition_sums) {
            *w -= sum / step;
        }
        // Features that never moved a weight only cost space.
        tagger.prune();
        tagger
    }

    fn prune(&mut self) {
        let tags = self.tags();
        let mut kept_index = HashMap::new();
        let mut kept = Vec::new();
        let mut rows: Vec<(u64, u32)> = self.index.iter().map(|(&f, &r)| (f, r)).collect();
        rows.sort_unstable_by_key(|&(_, r)| r);
        for (f, row) in rows {
            let weights = &self.weights[row as usize * tags..(row as usize + 1) * tags];
            if weights.iter().any(|w| w.abs() > 1e-6) {
                kept_index.insert(f, (kept.len() / tags) as u32);
                kept.extend_from_slice(weights);
            }
        }
        self.index = kept_index;
        self.weights = kept;
    }

    fn viterbi(&self, words: &[Features]) -> Vec<usize> {
        let tags = self.tags();
        let n = words.len();
        let mut score = vec![f32::NEG_INFINITY; n * tags];
        let mut back = vec![0usize; n * tags];
        let mut emission = vec![0.0f32; tags];
        for (i, features) in words.iter().enumerate() {
            emission.iter_mut().for_each(|e| *e = 0.0);
            for f in features {
                if let Some(&row) = self.index.get(f) {
                    let base = row as usize * tags;
                    for (e, w) in emission.iter_mut().zip(&self.weights[base..base + tags]) {
                        *e += w;
                    }
                }
            }
            for t in 0..tags {
                if i == 0 {
                    if allowed(None, t) {
                        score[t] = emission[t] + self.transitions[tags * tags + t];
                    }
                    continue;
                }
                let mut best = f32::NEG_INFINITY;
                let mut from = 0;
                for p in 0..tags {
                    let previous = score[(i - 1) * tags + p];
                    if previous == f32::NEG_INFINITY || !allowed(Some(p), t) {
                        continue;
                    }
                    let candidate = previous + self.transitions[p * tags + t];
                    if candidate > best {
                        best = candidate;
                        from = p;
                    }
                }
                if best > f32::NEG_INFINITY {
                    score[i * tags + t] = best + emission[t];
                    back[i * tags + t] = from;
                }
            }
        }
        let mut last = 0;
        let mut best = f32::NEG_INFINITY;
        for t in (0..tags).filter(|&t| may_end(t)) {
            if score[(n - 1) * tags + t] > best {
                best = score[(n - 1) * tags + t];
                last = t;
            }
        }
        let mut path = vec![0; n];
        path[n - 1] = last;
        for i in (1..n).rev() {
            path[i - 1] = back[i * tags + path[i]];
        }
        path
    }

    /// The spans a sentence holds.
    pub fn tag(&self, words: &[Features]) -> Vec<Span> {
        if words.is_empty() || self.labels.is_empty() {
            return Vec::new();
        }
        decode(&self.viterbi(words))
    }
}

/// FNV-1a: a stable hash for feature names (the model file keeps hashes).
pub fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Features> {
        let tokens: Vec<&str> = text.split(' ').collect();
        (0..tokens.len())
            .map(|i| {
                let previous = if i > 0 { tokens[i - 1] } else { "^" };
                vec![
                    hash(&["w", tokens[i]]),
                    hash(&["w-1", previous]),
                    hash(&["b"]),
                ]
            })
            .collect()
    }

    #[test]
    fn learns_spans_from_their_context() {
        let sentences = vec![
            (
                words("из москвы в казань"),
                vec![
                    Span {
                        label: 0,
                        first: 1,
                        last: 2,
                    },
                    Span {
                        label: 0,
                        first: 3,
                        last: 4,
                    },
                ],
            ),
            (
                words("из нижнего новгорода срочно"),
                vec![Span {
                    label: 0,
                    first: 1,
                    last: 3,
                }],
            ),
            (
                words("вес 15 тонн"),
                vec![Span {
                    label: 1,
                    first: 1,
                    last: 3,
                }],
            ),
            (words("привет как дела"), vec![]),
        ];
        let tagger = Tagger::train(vec!["city".into(), "weight".into()], &sentences, 10);
        assert_eq!(
            tagger.tag(&words("из москвы срочно")),
            [Span {
                label: 0,
                first: 1,
                last: 2
            }]
        );
        assert_eq!(
            tagger.tag(&words("вес 15 тонн")),
            [Span {
                label: 1,
                first: 1,
                last: 3
            }]
        );
    }

    #[test]
    fn tags_round_trip_through_bilou() {
        let spans = vec![
            Span {
                label: 1,
                first: 0,
                last: 1,
            },
            Span {
                label: 0,
                first: 2,
                last: 5,
            },
        ];
        assert_eq!(decode(&encode(&spans, 6)), spans);
    }
}
