//! Group commit: callers hand items to one writer task, which writes whatever
//! has queued in one transaction and answers each caller once it is
//! committed. Callers wait for durability; the database pays one commit per
//! group rather than one per caller. The access trail and vital-sign readings
//! both write this way.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

use crate::error::{DomainError, DomainResult};

/// What the writer answers each caller of a group: the group's outcome
/// (an error's details go to the log, callers get a generic one).
struct Pending<T> {
    items: Vec<T>,
    done: oneshot::Sender<DomainResult<()>>,
}

/// A handle on a writer task; cheap to clone.
pub struct GroupWriter<T> {
    queue: mpsc::Sender<Pending<T>>,
    what: &'static str,
}

impl<T> Clone for GroupWriter<T> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
            what: self.what,
        }
    }
}

impl<T: Send + 'static> GroupWriter<T> {
    /// Starts the writer on the current runtime. `write` stores one group (in
    /// one transaction) and may act on it once committed; groups hold at most
    /// `max_group` items unless one caller brings more. `what` names the data
    /// in logs and errors.
    pub fn spawn<F, Fut>(what: &'static str, max_group: usize, queue: usize, write: F) -> Self
    where
        F: Fn(Vec<T>) -> Fut + Send + 'static,
        Fut: Future<Output = DomainResult<()>> + Send,
    {
        let (tx, mut rx) = mpsc::channel::<Pending<T>>(queue);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut count = first.items.len();
                let mut group = vec![first];
                while count < max_group {
                    match rx.try_recv() {
                        Ok(next) => {
                            count += next.items.len();
                            group.push(next);
                        }
                        Err(_) => break,
                    }
                }
                let mut items = Vec::with_capacity(count);
                let mut answers = Vec::with_capacity(group.len());
                for pending in group {
                    items.extend(pending.items);
                    answers.push(pending.done);
                }
                let outcome = write(items).await;
                if let Err(err) = &outcome {
                    tracing::error!(error = %err, items = count, what, "group write failed");
                }
                for done in answers {
                    let answer = match &outcome {
                        Ok(()) => Ok(()),
                        Err(DomainError::Validation {
                            field,
                            code,
                            message,
                        }) => Err(DomainError::invalid(field, code, message.clone())),
                        Err(_) => Err(DomainError::internal(format!("could not store {what}"))),
                    };
                    let _ = done.send(answer);
                }
            }
        });
        Self { queue: tx, what }
    }

    /// Hands `items` to the writer; returns once they are committed.
    pub async fn submit(&self, items: Vec<T>) -> DomainResult<()> {
        if items.is_empty() {
            return Ok(());
        }
        let (done, answer) = oneshot::channel();
        let stopped = || DomainError::internal(format!("the {} writer stopped", self.what));
        self.queue
            .send(Pending { items, done })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
