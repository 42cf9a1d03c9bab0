//! In-app notifications: each user reads and clears their own.

use crate::auth::Principal;
use crate::error::DomainResult;
use crate::notifications::Notification;
use crate::store::{Db, db_error, notifications as store};

/// Notification operations.
#[derive(Clone)]
pub struct NotificationService {
    db: Db,
}

impl NotificationService {
    pub(crate) fn new(db: Db) -> Self {
        Self { db }
    }

    /// The actor's 50 latest notifications and how many are unread.
    pub async fn mine(&self, actor: &Principal) -> DomainResult<(Vec<Notification>, i64)> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let list = store::of_user(&mut conn, actor.user_id, 50).await?;
        let unread = store::unread(&mut conn, actor.user_id).await?;
        Ok((list, unread))
    }

    /// Marks one of the actor's notifications read, or all of them.
    pub async fn mark_read(&self, actor: &Principal, id: Option<i64>) -> DomainResult<u64> {
        let mut tx = self.db.begin_write().await?;
        let done = store::mark_read(&mut tx, actor.user_id, id).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(done)
    }
}
