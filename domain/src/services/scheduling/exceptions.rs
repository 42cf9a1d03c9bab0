//! A doctor's exceptions to their hours (time off, once or weekly).

use jiff::Timestamp;

use super::{SchedulingService, log_change};
use crate::accounts::Role;
use crate::auth::Principal;
use crate::bounds;
use crate::error::{DomainError, DomainResult};
use crate::scheduling::Exception;
use crate::scheduling::forms::ExceptionForm;
use crate::store::appointments::lock_doctor;
use crate::store::availability::{self, StoredException};
use crate::store::db_error;

impl SchedulingService {
    /// A doctor's own exceptions (reasons are private): one-off ones that ended
    /// at most 30 days before `now`, and every recurring one.
    pub async fn exceptions(
        &self,
        actor: &Principal,
        now: Timestamp,
    ) -> DomainResult<Vec<StoredException>> {
        actor.require(Role::Doctor)?;
        let from = bounds::shift(now, -bounds::days(30));
        availability::exceptions_of(
            &mut *self.conn().await?,
            actor.user_id,
            from,
            Timestamp::MAX,
        )
        .await
    }

    /// One of the doctor's own exceptions (others' are not found).
    pub async fn exception(&self, actor: &Principal, id: i64) -> DomainResult<StoredException> {
        actor.require(Role::Doctor)?;
        match availability::exception(&mut *self.conn().await?, id).await? {
            Some(stored) if stored.doctor_id == actor.user_id => Ok(stored),
            _ => Err(DomainError::NotFound("exception")),
        }
    }

    /// A doctor blocks a period (once or weekly).
    pub async fn add_exception(
        &self,
        actor: &Principal,
        form: &ExceptionForm,
    ) -> DomainResult<StoredException> {
        actor.require(Role::Doctor)?;
        let (exception, reason) = form.parse()?;
        let mut tx = self.db.begin_write().await?;
        lock_doctor(&mut tx, self.db.dialect(), actor.user_id).await?;
        let id =
            availability::insert_exception(&mut tx, actor.user_id, &exception, &reason).await?;
        log_change(&mut tx, actor, "time_off:added").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(StoredException {
            doctor_id: actor.user_id,
            exception: Exception { id, ..exception },
            reason,
        })
    }

    /// A doctor replaces one of their exceptions.
    pub async fn update_exception(
        &self,
        actor: &Principal,
        id: i64,
        form: &ExceptionForm,
    ) -> DomainResult<StoredException> {
        self.exception(actor, id).await?;
        let (exception, reason) = form.parse()?;
        let exception = Exception { id, ..exception };
        let mut tx = self.db.begin_write().await?;
        lock_doctor(&mut tx, self.db.dialect(), actor.user_id).await?;
        availability::update_exception(&mut tx, &exception, &reason).await?;
        log_change(&mut tx, actor, "time_off:changed").await?;
        tx.commit().await.map_err(db_error)?;
        Ok(StoredException {
            doctor_id: actor.user_id,
            exception,
            reason,
        })
    }

    /// A doctor changes some fields of one of their exceptions (the others
    /// stay as they are).
    pub async fn patch_exception(
        &self,
        actor: &Principal,
        id: i64,
        form: &ExceptionForm,
    ) -> DomainResult<StoredException> {
        let current = self.exception(actor, id).await?;
        let merged = form.clone().over(ExceptionForm::from_exception(
            &current.exception,
            &current.reason,
        ));
        self.update_exception(actor, id, &merged).await
    }

    /// A doctor removes one of their exceptions.
    pub async fn delete_exception(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        self.exception(actor, id).await?;
        let mut tx = self.db.begin_write().await?;
        lock_doctor(&mut tx, self.db.dialect(), actor.user_id).await?;
        availability::delete_exception(&mut tx, id).await?;
        log_change(&mut tx, actor, "time_off:removed").await?;
        tx.commit().await.map_err(db_error)
    }
}
