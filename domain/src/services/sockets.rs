//! The registry of open WebSockets, shared by every instance through the
//! database: a row per socket, touched on each heartbeat, removed on close;
//! rows of an instance that died are purged once stale.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::paging::{Page, PageRequest};
use crate::sockets::LiveSocket;
use crate::store::{Db, db_error, sockets as store};

/// A socket with no heartbeat for this long is no longer active.
pub const STALE_AFTER: SignedDuration = SignedDuration::from_secs(90);

/// What a socket is, as it opens.
#[derive(Debug, Clone)]
pub struct NewSocket {
    pub kind: &'static str,
    pub user_id: Option<UserId>,
    pub device_id: Option<i64>,
    pub room: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

/// Socket-registry operations; cheap to clone.
#[derive(Clone)]
pub struct SocketService {
    db: Db,
    /// This process, among the instances.
    instance: Arc<str>,
}

impl SocketService {
    pub(crate) fn new(db: Db) -> DomainResult<Self> {
        Ok(Self {
            db,
            instance: crate::services::auth::new_id()?.into(),
        })
    }

    /// Records an open socket; returns its id.
    pub async fn opened(&self, new: NewSocket) -> DomainResult<String> {
        let now = Timestamp::now();
        let socket = LiveSocket {
            id: crate::services::auth::new_id()?,
            kind: new.kind.to_owned(),
            user_id: new.user_id,
            user_name: None,
            device_id: new.device_id,
            device_name: None,
            room: new.room,
            address: new.address,
            user_agent: new.user_agent.map(|ua| ua.chars().take(200).collect()),
            connected_at: now,
            last_activity: now,
        };
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::open(&mut conn, &socket, &self.instance).await?;
        Ok(socket.id)
    }

    /// Notes activity (each heartbeat).
    pub async fn touch(&self, id: &str) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::touch(&mut conn, id, Timestamp::now().as_millisecond()).await
    }

    /// Forgets a closed socket.
    pub async fn closed(&self, id: &str) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::close(&mut conn, id).await
    }

    /// Open sockets of every instance, for administrators; `active_only`
    /// keeps those heard from within [`STALE_AFTER`].
    pub async fn list(
        &self,
        actor: &Principal,
        active_only: bool,
        page: Option<i64>,
        per_page: Option<i64>,
    ) -> DomainResult<Page<LiveSocket>> {
        if actor.role != Role::Admin {
            return Err(DomainError::Forbidden);
        }
        let paging = PageRequest::parse(page, per_page)?;
        let since = if active_only {
            Timestamp::now()
                .checked_sub(STALE_AFTER)
                .map_err(DomainError::internal)?
                .as_millisecond()
        } else {
            0
        };
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (sockets, count) =
            store::list(&mut conn, since, paging.per_page, paging.offset()).await?;
        Ok(paging.of(sockets, count))
    }

    /// Removes rows of instances that died (no heartbeat for ten minutes).
    pub async fn purge(&self, now: Timestamp) -> DomainResult<u64> {
        let before = now
            .checked_sub(SignedDuration::from_mins(10))
            .map_err(DomainError::internal)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::purge(&mut conn, before.as_millisecond()).await
    }
}
