//! Vital signs: what a device may measure, in which unit, under which code,
//! and which values are physically plausible. Shared by the server (checking
//! what devices send) and the browser (cards, normal ranges).

use serde::{Deserialize, Serialize};

pub mod alerts;
pub mod charts;
pub mod news2;
#[cfg(feature = "server")]
pub mod parse;
pub mod readings;

pub use readings::{LatestValue, NewReading, Reading};

wire_enum! {
    /// One kind of measurement. The wire names are the keys seed clients use
    /// (`spo2`, `temperature`, `heart_rate`…).
    Vital {
        HeartRate => "heart_rate",
        RespiratoryRate => "respiratory_rate",
        Temperature => "temperature",
        Spo2 => "spo2",
        Systolic => "systolic",
        Diastolic => "diastolic",
        Glucose => "glucose",
        /// Supplemental oxygen flow; 0 means breathing air (NEWS2 reads it).
        OxygenFlow => "oxygen_flow",
        /// ACVPU: 0 alert, 1 new confusion, 2 voice, 3 pain, 4 unresponsive.
        Consciousness => "consciousness",
    }
}

/// What is known about one vital: codes, units and ranges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VitalSpec {
    /// LOINC code of the observation, where one exists.
    pub loinc: Option<&'static str>,
    /// Unit as a UCUM code (what is stored and sent as `unite`).
    pub ucum: &'static str,
    /// Unit as people read it.
    pub symbol: &'static str,
    /// Values outside this range are refused as physically implausible.
    pub plausible: (f64, f64),
    /// The usual range of a healthy adult at rest (cards colour outside it).
    pub normal: (f64, f64),
    /// Decimals worth showing.
    pub decimals: u8,
}

/// The LOINC panel systolic and diastolic pressures belong to.
pub const BLOOD_PRESSURE_PANEL: &str = "85354-9";

impl Vital {
    /// Codes, units and ranges of this vital.
    pub const fn spec(self) -> VitalSpec {
        const fn s(
            loinc: Option<&'static str>,
            ucum: &'static str,
            symbol: &'static str,
            plausible: (f64, f64),
            normal: (f64, f64),
            decimals: u8,
        ) -> VitalSpec {
            VitalSpec {
                loinc,
                ucum,
                symbol,
                plausible,
                normal,
                decimals,
            }
        }
        match self {
            Self::HeartRate => s(
                Some("8867-4"),
                "/min",
                "bpm",
                (20.0, 300.0),
                (60.0, 100.0),
                0,
            ),
            Self::RespiratoryRate => {
                s(Some("9279-1"), "/min", "/min", (2.0, 80.0), (12.0, 20.0), 0)
            }
            Self::Temperature => s(Some("8310-5"), "Cel", "°C", (25.0, 45.0), (36.1, 37.8), 1),
            Self::Spo2 => s(Some("59408-5"), "%", "%", (40.0, 100.0), (95.0, 100.0), 0),
            Self::Systolic => s(
                Some("8480-6"),
                "mm[Hg]",
                "mmHg",
                (40.0, 300.0),
                (90.0, 140.0),
                0,
            ),
            Self::Diastolic => s(
                Some("8462-4"),
                "mm[Hg]",
                "mmHg",
                (20.0, 200.0),
                (60.0, 90.0),
                0,
            ),
            Self::Glucose => s(
                Some("2339-0"),
                "mg/dL",
                "mg/dL",
                (10.0, 1000.0),
                (70.0, 140.0),
                0,
            ),
            Self::OxygenFlow => s(Some("3151-8"), "L/min", "L/min", (0.0, 60.0), (0.0, 0.0), 1),
            Self::Consciousness => s(None, "{score}", "ACVPU", (0.0, 4.0), (0.0, 0.0), 0),
        }
    }

    /// Other names devices use for this vital (French names, seed variants).
    pub fn parse_alias(raw: &str) -> Option<Self> {
        let key = raw.trim().to_ascii_lowercase();
        if let Some(vital) = Self::parse(&key) {
            return Some(vital);
        }
        Some(match key.as_str() {
            "hr" | "pulse" | "bpm" | "frequence_cardiaque" | "pouls" => Self::HeartRate,
            "rr" | "resp_rate" | "frequence_respiratoire" => Self::RespiratoryRate,
            "temp" | "body_temperature" | "temperature_corporelle" => Self::Temperature,
            "sp_o2" | "oxygen_saturation" | "saturation" | "saturation_oxygene" => Self::Spo2,
            "systolic_bp" | "blood_pressure_systolic" | "tension_systolique" | "pas" => {
                Self::Systolic
            }
            "diastolic_bp" | "blood_pressure_diastolic" | "tension_diastolique" | "pad" => {
                Self::Diastolic
            }
            "glucose_level" | "glycemie" | "blood_glucose" => Self::Glucose,
            "o2_flow" | "supplemental_oxygen" | "debit_oxygene" => Self::OxygenFlow,
            "acvpu" | "avpu" | "conscience" => Self::Consciousness,
            _ => return None,
        })
    }

    /// Whether `value` lies in the plausible range (NaN and infinities never do).
    pub fn plausible(self, value: f64) -> bool {
        let (low, high) = self.spec().plausible;
        value.is_finite() && value >= low && value <= high
    }

    /// Where `value` stands against the normal range.
    pub fn status(self, value: f64) -> VitalStatus {
        let (low, high) = self.spec().normal;
        if value < low {
            VitalStatus::Low
        } else if value > high {
            VitalStatus::High
        } else {
            VitalStatus::Normal
        }
    }

    /// Whether NEWS2 reads this vital.
    pub fn counts_in_news2(self) -> bool {
        !matches!(self, Self::Diastolic | Self::Glucose)
    }

    /// A small code stored in the readings table (compact rows).
    pub fn code(self) -> i16 {
        match self {
            Self::HeartRate => 1,
            Self::RespiratoryRate => 2,
            Self::Temperature => 3,
            Self::Spo2 => 4,
            Self::Systolic => 5,
            Self::Diastolic => 6,
            Self::Glucose => 7,
            Self::OxygenFlow => 8,
            Self::Consciousness => 9,
        }
    }

    /// The vital of a stored code.
    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| i64::from(v.code()) == code)
    }
}

/// A value against its normal range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VitalStatus {
    Low,
    Normal,
    High,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for vital in Vital::ALL {
            assert_eq!(Vital::from_code(i64::from(vital.code())), Some(*vital));
            assert_eq!(Vital::parse(vital.as_str()), Some(*vital));
        }
        let mut codes: Vec<i16> = Vital::ALL.iter().map(|v| v.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), Vital::ALL.len());
    }

    #[test]
    fn loinc_codes_are_the_published_ones() {
        assert_eq!(Vital::HeartRate.spec().loinc, Some("8867-4"));
        assert_eq!(Vital::RespiratoryRate.spec().loinc, Some("9279-1"));
        assert_eq!(Vital::Temperature.spec().loinc, Some("8310-5"));
        assert_eq!(Vital::Spo2.spec().loinc, Some("59408-5"));
        assert_eq!(Vital::Systolic.spec().loinc, Some("8480-6"));
        assert_eq!(Vital::Diastolic.spec().loinc, Some("8462-4"));
        assert_eq!(Vital::Glucose.spec().loinc, Some("2339-0"));
    }

    #[test]
    fn plausibility_refuses_nonsense() {
        assert!(Vital::Spo2.plausible(97.0));
        assert!(!Vital::Spo2.plausible(101.0));
        assert!(!Vital::HeartRate.plausible(f64::NAN));
        assert!(!Vital::Temperature.plausible(f64::INFINITY));
        assert!(!Vital::Temperature.plausible(98.6), "Fahrenheit is refused");
        assert_eq!(Vital::parse_alias("Pouls"), Some(Vital::HeartRate));
        assert_eq!(Vital::parse_alias("unknown"), None);
    }

    #[test]
    fn status_against_normal_range() {
        assert_eq!(Vital::Spo2.status(90.0), VitalStatus::Low);
        assert_eq!(Vital::Temperature.status(38.4), VitalStatus::High);
        assert_eq!(Vital::HeartRate.status(72.0), VitalStatus::Normal);
    }
}
