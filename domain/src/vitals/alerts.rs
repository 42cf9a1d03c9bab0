//! Alerts on vital signs: levels, conditions, and the rules that raise and
//! clear them. Pure types and rules (the browser shows them too); storing
//! and evaluating them lives in `services::alerts`.
//!
//! A rule watches one vital in one direction: it breaches when the value is
//! past `threshold`, and — hysteresis — the alert it raised clears only once
//! the value is back past `clear_at`, so a value hovering at the threshold
//! does not raise and clear in turn. A rule may require the breach to hold
//! for `for_seconds` or for `consecutive` readings in a row. Per-patient
//! thresholds set by the patient's doctor replace the defaults.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Vital;
use crate::accounts::UserId;

wire_enum! {
    /// How urgent an alert is (seed 001's `niveau`).
    AlertLevel {
        Info => "info",
        Warning => "warning",
        Critical => "critical",
        Emergency => "emergency",
    }
}

impl AlertLevel {
    /// Ordering by urgency.
    pub fn rank(self) -> u8 {
        match self {
            Self::Info => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Emergency => 3,
        }
    }
}

wire_enum! {
    /// Which side of the threshold breaches.
    Direction {
        Below => "below",
        Above => "above",
    }
}

/// One threshold rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRule {
    pub vital: Vital,
    pub direction: Direction,
    pub level: AlertLevel,
    /// Breaches strictly past this value (`below`: value < threshold;
    /// `above`: value > threshold, or ≥ when `inclusive`).
    pub threshold: f64,
    /// Whether the threshold itself breaches.
    pub inclusive: bool,
    /// The alert clears once the value is back this far (`below`: value ≥
    /// clear_at; `above`: value ≤ clear_at).
    pub clear_at: f64,
    /// The breach must hold this long (0: at once).
    pub for_seconds: u32,
    /// …and for this many readings in a row (1: at once).
    pub consecutive: u32,
}

impl AlertRule {
    const fn new(
        vital: Vital,
        direction: Direction,
        level: AlertLevel,
        threshold: f64,
        inclusive: bool,
        clear_at: f64,
    ) -> Self {
        Self {
            vital,
            direction,
            level,
            threshold,
            inclusive,
            clear_at,
            for_seconds: 0,
            consecutive: 1,
        }
    }

    /// Whether `value` breaches.
    pub fn breaches(&self, value: f64) -> bool {
        match (self.direction, self.inclusive) {
            (Direction::Below, false) => value < self.threshold,
            (Direction::Below, true) => value <= self.threshold,
            (Direction::Above, false) => value > self.threshold,
            (Direction::Above, true) => value >= self.threshold,
        }
    }

    /// Whether `value` clears an alert this rule raised.
    pub fn clears(&self, value: f64) -> bool {
        match self.direction {
            Direction::Below => value >= self.clear_at,
            Direction::Above => value <= self.clear_at,
        }
    }

    /// The condition an alert of this rule is about: one active alert per
    /// patient and condition (warning and critical of one side share it).
    pub fn condition(&self) -> String {
        let side = match self.direction {
            Direction::Below => "low",
            Direction::Above => "high",
        };
        format!("{}_{side}", self.vital.as_str())
    }
}

/// The clinical defaults (adult, at rest), used where the patient's doctor set
/// no threshold of their own.
pub fn default_rules() -> Vec<AlertRule> {
    use AlertLevel::{Critical, Warning};
    use Direction::{Above, Below};
    vec![
        AlertRule::new(Vital::Spo2, Below, Warning, 92.0, false, 93.0),
        AlertRule::new(Vital::Spo2, Below, Critical, 88.0, false, 90.0),
        AlertRule::new(Vital::HeartRate, Below, Warning, 50.0, false, 52.0),
        AlertRule::new(Vital::HeartRate, Below, Critical, 40.0, false, 43.0),
        AlertRule::new(Vital::HeartRate, Above, Warning, 120.0, false, 115.0),
        AlertRule::new(Vital::HeartRate, Above, Critical, 140.0, false, 135.0),
        AlertRule::new(Vital::Temperature, Above, Warning, 38.0, true, 37.8),
        AlertRule::new(Vital::Temperature, Above, Critical, 39.5, true, 39.2),
        AlertRule::new(Vital::RespiratoryRate, Above, Warning, 24.0, false, 22.0),
        AlertRule::new(Vital::RespiratoryRate, Below, Critical, 8.0, true, 10.0),
        AlertRule::new(Vital::Systolic, Below, Warning, 90.0, true, 95.0),
        AlertRule::new(Vital::Systolic, Above, Critical, 220.0, true, 200.0),
        AlertRule::new(Vital::Glucose, Below, Critical, 54.0, false, 70.0),
        AlertRule::new(Vital::Glucose, Above, Warning, 300.0, false, 250.0),
    ]
}

/// The rules in force for a patient: their own thresholds replace the
/// defaults of the same vital, direction and level.
pub fn rules_for(own: &[AlertRule]) -> Vec<AlertRule> {
    let mut rules: Vec<AlertRule> = default_rules()
        .into_iter()
        .filter(|d| {
            !own.iter()
                .any(|o| o.vital == d.vital && o.direction == d.direction && o.level == d.level)
        })
        .collect();
    rules.extend_from_slice(own);
    rules
}

/// Whether a rule holds over a vital's recent readings (newest first): the
/// newest `consecutive` all breach, and when `for_seconds` is set, every
/// reading back to that long before the newest breaches and the breach is
/// at least that old.
pub fn holds(rule: &AlertRule, newest_first: &[(Timestamp, f64)]) -> bool {
    let needed = rule.consecutive.max(1) as usize;
    if newest_first.len() < needed
        || !newest_first[..needed]
            .iter()
            .all(|(_, v)| rule.breaches(*v))
    {
        return false;
    }
    if rule.for_seconds == 0 {
        return true;
    }
    let Some((newest, _)) = newest_first.first() else {
        return false;
    };
    let window = jiff::SignedDuration::from_secs(i64::from(rule.for_seconds));
    let mut oldest_breach = *newest;
    for (at, value) in newest_first {
        if !rule.breaches(*value) {
            break;
        }
        oldest_breach = *at;
        if newest.duration_since(*at) >= window {
            return true;
        }
    }
    newest.duration_since(oldest_breach) >= window
}

/// A rule in force for a patient: the clinical default, or their doctor's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInForce {
    #[serde(flatten)]
    pub rule: AlertRule,
    /// Set by the patient's doctor (false: the clinical default).
    pub own: bool,
}

/// One threshold as a doctor's form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleForm {
    #[cfg_attr(feature = "openapi", schema(value_type = Vital))]
    pub vital: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Direction))]
    pub direction: String,
    #[cfg_attr(feature = "openapi", schema(value_type = AlertLevel))]
    pub level: String,
    pub threshold: f64,
    /// Where the alert clears (hysteresis); the threshold itself by default.
    #[serde(default)]
    pub clear_at: Option<f64>,
    #[serde(default)]
    pub inclusive: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 3600))]
    pub for_seconds: u32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub consecutive: Option<u32>,
}

impl RuleForm {
    /// Checks the form; errors name the field.
    pub fn parse(&self) -> Result<AlertRule, crate::DomainError> {
        use crate::DomainError;
        let vital = Vital::parse(self.vital.trim())
            .ok_or_else(|| DomainError::invalid("vital", "invalid_choice", "unknown vital"))?;
        let direction = Direction::parse(self.direction.trim()).ok_or_else(|| {
            DomainError::invalid("direction", "invalid_choice", "must be below or above")
        })?;
        let level = AlertLevel::parse(self.level.trim()).ok_or_else(|| {
            DomainError::invalid(
                "level",
                "invalid_choice",
                "must be info, warning, critical or emergency",
            )
        })?;
        if !vital.plausible(self.threshold) {
            return Err(DomainError::invalid(
                "threshold",
                crate::bounds::OUT_OF_RANGE,
                "outside the vital's plausible range",
            ));
        }
        let clear_at = self.clear_at.unwrap_or(self.threshold);
        let on_the_safe_side = match direction {
            Direction::Below => clear_at >= self.threshold,
            Direction::Above => clear_at <= self.threshold,
        };
        if !vital.plausible(clear_at) || !on_the_safe_side {
            return Err(DomainError::invalid(
                "clear_at",
                "invalid_hysteresis",
                "the clearing value must lie on the safe side of the threshold",
            ));
        }
        if self.for_seconds > 3600 {
            return Err(DomainError::invalid(
                "for_seconds",
                crate::bounds::OUT_OF_RANGE,
                "at most 3600 seconds",
            ));
        }
        let consecutive = self.consecutive.unwrap_or(1);
        if !(1..=100).contains(&consecutive) {
            return Err(DomainError::invalid(
                "consecutive",
                crate::bounds::OUT_OF_RANGE,
                "from 1 to 100 readings",
            ));
        }
        Ok(AlertRule {
            vital,
            direction,
            level,
            threshold: self.threshold,
            inclusive: self.inclusive,
            clear_at,
            for_seconds: self.for_seconds,
            consecutive,
        })
    }
}

/// An alert as people and seed clients read it (seed 001's `AlertesIoT`
/// names, with what repeats did to it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VitalAlert {
    pub id: i64,
    pub patient: UserId,
    pub patient_name: String,
    /// The device whose reading raised it, when one did.
    pub dispositif: Option<i64>,
    /// That device's name.
    pub device_name: Option<String>,
    /// What it is about (`spo2_low`, `news2`, `no_signal:12`…).
    pub condition: String,
    pub niveau: AlertLevel,
    pub titre: String,
    pub message: String,
    /// The value that raised it, the worst since, and the latest.
    pub first_value: Option<f64>,
    pub peak_value: Option<f64>,
    pub last_value: Option<f64>,
    /// Readings that breached while it was active.
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub date_creation: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// Set once the condition is over.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub cleared_at: Option<Timestamp>,
    pub acquittee: bool,
    pub acquittee_par: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub date_acquittement: Option<Timestamp>,
    /// When the patient's other doctors were called in.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub escalated_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn hysteresis_separates_raising_from_clearing() {
        let rule = default_rules()[0];
        assert_eq!(rule.condition(), "spo2_low");
        assert!(rule.breaches(91.0) && !rule.breaches(92.0));
        assert!(
            !rule.clears(92.0),
            "92 % no longer breaches but does not clear yet"
        );
        assert!(rule.clears(93.0));
        let fever = AlertRule::new(
            Vital::Temperature,
            Direction::Above,
            AlertLevel::Warning,
            38.0,
            true,
            37.8,
        );
        assert!(
            fever.breaches(38.0)
                && !fever.breaches(37.9)
                && !fever.clears(37.9)
                && fever.clears(37.8)
        );
    }

    #[test]
    fn own_thresholds_replace_the_defaults_of_their_kind() {
        let own = AlertRule {
            threshold: 85.0,
            clear_at: 88.0,
            ..default_rules()[0]
        };
        let rules = rules_for(&[own]);
        let spo2_warnings: Vec<_> = rules
            .iter()
            .filter(|r| r.vital == Vital::Spo2 && r.level == AlertLevel::Warning)
            .collect();
        assert_eq!(spo2_warnings.len(), 1);
        assert_eq!(spo2_warnings[0].threshold, 85.0);
        assert_eq!(rules.len(), default_rules().len());
    }

    #[test]
    fn duration_and_consecutive_readings() {
        let mut rule = default_rules()[0];
        rule.consecutive = 3;
        assert!(!holds(
            &rule,
            &[(at(2), 90.0), (at(1), 90.0), (at(0), 95.0)]
        ));
        assert!(holds(&rule, &[(at(3), 90.0), (at(2), 90.0), (at(1), 91.0)]));
        rule.consecutive = 1;
        rule.for_seconds = 60;
        assert!(
            !holds(&rule, &[(at(30), 90.0), (at(0), 90.0)]),
            "30 s of breach is not 60"
        );
        assert!(holds(
            &rule,
            &[(at(70), 90.0), (at(30), 90.0), (at(5), 90.0)]
        ));
        assert!(
            !holds(&rule, &[(at(70), 90.0), (at(30), 95.0), (at(0), 90.0)]),
            "interrupted"
        );
        assert!(!holds(&rule, &[]));
    }

    #[test]
    fn levels_order_by_urgency() {
        let ranks: Vec<u8> = AlertLevel::ALL.iter().map(|l| l.rank()).collect();
        assert_eq!(ranks, vec![0, 1, 2, 3]);
    }
}
