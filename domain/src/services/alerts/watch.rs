//! The periodic watches: unacknowledged critical alerts, low batteries, silent devices.

use jiff::{SignedDuration, Timestamp};

use super::{AlertService, BATTERY_RECHARGED, LOW_BATTERY};
use crate::error::{DomainError, DomainResult};
use crate::events::AlertChange;
use crate::notifications::Notice;
use crate::store::alerts::{self as store, NewAlert};
use crate::store::{care, db_error, notifications};
use crate::vitals::alerts::AlertLevel;

impl AlertService {
    /// Calls the care team in on critical alerts unacknowledged for `delay`:
    /// each doctor of the patient's care team is notified, once (several
    /// instances may run this; the first to mark an alert does it).
    pub async fn escalate_due(&self, now: Timestamp, delay: SignedDuration) -> DomainResult<usize> {
        let before = now
            .checked_sub(delay)
            .map_err(DomainError::internal)?
            .as_millisecond();
        let due = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::due_for_escalation(&mut conn, before).await?
        };
        let mut escalated = 0;
        for alert in due {
            let mut tx = self.db.begin_write().await?;
            if !store::mark_escalated(&mut tx, alert.id, now.as_millisecond()).await? {
                continue;
            }
            let notice = Notice::AlertEscalated {
                alert_id: alert.id,
                patient_name: alert.patient_name.clone(),
                title: alert.titre.clone(),
            };
            for doctor in care::doctors_of(&mut tx, alert.patient).await? {
                notifications::push(&mut tx, doctor, &notice).await?;
            }
            tx.commit().await.map_err(db_error)?;
            tracing::warn!(
                alert_id = alert.id,
                "unacknowledged critical alert escalated"
            );
            self.publish(AlertChange::Escalated, alert.id).await?;
            escalated += 1;
        }
        Ok(escalated)
    }

    /// Raises `new` unless its condition is already active; whether it did.
    async fn raise_once(&self, new: &NewAlert<'_>, now: Timestamp) -> DomainResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let Some(id) = store::raise(&mut conn, new, now.as_millisecond()).await? else {
            return Ok(false);
        };
        drop(conn);
        self.publish(AlertChange::Raised, id).await?;
        Ok(true)
    }

    /// Raises "low battery" (a warning) for active devices reporting
    /// [`LOW_BATTERY`] % or less, and clears it once one reports
    /// [`BATTERY_RECHARGED`] % or more (or is revoked or removed).
    pub async fn watch_batteries(&self, now: Timestamp) -> DomainResult<usize> {
        let (low, recharged) = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            (
                store::low_batteries(&mut conn, LOW_BATTERY).await?,
                store::recharged(&mut conn, BATTERY_RECHARGED).await?,
            )
        };
        for (patient_id, condition) in recharged {
            self.clear_condition(patient_id, &condition, None).await?;
        }
        let mut raised = 0;
        for (device_id, patient_id, name, battery) in low {
            let condition = format!("low_battery:{device_id}");
            let message = format!("{name} : batterie à {battery} %");
            let new = NewAlert {
                patient_id,
                device_id: Some(device_id),
                condition: &condition,
                level: AlertLevel::Warning,
                title: "Batterie faible",
                message: &message,
                value: Some(f64::from(battery)),
            };
            raised += usize::from(self.raise_once(&new, now).await?);
        }
        Ok(raised)
    }

    /// Raises "no signal" for active devices silent for `silence`.
    pub async fn watch_silence(
        &self,
        now: Timestamp,
        silence: SignedDuration,
    ) -> DomainResult<usize> {
        let before = now
            .checked_sub(silence)
            .map_err(DomainError::internal)?
            .as_millisecond();
        let silent = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::silent_devices(&mut conn, before).await?
        };
        let mut raised = 0;
        for (device_id, patient_id, name) in silent {
            let condition = format!("no_signal:{device_id}");
            let message = format!(
                "{name} : aucune mesure depuis plus de {} min",
                silence.as_secs() / 60
            );
            let new = NewAlert {
                patient_id,
                device_id: Some(device_id),
                condition: &condition,
                level: AlertLevel::Warning,
                title: "Pas de signal",
                message: &message,
                value: None,
            };
            raised += usize::from(self.raise_once(&new, now).await?);
        }
        Ok(raised)
    }
}
