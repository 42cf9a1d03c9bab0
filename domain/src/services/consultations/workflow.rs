//! A record's statuses: submitted by the patient (or the doctor), validated
//! or sent back by a doctor of the patient's care team, then read-only with
//! dated addenda. Each step notifies the other side in the same transaction.

use jiff::Timestamp;

use super::{ConsultationService, read_only, sections};
use crate::accounts::{Role, UserId};
use crate::activity::ActivityAction;
use crate::auth::Principal;
use crate::consultations::check::{body, reason};
use crate::consultations::{Consultation, ConsultationStatus, NewText, Rejection};
use crate::error::{DomainError, DomainResult};
use crate::notifications::Notice;
use crate::services::trail::{NewEntry, append_in};
use crate::store::activity::{self, NewActivity};
use crate::store::consultations::{self as store, Step};
use crate::store::{db_error, notifications, users};
use crate::trail::{Resource, TrailAction};

use ConsultationStatus::{Draft, Rejected, Submitted, Validated};

fn wrong_status(code: &'static str, message: &str) -> DomainError {
    DomainError::Conflict {
        field: None,
        code,
        message: message.into(),
    }
}

impl ConsultationService {
    /// Sends a draft (or a record sent back) to the doctor.
    pub async fn submit(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let (current, granted) = self
            .checked(actor, id, TrailAction::Update, Resource::Consultation, now)
            .await?;
        match current.status {
            Validated => return Err(read_only()),
            Submitted => {
                return Err(wrong_status(
                    "already_submitted",
                    "the record is already submitted",
                ));
            }
            Draft | Rejected => {}
        }
        let (intake, _) = sections(&current)?;
        intake.check_complete()?;
        let notice = (actor.role == Role::Patient).then(|| {
            let notice = Notice::ConsultationSubmitted {
                consultation_id: id,
                patient_name: current.patient.name.clone(),
            };
            (current.doctor.id, notice)
        });
        let from = [Draft, Rejected];
        let record = self
            .commit_step(actor, id, &from, &Step::Submit, notice, granted.entry, now)
            .await?;
        tracing::info!(consultation_id = id, "consultation record submitted");
        Ok(record)
    }

    /// A doctor of the care team validates a submitted record: it needs a
    /// diagnosis; the recent readings are frozen into it; it becomes
    /// read-only.
    pub async fn validate(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let (current, granted) = self.doctor_step(actor, id, now).await?;
        let (_, examination) = sections(&current)?;
        examination.check_complete()?;
        let vitals = self.recent_vitals(current.patient.id, now).await?;
        let vitals = serde_json::to_string(&vitals).map_err(DomainError::internal)?;
        let step = Step::Validate {
            by: actor.user_id,
            vitals: &vitals,
        };
        let doctor_name = self.name_of(actor.user_id).await?;
        let notice = Notice::ConsultationValidated {
            consultation_id: id,
            doctor_name,
        };
        let notice = Some((current.patient.id, notice));
        let record = self
            .commit_step(actor, id, &[Submitted], &step, notice, granted.entry, now)
            .await?;
        tracing::info!(consultation_id = id, "consultation record validated");
        Ok(record)
    }

    /// A doctor of the care team sends a submitted record back, with a reason.
    pub async fn reject(
        &self,
        actor: &Principal,
        id: i64,
        rejection: &Rejection,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let why = reason(&rejection.reason)?;
        let (current, granted) = self.doctor_step(actor, id, now).await?;
        let doctor_name = self.name_of(actor.user_id).await?;
        let step = Step::Reject { reason: &why };
        let notice = Notice::ConsultationRejected {
            consultation_id: id,
            doctor_name,
            reason: why.clone(),
        };
        let notice = Some((current.patient.id, notice));
        let record = self
            .commit_step(actor, id, &[Submitted], &step, notice, granted.entry, now)
            .await?;
        tracing::info!(consultation_id = id, "consultation record sent back");
        Ok(record)
    }

    /// A user's full name.
    async fn name_of(&self, user_id: UserId) -> DomainResult<String> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        Ok(users::by_id(&mut conn, user_id)
            .await?
            .map(|u| u.full_name())
            .unwrap_or_default())
    }

    /// Moves record `id` out of `from` and commits with the notification of
    /// the other side and the trail entry; the record as the actor sees it.
    #[allow(clippy::too_many_arguments)]
    async fn commit_step(
        &self,
        actor: &Principal,
        id: i64,
        from: &[ConsultationStatus],
        step: &Step<'_>,
        notice: Option<(UserId, Notice)>,
        entry: NewEntry,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let mut tx = self.db.begin_write().await?;
        if !store::move_status(&mut tx, id, from, step, now.as_millisecond()).await? {
            return Err(wrong_status(
                "status_changed",
                "the record changed meanwhile; reload it",
            ));
        }
        if let Some((to, notice)) = notice {
            notifications::push(&mut tx, to, &notice).await?;
        }
        append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        let done = match step {
            Step::Validate { .. } => Some(ActivityAction::RecordValidated),
            Step::Reject { .. } => Some(ActivityAction::RecordRejected),
            Step::Submit => None,
        };
        if let Some(action) = done {
            activity::log(
                &mut tx,
                &NewActivity::by(actor, action).on("consultation", id),
            )
            .await?;
        }
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("consultation"))?;
        tx.commit().await.map_err(db_error)?;
        self.view(stored, actor.user_id, now).await
    }

    /// Validating and rejecting: doctors of the care team, on a submitted
    /// record.
    async fn doctor_step(
        &self,
        actor: &Principal,
        id: i64,
        now: Timestamp,
    ) -> DomainResult<(store::StoredConsultation, crate::policy::Granted)> {
        let (current, granted) = self
            .checked(actor, id, TrailAction::Update, Resource::Consultation, now)
            .await?;
        if actor.role != Role::Doctor {
            return Err(DomainError::Forbidden);
        }
        match current.status {
            Submitted => Ok((current, granted)),
            Validated => Err(read_only()),
            Draft | Rejected => Err(wrong_status(
                "not_submitted",
                "the record has not been submitted",
            )),
        }
    }

    /// A doctor of the care team adds a dated addendum to a validated record.
    pub async fn add_addendum(
        &self,
        actor: &Principal,
        id: i64,
        text: &NewText,
        now: Timestamp,
    ) -> DomainResult<Consultation> {
        let text = body(&text.body)?;
        let (current, granted) = self
            .checked(actor, id, TrailAction::Update, Resource::Consultation, now)
            .await?;
        if actor.role != Role::Doctor {
            return Err(DomainError::Forbidden);
        }
        if current.status != Validated {
            return Err(wrong_status(
                "not_validated",
                "addenda are for validated records; edit the record itself",
            ));
        }
        let mut tx = self.db.begin_write().await?;
        let addendum =
            store::add_addendum(&mut tx, id, actor.user_id, &text, now.as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        let stored = store::get(&mut tx, id)
            .await?
            .ok_or(DomainError::NotFound("consultation"))?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            consultation_id = id,
            addendum_id = addendum,
            "addendum added"
        );
        self.view(stored, actor.user_id, now).await
    }
}
