//! The forest's settings chosen by cross-validation, not by hand: every
//! combination of columns per split, leaf size and number of trees is
//! cross-validated over folds of its own (drawn with another seed than the
//! folds the model is then reported on), and the most accurate wins (ties:
//! the better top-3 accuracy, then the lower Brier score, then fewer trees).

use super::evaluation::{Evaluation, assign_folds, cross_validate_on};
use super::{ForestError, ForestParams, Sample};

/// Columns drawn per split that are tried.
pub const FEATURES_PER_SPLIT: [usize; 5] = [1, 2, 3, 4, 8];
/// Leaf sizes that are tried.
pub const MIN_SAMPLES_LEAF: [usize; 4] = [1, 2, 3, 5];
/// Numbers of trees that are tried.
pub const TREES: [usize; 2] = [100, 300];

/// One combination and how it did.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub params: ForestParams,
    pub evaluation: Evaluation,
}

/// Every combination of the grid, best first; `progress(done, total)` after
/// each.
pub fn tune(
    samples: &[Sample],
    folds: usize,
    base: &ForestParams,
    fold_seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Candidate>, ForestError> {
    let fold_of = assign_folds(samples, folds, fold_seed);
    let total = FEATURES_PER_SPLIT.len() * MIN_SAMPLES_LEAF.len() * TREES.len();
    let mut out = Vec::with_capacity(total);
    for features in FEATURES_PER_SPLIT {
        for leaf in MIN_SAMPLES_LEAF {
            for trees in TREES {
                let params = ForestParams {
                    trees,
                    min_samples_leaf: leaf,
                    features_per_split: Some(features),
                    ..base.clone()
                };
                let evaluation =
                    cross_validate_on(samples, fold_of.clone(), folds, &params, &mut |_, _| {})?;
                out.push(Candidate { params, evaluation });
                progress(out.len(), total);
            }
        }
    }
    out.sort_by(|a, b| {
        let (x, y) = (&a.evaluation, &b.evaluation);
        y.accuracy
            .total_cmp(&x.accuracy)
            .then(y.top3_accuracy.total_cmp(&x.top3_accuracy))
            .then(x.brier.total_cmp(&y.brier))
            .then(a.params.trees.cmp(&b.params.trees))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symptoms::knowledge::KnowledgeBase;

    #[test]
    fn the_grid_is_tried_whole_and_ranked() {
        let samples = KnowledgeBase::builtin().unwrap().samples(150, 4);
        let base = ForestParams {
            seed: 1,
            ..ForestParams::default()
        };
        let mut calls = 0;
        let ranked = tune(&samples, 3, &base, 99, &mut |_, _| calls += 1).unwrap();
        let total = FEATURES_PER_SPLIT.len() * MIN_SAMPLES_LEAF.len() * TREES.len();
        assert_eq!((ranked.len(), calls), (total, total));
        assert!(
            ranked
                .windows(2)
                .all(|w| w[0].evaluation.accuracy >= w[1].evaluation.accuracy)
        );
    }
}
