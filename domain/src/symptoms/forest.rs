//! A Random Forest of classification trees ([`super::tree`]), grown as
//! scikit-learn grows its `RandomForestClassifier`: each tree on a bootstrap
//! sample (n rows drawn with replacement), each node splitting on the best
//! of a few columns drawn for it, all draws from one ChaCha8 generator
//! seeded by [`ForestParams::seed`]. A prediction averages the trees' leaf
//! shares: the probability of each class.
//!
//! A trained forest is data: [`Forest::to_bytes`] gives a blob for the store,
//! and the same samples with the same parameters give the same bytes.

use std::collections::BTreeSet;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::tree::{Growth, Tree};
use super::{FEATURE_NAMES, Features, Sample};
pub use super::{ForestError, ForestParams, MAX_TREES};

/// The version of the layout [`Forest::to_bytes`] writes (1: trees of
/// smartcore, each on a subset of the columns; 2: [`Tree`]s).
pub const FORMAT: u32 = 2;

/// A trained Random Forest over [`Features`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Forest {
    format: u32,
    classes: Vec<String>,
    params: ForestParams,
    trees: Vec<Tree>,
}

/// Just the layout version of stored bytes.
#[derive(Deserialize)]
struct Layout {
    format: u32,
}

impl Forest {
    /// Grows a forest; `progress(done, total)` is called after each tree.
    pub fn train(
        samples: &[Sample],
        params: &ForestParams,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, ForestError> {
        params.check()?;
        let classes: Vec<String> = samples
            .iter()
            .map(|s| s.label.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        match classes.as_slice() {
            [] => return Err(ForestError::Empty),
            [only] => return Err(ForestError::SingleClass(only.clone())),
            _ => {}
        }
        let labels: Vec<usize> = samples
            .iter()
            .map(|s| classes.binary_search(&s.label).unwrap_or_default())
            .collect();
        let rows: Vec<Vec<f64>> = samples.iter().map(|s| s.features.to_vector()).collect();
        // A NaN age has no place in a sorted column.
        if let Some(i) = rows.iter().position(|r| r.iter().any(|v| !v.is_finite())) {
            let message = format!("sample {i} has an age that is not a finite number");
            return Err(ForestError::Training(message));
        }
        let growth = Growth {
            features_per_split: params.features_for(FEATURE_NAMES.len()),
            min_samples_leaf: params.min_samples_leaf,
            max_depth: params.max_depth,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let n = rows.len();
        let mut trees = Vec::with_capacity(params.trees);
        for done in 1..=params.trees {
            let sample: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            let mut tree_rng = ChaCha8Rng::seed_from_u64(rng.random());
            trees.push(Tree::grow(
                &rows,
                &labels,
                classes.len(),
                sample,
                growth,
                &mut tree_rng,
            ));
            progress(done, params.trees);
        }
        Ok(Self {
            format: FORMAT,
            classes,
            params: params.clone(),
            trees,
        })
    }

    /// Probability of every class for one patient, most likely first (ties by
    /// name); they sum to 1.
    pub fn predict_proba(&self, features: &Features) -> Vec<(String, f64)> {
        let scores = self.probabilities(&features.to_vector());
        let mut ranked: Vec<(String, f64)> = self.classes.iter().cloned().zip(scores).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked
    }

    /// The probability of each class (in [`Forest::classes`] order) for one
    /// feature vector.
    pub fn probabilities(&self, row: &[f64]) -> Vec<f64> {
        let mut totals = vec![0.0; self.classes.len()];
        for tree in &self.trees {
            for (class, share) in tree.leaf(row) {
                if let Some(t) = totals.get_mut(*class as usize) {
                    *t += share;
                }
            }
        }
        let sum: f64 = totals.iter().sum();
        let uniform = 1.0 / totals.len().max(1) as f64;
        totals
            .iter_mut()
            .for_each(|p| *p = if sum > 0.0 { *p / sum } else { uniform });
        totals
    }

    /// The most likely class of each patient (ties: the first by name).
    pub fn most_likely(&self, patients: &[Features]) -> Vec<&str> {
        patients
            .iter()
            .map(|f| {
                let row = self.probabilities(&f.to_vector());
                let best = row
                    .iter()
                    .enumerate()
                    .fold(0, |best, (i, p)| if *p > row[best] { i } else { best });
                self.classes.get(best).map_or("", String::as_str)
            })
            .collect()
    }

    /// The classes the forest tells apart, sorted by name.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The parameters it was grown with.
    pub fn params(&self) -> &ForestParams {
        &self.params
    }

    /// The forest as bytes for storage (JSON text).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ForestError> {
        serde_json::to_vec(self).map_err(|e| ForestError::Encode(e.to_string()))
    }

    /// Reads back what [`Forest::to_bytes`] wrote; an older layout is
    /// [`ForestError::Outdated`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ForestError> {
        if let Ok(layout) = serde_json::from_slice::<Layout>(bytes)
            && layout.format < FORMAT
        {
            return Err(ForestError::Outdated(layout.format));
        }
        let forest: Self =
            serde_json::from_slice(bytes).map_err(|e| ForestError::Decode(e.to_string()))?;
        let fail = |message: &str| Err(ForestError::Decode(message.to_owned()));
        if forest.format != FORMAT {
            return fail(&format!(
                "layout {} where {FORMAT} is expected",
                forest.format
            ));
        }
        if forest.classes.len() < 2 || forest.trees.is_empty() {
            return fail("fewer than two classes or no tree");
        }
        if !forest
            .trees
            .iter()
            .all(|t| t.fits(FEATURE_NAMES.len(), forest.classes.len()))
        {
            return fail("a tree refers to a column, class or node that does not exist");
        }
        Ok(forest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::medical::{Level, Sex};
    use crate::symptoms::knowledge::KnowledgeBase;

    fn influenza_like() -> Features {
        Features {
            fever: true,
            cough: true,
            fatigue: true,
            difficulty_breathing: false,
            age: 34.0,
            sex: Sex::Female,
            blood_pressure: Level::Normal,
            cholesterol: Level::Normal,
        }
    }

    fn small(seed: u64) -> ForestParams {
        ForestParams {
            trees: 25,
            seed,
            ..ForestParams::default()
        }
    }

    fn samples() -> Vec<Sample> {
        KnowledgeBase::builtin().unwrap().samples(800, 5)
    }

    #[test]
    fn probabilities_cover_every_class_sorted_and_sum_to_one() {
        let mut calls = Vec::new();
        let forest = Forest::train(&samples(), &small(1), &mut |d, t| calls.push((d, t))).unwrap();
        assert_eq!(calls.len(), 25);
        assert_eq!(calls.last(), Some(&(25, 25)));
        assert_eq!(forest.n_trees(), 25);
        let ranked = forest.predict_proba(&influenza_like());
        assert_eq!(ranked.len(), forest.classes().len());
        assert!((ranked.iter().map(|(_, p)| p).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(ranked.windows(2).all(|w| w[0].1 >= w[1].1));
        assert_eq!(
            forest.most_likely(&[influenza_like()]),
            vec![ranked[0].0.as_str()]
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let samples = samples();
        let first = Forest::train(&samples, &small(7), &mut |_, _| {})
            .unwrap()
            .to_bytes()
            .unwrap();
        let again = Forest::train(&samples, &small(7), &mut |_, _| {})
            .unwrap()
            .to_bytes()
            .unwrap();
        let other = Forest::train(&samples, &small(8), &mut |_, _| {})
            .unwrap()
            .to_bytes()
            .unwrap();
        assert!(first == again, "same seed, different bytes");
        assert!(first != other, "different seeds, same bytes");
    }

    #[test]
    fn bytes_read_back_predict_the_same() {
        let samples = samples();
        let forest = Forest::train(&samples, &small(3), &mut |_, _| {}).unwrap();
        let bytes = forest.to_bytes().unwrap();
        let back = Forest::from_bytes(&bytes).unwrap();
        assert_eq!(back.classes(), forest.classes());
        assert_eq!(back.params(), forest.params());
        for sample in samples.iter().step_by(37) {
            assert_eq!(
                back.predict_proba(&sample.features),
                forest.predict_proba(&sample.features)
            );
        }
        assert!(matches!(
            Forest::from_bytes(b"{}"),
            Err(ForestError::Decode(_))
        ));
        assert!(matches!(
            Forest::from_bytes(&bytes[..bytes.len() / 2]),
            Err(ForestError::Decode(_))
        ));
    }

    #[test]
    fn predicts_influenza_for_a_typical_profile() {
        let samples = KnowledgeBase::builtin().unwrap().samples(3000, 21);
        let started = std::time::Instant::now();
        let forest = Forest::train(&samples, &ForestParams::default(), &mut |_, _| {}).unwrap();
        let elapsed = started.elapsed();
        let bytes = forest.to_bytes().unwrap();
        println!(
            "trained {} trees on {} synthetic samples in {:.2} s; model {} bytes",
            forest.n_trees(),
            samples.len(),
            elapsed.as_secs_f64(),
            bytes.len()
        );
        let ranked = forest.predict_proba(&influenza_like());
        println!("typical influenza profile: {:?}", &ranked[..5]);
        assert!(
            ranked.iter().take(3).any(|(name, _)| name == "Influenza"),
            "{ranked:?}"
        );
    }

    #[test]
    fn refuses_what_it_cannot_learn() {
        let params = ForestParams::default();
        assert_eq!(
            Forest::train(&[], &params, &mut |_, _| {}).unwrap_err(),
            ForestError::Empty
        );
        let one = Sample {
            features: influenza_like(),
            label: "Influenza".into(),
        };
        let error = Forest::train(&[one.clone(), one], &params, &mut |_, _| {}).unwrap_err();
        assert_eq!(error, ForestError::SingleClass("Influenza".into()));
        let bad = ForestParams { trees: 0, ..params };
        assert!(matches!(
            Forest::train(&samples(), &bad, &mut |_, _| {}),
            Err(ForestError::InvalidParams { name: "trees", .. })
        ));
        let mut odd = samples();
        odd[0].features.age = f64::NAN;
        let error = Forest::train(&odd, &small(1), &mut |_, _| {}).unwrap_err();
        assert!(matches!(error, ForestError::Training(_)), "{error}");
        assert_eq!(ForestParams::default().features_for(8), 2);
        assert!(matches!(
            Forest::from_bytes(br#"{"format":1,"classes":[],"params":{},"trees":[]}"#),
            Err(ForestError::Outdated(1))
        ));
    }
}
