//! The symptom checker's machine-learning core: from four symptoms and a short
//! patient profile (age, sex, blood pressure, cholesterol) to a ranked list of
//! likely conditions.
//!
//! The inputs are the columns of the public "Disease Symptoms and Patient
//! Profile" data set. The pure types here ([`Features`], [`Sample`],
//! [`ForestParams`], [`ForestError`]) compile for the browser too; the parts
//! that read files, draw random numbers or train models sit behind the `server`
//! feature:
//!
//! - `dataset` reads that data set's CSV layout into samples;
//! - `knowledge` holds the project's own knowledge base of conditions (French
//!   names, specialties, typical profiles) and draws synthetic patients from it;
//! - `tree` grows one classification tree (CART, columns drawn per split,
//!   class shares in the leaves); `forest` bags them into a Random Forest
//!   giving probabilities over every class, stored as bytes;
//! - `evaluation` cross-validates a forest and renders a plain-text report.
//!
//! A trained model is data: `Forest::to_bytes` gives the blob a store keeps
//! under a version, and the same samples with the same seed give the same bytes.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::medical::{Level, Sex};

pub mod check;
#[cfg(feature = "server")]
pub mod dataset;
#[cfg(feature = "server")]
pub mod evaluation;
#[cfg(feature = "server")]
pub mod forest;
#[cfg(feature = "server")]
pub mod knowledge;
#[cfg(feature = "server")]
pub mod tree;
pub mod triage;
#[cfg(feature = "server")]
pub mod tuning;

/// The names of the columns of [`Features::to_vector`], in order.
pub const FEATURE_NAMES: [&str; 8] = [
    "fever",
    "cough",
    "fatigue",
    "difficulty_breathing",
    "age",
    "sex",
    "blood_pressure",
    "cholesterol",
];

/// What the symptom checker knows about one patient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// The patient has a fever.
    pub fever: bool,
    /// The patient coughs.
    pub cough: bool,
    /// The patient feels unusually tired.
    pub fatigue: bool,
    /// The patient has difficulty breathing.
    pub difficulty_breathing: bool,
    /// Age in years.
    pub age: f64,
    /// Sex as recorded in the medical file.
    pub sex: Sex,
    /// Blood pressure level.
    pub blood_pressure: Level,
    /// Cholesterol level.
    pub cholesterol: Level,
}

/// One labelled patient: the features and the condition they had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// What was observed.
    pub features: Features,
    /// The condition's English name, as the data set spells it.
    pub label: String,
}

impl Features {
    /// The numeric vector a model reads, in the order of [`FEATURE_NAMES`]:
    /// symptoms as 0/1, age in years, sex as Female 0, Other 0.5, Male 1, and
    /// levels as Low 0, Normal 1, High 2.
    pub fn to_vector(&self) -> Vec<f64> {
        vec![
            flag(self.fever),
            flag(self.cough),
            flag(self.fatigue),
            flag(self.difficulty_breathing),
            self.age,
            sex_code(self.sex),
            level_code(self.blood_pressure),
            level_code(self.cholesterol),
        ]
    }
}

fn flag(value: bool) -> f64 {
    if value { 1.0 } else { 0.0 }
}

// "Other" sits between the two sexes the data set records, so a tree split on
// sex never puts it alone on the far side of either.
fn sex_code(sex: Sex) -> f64 {
    match sex {
        Sex::Female => 0.0,
        Sex::Other => 0.5,
        Sex::Male => 1.0,
    }
}

fn level_code(level: Level) -> f64 {
    match level {
        Level::Low => 0.0,
        Level::Normal => 1.0,
        Level::High => 2.0,
    }
}

/// The most trees a forest may have.
pub const MAX_TREES: usize = 5_000;

/// How to grow a forest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForestParams {
    /// Number of trees.
    pub trees: usize,
    /// Deepest level a tree may reach; `None` grows until the leaves are pure.
    pub max_depth: Option<u16>,
    /// Fewest training rows in a leaf.
    pub min_samples_leaf: usize,
    /// Feature columns drawn at each split; `None` takes ⌊√n⌋ of the n
    /// columns (scikit-learn's "sqrt").
    #[serde(alias = "features_per_tree")]
    pub features_per_split: Option<usize>,
    /// Seed of every random draw (bootstrap, feature subsets, tree seeds).
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        Self {
            trees: 150,
            max_depth: None,
            min_samples_leaf: 1,
            features_per_split: None,
            seed: 42,
        }
    }
}

impl ForestParams {
    /// How many of `n_features` columns each split draws.
    pub fn features_for(&self, n_features: usize) -> usize {
        let root = (1..=n_features)
            .take_while(|k| k * k <= n_features)
            .last()
            .unwrap_or(1);
        self.features_per_split.unwrap_or(root).min(n_features)
    }

    /// Checks that every parameter lies in its range.
    pub fn check(&self) -> Result<(), ForestError> {
        let invalid = |name, message: String| Err(ForestError::InvalidParams { name, message });
        if !(1..=MAX_TREES).contains(&self.trees) {
            return invalid("trees", format!("must lie between 1 and {MAX_TREES}"));
        }
        if self.min_samples_leaf == 0 {
            return invalid("min_samples_leaf", "must be at least 1".into());
        }
        if self.max_depth == Some(0) {
            return invalid("max_depth", "must be at least 1".into());
        }
        if let Some(k) = self
            .features_per_split
            .filter(|k| !(1..=FEATURE_NAMES.len()).contains(k))
        {
            return invalid(
                "features_per_split",
                format!("{k} is not between 1 and {}", FEATURE_NAMES.len()),
            );
        }
        Ok(())
    }
}

/// Why a forest could not be trained, stored or read back.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ForestError {
    /// There is nothing to learn from.
    #[error("no training samples")]
    Empty,
    /// Every sample has the same label: there is nothing to tell apart.
    #[error("a forest needs at least two classes; every sample is \"{0}\"")]
    SingleClass(String),
    /// A parameter is out of range.
    #[error("invalid forest parameter {name}: {message}")]
    InvalidParams {
        /// The parameter.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A tree could not be grown from the samples.
    #[error("a tree could not be trained: {0}")]
    Training(String),
    /// The bytes are a forest of an older layout (its version).
    #[error("the stored forest has the older layout {0}")]
    Outdated(u32),
    /// The forest could not be written as bytes.
    #[error("the forest could not be encoded: {0}")]
    Encode(String),
    /// The bytes are not a forest this version can read.
    #[error("the stored forest is unreadable: {0}")]
    Decode(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_follows_the_feature_names() {
        let features = Features {
            fever: true,
            cough: false,
            fatigue: true,
            difficulty_breathing: false,
            age: 42.0,
            sex: Sex::Other,
            blood_pressure: Level::High,
            cholesterol: Level::Low,
        };
        let vector = features.to_vector();
        assert_eq!(vector.len(), FEATURE_NAMES.len());
        assert_eq!(vector, vec![1.0, 0.0, 1.0, 0.0, 42.0, 0.5, 2.0, 0.0]);
    }

    #[test]
    fn sex_and_levels_are_ordered() {
        assert!(sex_code(Sex::Female) < sex_code(Sex::Other));
        assert!(sex_code(Sex::Other) < sex_code(Sex::Male));
        assert!(level_code(Level::Low) < level_code(Level::Normal));
        assert!(level_code(Level::Normal) < level_code(Level::High));
    }
}
