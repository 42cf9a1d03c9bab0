//! Readings: one value of one vital, measured at one instant by one device.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Vital;
use crate::accounts::UserId;

/// A reading checked and ready to store (the device and patient come from the
/// device's credential, not from the payload).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReading {
    pub vital: Vital,
    /// In the vital's UCUM unit.
    pub value: f64,
    /// When it was measured (the server's time when the device has no clock).
    pub measured_at: Timestamp,
    /// Signal quality 0–100 as the device judged it.
    pub quality: u8,
}

/// A stored reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reading {
    pub id: i64,
    /// The device that measured it (`dispositif` in seed 001).
    pub dispositif: i64,
    pub patient: UserId,
    /// Which vital (`type_donnee`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vital, example = "spo2"))]
    pub type_donnee: Vital,
    pub valeur: f64,
    /// UCUM unit.
    #[cfg_attr(feature = "openapi", schema(example = "%"))]
    pub unite: String,
    /// LOINC code, where the vital has one.
    #[cfg_attr(feature = "openapi", schema(example = "59408-5"))]
    pub loinc: Option<String>,
    /// When it was measured, UTC.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub timestamp: Timestamp,
    /// 0–100.
    pub qualite_donnee: u8,
}

/// The latest value of one vital, shaped as seed 004's clients merge it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatestValue {
    pub valeur: f64,
    #[cfg_attr(feature = "openapi", schema(example = "%"))]
    pub unite: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub timestamp: Timestamp,
}

impl Reading {
    /// The reading as a latest value.
    pub fn latest(&self) -> LatestValue {
        LatestValue {
            valeur: self.valeur,
            unite: self.unite.clone(),
            timestamp: self.timestamp,
        }
    }
}
