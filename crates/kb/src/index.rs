//! BM25F over stems, in a hand-written inverted index: a few thousand
//! passages fit in a `HashMap` and are searched in microseconds, which does
//! not justify tantivy's two minutes of compile and its files on disk.
//!
//! Two fields: the title (FAQ question and its phrasings, heading path,
//! product name and aliases) weighs more than the text, so a question is
//! matched against questions before answers. A query word the index does not
//! know is matched to the nearest known stems by edit distance (typos), or
//! failing that by a shared beginning (word families the stemmer splits). A
//! product named exactly, by SKU or by name, is lifted above passages that
//! merely mention its words.

use std::collections::HashMap;

use nlu::tokenize;

use crate::passage::Passage;
use crate::terms::{canonical, is_stop, stems};

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Title, text.
const WEIGHTS: [f64; 2] = [2.0, 1.0];
/// A SKU is unambiguous: the product named by it comes first.
const SKU_BOOST: f64 = 3.0;
/// A full product name in the question outranks a passage that shares a word.
const NAME_BOOST: f64 = 1.5;
/// How far a fully said title alone is trusted: a title is short, and one
/// shared word covers much of it.
const TITLE_TRUST: f64 = 0.8;
/// The least confidence in a product the question names by SKU or name.
const NAMED_COVERAGE: f64 = 0.75;
/// Shorter words have too many neighbours one edit away to guess from.
const MIN_FUZZY_CHARS: usize = 4;
const MAX_FUZZY_CANDIDATES: usize = 2;

struct Posting {
    doc: u32,
    /// Occurrences in the title and in the text.
    tf: [f32; 2],
}

/// Ways a question can name a product exactly.
struct ProductKeys {
    /// The SKU's letters and digits, lower case: «AP-PRO2» → «appro2».
    sku: String,
    /// Stem sequences of the name, the name without its Russian type words
    /// («Наушники AirPods Pro» → «airpod pro»), and each alias.
    names: Vec<Vec<String>>,
}

pub(crate) struct Index {
    postings: HashMap<String, Vec<Posting>>,
    /// Each passage's title and alternatives, as stems, one list per phrasing.
    titles: Vec<Vec<Vec<String>>>,
    lengths: Vec<[f64; 2]>,
    average: [f64; 2],
    products: Vec<Option<ProductKeys>>,
}

/// A passage's place in the ranking.
pub(crate) struct Scored {
    pub(crate) doc: usize,
    pub(crate) score: f64,
    /// How surely the passage is about the question, 0 to 1: the share of
    /// the question's information (idf) it matched, or of its own title the
    /// question said (trusted less), or a floor when it is a product the
    /// question names exactly.
    pub(crate) coverage: f64,
}

/// One word of the question and the index terms it stands for.
struct QueryTerm {
    /// The index's stems with how sure the match is (1 exact, less for typos).
    matches: Vec<(String, f64)>,
    /// How much this word tells: the idf of its best match, or of an unseen
    /// word when it matches nothing.
    weight: f64,
}

impl Index {
    pub(crate) fn build(passages: &[Passage]) -> Index {
        let mut postings: HashMap<String, Vec<Posting>> = HashMap::new();
        let mut lengths = Vec::with_capacity(passages.len());
        let mut products = Vec::with_capacity(passages.len());
        let mut titles = Vec::with_capacity(passages.len());
        for (doc, passage) in passages.iter().enumerate() {
            let phrasings: Vec<Vec<String>> = std::iter::once(&passage.title)
                .chain(&passage.alternatives)
                .map(|phrasing| stems(phrasing))
                .filter(|phrasing| !phrasing.is_empty())
                .collect();
            let title: Vec<String> = phrasings.concat();
            titles.push(phrasings);
            let text = stems(&passage.text);
            lengths.push([title.len() as f64, text.len() as f64]);
            let mut counts: HashMap<&str, [f32; 2]> = HashMap::new();
            for (field, words) in [&title, &text].into_iter().enumerate() {
                for word in words {
                    counts.entry(word).or_default()[field] += 1.0;
                }
            }
            for (word, tf) in counts {
                postings.entry(word.to_string()).or_default().push(Posting {
                    doc: doc as u32,
                    tf,
                });
            }
            products.push(passage.sku.as_ref().map(|sku| product_keys(sku, passage)));
        }
        let count = lengths.len().max(1) as f64;
        let average = [0, 1].map(|field| {
            let total: f64 = lengths.iter().map(|l| l[field]).sum();
            (total / count).max(1.0)
        });
        Index {
            postings,
            titles,
            lengths,
            average,
            products,
        }
    }

    /// Passages matching `query`, best first; passages sharing nothing with
    /// it are left out.
    pub(crate) fn search(&self, query: &str) -> Vec<Scored> {
        let terms = self.query_terms(query);
        // A question of a SKU alone has no other words to weigh.
        let total_weight: f64 = terms
            .iter()
            .map(|t| t.weight)
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let mut scores: HashMap<u32, (f64, f64)> = HashMap::new();
        let mut matched: HashMap<&str, f64> = HashMap::new();
        for term in &terms {
            for (stem, sureness) in &term.matches {
                let entry = matched.entry(stem.as_str()).or_default();
                *entry = entry.max(*sureness);
            }
            // One question word counts once per passage, through its best match.
            let mut best: HashMap<u32, (f64, f64)> = HashMap::new();
            for (stem, sureness) in &term.matches {
                let Some(list) = self.postings.get(stem) else {
                    continue;
                };
                let idf = self.idf(list.len());
                for posting in list {
                    let score = idf * self.saturated(posting) * sureness;
                    let entry = best.entry(posting.doc).or_default();
                    if score > entry.0 {
                        *entry = (score, term.weight * sureness);
                    }
                }
            }
            for (doc, (score, covered)) in best {
                let entry = scores.entry(doc).or_default();
                entry.0 += score;
                entry.1 += covered;
            }
        }
        let tokens = tokenize(query);
        let written: Vec<String> = tokens.iter().map(|t| compact(&t.text)).collect();
        let stemmed: Vec<String> = tokens.into_iter().map(|t| t.stem).collect();
        // A SKU written without its hyphen («x300») shares no word with the
        // passage, yet names it: it is scored as one rare word would be.
        for (doc, keys) in self.products.iter().enumerate() {
            if keys
                .as_ref()
                .is_some_and(|keys| names_sku(&written, &keys.sku))
            {
                scores.entry(doc as u32).or_insert((self.idf(1), 0.0));
            }
        }
        let mut ranked: Vec<Scored> = scores
            .into_iter()
            .map(|(doc, (score, covered))| {
                let doc = doc as usize;
                let boost = self.boost(doc, &written, &stemmed);
                let mut coverage = (covered / total_weight)
                    .min(1.0)
                    .max(TITLE_TRUST * self.title_share(doc, &matched));
                if boost > 1.0 {
                    // A product named exactly is the topic, whatever else was said.
                    coverage = coverage.max(NAMED_COVERAGE);
                }
                Scored {
                    doc,
                    score: score * boost,
                    coverage,
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        ranked
    }

    /// Whether any word of `text` is in some passage.
    pub(crate) fn mentions(&self, text: &str) -> bool {
        stems(text)
            .iter()
            .any(|stem| self.postings.contains_key(stem))
    }

    /// How much of the passage's title the question says, by idf, for its
    /// best-covered phrasing: a question containing a FAQ question («как
    /// вернуть товар») is about it however much else the customer wrote.
    fn title_share(&self, doc: usize, matched: &HashMap<&str, f64>) -> f64 {
        let Some(phrasings) = self.titles.get(doc) else {
            return 0.0;
        };
        let idf = |stem: &String| {
            self.postings
                .get(stem)
                .map_or(0.0, |list| self.idf(list.len()))
        };
        phrasings
            .iter()
            .map(|phrasing| {
                let total: f64 = phrasing.iter().map(idf).sum();
                let said: f64 = phrasing
                    .iter()
                    .map(|stem| idf(stem) * matched.get(stem.as_str()).copied().unwrap_or(0.0))
                    .sum();
                if total > 0.0 { said / total } else { 0.0 }
            })
            .fold(0.0, f64::max)
    }

    /// Lucene's BM25 idf, never negative however common the word.
    fn idf(&self, documents_with_term: usize) -> f64 {
        let n = self.lengths.len() as f64;
        let df = documents_with_term as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// BM25F: term frequencies of the fields weighed and length-normalised
    /// before one saturation, so a word in both fields is not counted twice.
    fn saturated(&self, posting: &Posting) -> f64 {
        let lengths = &self.lengths[posting.doc as usize];
        let tf: f64 = (0..2)
            .map(|field| {
                let norm = 1.0 - B + B * lengths[field] / self.average[field];
                WEIGHTS[field] * f64::from(posting.tf[field]) / norm
            })
            .sum();
        tf * (K1 + 1.0) / (K1 + tf)
    }

    fn query_terms(&self, query: &str) -> Vec<QueryTerm> {
        let unseen = self.idf(0);
        let mut seen = std::collections::HashSet::new();
        let mut terms = Vec::new();
        for token in tokenize(query) {
            if is_stop(&token.norm) {
                continue;
            }
            let stem = canonical(&token.norm, token.stem);
            if !seen.insert(stem.clone()) {
                continue;
            }
            let matches = match self.postings.get(&stem) {
                Some(_) => vec![(stem, 1.0)],
                None => self.similar(&stem),
            };
            let weight = matches
                .iter()
                .filter_map(|(stem, _)| self.postings.get(stem))
                .map(|list| self.idf(list.len()))
                .fold(None, |best: Option<f64>, idf| {
                    Some(best.map_or(idf, |b| b.max(idf)))
                })
                .unwrap_or(unseen);
            terms.push(QueryTerm { matches, weight });
        }
        terms
    }

    /// Known stems within one edit of a short unknown word, two of a longer
    /// one, nearest first, the more common first among equals. A linear scan:
    /// a few thousand passages have tens of thousands of stems at most, and
    /// only unknown words pay for it.
    fn similar(&self, stem: &str) -> Vec<(String, f64)> {
        let length = stem.chars().count();
        if length < MIN_FUZZY_CHARS || stem.chars().any(|c| c.is_ascii_digit()) {
            return Vec::new();
        }
        let allowed = if length <= 5 { 1 } else { 2 };
        let mut candidates: Vec<(usize, usize, &String)> = self
            .postings
            .iter()
            .filter(|(known, _)| known.chars().count().abs_diff(length) <= allowed)
            .filter_map(|(known, list)| {
                let distance = strsim::damerau_levenshtein(stem, known);
                (distance <= allowed).then_some((distance, list.len(), known))
            })
            .collect();
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let near: Vec<(String, f64)> = candidates
            .into_iter()
            .take(MAX_FUZZY_CANDIDATES)
            .map(|(distance, _, known)| {
                let longest = known.chars().count().max(length) as f64;
                (known.clone(), 1.0 - distance as f64 / longest)
            })
            .collect();
        if near.is_empty() {
            self.same_root(stem)
        } else {
            near
        }
    }

    /// Snowball cuts a verb shorter than its noun («хранить» → «хран»,
    /// «хранение» → «хранен»; «страховка» → «страховк», «страхуется» →
    /// «страху»), so an unknown stem is also matched to known stems it
    /// begins, or that share most of it from the start, less surely the less
    /// they share.
    fn same_root(&self, stem: &str) -> Vec<(String, f64)> {
        let length = stem.chars().count();
        let mut candidates: Vec<(usize, usize, &String)> = self
            .postings
            .iter()
            .filter_map(|(known, list)| {
                let shared = stem
                    .chars()
                    .zip(known.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                let shorter = length.min(known.chars().count());
                let related = (shared == shorter && shared >= MIN_FUZZY_CHARS)
                    || (shared >= 5 && shared * 4 >= shorter * 3);
                related.then_some((shared, list.len(), known))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        candidates
            .into_iter()
            .take(MAX_FUZZY_CANDIDATES)
            .map(|(shared, _, known)| {
                let longest = known.chars().count().max(length) as f64;
                (known.clone(), shared as f64 / longest)
            })
            .collect()
    }

    /// How much a product passage is lifted for being named exactly: by its
    /// SKU as written (`written`: each word's letters and digits), or by its
    /// name or an alias as a run of the question's stems.
    fn boost(&self, doc: usize, written: &[String], stemmed: &[String]) -> f64 {
        let Some(Some(keys)) = self.products.get(doc) else {
            return 1.0;
        };
        let mut boost = 1.0;
        if names_sku(written, &keys.sku) {
            boost *= SKU_BOOST;
        }
        if keys.names.iter().any(|name| contains_run(stemmed, name)) {
            boost *= NAME_BOOST;
        }
        boost
    }
}

/// A SKU is split by `nlu`'s tokenizer where it has hyphens («AP-PRO2» →
/// «AP», «PRO2»), so up to four consecutive words are joined to find it.
fn names_sku(written: &[String], sku: &str) -> bool {
    if sku.is_empty() {
        return false;
    }
    (0..written.len()).any(|start| {
        let mut joined = String::new();
        for word in written.iter().skip(start).take(4) {
            joined.push_str(word);
            if joined == sku {
                return true;
            }
            if joined.len() >= sku.len() {
                break;
            }
        }
        false
    })
}

fn contains_run(words: &[String], run: &[String]) -> bool {
    !run.is_empty() && words.windows(run.len()).any(|window| window == run)
}

fn product_keys(sku: &str, passage: &Passage) -> ProductKeys {
    let all_stems =
        |text: &str| -> Vec<String> { tokenize(text).into_iter().map(|t| t.stem).collect() };
    let name = tokenize(&passage.title);
    let mut names = vec![name.iter().map(|t| t.stem.clone()).collect::<Vec<_>>()];
    // «Наушники AirPods Pro 2»: people say «AirPods Pro 2» without the type.
    let model: Vec<String> = name
        .iter()
        .skip_while(|t| is_cyrillic(&t.norm))
        .map(|t| t.stem.clone())
        .collect();
    if !model.is_empty() && model.len() < name.len() {
        names.push(model);
    }
    names.extend(passage.alternatives.iter().map(|alias| all_stems(alias)));
    names.retain(|name| !name.is_empty());
    ProductKeys {
        sku: compact(sku),
        names,
    }
}

/// As `nlu` decides a word's stemmer (its own helper is not exported).
fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| matches!(c, 'а'..='я' | 'ё'))
}

/// Letters and digits only, lower case: how SKUs are compared.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
