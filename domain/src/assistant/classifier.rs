//! The intent classifier: two multinomial logistic regressions, one over
//! the words and the pairs of words in a row of a question, one over its
//! character n-grams (3 to 5 letters), each TF-IDF weighted and scaled to
//! unit length, whose probabilities are averaged. Character n-grams carry
//! typos and missing accents ("rendevous" shares most of "rendez-vous");
//! word pairs carry what a word means next to another ("la semaine
//! prochaine" is a day, "mon prochain rendez-vous" an appointment). Read
//! apart, neither kind drowns the other: a long word yields a dozen
//! n-grams, and in one vector they outweighed the words (one model over
//! both scored lower on every check, README "Assistant").
//!
//! Trained when the assistant is built, from the intents' examples, by
//! AdaGrad over the examples in a fixed order (the same data gives the same
//! weights): a few hundred milliseconds for a thousand examples. Features
//! are sparse, which the dense matrices of linfa or smartcore would not be
//! (a vocabulary of thousands by dozens of classes).

use std::collections::HashMap;

use crate::symptoms::triage::fold;

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Passes over the examples.
    pub epochs: usize,
    /// AdaGrad's step.
    pub step: f32,
    /// L2 penalty per example.
    pub l2: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            epochs: 30,
            step: 0.5,
            l2: 1e-5,
        }
    }
}

/// A sparse, unit-length vector: (feature, weight).
type Sparse = Vec<(u32, f32)>;

/// The kinds of features one regression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// Words and pairs of words in a row.
    Words,
    /// Character n-grams of each word.
    Characters,
}

/// The trained classifier: one regression per [`View`].
#[derive(Debug, Clone)]
pub struct Classifier {
    views: Vec<Regression>,
}

/// A logistic regression over one view of the features.
#[derive(Debug, Clone)]
struct Regression {
    view: View,
    vocabulary: HashMap<String, u32>,
    idf: Vec<f32>,
    classes: usize,
    /// Feature-major: `weights[f * classes + c]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// The words of a question as the classifier reads them: lower case, no
/// accents, split at anything not a letter or a digit.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .replace('œ', "oe")
        .replace('æ', "ae")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The features of a question in one view.
fn features(text: &str, view: View) -> Vec<String> {
    let words = tokens(text);
    let mut out = Vec::with_capacity(words.len() * 16);
    match view {
        View::Words => {
            out.extend(words.iter().map(|word| format!("w {word}")));
            for pair in words.windows(2) {
                out.push(format!("b {} {}", pair[0], pair[1]));
            }
        }
        View::Characters => {
            for word in &words {
                let marked: Vec<char> = format!("^{word}$").chars().collect();
                for n in 3..=5 {
                    for window in marked.windows(n) {
                        out.push(format!("c {}", window.iter().collect::<String>()));
                    }
                }
            }
        }
    }
    out
}

fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

impl Classifier {
    /// Trains on `(text, class)` examples of `classes` classes.
    pub fn train(examples: &[(&str, usize)], classes: usize, settings: Settings) -> Self {
        Self {
            views: [View::Words, View::Characters]
                .into_iter()
                .map(|view| Regression::train(view, examples, classes, settings))
                .collect(),
        }
    }

    /// The probability of each class for `text` (they sum to 1): the mean
    /// of the views that read something in it; `None` when no feature of
    /// the text was ever seen.
    pub fn probabilities(&self, text: &str) -> Option<Vec<f32>> {
        let mut sum: Option<Vec<f32>> = None;
        for p in self.views.iter().filter_map(|r| r.probabilities(text)) {
            match sum.as_mut() {
                Some(sum) => sum.iter_mut().zip(p).for_each(|(s, q)| *s += q),
                None => sum = Some(p),
            }
        }
        let mut p = sum?;
        let total: f32 = p.iter().sum();
        p.iter_mut().for_each(|q| *q /= total);
        Some(p)
    }
}

impl Regression {
    fn train(view: View, examples: &[(&str, usize)], classes: usize, settings: Settings) -> Self {
        let featured: Vec<Vec<String>> = examples.iter().map(|(t, _)| features(t, view)).collect();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut frequency: Vec<f32> = Vec::new();
        for fs in &featured {
            let mut seen: Vec<&String> = fs.iter().collect();
            seen.sort();
            seen.dedup();
            for f in seen {
                let next = vocabulary.len() as u32;
                let index = *vocabulary.entry(f.clone()).or_insert(next) as usize;
                if index == frequency.len() {
                    frequency.push(0.0);
                }
                frequency[index] += 1.0;
            }
        }
        let n = examples.len().max(1) as f32;
        let idf = frequency.iter().map(|df| (n / df).ln() + 1.0).collect();
        let mut model = Self {
            view,
            vocabulary,
            idf,
            classes,
            weights: vec![0.0; frequency.len() * classes],
            bias: vec![0.0; classes],
        };
        let vectors: Vec<Sparse> = featured.iter().map(|fs| model.vector(fs)).collect();
        model.fit(&vectors, examples, settings);
        model
    }

    fn fit(&mut self, vectors: &[Sparse], examples: &[(&str, usize)], settings: Settings) {
        let k = self.classes;
        let mut g2 = vec![1e-8f32; self.weights.len()];
        let mut b2 = vec![1e-8f32; k];
        // A fixed interleaving instead of a random shuffle: examples of one
        // class are not all seen in a row, and the order never changes.
        let order: Vec<usize> = {
            let n = vectors.len();
            let stride = (1..n.max(2))
                .rev()
                .find(|s| gcd(*s, n) == 1 && *s <= n / 2 + 1)
                .unwrap_or(1);
            (0..n).map(|i| (i * stride) % n.max(1)).collect()
        };
        let mut p = vec![0.0f32; k];
        for _ in 0..settings.epochs {
            for &i in &order {
                let (x, y) = (&vectors[i], examples[i].1);
                self.scores_into(x, &mut p);
                softmax(&mut p);
                p[y] -= 1.0;
                for (c, g) in p.iter().enumerate() {
                    b2[c] += g * g;
                    self.bias[c] -= settings.step * g / b2[c].sqrt();
                }
                for &(f, v) in x {
                    let row = f as usize * k;
                    for (c, g) in p.iter().enumerate() {
                        let at = row + c;
                        let grad = g * v + settings.l2 * self.weights[at];
                        g2[at] += grad * grad;
                        self.weights[at] -= settings.step * grad / g2[at].sqrt();
                    }
                }
            }
        }
    }

    fn vector(&self, features: &[String]) -> Sparse {
        let mut counts: HashMap<u32, f32> = HashMap::new();
        for f in features {
            if let Some(&i) = self.vocabulary.get(f) {
                *counts.entry(i).or_default() += 1.0;
            }
        }
        let mut v: Sparse = counts
            .into_iter()
            .map(|(i, tf)| (i, (1.0 + tf.ln()) * self.idf[i as usize]))
            .collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v.sort_by_key(|(i, _)| *i);
        v
    }

    fn scores_into(&self, x: &Sparse, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        for &(f, v) in x {
            let row = &self.weights[f as usize * self.classes..(f as usize + 1) * self.classes];
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }

    /// The probability of each class for `text` in this view; `None` when
    /// no feature of the text in it was ever seen.
    fn probabilities(&self, text: &str) -> Option<Vec<f32>> {
        let x = self.vector(&features(text, self.view));
        if x.is_empty() {
            return None;
        }
        let mut p = vec![0.0; self.classes];
        self.scores_into(&x, &mut p);
        softmax(&mut p);
        Some(p)
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_learns_classes_and_tolerates_typos() {
        let examples = [
            ("annuler mon rendez-vous", 0),
            ("je veux annuler", 0),
            ("cancel my appointment", 0),
            ("prendre un rendez-vous", 1),
            ("je voudrais un rendez-vous", 1),
            ("book an appointment", 1),
            ("quels sont vos horaires", 2),
            ("opening hours", 2),
        ];
        let model = Classifier::train(&examples, 3, Settings::default());
        let best = |t: &str| {
            let p = model.probabilities(t).unwrap();
            let sum: f32 = p.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4);
            p.iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i)
                .unwrap()
        };
        assert_eq!(best("anuler le rendevous"), 0);
        assert_eq!(best("je voudrais prendre un rdv"), 1);
        assert_eq!(best("vos horaires ?"), 2);
        assert_eq!(model.probabilities("zzz qqq"), None);
    }
}
