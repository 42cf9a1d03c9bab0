//! TF-IDF over the examples: each example is a vector of its features
//! weighted by how rare they are among all examples; a question is scored by
//! its cosine similarity with every example, and the best example names the
//! intent and the language.

use std::collections::HashMap;

use super::text::features;

/// A sparse, unit-length vector: (feature index, weight), sorted by index.
type Sparse = Vec<(usize, f32)>;

/// One example as the scorer keeps it.
#[derive(Debug, Clone)]
struct Example {
    intent: usize,
    french: bool,
    vector: Sparse,
}

/// The index of every example.
#[derive(Debug, Clone, Default)]
pub struct Scorer {
    vocabulary: HashMap<String, usize>,
    idf: Vec<f32>,
    examples: Vec<Example>,
}

/// The best match of a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub intent: usize,
    pub french: bool,
    /// Cosine similarity, 0–1.
    pub score: f32,
}

fn counts(features: &[String]) -> HashMap<&str, f32> {
    let mut out: HashMap<&str, f32> = HashMap::new();
    for f in features {
        *out.entry(f.as_str()).or_default() += 1.0;
    }
    out
}

fn normalized(mut vector: Sparse) -> Sparse {
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut vector {
            *w /= norm;
        }
    }
    vector.sort_by_key(|(i, _)| *i);
    vector
}

fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

impl Scorer {
    /// Indexes `(intent, french, text)` examples.
    pub fn new(examples: &[(usize, bool, &str)]) -> Self {
        let featured: Vec<Vec<String>> = examples.iter().map(|(_, _, t)| features(t)).collect();
        let mut vocabulary: HashMap<String, usize> = HashMap::new();
        let mut document_frequency: Vec<f32> = Vec::new();
        for fs in &featured {
            for f in counts(fs).keys() {
                let next = vocabulary.len();
                let index = *vocabulary.entry((*f).to_owned()).or_insert(next);
                if index == document_frequency.len() {
                    document_frequency.push(0.0);
                }
                document_frequency[index] += 1.0;
            }
        }
        let n = examples.len().max(1) as f32;
        let idf: Vec<f32> = document_frequency
            .iter()
            .map(|df| (n / df).ln() + 1.0)
            .collect();
        let mut scorer = Self {
            vocabulary,
            idf,
            examples: Vec::new(),
        };
        scorer.examples = examples
            .iter()
            .zip(&featured)
            .map(|((intent, french, _), fs)| Example {
                intent: *intent,
                french: *french,
                vector: scorer.vector(fs),
            })
            .collect();
        scorer
    }

    fn vector(&self, features: &[String]) -> Sparse {
        let vector = counts(features)
            .into_iter()
            .filter_map(|(f, tf)| {
                self.vocabulary
                    .get(f)
                    .map(|&i| (i, (1.0 + tf.ln()) * self.idf[i]))
            })
            .collect();
        normalized(vector)
    }

    /// The example closest to `question`, if any shares a feature with it.
    pub fn best(&self, question: &str) -> Option<Match> {
        let query = self.vector(&features(question));
        if query.is_empty() {
            return None;
        }
        self.examples
            .iter()
            .map(|e| Match {
                intent: e.intent,
                french: e.french,
                score: dot(&query, &e.vector),
            })
            .filter(|m| m.score > 0.0)
            .max_by(|a, b| a.score.total_cmp(&b.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_example_wins_and_scores_are_cosines() {
        let scorer = Scorer::new(&[
            (0, true, "annuler mon rendez-vous"),
            (1, true, "déplacer mon rendez-vous"),
            (2, false, "cancel my appointment"),
        ]);
        let m = scorer.best("je veux annuler le rendez vous").unwrap();
        assert_eq!((m.intent, m.french), (0, true));
        assert!(m.score > 0.0 && m.score <= 1.0001);
        assert_eq!(scorer.best("cancel my appointment").unwrap().intent, 2);
        assert!((scorer.best("cancel my appointment").unwrap().score - 1.0).abs() < 1e-4);
        assert_eq!(scorer.best("zzz"), None);
    }
}
