//! One classification tree of the forest (CART): each node splits on the
//! column and threshold that most reduce the Gini impurity, among a few
//! columns drawn at random for that node; a leaf keeps the share of each
//! class among its training rows, so the forest's probabilities are the
//! mean of its leaves' shares.
//!
//! smartcore's trees cannot do this: their per-node column draw is private
//! to its own forest, which keeps its trees private and only votes, and
//! their leaves answer one class with probability 1.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How a tree grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Growth {
    /// Columns drawn at each node (at least this many are tried).
    pub features_per_split: usize,
    /// Fewest training rows a leaf may hold.
    pub min_samples_leaf: usize,
    /// Deepest level; `None` grows until leaves are pure or too small.
    pub max_depth: Option<u16>,
}

/// A node: a split, or a leaf's class shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Node {
    /// Rows whose `column` is at most `threshold` go to `left`, others to
    /// `right` (indices into the node list).
    Split {
        column: u8,
        threshold: f64,
        left: u32,
        right: u32,
    },
    /// (class, share) of the leaf's rows, shares summing to 1.
    Leaf(Vec<(u32, f64)>),
}

/// A grown tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    nodes: Vec<Node>,
}

/// The best split of a node found so far: (score, column, threshold).
type Best = Option<(f64, usize, f64)>;

impl Tree {
    /// Grows a tree on `rows` (each a feature vector) labelled `labels`
    /// (class indices below `classes`), from the rows `sample` lists (a
    /// bootstrap: repeats count).
    pub fn grow(
        rows: &[Vec<f64>],
        labels: &[usize],
        classes: usize,
        sample: Vec<usize>,
        growth: Growth,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let mut tree = Self { nodes: Vec::new() };
        let columns = rows.first().map_or(0, Vec::len);
        // (node index, its rows, depth), grown depth first.
        tree.nodes.push(Node::Leaf(Vec::new()));
        let mut pending = vec![(0usize, sample, 0u16)];
        while let Some((at, members, depth)) = pending.pop() {
            let mut counts = vec![0usize; classes];
            for &i in &members {
                counts[labels[i]] += 1;
            }
            let deep_enough = growth.max_depth.is_some_and(|d| depth >= d);
            let pure = counts.iter().filter(|c| **c > 0).count() <= 1;
            let split = if deep_enough || pure || members.len() < 2 * growth.min_samples_leaf {
                None
            } else {
                best_split(
                    rows, labels, classes, &members, &counts, columns, growth, rng,
                )
            };
            match split {
                Some((_, column, threshold)) => {
                    let (left, right): (Vec<usize>, Vec<usize>) =
                        members.iter().partition(|&&i| rows[i][column] <= threshold);
                    let l = tree.nodes.len();
                    tree.nodes.push(Node::Leaf(Vec::new()));
                    tree.nodes.push(Node::Leaf(Vec::new()));
                    tree.nodes[at] = Node::Split {
                        column: column as u8,
                        threshold,
                        left: l as u32,
                        right: (l + 1) as u32,
                    };
                    pending.push((l + 1, right, depth + 1));
                    pending.push((l, left, depth + 1));
                }
                None => {
                    let n = members.len().max(1) as f64;
                    tree.nodes[at] = Node::Leaf(
                        counts
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c > 0)
                            .map(|(k, c)| (k as u32, *c as f64 / n))
                            .collect(),
                    );
                }
            }
        }
        tree
    }

    /// The class shares of the leaf `row` falls in.
    pub fn leaf(&self, row: &[f64]) -> &[(u32, f64)] {
        let mut at = 0usize;
        loop {
            match self.nodes.get(at) {
                Some(Node::Split {
                    column,
                    threshold,
                    left,
                    right,
                }) => {
                    let value = row.get(usize::from(*column)).copied().unwrap_or(0.0);
                    at = if value <= *threshold { *left } else { *right } as usize;
                }
                Some(Node::Leaf(shares)) => return shares,
                None => return &[],
            }
        }
    }

    /// Whether every node refers to columns below `columns`, classes below
    /// `classes` and nodes that exist (a tree read back from storage).
    pub fn fits(&self, columns: usize, classes: usize) -> bool {
        let n = self.nodes.len();
        n > 0
            && self.nodes.iter().enumerate().all(|(i, node)| match node {
                Node::Split {
                    column,
                    left,
                    right,
                    threshold,
                } => {
                    usize::from(*column) < columns
                        && threshold.is_finite()
                        && (*left as usize) > i
                        && (*left as usize) < n
                        && (*right as usize) > i
                        && (*right as usize) < n
                }
                Node::Leaf(shares) => {
                    !shares.is_empty() && shares.iter().all(|(k, _)| (*k as usize) < classes)
                }
            })
    }
}

/// The split of `members` that leaves the least Gini impurity, among at
/// least `features_per_split` columns drawn at random (more when the drawn
/// ones cannot split: the draw goes on until one can, as scikit-learn's).
#[allow(clippy::too_many_arguments)]
fn best_split(
    rows: &[Vec<f64>],
    labels: &[usize],
    classes: usize,
    members: &[usize],
    counts: &[usize],
    columns: usize,
    growth: Growth,
    rng: &mut ChaCha8Rng,
) -> Best {
    let n = members.len();
    // Σ c² / n: the larger, the purer; a split may not do worse than its
    // parent (scikit-learn's default, no least decrease).
    let parent = counts.iter().map(|c| (c * c) as f64).sum::<f64>() / n as f64;
    let mut order: Vec<usize> = (0..columns).collect();
    let mut best: Best = None;
    let mut tried = 0;
    let mut sorted: Vec<usize> = members.to_vec();
    for drawn in 0..columns {
        if tried >= growth.features_per_split && best.is_some() {
            break;
        }
        let pick = rng.random_range(drawn..columns);
        order.swap(drawn, pick);
        let column = order[drawn];
        sorted.sort_by(|a, b| rows[*a][column].total_cmp(&rows[*b][column]));
        let (lo, hi) = (rows[sorted[0]][column], rows[sorted[n - 1]][column]);
        if lo == hi {
            continue;
        }
        tried += 1;
        let mut left = vec![0usize; classes];
        let mut right = counts.to_vec();
        let mut sq_left = 0.0f64;
        let mut sq_right: f64 = counts.iter().map(|c| (c * c) as f64).sum();
        for k in 0..n - 1 {
            let class = labels[sorted[k]];
            sq_left += (2 * left[class] + 1) as f64;
            sq_right -= (2 * right[class] - 1) as f64;
            left[class] += 1;
            right[class] -= 1;
            let (here, next) = (rows[sorted[k]][column], rows[sorted[k + 1]][column]);
            let (nl, nr) = (k + 1, n - k - 1);
            if here == next || nl < growth.min_samples_leaf || nr < growth.min_samples_leaf {
                continue;
            }
            let score = sq_left / nl as f64 + sq_right / nr as f64;
            if score >= parent - 1e-9 && best.is_none_or(|(b, _, _)| score > b) {
                let mut threshold = here + (next - here) / 2.0;
                if threshold >= next {
                    threshold = here;
                }
                best = Some((score, column, threshold));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn growth() -> Growth {
        Growth {
            features_per_split: 1,
            min_samples_leaf: 1,
            max_depth: None,
        }
    }

    #[test]
    fn it_separates_what_a_column_separates_and_keeps_shares_in_leaves() {
        // Column 1 tells the classes apart; column 0 is noise; the last two
        // rows are the same patient with two different labels.
        let rows = vec![
            vec![5.0, 0.0],
            vec![1.0, 0.0],
            vec![3.0, 1.0],
            vec![2.0, 1.0],
            vec![9.0, 2.0],
            vec![9.0, 2.0],
        ];
        let labels = vec![0, 0, 1, 1, 2, 0];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let tree = Tree::grow(&rows, &labels, 3, (0..6).collect(), growth(), &mut rng);
        assert!(tree.fits(2, 3));
        assert_eq!(tree.leaf(&[4.0, 0.0]), &[(0, 1.0)]);
        assert_eq!(tree.leaf(&[4.0, 1.0]), &[(1, 1.0)]);
        assert_eq!(tree.leaf(&[9.0, 2.0]), &[(0, 0.5), (2, 0.5)]);
        assert!(!tree.fits(1, 3));
    }

    #[test]
    fn leaves_keep_their_minimum_size() {
        let rows: Vec<Vec<f64>> = (0..10).map(|i| vec![f64::from(i)]).collect();
        let labels: Vec<usize> = (0..10).map(|i| i % 2).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let big = Growth {
            min_samples_leaf: 5,
            ..growth()
        };
        let tree = Tree::grow(&rows, &labels, 2, (0..10).collect(), big, &mut rng);
        // One split at most: two leaves of five.
        assert!(tree.nodes.len() <= 3, "{:?}", tree.nodes);
    }
}
