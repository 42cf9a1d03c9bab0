//! Group commit: callers hand items to one writer task, which writes whatever
//! has queued in one transaction and answers each caller once it is
//! committed. Callers wait for durability; the database pays one commit per
//! group rather than one per caller. The access trail and vital-sign readings
//! both write this way.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

use crate::error::{DomainError, DomainResult};

/// What the writer answers each caller of a group: one answer per item,
/// or the group's error (an error's details go to the log, callers get a
/// generic one).
struct Pending<T, R> {
    items: Vec<T>,
    done: oneshot::Sender<DomainResult<Vec<R>>>,
}

/// A handle on a writer task; cheap to clone. `R` is what the writer
/// answers for each item (an inserted row's id…), nothing by default.
pub struct GroupWriter<T, R = ()> {
    queue: mpsc::Sender<Pending<T, R>>,
    what: &'static str,
}

impl<T, R> Clone for GroupWriter<T, R> {
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
        F: Fn(Vec<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = DomainResult<()>> + Send,
    {
        let write = std::sync::Arc::new(write);
        Self::spawn_answering(what, max_group, queue, move |items: Vec<T>| {
            let (write, n) = (write.clone(), items.len());
            async move { write(items).await.map(|()| vec![(); n]) }
        })
    }

    /// Hands `items` to the writer; returns once they are committed.
    pub async fn submit(&self, items: Vec<T>) -> DomainResult<()> {
        self.submit_answered(items).await.map(drop)
    }
}

impl<T: Send + 'static, R: Send + 'static> GroupWriter<T, R> {
    /// [`GroupWriter::spawn`] for a writer that answers each item: `write`
    /// returns one answer per item, in order.
    pub fn spawn_answering<F, Fut>(
        what: &'static str,
        max_group: usize,
        queue: usize,
        write: F,
    ) -> Self
    where
        F: Fn(Vec<T>) -> Fut + Send + 'static,
        Fut: Future<Output = DomainResult<Vec<R>>> + Send,
    {
        let (tx, mut rx) = mpsc::channel::<Pending<T, R>>(queue);
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
                    answers.push((pending.items.len(), pending.done));
                    items.extend(pending.items);
                }
                let outcome = match write(items).await {
                    Ok(out) if out.len() == count => Ok(out),
                    Ok(out) => Err(DomainError::internal(format!(
                        "{what}: {} answers for {count} items",
                        out.len()
                    ))),
                    Err(err) => Err(err),
                };
                if let Err(err) = &outcome {
                    tracing::error!(error = %err, items = count, what, "group write failed");
                }
                match outcome {
                    Ok(out) => {
                        let mut out = out.into_iter();
                        for (n, done) in answers {
                            let _ = done.send(Ok(out.by_ref().take(n).collect()));
                        }
                    }
                    Err(err) => {
                        for (_, done) in answers {
                            let answer = match &err {
                                DomainError::Validation {
                                    field,
                                    code,
                                    message,
                                } => DomainError::invalid(field, code, message.clone()),
                                _ => DomainError::internal(format!("could not store {what}")),
                            };
                            let _ = done.send(Err(answer));
                        }
                    }
                }
            }
        });
        Self { queue: tx, what }
    }

    /// Hands `items` to the writer; returns their answers once committed.
    pub async fn submit_answered(&self, items: Vec<T>) -> DomainResult<Vec<R>> {
        if items.is_empty() {
            return Ok(Vec::new());
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
