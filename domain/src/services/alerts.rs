//! Alerts doctors can trust: evaluated on committed readings, one active
//! alert per patient and condition (repeats update its count, peak and last
//! value), cleared with hysteresis, acknowledged by a doctor in the patient's
//! care, escalated to the care team when a critical one stays
//! unacknowledged, and a "no signal" alert when an active device goes silent.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::events::{AlertChange, Event, Publisher};
use crate::notifications::Notice;
use crate::paging::{Page, PageRequest};
use crate::policy::Gate;
use crate::services::trail::{NewEntry, append_in};
use crate::store::alerts::{self as store, AlertFilter, NewAlert};
use crate::store::readings::{self, ReadingRow};
use crate::store::{Db, care, db_error, notifications};
use crate::trail::{Resource, TrailAction};
use crate::vitals::Vital;
use crate::vitals::alerts::{
    AlertLevel, AlertRule, Direction, RuleForm, RuleInForce, VitalAlert, holds, rules_for,
};
use crate::vitals::news2::{News2, Observations, Risk, Spo2Scale};

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

    /// Evaluates the rules on readings just committed (the readings writer
    /// hands each group here after acknowledging it).
    pub(crate) async fn evaluate(&self, rows: &[ReadingRow]) -> DomainResult<()> {
        // Per patient: the values of each vital in this pass (in order), the
        // device that sent each vital last, and every sender.
        let mut by_patient: BTreeMap<
            UserId,
            (
                BTreeMap<Vital, Vec<f64>>,
                BTreeMap<Vital, i64>,
                BTreeSet<i64>,
            ),
        > = BTreeMap::new();
        for row in rows {
            let entry = by_patient.entry(row.patient_id).or_default();
            entry
                .0
                .entry(row.reading.vital)
                .or_default()
                .push(row.reading.value);
            entry.1.insert(row.reading.vital, row.device_id);
            entry.2.insert(row.device_id);
        }
        for (patient_id, (values, devices, senders)) in by_patient {
            // A device that sends again is no longer silent (first, so that
            // an alert the rules raise below comes after it).
            for device_id in senders {
                self.clear_condition(patient_id, &format!("no_signal:{device_id}"), None)
                    .await?;
            }
            let own = {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                store::rules(&mut conn, patient_id).await?
            };
            let rules = rules_for(&own);
            for (&vital, batch) in &values {
                let of_vital: Vec<AlertRule> =
                    rules.iter().copied().filter(|r| r.vital == vital).collect();
                let device = devices.get(&vital).copied();
                self.evaluate_vital(patient_id, vital, device, &of_vital, batch)
                    .await?;
            }
            if values.keys().any(|v| v.counts_in_news2()) {
                self.evaluate_news2(patient_id).await?;
            }
        }
        Ok(())
    }

    async fn evaluate_vital(
        &self,
        patient_id: UserId,
        vital: Vital,
        device_id: Option<i64>,
        rules: &[AlertRule],
        batch: &[f64],
    ) -> DomainResult<()> {
        if rules.is_empty() {
            return Ok(());
        }
        let look_back = rules.iter().map(|r| r.for_seconds).max().unwrap_or(0);
        let needed = rules
            .iter()
            .map(|r| r.consecutive)
            .max()
            .unwrap_or(1)
            .max(1);
        let since = Timestamp::now()
            .checked_sub(SignedDuration::from_secs(i64::from(look_back) + 24 * 3600))
            .map_err(DomainError::internal)?;
        // Most of the time the newest few readings settle every rule; a
        // rule that must hold for a duration reads further back only while
        // the run of breaching readings goes on past them.
        let first = i64::from(needed).max(8);
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let mut recent =
            readings::recent(&mut conn, patient_id, vital, since.as_millisecond(), first).await?;
        let longer = recent.len() as i64 == first
            && rules
                .iter()
                .any(|r| r.for_seconds > 0 && recent.iter().all(|(_, v)| r.breaches(*v)));
        if longer {
            recent = readings::recent(
                &mut conn,
                patient_id,
                vital,
                since.as_millisecond(),
                first.max(200),
            )
            .await?;
        }
        drop(conn);
        let Some(&(_, latest)) = recent.first() else {
            return Ok(());
        };
        let mut conditions: BTreeMap<String, Vec<AlertRule>> = BTreeMap::new();
        for rule in rules {
            conditions.entry(rule.condition()).or_default().push(*rule);
        }
        for (condition, rules) in conditions {
            let top = rules
                .iter()
                .filter(|r| holds(r, &recent))
                .max_by_key(|r| r.level.rank());
            match top {
                Some(rule) => {
                    // Every reading of the pass in breach of the condition
                    // (at any of its levels) counts as a repeat.
                    let breaching: Vec<f64> = batch
                        .iter()
                        .copied()
                        .filter(|v| rules.iter().any(|r| r.breaches(*v)))
                        .collect();
                    // In breach only through readings stored since this pass's
                    // own: the pass that holds them raises or repeats it, and
                    // counts them once.
                    if breaching.is_empty() {
                        continue;
                    }
                    self.breach(patient_id, device_id, &condition, rule, latest, &breaching)
                        .await?
                }
                None => {
                    let least = rules.iter().min_by_key(|r| r.level.rank());
                    if least.is_some_and(|r| r.clears(latest)) {
                        self.clear_condition(patient_id, &condition, Some(latest))
                            .await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Raises a rule's alert, or repeats the active one.
    async fn breach(
        &self,
        patient_id: UserId,
        device_id: Option<i64>,
        condition: &str,
        rule: &AlertRule,
        value: f64,
        breaching: &[f64],
    ) -> DomainResult<()> {
        let spec = rule.vital.spec();
        let message = format!(
            "{} {value} {} ({} {} {})",
            rule.vital.as_str(),
            spec.symbol,
            match rule.direction {
                Direction::Below => "seuil <",
                Direction::Above => "seuil >",
            },
            rule.threshold,
            spec.symbol
        );
        let title = title(rule.vital, rule.direction);
        let new = NewAlert {
            patient_id,
            device_id,
            condition,
            level: rule.level,
            title: &title,
            message: &message,
            value: Some(value),
        };
        self.raise_or_repeat(&new, rule.direction, breaching).await
    }

    /// Raises `new`, or — one active alert per patient and condition — makes
    /// it a repeat of the active one (its level only ever rises; `worse_is`
    /// says which way the peak goes).
    /// Raises `new`'s alert or repeats the active one; `seen` are the values
    /// of this pass that breach (a pass may judge several readings at once),
    /// each a repeat.
    async fn raise_or_repeat(
        &self,
        new: &NewAlert<'_>,
        worse_is: Direction,
        seen: &[f64],
    ) -> DomainResult<()> {
        let now = Timestamp::now().as_millisecond();
        let value = new.value.unwrap_or_default();
        let extreme = seen.iter().fold(value, |a, b| worse(worse_is, a, *b));
        let times = i64::try_from(seen.len().max(1)).unwrap_or(1);
        loop {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            match store::active(&mut conn, new.patient_id, new.condition).await? {
                None => {
                    if let Some(id) = store::raise(&mut conn, new, now).await? {
                        if times > 1 {
                            store::repeat(
                                &mut conn,
                                id,
                                new.level,
                                value,
                                extreme,
                                new.title,
                                now,
                                times - 1,
                            )
                            .await?;
                        }
                        drop(conn);
                        tracing::info!(
                            patient_id = new.patient_id,
                            alert_id = id,
                            level = new.level.as_str(),
                            "alert raised"
                        );
                        return self.publish(AlertChange::Raised, id).await;
                    }
                    // Another instance raised it meanwhile: this one repeats it.
                }
                Some((id, level, peak)) => {
                    let level = if new.level.rank() > level.rank() {
                        new.level
                    } else {
                        level
                    };
                    let peak = worse(worse_is, peak.unwrap_or(value), extreme);
                    store::repeat(&mut conn, id, level, value, peak, new.title, now, times).await?;
                    drop(conn);
                    return self.publish(AlertChange::Updated, id).await;
                }
            }
        }
    }

    /// Scores NEWS2 on the patient's latest readings: medium risk (5–6)
    /// raises a critical alert, high (7 or more) an emergency one; the alert
    /// clears once the score is back to 3 or less.
    async fn evaluate_news2(&self, patient_id: UserId) -> DomainResult<()> {
        let latest = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            readings::latest(&mut conn, patient_id).await?
        };
        let seen = Observations::from_latest(&latest, Timestamp::now());
        let Some(news) = News2::score(&seen, Spo2Scale::One) else {
            return Ok(());
        };
        let score = f64::from(news.score);
        let (level, title) = match news.risk {
            Risk::High => (AlertLevel::Emergency, "NEWS2 : risque élevé"),
            Risk::Medium => (AlertLevel::Critical, "NEWS2 : risque moyen"),
            Risk::Low | Risk::LowMedium => {
                if news.score <= NEWS2_CLEARS_AT {
                    self.clear_condition(patient_id, NEWS2, Some(score)).await?;
                }
                return Ok(());
            }
        };
        let message = if news.complete() {
            format!("Score NEWS2 {}", news.score)
        } else {
            format!(
                "Score NEWS2 d’au moins {} ({} paramètre(s) non mesuré(s))",
                news.score,
                news.missing.len()
            )
        };
        let new = NewAlert {
            patient_id,
            device_id: None,
            condition: NEWS2,
            level,
            title,
            message: &message,
            value: Some(score),
        };
        self.raise_or_repeat(&new, Direction::Above, &[]).await
    }

    async fn clear_condition(
        &self,
        patient_id: UserId,
        condition: &str,
        value: Option<f64>,
    ) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        if let Some((id, _, _)) = store::active(&mut conn, patient_id, condition).await?
            && store::clear(&mut conn, id, value, Timestamp::now().as_millisecond()).await?
        {
            drop(conn);
            tracing::info!(patient_id, alert_id = id, "alert cleared");
            self.publish(AlertChange::Cleared, id).await?;
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
            .check(
                actor,
                TrailAction::Update,
                Resource::VitalAlert,
                alert.patient,
                Some(id.to_string()),
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
