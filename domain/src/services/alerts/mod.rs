//! Alerts doctors can trust: evaluated on committed readings, one active
//! alert per patient and condition (repeats update its count, peak and last
//! value), cleared with hysteresis, acknowledged by a doctor in the patient's
//! care, escalated to the care team when a critical one stays
//! unacknowledged, and a "no signal" alert when an active device goes silent.

mod evaluate;
mod watch;

use std::collections::BTreeSet;

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::events::{AlertChange, Event, Publisher};
use crate::paging::{Page, PageRequest};
use crate::policy::Gate;
use crate::services::trail::{NewEntry, append_in};
use crate::store::alerts::{self as store, AlertFilter};
use crate::store::{Db, db_error};
use crate::trail::{Resource, TrailAction};
use crate::vitals::Vital;
use crate::vitals::alerts::{
    AlertLevel, AlertRule, Direction, RuleForm, RuleInForce, VitalAlert, rules_for,
};

/// A device battery at or below this many percent raises "low battery"…
pub const LOW_BATTERY: i32 = 15;
/// …which clears once the device reports this much again.
pub const BATTERY_RECHARGED: i32 = 25;

/// The condition of NEWS2 alerts.
const NEWS2: &str = "news2";
/// A NEWS2 alert clears at this score or below (hysteresis: a score
/// wavering between 4 and 5 does not raise and clear in turn).
const NEWS2_CLEARS_AT: u8 = 3;

fn in_force(own: &[AlertRule]) -> Vec<RuleInForce> {
    rules_for(own)
        .into_iter()
        .map(|rule| RuleInForce {
            rule,
            own: own.contains(&rule),
        })
        .collect()
}

/// Which alerts to list (a query string, checked here).
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    pub patient: Option<UserId>,
    pub only_active: bool,
    pub only_critical: bool,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Alert operations; cheap to clone.
#[derive(Clone)]
pub struct AlertService {
    db: Db,
    gate: Gate,
    bus: Publisher,
    /// Alerts raised by this instance since start, by level (for `/metrics`).
    raised: std::sync::Arc<[std::sync::atomic::AtomicU64; 4]>,
}

fn title(vital: Vital, direction: Direction) -> String {
    let name = match vital {
        Vital::HeartRate => "Fréquence cardiaque",
        Vital::RespiratoryRate => "Fréquence respiratoire",
        Vital::Temperature => "Température",
        Vital::Spo2 => "SpO2",
        Vital::Systolic => "Pression systolique",
        Vital::Diastolic => "Pression diastolique",
        Vital::Glucose => "Glycémie",
        Vital::OxygenFlow => "Débit d’oxygène",
        Vital::Consciousness => "Conscience",
    };
    let side = match direction {
        Direction::Below => "basse",
        Direction::Above => "élevée",
    };
    format!("{name} {side}")
}

fn worse(direction: Direction, a: f64, b: f64) -> f64 {
    match direction {
        Direction::Below => a.min(b),
        Direction::Above => a.max(b),
    }
}

impl AlertService {
    pub(crate) fn new(db: Db, gate: Gate, bus: Publisher) -> Self {
        Self {
            db,
            gate,
            bus,
            raised: std::sync::Arc::new(Default::default()),
        }
    }

    /// Alerts raised by this instance since start, per level.
    pub fn raised_totals(&self) -> Vec<(AlertLevel, u64)> {
        AlertLevel::ALL
            .iter()
            .map(|level| {
                (
                    *level,
                    self.raised[usize::from(level.rank())]
                        .load(std::sync::atomic::Ordering::Relaxed),
                )
            })
            .collect()
    }

    async fn publish(&self, change: AlertChange, id: i64) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        if let Some(alert) = store::find(&mut conn, id).await? {
            if change == AlertChange::Raised {
                self.raised[usize::from(alert.niveau.rank())]
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            self.bus.publish(Event::Alert {
                change,
                alert: Box::new(alert),
            });
        }
        Ok(())
    }

    /// Alerts the actor may see: a patient's own, a doctor's patients' (or one
    /// patient's), newest first. One trail entry per patient on the page.
    pub async fn list(
        &self,
        actor: &Principal,
        query: &AlertQuery,
    ) -> DomainResult<Page<VitalAlert>> {
        let paging = PageRequest::parse(query.page, query.per_page)?;
        if query.patient.is_some_and(|p| p < 1) {
            return Err(DomainError::invalid(
                "patient_id",
                crate::bounds::OUT_OF_RANGE,
                "must be a patient's id",
            ));
        }
        let mut filter = AlertFilter {
            patient_id: query.patient,
            cared_by: None,
            only_active: query.only_active,
            min_level: query.only_critical.then_some(AlertLevel::Critical),
        };
        // A doctor naming a patient gets the gate's entry for them (flagged
        // when the access is an emergency one).
        let mut granted = None;
        match (actor.role, query.patient) {
            (Role::Patient, Some(p)) if p != actor.user_id => return Err(DomainError::Forbidden),
            (Role::Patient, _) => filter.patient_id = Some(actor.user_id),
            (Role::Doctor, None) => filter.cared_by = Some(actor.user_id),
            (Role::Doctor, Some(patient)) => {
                granted = self
                    .gate
                    .check(
                        actor,
                        TrailAction::Read,
                        Resource::VitalAlert,
                        patient,
                        None,
                        Timestamp::now(),
                    )
                    .await
                    .map(Some)?;
            }
            // Alerts carry clinical values: not for administrators.
            (Role::Admin, _) => return Err(DomainError::Forbidden),
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (alerts, count) =
            store::list(&mut conn, &filter, paging.per_page, paging.offset()).await?;
        drop(conn);
        let patients: BTreeSet<UserId> = alerts.iter().map(|a| a.patient).collect();
        let entries = patients
            .into_iter()
            .map(|p| match &granted {
                Some(granted) => granted.entry.clone(),
                None => NewEntry::by(actor, TrailAction::Read, Resource::VitalAlert, p),
            })
            .collect();
        self.gate.trail().record(entries).await?;
        Ok(paging.of(alerts, count))
    }

    /// Whether `actor` may see `alert` (live feeds filter with it; not a
    /// read of its own: the feed's opening was recorded).
    pub async fn may_see(&self, actor: &Principal, alert: &VitalAlert) -> DomainResult<bool> {
        let relation = self
            .gate
            .relation(actor, alert.patient, Timestamp::now())
            .await?;
        Ok(crate::policy::allows(
            actor.role,
            relation,
            TrailAction::Read,
            Resource::VitalAlert,
        ))
    }

    /// A doctor of the patient's care team acknowledges an alert; the change
    /// and its trail entry commit together.
    pub async fn acknowledge(&self, actor: &Principal, id: i64) -> DomainResult<VitalAlert> {
        let alert = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::find(&mut conn, id)
                .await?
                .ok_or(DomainError::NotFound("alert"))?
        };
        let granted = self
            .gate
            .check_or_hide(
                actor,
                TrailAction::Update,
                Resource::VitalAlert,
                alert.patient,
                id,
                "alert",
                Timestamp::now(),
            )
            .await?;
        let mut tx = self.db.begin_write().await?;
        if !store::acknowledge(
            &mut tx,
            id,
            actor.user_id,
            Timestamp::now().as_millisecond(),
        )
        .await?
        {
            return Err(DomainError::Conflict {
                field: None,
                code: "already_acknowledged",
                message: "this alert has already been acknowledged".into(),
            });
        }
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        tx.commit().await.map_err(db_error)?;
        self.publish(AlertChange::Acknowledged, id).await?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::find(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("alert"))
    }

    /// The rules in force for a patient (defaults and their doctor's own); a
    /// read of the patient's alert settings, recorded.
    pub async fn rules(
        &self,
        actor: &Principal,
        patient_id: UserId,
    ) -> DomainResult<Vec<RuleInForce>> {
        let db = self.db.clone();
        let own = self
            .gate
            .read(
                actor,
                Resource::VitalAlert,
                patient_id,
                Some("rules".into()),
                async move {
                    let mut conn = db.pool().acquire().await.map_err(db_error)?;
                    store::rules(&mut conn, patient_id).await
                },
            )
            .await?;
        Ok(in_force(&own))
    }

    /// A doctor of the patient's care team replaces the patient's own
    /// thresholds (an empty list restores the defaults).
    pub async fn set_rules(
        &self,
        actor: &Principal,
        patient_id: UserId,
        forms: &[RuleForm],
    ) -> DomainResult<Vec<RuleInForce>> {
        if forms.len() > 50 {
            return Err(DomainError::invalid(
                "rules",
                "too_many",
                "at most 50 thresholds",
            ));
        }
        let rules = forms
            .iter()
            .map(RuleForm::parse)
            .collect::<DomainResult<Vec<_>>>()?;
        let mut kinds: Vec<_> = rules
            .iter()
            .map(|r| (r.vital, r.direction, r.level))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        if kinds.len() != rules.len() {
            return Err(DomainError::invalid(
                "rules",
                "duplicate_rule",
                "one threshold per vital, direction and level",
            ));
        }
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Update,
                Resource::VitalAlert,
                patient_id,
                Some("rules".into()),
                Timestamp::now(),
            )
            .await?;
        if actor.role != Role::Doctor || granted.relation != crate::policy::Relation::Care {
            return Err(DomainError::Forbidden);
        }
        let mut tx = self.db.begin_write().await?;
        store::replace_rules(
            &mut tx,
            patient_id,
            &rules,
            actor.user_id,
            Timestamp::now().as_millisecond(),
        )
        .await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry]).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(in_force(&rules))
    }
}
