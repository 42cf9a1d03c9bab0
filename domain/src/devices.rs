//! The device registry's types, named as seed 001 names them on the wire
//! (`nom`, `type_dispositif`, `adresse_mac`…): bedside and home devices that
//! measure one patient's vital signs.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};
use crate::vitals::Vital;

wire_enum! {
    /// What a device measures.
    DeviceKind {
        Cardiac => "capteur_cardiaque",
        Temperature => "capteur_temperature",
        Pressure => "capteur_pression",
        Oxygen => "capteur_oxygene",
        Glucose => "capteur_glycemie",
        Respiratory => "capteur_respiratoire",
    }
}

wire_enum! {
    /// A device's state.
    DeviceStatus {
        Active => "actif",
        Inactive => "inactif",
        Maintenance => "maintenance",
        Error => "erreur",
    }
}

impl DeviceKind {
    /// The vitals a device of this kind usually sends (any vital is accepted:
    /// many sensors measure several).
    pub fn vitals(self) -> &'static [Vital] {
        match self {
            Self::Cardiac => &[Vital::HeartRate],
            Self::Temperature => &[Vital::Temperature],
            Self::Pressure => &[Vital::Systolic, Vital::Diastolic, Vital::HeartRate],
            Self::Oxygen => &[Vital::Spo2, Vital::HeartRate],
            Self::Glucose => &[Vital::Glucose],
            Self::Respiratory => &[Vital::RespiratoryRate],
        }
    }
}

/// A hardware address, stored upper case with colons (`AA:BB:CC:DD:EE:FF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacAddress(macaddr::MacAddr6);

impl FromStr for MacAddress {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let mac: macaddr::MacAddr6 = raw.trim().parse().map_err(|_| {
            DomainError::invalid(
                "adresse_mac",
                "invalid_mac_address",
                "expected a MAC address such as AA:BB:CC:DD:EE:FF",
            )
        })?;
        if mac.is_nil() || mac.is_broadcast() {
            return Err(DomainError::invalid(
                "adresse_mac",
                "invalid_mac_address",
                "00:00:00:00:00:00 and FF:FF:FF:FF:FF:FF are not device addresses",
            ));
        }
        Ok(Self(mac))
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // MacAddr6's Display is upper case with colons.
        write!(f, "{}", self.0)
    }
}

/// A registered device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "Oxymètre chambre 12"))]
    pub nom: String,
    pub type_dispositif: DeviceKind,
    #[cfg_attr(feature = "openapi", schema(example = "AA:BB:CC:DD:EE:01"))]
    pub adresse_mac: String,
    #[cfg_attr(feature = "openapi", schema(example = "192.168.1.40"))]
    pub adresse_ip: Option<String>,
    /// The patient it measures (account id).
    pub patient: UserId,
    pub patient_name: String,
    pub status: DeviceStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub derniere_connexion: Option<Timestamp>,
    pub version_firmware: Option<String>,
    /// Battery level in percent.
    pub niveau_batterie: Option<i32>,
    /// Signal quality in percent.
    pub qualite_signal: Option<i32>,
    /// The credential was revoked: the device can no longer send.
    pub revoque: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub date_creation: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub date_modification: Timestamp,
    /// The last message refused because it named another device
    /// (`device_mac`): what it named.
    #[serde(default)]
    pub dernier_refus: Option<String>,
    /// When that message came.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub dernier_refus_le: Option<Timestamp>,
}

/// A device just created or re-keyed, with its credential: shown this once,
/// stored only as a hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceCredential {
    pub dispositif: Device,
    /// Send it as `Authorization: Bearer …` or `?token=…` on the socket.
    #[cfg_attr(feature = "openapi", schema(example = "dev_12.Xq3…"))]
    pub token: String,
}

/// Creating or replacing a device, as a form or JSON sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceForm {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, example = "Oxymètre chambre 12")
    )]
    pub nom: String,
    #[cfg_attr(feature = "openapi", schema(value_type = DeviceKind))]
    pub type_dispositif: String,
    #[cfg_attr(feature = "openapi", schema(example = "AA:BB:CC:DD:EE:01"))]
    pub adresse_mac: String,
    #[cfg_attr(feature = "openapi", schema(example = "192.168.1.40"))]
    #[serde(default)]
    pub adresse_ip: Option<String>,
    /// The patient's account id.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, example = 5))]
    pub patient: UserId,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, example = "1.4.2"))]
    pub version_firmware: Option<String>,
}

/// A device's status report (seed 001's `status/` action).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusForm {
    #[cfg_attr(feature = "openapi", schema(value_type = DeviceStatus))]
    pub status: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub niveau_batterie: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub qualite_signal: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub version_firmware: Option<String>,
}

/// A command for a device (seed 001's `send-command/`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandForm {
    /// What to do, e.g. `restart`, `calibrate`, `set_interval`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, example = "set_interval")
    )]
    pub command: String,
    /// The command's parameters, passed on as they are.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub params: Option<serde_json::Value>,
}

/// What became of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandReceipt {
    pub command_id: String,
    /// The device's open socket received it.
    pub delivered: bool,
}

/// A [`DeviceForm`] checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDevice {
    pub name: String,
    pub kind: DeviceKind,
    pub mac: MacAddress,
    pub ip: Option<IpAddr>,
    pub patient_id: UserId,
    pub firmware: Option<String>,
}

/// A [`StatusForm`] checked.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    pub status: DeviceStatus,
    pub battery: Option<i32>,
    pub signal: Option<i32>,
    pub firmware: Option<String>,
}

fn trimmed(field: &'static str, raw: &str, max: usize) -> DomainResult<String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "required", "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

fn firmware(raw: &Option<String>) -> DomainResult<Option<String>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => trimmed("version_firmware", text, 20).map(Some),
        None => Ok(None),
    }
}

fn percent(field: &'static str, value: Option<i32>) -> DomainResult<Option<i32>> {
    match value {
        Some(v) if !(0..=100).contains(&v) => Err(DomainError::invalid(
            field,
            crate::bounds::OUT_OF_RANGE,
            "must be between 0 and 100",
        )),
        other => Ok(other),
    }
}

impl DeviceForm {
    /// Checks every field; errors name the field.
    pub fn parse(&self) -> DomainResult<NewDevice> {
        let name = trimmed("nom", &self.nom, 100)?;
        let kind = DeviceKind::parse(self.type_dispositif.trim()).ok_or_else(|| {
            let allowed: Vec<&str> = DeviceKind::ALL.iter().map(|k| k.as_str()).collect();
            DomainError::invalid(
                "type_dispositif",
                "invalid_choice",
                format!("must be one of {}", allowed.join(", ")),
            )
        })?;
        let mac = self.adresse_mac.parse()?;
        let ip = match self
            .adresse_ip
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => Some(raw.parse::<IpAddr>().map_err(|_| {
                DomainError::invalid(
                    "adresse_ip",
                    "invalid_ip_address",
                    "expected an IPv4 or IPv6 address",
                )
            })?),
            None => None,
        };
        if self.patient < 1 {
            return Err(DomainError::invalid(
                "patient",
                crate::bounds::OUT_OF_RANGE,
                "must be a patient's id",
            ));
        }
        Ok(NewDevice {
            name,
            kind,
            mac,
            ip,
            patient_id: self.patient,
            firmware: firmware(&self.version_firmware)?,
        })
    }
}

impl StatusForm {
    /// Checks every field; errors name the field.
    pub fn parse(&self) -> DomainResult<StatusReport> {
        let status = DeviceStatus::parse(self.status.trim()).ok_or_else(|| {
            DomainError::invalid(
                "status",
                "invalid_choice",
                "must be actif, inactif, maintenance or erreur",
            )
        })?;
        Ok(StatusReport {
            status,
            battery: percent("niveau_batterie", self.niveau_batterie)?,
            signal: percent("qualite_signal", self.qualite_signal)?,
            firmware: firmware(&self.version_firmware)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DeviceForm {
        DeviceForm {
            nom: " Oxymètre ".into(),
            type_dispositif: "capteur_oxygene".into(),
            adresse_mac: "aa-bb-cc-dd-ee-01".into(),
            adresse_ip: Some("192.168.1.40".into()),
            patient: 5,
            version_firmware: None,
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let device = form().parse().unwrap();
        assert_eq!(device.name, "Oxymètre");
        assert_eq!(device.mac.to_string(), "AA:BB:CC:DD:EE:01");
        assert_eq!(device.kind, DeviceKind::Oxygen);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: [(fn(&mut DeviceForm), &str); 5] = [
            (|f| f.nom = "  ".into(), "nom"),
            (|f| f.type_dispositif = "toaster".into(), "type_dispositif"),
            (|f| f.adresse_mac = "AA:BB:CC".into(), "adresse_mac"),
            (|f| f.adresse_ip = Some("300.1.1.1".into()), "adresse_ip"),
            (
                |f| f.adresse_mac = "FF:FF:FF:FF:FF:FF".into(),
                "adresse_mac",
            ),
        ];
        for (spoil, field) in cases {
            let mut bad = form();
            spoil(&mut bad);
            assert_eq!(bad.parse().unwrap_err().field(), Some(field));
        }
        let status = StatusForm {
            status: "actif".into(),
            niveau_batterie: Some(101),
            ..Default::default()
        };
        assert_eq!(status.parse().unwrap_err().field(), Some("niveau_batterie"));
    }
}
