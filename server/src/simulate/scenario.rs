//! The scenarios: how the four vitals of a simulated patient evolve over a
//! run, and the values each message carries.

use serde_json::{Value, json};

/// How the values of a simulated patient evolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Normal values with small variations.
    Stable,
    /// SpO2 falls and pulse, breathing and temperature rise over the run
    /// (alerts, then a high NEWS2).
    Deteriorating,
    /// SpO2 wavering around the 92 % threshold (hysteresis: one alert, no storm).
    Flapping,
    /// Sends for the first third of the run, then goes quiet ("no signal").
    Silent,
}

/// Four vitals of one message, or `None` when the device stays quiet.
pub fn values(scenario: Scenario, progress: f64, device: usize, step: u64) -> Option<Value> {
    let wobble =
        |period: f64| ((step as f64 + device as f64 * 7.0) / period * std::f64::consts::TAU).sin();
    let (spo2, pulse, breaths, temperature) = match scenario {
        Scenario::Stable | Scenario::Silent => {
            if scenario == Scenario::Silent && progress > 1.0 / 3.0 {
                return None;
            }
            (
                97.0 + wobble(17.0),
                72.0 + 4.0 * wobble(23.0),
                16.0 + wobble(11.0),
                36.8 + 0.1 * wobble(31.0),
            )
        }
        Scenario::Deteriorating => (
            97.0 - 12.0 * progress + 0.5 * wobble(13.0),
            75.0 + 55.0 * progress + 2.0 * wobble(19.0),
            16.0 + 12.0 * progress + 0.5 * wobble(11.0),
            36.9 + 2.4 * progress,
        ),
        Scenario::Flapping => (
            92.0 + 0.6 * wobble(4.0),
            76.0 + 3.0 * wobble(23.0),
            17.0,
            37.0,
        ),
    };
    Some(json!({
        "spo2": spo2.round(),
        "heart_rate": pulse.round(),
        "respiratory_rate": breaths.round(),
        "temperature": (temperature * 10.0).round() / 10.0,
    }))
}
