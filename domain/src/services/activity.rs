//! The platform's activity at a glance, for administrators: accounts
//! created, appointments by status, active alerts and refused sign-ins over a
//! period (the administrator's day).

use jiff::Timestamp;

use crate::accounts::Role;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::store::{Db, activity, db_error};

pub use crate::activity::Activity;

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
}
