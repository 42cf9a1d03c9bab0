//! k-fold cross-validation of a [`Forest`] and its plain-text report.
//!
//! The folds are stratified as far as the data allow: each class's samples are
//! shuffled with the parameters' seed and dealt in turn to the folds, so a class
//! with at least k samples appears in every fold and fold sizes differ by at most
//! one. Each fold is predicted by a forest trained on the other k − 1; the
//! baseline always answers the training folds' most frequent class.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Sample;
use super::forest::{Forest, ForestError, ForestParams};

/// How many classes the confusion table shows.
pub const TOP_CONFUSION: usize = 10;

/// A confusion table restricted to the most frequent true classes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// The classes shown, most frequent in the truth first.
    pub labels: Vec<String>,
    /// `counts[t][p]`: samples of class `labels[t]` predicted as `labels[p]`.
    pub counts: Vec<Vec<usize>>,
    /// `other[t]`: samples of class `labels[t]` predicted as a class not shown.
    pub other: Vec<usize>,
}

/// What cross-validation measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Number of folds.
    pub folds: usize,
    /// Number of samples, each predicted once.
    pub samples: usize,
    /// Number of distinct true classes.
    pub classes: usize,
    /// Share of samples whose most likely class is the true one.
    pub accuracy: f64,
    /// Share of samples whose true class is among the three most likely.
    pub top3_accuracy: f64,
    /// Multi-class Brier score of the held-out probabilities: the mean over
    /// samples of Σ (p − 1[true class])² over every class (0 is perfect, 2
    /// the worst); a class the training folds never saw counts p = 0.
    pub brier: f64,
    /// Mean F1 score over the classes present in the truth.
    pub macro_f1: f64,
    /// Accuracy of always answering the training folds' most frequent class.
    pub baseline_accuracy: f64,
    /// Confusion among the [`TOP_CONFUSION`] most frequent classes.
    pub top_confusion: Confusion,
    /// Accuracy on each held-out fold.
    pub per_fold_accuracy: Vec<f64>,
    /// The fold each sample was held out in (in the samples' order).
    #[serde(skip)]
    pub fold_of: Vec<usize>,
}

/// Cross-validates a forest over `folds` folds; `progress(done, total)` is
/// called after each fold.
pub fn cross_validate(
    samples: &[Sample],
    folds: usize,
    params: &ForestParams,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Evaluation, ForestError> {
    if samples.is_empty() {
        return Err(ForestError::Empty);
    }
    if !(2..=samples.len()).contains(&folds) {
        let message = format!(
            "{folds} folds for {} samples: need 2 to {}",
            samples.len(),
            samples.len()
        );
        return Err(ForestError::InvalidParams {
            name: "folds",
            message,
        });
    }
    let fold_of = assign_folds(samples, folds, params.seed);
    cross_validate_on(samples, fold_of, folds, params, progress)
}

/// [`cross_validate`] over given folds (`fold_of[i]`: sample i's fold,
/// below `folds`): the tuning draws its own.
pub fn cross_validate_on(
    samples: &[Sample],
    fold_of: Vec<usize>,
    folds: usize,
    params: &ForestParams,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Evaluation, ForestError> {
    let mut predicted = vec![String::new(); samples.len()];
    let mut per_fold_accuracy = Vec::with_capacity(folds);
    let (mut baseline_hits, mut top3_hits, mut brier) = (0, 0, 0.0);
    for fold in 0..folds {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..samples.len()).partition(|i| fold_of[*i] == fold);
        let training: Vec<Sample> = train.iter().map(|i| samples[*i].clone()).collect();
        let forest = Forest::train(&training, params, &mut |_, _| {})?;
        let majority = most_frequent(training.iter().map(|s| s.label.as_str()));
        let mut hits = 0;
        for i in &test {
            let truth = samples[*i].label.as_str();
            let p = forest.probabilities(&samples[*i].features.to_vector());
            let mut ranked: Vec<usize> = (0..p.len()).collect();
            // Most likely first; ties to the first class by name.
            ranked.sort_by(|a, b| p[*b].total_cmp(&p[*a]).then(a.cmp(b)));
            let guess = forest.classes()[ranked[0]].as_str();
            hits += usize::from(guess == truth);
            top3_hits += usize::from(ranked.iter().take(3).any(|k| forest.classes()[*k] == truth));
            let known = forest.classes().iter().any(|c| c == truth);
            brier += p
                .iter()
                .zip(forest.classes())
                .map(|(p, c)| (p - f64::from(u8::from(c == truth))).powi(2))
                .sum::<f64>()
                + f64::from(u8::from(!known));
            baseline_hits += usize::from(majority == truth);
            predicted[*i] = guess.to_owned();
        }
        per_fold_accuracy.push(hits as f64 / test.len().max(1) as f64);
        progress(fold + 1, folds);
    }
    let truth: Vec<&str> = samples.iter().map(|s| s.label.as_str()).collect();
    let predicted: Vec<&str> = predicted.iter().map(String::as_str).collect();
    let hits = truth.iter().zip(&predicted).filter(|(t, p)| t == p).count();
    let n = samples.len() as f64;
    Ok(Evaluation {
        folds,
        samples: samples.len(),
        classes: frequencies(truth.iter().copied()).len(),
        accuracy: hits as f64 / n,
        top3_accuracy: top3_hits as f64 / n,
        brier: brier / n,
        macro_f1: macro_f1(&truth, &predicted),
        baseline_accuracy: baseline_hits as f64 / n,
        top_confusion: confusion(&truth, &predicted, TOP_CONFUSION),
        per_fold_accuracy,
        fold_of,
    })
}

impl Evaluation {
    /// A plain-text report: the figures with three decimals, then the
    /// confusion table with aligned columns.
    pub fn render(&self) -> String {
        let fold_figures: Vec<String> = self
            .per_fold_accuracy
            .iter()
            .map(|a| format!("{a:.3}"))
            .collect();
        let mut out = format!(
            "Cross-validation: {} folds, {} samples, {} classes\n\
             accuracy           {:.3}\n\
             top-3 accuracy     {:.3}\n\
             Brier score        {:.3}\n\
             macro-F1           {:.3}\n\
             majority baseline  {:.3}\n\
             accuracy per fold  {}\n",
            self.folds,
            self.samples,
            self.classes,
            self.accuracy,
            self.top3_accuracy,
            self.brier,
            self.macro_f1,
            self.baseline_accuracy,
            fold_figures.join(" "),
        );
        let c = &self.top_confusion;
        out.push_str(&format!(
            "\nConfusion among the {} most frequent classes (rows: truth, columns: prediction)\n",
            c.labels.len()
        ));
        let mut headers: Vec<String> = (1..=c.labels.len()).map(|i| i.to_string()).collect();
        headers.push("other".into());
        let rows: Vec<Vec<usize>> = c
            .counts
            .iter()
            .zip(&c.other)
            .map(|(row, other)| row.iter().copied().chain([*other]).collect())
            .collect();
        let widths: Vec<usize> = headers
            .iter()
            .enumerate()
            .map(|(j, h)| {
                rows.iter()
                    .map(|r| r[j].to_string().len())
                    .chain([h.len()])
                    .max()
                    .unwrap_or(1)
            })
            .collect();
        let name_width = c
            .labels
            .iter()
            .map(|l| l.chars().count())
            .chain(["class".len()])
            .max()
            .unwrap_or(5);
        let number_width = c.labels.len().to_string().len();
        let cells = |values: Vec<String>| -> String {
            values
                .iter()
                .zip(&widths)
                .map(|(v, w)| format!(" {v:>w$}"))
                .collect()
        };
        out.push_str(&format!(
            "{:>number_width$}  {:<name_width$} {}\n",
            "#",
            "class",
            cells(headers.clone())
        ));
        for (t, (label, row)) in c.labels.iter().zip(&rows).enumerate() {
            let values = row.iter().map(ToString::to_string).collect();
            out.push_str(&format!(
                "{:>number_width$}  {label:<name_width$} {}\n",
                t + 1,
                cells(values)
            ));
        }
        out
    }
}

/// The fold of each sample: every class shuffled, then dealt round the folds.
pub fn assign_folds(samples: &[Sample], folds: usize, seed: u64) -> Vec<usize> {
    let mut by_class: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in samples.iter().enumerate() {
        by_class.entry(s.label.as_str()).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_class.into_values().collect();
    // Largest classes first, so the singletons fill the folds left short.
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0; samples.len()];
    let mut turn = 0;
    for group in &mut groups {
        group.shuffle(&mut rng);
        for i in group.iter() {
            fold_of[*i] = turn % folds;
            turn += 1;
        }
    }
    fold_of
}

fn frequencies<'a>(labels: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for label in labels {
        *counts.entry(label).or_insert(0) += 1;
    }
    counts
}

/// The most frequent label (ties: the first by name).
fn most_frequent<'a>(labels: impl Iterator<Item = &'a str>) -> &'a str {
    let counts = frequencies(labels);
    counts
        .iter()
        .fold(
            ("", 0),
            |best, (l, n)| if *n > best.1 { (*l, *n) } else { best },
        )
        .0
}

fn macro_f1(truth: &[&str], predicted: &[&str]) -> f64 {
    let support = frequencies(truth.iter().copied());
    let guessed = frequencies(predicted.iter().copied());
    let mut hits: BTreeMap<&str, usize> = BTreeMap::new();
    for (t, _) in truth.iter().zip(predicted).filter(|(t, p)| t == p) {
        *hits.entry(*t).or_insert(0) += 1;
    }
    let f1_sum: f64 = support
        .iter()
        .map(|(class, n)| {
            let tp = hits.get(class).copied().unwrap_or(0) as f64;
            let guesses = guessed.get(class).copied().unwrap_or(0) as f64;
            // F1 = 2·tp / (truth + guesses), zero when the class is never hit.
            if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (*n as f64 + guesses)
            }
        })
        .sum();
    f1_sum / support.len().max(1) as f64
}

fn confusion(truth: &[&str], predicted: &[&str], top: usize) -> Confusion {
    let mut ranked: Vec<(&str, usize)> = frequencies(truth.iter().copied()).into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let labels: Vec<&str> = ranked.into_iter().take(top).map(|(l, _)| l).collect();
    let mut counts = vec![vec![0; labels.len()]; labels.len()];
    let mut other = vec![0; labels.len()];
    for (t, p) in truth.iter().zip(predicted) {
        let Some(row) = labels.iter().position(|l| l == t) else {
            continue;
        };
        match labels.iter().position(|l| l == p) {
            Some(column) => counts[row][column] += 1,
            None => other[row] += 1,
        }
    }
    Confusion {
        labels: labels.into_iter().map(str::to_owned).collect(),
        counts,
        other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symptoms::dataset::read_csv;
    use crate::symptoms::knowledge::KnowledgeBase;

    #[test]
    fn scores_a_known_set_of_predictions() {
        let truth = ["a", "a", "a", "b", "b", "c"];
        let predicted = ["a", "a", "b", "b", "c", "c"];
        // a: tp 2, 3 true, 2 guessed → 0.8; b: 1, 2, 2 → 0.5; c: 1, 1, 2 → 2/3.
        let expected = (0.8 + 0.5 + 2.0 / 3.0) / 3.0;
        assert!((macro_f1(&truth, &predicted) - expected).abs() < 1e-12);
        let table = confusion(&truth, &predicted, 2);
        assert_eq!(table.labels, ["a", "b"]);
        assert_eq!(table.counts, vec![vec![2, 1], vec![0, 1]]);
        assert_eq!(table.other, vec![0, 1]);
        assert_eq!(most_frequent(truth.into_iter()), "a");
    }

    #[test]
    fn folds_are_stratified_and_balanced() {
        let samples = KnowledgeBase::builtin().unwrap().samples(500, 3);
        let fold_of = assign_folds(&samples, 5, 9);
        let sizes: Vec<usize> = (0..5)
            .map(|f| fold_of.iter().filter(|x| **x == f).count())
            .collect();
        assert!(
            sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
            "{sizes:?}"
        );
        let flu: Vec<usize> = samples
            .iter()
            .zip(&fold_of)
            .filter(|(s, _)| s.label == "Influenza")
            .map(|(_, f)| *f)
            .collect();
        assert!((0..5).all(|f| flu.contains(&f)));
        assert_eq!(fold_of, assign_folds(&samples, 5, 9));
    }

    #[test]
    fn cross_validates_knowledge_base_samples() {
        let samples = KnowledgeBase::builtin().unwrap().samples(3000, 11);
        let mut calls = Vec::new();
        let evaluation = cross_validate(&samples, 5, &ForestParams::default(), &mut |d, t| {
            calls.push((d, t))
        })
        .unwrap();
        assert_eq!(calls, vec![(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]);
        assert!(evaluation.accuracy > evaluation.baseline_accuracy);
        println!("knowledge base samples (3000):\n{}", evaluation.render());
    }

    #[test]
    fn cross_validates_the_shared_data_set() {
        let Some(dir) = std::env::var_os("MEDPLAT_DATASETS") else {
            panic!(
                "set MEDPLAT_DATASETS to the directory holding disease_symptom_patient_profile.csv"
            );
        };
        let path = std::path::Path::new(&dir).join("disease_symptom_patient_profile.csv");
        let file = std::fs::File::open(&path)
            .unwrap_or_else(|e| panic!("cannot open {} (MEDPLAT_DATASETS): {e}", path.display()));
        let samples = read_csv(file).unwrap();
        let evaluation =
            cross_validate(&samples, 5, &ForestParams::default(), &mut |_, _| {}).unwrap();
        assert!((0.0..=1.0).contains(&evaluation.accuracy));
        assert_eq!(evaluation.samples, samples.len());
        let report = evaluation.render();
        assert!(
            report.contains("macro-F1") && report.contains("Asthma"),
            "{report}"
        );
        println!(
            "shared data set: accuracy {:.3}, macro-F1 {:.3}, majority baseline {:.3}\n{report}",
            evaluation.accuracy, evaluation.macro_f1, evaluation.baseline_accuracy
        );
    }

    #[test]
    fn refuses_impossible_fold_counts() {
        let samples = KnowledgeBase::builtin().unwrap().samples(10, 1);
        let params = ForestParams::default();
        assert!(matches!(
            cross_validate(&samples, 1, &params, &mut |_, _| {}),
            Err(ForestError::InvalidParams { .. })
        ));
        assert_eq!(
            cross_validate(&[], 5, &params, &mut |_, _| {}),
            Err(ForestError::Empty)
        );
    }
}
