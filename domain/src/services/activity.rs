//! The platform's activity, for administrators: at a glance (accounts
//! created, appointments by status, active alerts and refused sign-ins over
//! a period: the administrator's day), and the activity log (what
//! administrators and doctors did, and every sign-in), searched and
//! downloaded.

use jiff::Timestamp;

use crate::accounts::Role;
use crate::activity::{ActivityAction, ActivityPage, ActivityQuery};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::store::activity::LogFilter;
use crate::store::{Db, activity, db_error};

pub use crate::activity::{Activity, ActivityEntry};

/// Entries per page, by default and at most; rows of a CSV download at most.
pub const DEFAULT_PER_PAGE: i64 = 25;
pub const MAX_PER_PAGE: i64 = 200;
pub const MAX_CSV_ROWS: i64 = 100_000;

/// The page and its size a search asks for, each bad one named.
fn paging(query: &ActivityQuery) -> DomainResult<(i64, i64)> {
    let page = query.page.unwrap_or(1);
    if !(1..=100_000).contains(&page) {
        return Err(DomainError::invalid(
            "page",
            "out_of_range",
            "must be between 1 and 100000",
        ));
    }
    let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(DomainError::invalid(
            "per_page",
            "out_of_range",
            format!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    Ok((page, per_page))
}

/// Turns a search as sent into a filter, each bad field named.
pub fn log_filter(query: &ActivityQuery) -> DomainResult<LogFilter> {
    let text = crate::bounds::filled;
    let action = text(&query.action)
        .map(|a| {
            ActivityAction::parse(&a).ok_or_else(|| {
                DomainError::invalid("action", "invalid_choice", "not an action of the log")
            })
        })
        .transpose()?;
    let role = text(&query.role)
        .map(|r| {
            Role::parse(&r).map_err(|_| {
                DomainError::invalid("role", "invalid_choice", "admin, doctor or patient")
            })
        })
        .transpose()?;
    if query.user_id.is_some_and(|id| id < 1) {
        return Err(DomainError::invalid(
            "user_id",
            "out_of_range",
            "must be 1 or more",
        ));
    }
    let (from_ms, to_ms) = crate::bounds::utc_days(text(&query.from), text(&query.to))?;
    Ok(LogFilter {
        actor_id: query.user_id,
        action,
        role,
        from_ms,
        to_ms,
    })
}

/// Activity figures; cheap to clone.
#[derive(Clone)]
pub struct ActivityService {
    db: Db,
}

impl ActivityService {
    pub(crate) fn new(db: Db) -> Self {
        Self { db }
    }

    /// The activity between `from` and `to` (administrators).
    pub async fn between(
        &self,
        actor: &Principal,
        from: Timestamp,
        to: Timestamp,
    ) -> DomainResult<Activity> {
        actor.require(Role::Admin)?;
        if to <= from {
            return Err(DomainError::invalid(
                "to",
                "end_before_start",
                "the end must follow the start",
            ));
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let c = activity::counts(&mut conn, from.as_millisecond(), to.as_millisecond()).await?;
        Ok(Activity {
            accounts_created: c.accounts_created,
            appointments: c.appointments,
            active_alerts: c.active_alerts,
            refused_sign_ins: c.refused_sign_ins,
        })
    }

    /// A page of the log matching `query`, newest first (administrators).
    pub async fn log(
        &self,
        actor: &Principal,
        query: &ActivityQuery,
    ) -> DomainResult<ActivityPage> {
        actor.require(Role::Admin)?;
        let filter = log_filter(query)?;
        let (page, per_page) = paging(query)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let total = activity::log_count(&mut conn, &filter).await?;
        let entries =
            activity::log_search(&mut conn, &filter, per_page, (page - 1) * per_page).await?;
        Ok(ActivityPage {
            entries,
            total,
            page,
            per_page,
        })
    }

    /// Every entry matching `query` (the newest [`MAX_CSV_ROWS`]), newest
    /// first, for a download (administrators).
    pub async fn log_all(
        &self,
        actor: &Principal,
        query: &ActivityQuery,
    ) -> DomainResult<Vec<ActivityEntry>> {
        actor.require(Role::Admin)?;
        let filter = log_filter(query)?;
        // Checked though a download takes no page: a bad value is refused.
        paging(query)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        activity::log_search(&mut conn, &filter, MAX_CSV_ROWS, 0).await
    }
}
