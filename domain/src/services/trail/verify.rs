//! Walking the trail's hash chain: every entry changed, removed, reordered or
//! added past the head is named.

use super::{GENESIS, TrailService, entry_hash};
use crate::error::DomainResult;
use crate::store::db_error;
use crate::store::trail as store;

impl TrailService {
    /// Walks the whole chain and lists what does not hold; `progress` is told
    /// how many entries were checked so far.
    pub async fn verify(&self, mut progress: impl FnMut(i64, i64)) -> DomainResult<Verification> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (head_seq, head_hash) = store::peek_head(&mut conn).await?;
        let mut problems = Vec::new();
        let mut expected = 1;
        let mut prev = GENESIS.to_owned();
        let mut checked = 0;
        loop {
            // Read in chain order; a gap simply shows as a jump in positions.
            let batch = store::chain_after(&mut conn, expected - 1, 1000).await?;
            for entry in &batch {
                if entry.seq != expected {
                    problems.push(Problem::Missing {
                        from: expected,
                        to: entry.seq - 1,
                    });
                }
                if entry.prev_hash != prev {
                    problems.push(Problem::BrokenLink { seq: entry.seq });
                }
                if entry_hash(entry) != entry.hash {
                    problems.push(Problem::Changed { seq: entry.seq });
                }
                prev = entry.hash.clone();
                expected = entry.seq + 1;
                checked += 1;
            }
            progress(checked, head_seq);
            if batch.len() < 1000 {
                break;
            }
        }
        if expected - 1 < head_seq {
            problems.push(Problem::Missing {
                from: expected,
                to: head_seq,
            });
        } else if expected - 1 > head_seq {
            problems.push(Problem::BeyondHead { head: head_seq });
        } else if prev != head_hash {
            problems.push(Problem::HeadMismatch);
        }
        Ok(Verification {
            checked,
            head: head_seq,
            problems,
        })
    }
}

/// The outcome of [`TrailService::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: i64,
    /// The position the chain's head records.
    pub head: i64,
    pub problems: Vec<Problem>,
}

/// One way the trail does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Entries `from..=to` are gone.
    Missing { from: i64, to: i64 },
    /// The entry's content no longer matches its hash: it was changed.
    Changed { seq: i64 },
    /// The entry does not link to the one before it: entries were reordered,
    /// or the one before was changed or replaced.
    BrokenLink { seq: i64 },
    /// Entries exist past the recorded head (inserted outside the product).
    BeyondHead { head: i64 },
    /// The last entry's hash is not the one the head recorded.
    HeadMismatch,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing { from, to } if from == to => write!(f, "entry {from} was removed"),
            Self::Missing { from, to } => write!(f, "entries {from} to {to} were removed"),
            Self::Changed { seq } => write!(f, "entry {seq} was changed"),
            Self::BrokenLink { seq } => write!(
                f,
                "entry {seq} does not follow the entry before it (reordered, or the one before was replaced)"
            ),
            Self::BeyondHead { head } => {
                write!(f, "entries after {head} were added outside the platform")
            }
            Self::HeadMismatch => {
                write!(f, "the last entry is not the one the chain's head records")
            }
        }
    }
}
