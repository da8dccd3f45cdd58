//! The intent classifier: TF-IDF over character n-grams (2–5, inside words:
//! typos and case endings keep most of a word's n-grams) and over word
//! stems and stem pairs (meaning, order), fed to multinomial logistic
//! regression with L2, fitted by L-BFGS. Probabilities are the softmax, so a
//! low top probability is a usable "not sure" signal.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::{Token, fold};

/// Maps a message to its sparse, L2-normalised TF-IDF vector.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vectoriser {
    chars: HashMap<String, u32>,
    words: HashMap<String, u32>,
    idf: Vec<f32>,
    /// Known word forms, for mending one-letter typos in unknown words.
    #[serde(skip)]
    spelling: Option<Spelling>,
}

const CHAR_MIN: usize = 2;
const CHAR_MAX: usize = 5;

impl Vectoriser {
    pub fn fit(documents: &[Vec<Token>]) -> Self {
        let mut chars: HashMap<String, u32> = HashMap::new();
        let mut words: HashMap<String, u32> = HashMap::new();
        let mut char_df: Vec<u32> = Vec::new();
        let mut word_df: Vec<u32> = Vec::new();
        for tokens in documents {
            let mut seen_chars: Vec<u32> = Vec::new();
            for gram in char_grams(tokens) {
                let next = chars.len() as u32;
                let id = *chars.entry(gram).or_insert(next);
                seen_chars.push(id);
            }
            seen_chars.sort_unstable();
            seen_chars.dedup();
            char_df.resize(chars.len(), 0);
            for id in seen_chars {
                char_df[id as usize] += 1;
            }
            let mut seen_words: Vec<u32> = Vec::new();
            for gram in word_grams(tokens.iter().map(|t| t.stem.as_str())) {
                let next = words.len() as u32;
                let id = *words.entry(gram).or_insert(next);
                seen_words.push(id);
            }
            seen_words.sort_unstable();
            seen_words.dedup();
            word_df.resize(words.len(), 0);
            for id in seen_words {
                word_df[id as usize] += 1;
            }
        }
        let n = documents.len() as f32;
        let idf = char_df
            .iter()
            .chain(&word_df)
            .map(|&df| ((1.0 + n) / (1.0 + df as f32)).ln() + 1.0)
            .collect();
        let mut vectoriser = Vectoriser {
            chars,
            words,
            idf,
            spelling: None,
        };
        vectoriser.learn_spelling(documents);
        vectoriser
    }

    /// Rebuilds the typo index from the word features (after loading).
    pub fn learn_spelling(&mut self, documents: &[Vec<Token>]) {
        let mut known: HashMap<String, String> = HashMap::new();
        for tokens in documents {
            for token in tokens {
                if token.norm.chars().count() >= 5 && !token.is_number() {
                    known.insert(token.norm.clone(), token.stem.clone());
                }
            }
        }
        self.spelling = Some(Spelling::new(known));
    }

    /// The spelling index survives saving as the list of known word forms.
    pub fn known_words(&self) -> Vec<(String, String)> {
        self.spelling
            .as_ref()
            .map(|s| {
                let mut words: Vec<(String, String)> = s
                    .stems
                    .iter()
                    .map(|(w, s)| (w.clone(), s.clone()))
                    .collect();
                words.sort();
                words
            })
            .unwrap_or_default()
    }

    pub fn restore_spelling(&mut self, words: Vec<(String, String)>) {
        self.spelling = Some(Spelling::new(words.into_iter().collect()));
    }

    pub fn dimension(&self) -> usize {
        self.idf.len()
    }

    /// The message's features, as (index, value) sorted by index.
    pub fn transform(&self, tokens: &[Token]) -> Vec<(u32, f32)> {
        let mut chars: HashMap<u32, f32> = HashMap::new();
        for gram in char_grams(tokens) {
            if let Some(&id) = self.chars.get(&gram) {
                *chars.entry(id).or_default() += 1.0;
            }
        }
        let offset = self.chars.len() as u32;
        let stems: Vec<String> = tokens
            .iter()
            .map(|t| {
                let known = self.words.contains_key(&t.stem);
                match (&self.spelling, known) {
                    (Some(spelling), false) => {
                        spelling.mend(&t.norm).unwrap_or_else(|| t.stem.clone())
                    }
                    _ => t.stem.clone(),
                }
            })
            .collect();
        let mut words: HashMap<u32, f32> = HashMap::new();
        for gram in word_grams(stems.iter().map(String::as_str)) {
            if let Some(&id) = self.words.get(&gram) {
                *words.entry(offset + id).or_default() += 1.0;
            }
        }
        let mut out = Vec::with_capacity(chars.len() + words.len());
        for block in [chars, words] {
            let mut part: Vec<(u32, f32)> = block
                .into_iter()
                .map(|(id, tf)| (id, (1.0 + tf.ln()) * self.idf[id as usize]))
                .collect();
            let norm = part.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                part.iter_mut().for_each(|(_, v)| *v /= norm);
            }
            out.extend(part);
        }
        out.sort_unstable_by_key(|(id, _)| *id);
        out
    }
}

/// Character n-grams of each word padded with a space on both sides, as
/// scikit-learn's `char_wb` makes them.
fn char_grams(tokens: &[Token]) -> impl Iterator<Item = String> + '_ {
    tokens.iter().flat_map(|token| {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(fold(&token.text).chars())
            .chain(std::iter::once(' '))
            .collect();
        let mut grams = Vec::new();
        for n in CHAR_MIN..=CHAR_MAX {
            if padded.len() < n {
                break;
            }
            for window in padded.windows(n) {
                grams.push(window.iter().collect::<String>());
            }
        }
        grams
    })
}

/// Stems and pairs of neighbouring stems.
fn word_grams<'a>(stems: impl Iterator<Item = &'a str>) -> Vec<String> {
    let stems: Vec<&str> = stems.collect();
    let mut grams: Vec<String> = stems.iter().map(|s| (*s).to_string()).collect();
    grams.extend(stems.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    grams
}

/// Known word forms by their one-letter deletions (the SymSpell idea): an
/// unknown word is mended to a known one at one edit, the commonest kind of
/// typo in chat («дотавка», «заказт», «достаквка»).
#[derive(Debug, Clone, Default)]
struct Spelling {
    stems: HashMap<String, String>,
    deletions: HashMap<String, Vec<String>>,
}

impl Spelling {
    fn new(stems: HashMap<String, String>) -> Self {
        let mut deletions: HashMap<String, Vec<String>> = HashMap::new();
        for word in stems.keys() {
            for variant in deletes(word) {
                deletions.entry(variant).or_default().push(word.clone());
            }
        }
        Spelling { stems, deletions }
    }

    fn mend(&self, word: &str) -> Option<String> {
        if word.chars().count() < 5 {
            return None;
        }
        if let Some(stem) = self.stems.get(word) {
            return Some(stem.clone());
        }
        let mut candidates: Vec<&String> = Vec::new();
        for variant in deletes(word)
            .into_iter()
            .chain(std::iter::once(word.to_string()))
        {
            if let Some(words) = self.deletions.get(&variant) {
                candidates.extend(words);
            }
            if let Some((known, _)) = self.stems.get_key_value(&variant) {
                candidates.push(known);
            }
        }
        candidates.sort();
        candidates.dedup();
        candidates
            .into_iter()
            .find(|known| lexicon::transposition_distance(word, known) <= 1)
            .and_then(|known| self.stems.get(known).cloned())
    }
}

fn deletes(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// Multinomial logistic regression over sparse features; weights stored
/// feature-major (a feature's weights for every class side by side), so a
/// message touches only the rows of its own features.
#[derive(Debug, Clone)]
pub struct Classifier {
    pub labels: Vec<String>,
    /// `dimension × labels` weights, then one bias per label.
    pub weights: Vec<f32>,
    pub dimension: usize,
}

impl Classifier {
    /// Fits with penalty `1/(2C)·‖W‖²` beside the summed log-loss (as
    /// scikit-learn's `C`); biases are not penalised.
    pub fn fit(
        rows: &[Vec<(u32, f32)>],
        targets: &[usize],
        labels: Vec<String>,
        dimension: usize,
        c: f64,
    ) -> Self {
        let k = labels.len();
        let n_params = dimension * k + k;
        let mut params = vec![0.0f64; n_params];
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let chunk = rows.len().div_ceil(threads).max(1);
        let mut buffers: Vec<Vec<f64>> = vec![Vec::new(); threads];
        let lambda = 1.0 / c;
        let objective = |w: &[f64], grad: &mut [f64]| -> f64 {
            let mut loss = 0.0;
            std::thread::scope(|scope| {
                let handles: Vec<_> = rows
                    .chunks(chunk)
                    .zip(targets.chunks(chunk))
                    .zip(buffers.iter_mut())
                    .map(|((rows, targets), buffer)| {
                        scope.spawn(move || {
                            buffer.clear();
                            buffer.resize(n_params, 0.0);
                            let mut scores = vec![0.0f64; k];
                            let mut loss = 0.0;
                            for (row, &target) in rows.iter().zip(targets) {
                                scores.copy_from_slice(&w[dimension * k..]);
                                for &(j, x) in row {
                                    let base = j as usize * k;
                                    for (s, wj) in scores.iter_mut().zip(&w[base..base + k]) {
                                        *s += f64::from(x) * wj;
                                    }
                                }
                                let max = scores.iter().copied().fold(f64::MIN, f64::max);
                                let mut total = 0.0;
                                for s in scores.iter_mut() {
                                    *s = (*s - max).exp();
                                    total += *s;
                                }
                                loss -= (scores[target] / total).ln();
                                for s in scores.iter_mut() {
                                    *s /= total;
                                }
                                scores[target] -= 1.0;
                                for &(j, x) in row {
                                    let base = j as usize * k;
                                    for (g, s) in buffer[base..base + k].iter_mut().zip(&scores) {
                                        *g += f64::from(x) * s;
                                    }
                                }
                                for (g, s) in buffer[dimension * k..].iter_mut().zip(&scores) {
                                    *g += s;
                                }
                            }
                            loss
                        })
                    })
                    .collect();
                for handle in handles {
                    loss += handle.join().unwrap_or(f64::NAN);
                }
            });
            grad.iter_mut().for_each(|g| *g = 0.0);
            for buffer in &buffers {
                for (g, b) in grad.iter_mut().zip(buffer) {
                    *g += b;
                }
            }
            let mut penalty = 0.0;
            for (g, wi) in grad[..dimension * k].iter_mut().zip(&w[..dimension * k]) {
                *g += lambda * wi;
                penalty += wi * wi;
            }
            loss + 0.5 * lambda * penalty
        };
        predict::optimize::lbfgs(&mut params, objective, 300);
        Classifier {
            labels,
            weights: params.iter().map(|&w| w as f32).collect(),
            dimension,
        }
    }

    /// Probability of each label, in label order.
    pub fn probabilities(&self, row: &[(u32, f32)]) -> Vec<f32> {
        let k = self.labels.len();
        let mut scores: Vec<f32> = self.weights[self.dimension * k..].to_vec();
        for &(j, x) in row {
            let base = j as usize * k;
            for (s, w) in scores.iter_mut().zip(&self.weights[base..base + k]) {
                *s += x * w;
            }
        }
        let max = scores.iter().copied().fold(f32::MIN, f32::max);
        let mut total = 0.0;
        for s in scores.iter_mut() {
            *s = (*s - max).exp();
            total += *s;
        }
        scores.iter_mut().for_each(|s| *s /= total);
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn separates_intents_and_survives_a_typo() {
        let texts = [
            ("где мой заказ", "status"),
            ("статус заказа подскажите", "status"),
            ("когда приедет заказ", "status"),
            ("нужна доставка груза", "delivery"),
            ("доставка из москвы в казань", "delivery"),
            ("сколько стоит доставка", "delivery"),
        ];
        let docs: Vec<Vec<Token>> = texts.iter().map(|(t, _)| tokenize(t)).collect();
        let vectoriser = Vectoriser::fit(&docs);
        let rows: Vec<_> = docs.iter().map(|d| vectoriser.transform(d)).collect();
        let labels = vec!["delivery".to_string(), "status".to_string()];
        let targets: Vec<usize> = texts
            .iter()
            .map(|(_, l)| usize::from(*l == "status"))
            .collect();
        let model = Classifier::fit(&rows, &targets, labels, vectoriser.dimension(), 20.0);
        let p = model.probabilities(&vectoriser.transform(&tokenize("нужна дотавка в самару")));
        assert!(p[0] > 0.5, "{p:?}");
        let p = model.probabilities(&vectoriser.transform(&tokenize("где заказ мой?")));
        assert!(p[1] > 0.5, "{p:?}");
    }

    #[test]
    fn a_one_letter_typo_is_mended_to_a_known_word() {
        let spelling = Spelling::new(
            [("доставка".to_string(), "доставк".to_string())]
                .into_iter()
                .collect(),
        );
        assert_eq!(spelling.mend("дотавка").as_deref(), Some("доставк"));
        assert_eq!(spelling.mend("доставкка").as_deref(), Some("доставк"));
        assert_eq!(spelling.mend("досатвка").as_deref(), Some("доставк"));
        assert_eq!(spelling.mend("кошка"), None);
    }
}
