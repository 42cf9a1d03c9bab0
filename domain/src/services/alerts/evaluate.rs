//! The alert rules judging committed readings: per patient, each vital's
//! rules on the stored readings (levels, lasting and repeated breaches,
//! hysteresis), NEWS2, and devices that send again after a silence.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use super::{AlertService, NEWS2, NEWS2_CLEARS_AT, title, worse};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::events::AlertChange;
use crate::store::alerts::{self as store, NewAlert};
use crate::store::db_error;
use crate::store::readings::{self, ReadingRow};
use crate::vitals::Vital;
use crate::vitals::alerts::{AlertLevel, AlertRule, Direction, holds, rules_for};
use crate::vitals::news2::{News2, Observations, Risk, Spo2Scale};

impl AlertService {
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

    pub(super) async fn clear_condition(
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
}
