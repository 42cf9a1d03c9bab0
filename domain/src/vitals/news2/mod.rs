//! NEWS2, the Royal College of Physicians' National Early Warning Score 2
//! (2017): seven parameters scored 0–3 each, summed, and read as a clinical
//! risk. Pure (the browser shows it too); computed from a patient's latest
//! readings.
//!
//! A device rarely measures all seven. The score of the parameters present is
//! then a lower bound of the full score (every parameter scores at least 0):
//! it is shown as partial, with what is missing, and an alert raised on a
//! partial score is never a false one.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{LatestValue, Reading, Vital};

/// Readings older than this do not count towards the score.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(12);

wire_enum! {
    /// One of the seven NEWS2 parameters.
    Parameter {
        RespiratoryRate => "respiratory_rate",
        Spo2 => "spo2",
        /// Breathing air or supplemental oxygen.
        AirOrOxygen => "air_or_oxygen",
        Systolic => "systolic",
        Pulse => "pulse",
        Consciousness => "consciousness",
        Temperature => "temperature",
    }
}

wire_enum! {
    /// The chart's clinical risk.
    Risk {
        /// Aggregate 0–4.
        Low => "low",
        /// Aggregate 0–4 but one parameter scores 3 (a "red score").
        LowMedium => "low_medium",
        /// Aggregate 5–6.
        Medium => "medium",
        /// Aggregate 7 or more.
        High => "high",
    }
}

wire_enum! {
    /// Which SpO2 scale: 1 for most patients; 2 only for a patient with
    /// hypercapnic respiratory failure whose target (88–92 %) a clinician set.
    Spo2Scale {
        One => "1",
        Two => "2",
    }
}

/// The values the score reads (`None`: not measured recently).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Observations {
    /// Breaths per minute.
    pub respiratory_rate: Option<f64>,
    /// Percent.
    pub spo2: Option<f64>,
    /// Supplemental oxygen (a flow above 0 L/min).
    pub on_oxygen: Option<bool>,
    /// mmHg.
    pub systolic: Option<f64>,
    /// Beats per minute.
    pub pulse: Option<f64>,
    /// ACVPU: 0 alert; 1 new confusion, 2 voice, 3 pain, 4 unresponsive.
    pub consciousness: Option<f64>,
    /// °C.
    pub temperature: Option<f64>,
}

impl Observations {
    /// The latest readings measured within [`MAX_AGE`] before `now`.
    pub fn from_latest(readings: &[Reading], now: Timestamp) -> Self {
        Self::from_values(
            readings
                .iter()
                .map(|r| (r.type_donnee, r.valeur, r.timestamp)),
            now,
        )
    }

    /// The latest values by wire name (`spo2`, …) as dashboards merge them.
    pub fn from_map(latest: &BTreeMap<String, LatestValue>, now: Timestamp) -> Self {
        Self::from_values(
            latest
                .iter()
                .filter_map(|(k, v)| Some((Vital::parse(k)?, v.valeur, v.timestamp))),
            now,
        )
    }

    /// Values `(vital, value, measured at)`; those older than [`MAX_AGE`]
    /// before `now` do not count.
    pub fn from_values(
        values: impl IntoIterator<Item = (Vital, f64, Timestamp)>,
        now: Timestamp,
    ) -> Self {
        let mut seen = Self::default();
        for (vital, valeur, at) in values {
            if now.duration_since(at) > MAX_AGE {
                continue;
            }
            let value = Some(valeur);
            match vital {
                Vital::RespiratoryRate => seen.respiratory_rate = value,
                Vital::Spo2 => seen.spo2 = value,
                Vital::OxygenFlow => seen.on_oxygen = Some(valeur > 0.0),
                Vital::Systolic => seen.systolic = value,
                Vital::HeartRate => seen.pulse = value,
                Vital::Consciousness => seen.consciousness = value,
                Vital::Temperature => seen.temperature = value,
                Vital::Diastolic | Vital::Glucose => {}
            }
        }
        seen
    }

    /// Whether anything NEWS2 reads was measured.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One parameter's contribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub parameter: Parameter,
    /// The value scored (1 for oxygen, 0 for air).
    pub value: f64,
    pub score: u8,
}

/// A patient's NEWS2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct News2 {
    /// Sum of the parts (a lower bound when parameters are missing).
    pub score: u8,
    pub risk: Risk,
    pub parts: Vec<Part>,
    /// Parameters not measured recently; empty when the score is complete.
    pub missing: Vec<Parameter>,
}

impl News2 {
    /// Whether all seven parameters were measured.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// Scores `seen` (`None` when nothing NEWS2 reads was measured).
    pub fn score(seen: &Observations, scale: Spo2Scale) -> Option<Self> {
        if seen.is_empty() {
            return None;
        }
        let mut parts = Vec::with_capacity(7);
        let mut missing = Vec::new();
        let mut add = |parameter: Parameter, value: Option<f64>, score: fn(f64) -> u8| match value {
            Some(value) => parts.push(Part {
                parameter,
                value,
                score: score(value),
            }),
            None => missing.push(parameter),
        };
        add(
            Parameter::RespiratoryRate,
            seen.respiratory_rate,
            respiratory_rate,
        );
        let on_oxygen = seen.on_oxygen.unwrap_or(false);
        match scale {
            Spo2Scale::One => add(Parameter::Spo2, seen.spo2, spo2_scale_1),
            Spo2Scale::Two if on_oxygen => add(Parameter::Spo2, seen.spo2, spo2_scale_2_oxygen),
            Spo2Scale::Two => add(Parameter::Spo2, seen.spo2, spo2_scale_2_air),
        }
        add(
            Parameter::AirOrOxygen,
            seen.on_oxygen.map(|o| if o { 1.0 } else { 0.0 }),
            |o| if o > 0.0 { 2 } else { 0 },
        );
        add(Parameter::Systolic, seen.systolic, systolic);
        add(Parameter::Pulse, seen.pulse, pulse);
        add(Parameter::Consciousness, seen.consciousness, |c| {
            if c.round() >= 1.0 { 3 } else { 0 }
        });
        add(Parameter::Temperature, seen.temperature, temperature);
        let score: u8 = parts.iter().map(|p| p.score).sum();
        let red = parts.iter().any(|p| p.score == 3);
        let risk = match score {
            7.. => Risk::High,
            5..=6 => Risk::Medium,
            _ if red => Risk::LowMedium,
            _ => Risk::Low,
        };
        Some(Self {
            score,
            risk,
            parts,
            missing,
        })
    }
}

/// Values are charted as whole numbers (temperature to a tenth).
fn whole(value: f64) -> i64 {
    value.round() as i64
}

fn respiratory_rate(value: f64) -> u8 {
    match whole(value) {
        ..=8 => 3,
        9..=11 => 1,
        12..=20 => 0,
        21..=24 => 2,
        _ => 3,
    }
}

fn spo2_scale_1(value: f64) -> u8 {
    match whole(value) {
        ..=91 => 3,
        92..=93 => 2,
        94..=95 => 1,
        _ => 0,
    }
}

fn spo2_scale_2_air(value: f64) -> u8 {
    match whole(value) {
        ..=83 => 3,
        84..=85 => 2,
        86..=87 => 1,
        _ => 0,
    }
}

fn spo2_scale_2_oxygen(value: f64) -> u8 {
    match whole(value) {
        ..=83 => 3,
        84..=85 => 2,
        86..=87 => 1,
        88..=92 => 0,
        93..=94 => 1,
        95..=96 => 2,
        _ => 3,
    }
}

fn systolic(value: f64) -> u8 {
    match whole(value) {
        ..=90 => 3,
        91..=100 => 2,
        101..=110 => 1,
        111..=219 => 0,
        _ => 3,
    }
}

fn pulse(value: f64) -> u8 {
    match whole(value) {
        ..=40 => 3,
        41..=50 => 1,
        51..=90 => 0,
        91..=110 => 1,
        111..=130 => 2,
        _ => 3,
    }
}

fn temperature(value: f64) -> u8 {
    // Tenths of a degree, so that 35.05 and 38.04 fall where the chart puts them.
    match (value * 10.0).round() as i64 {
        ..=350 => 3,
        351..=360 => 1,
        361..=380 => 0,
        381..=390 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests;
