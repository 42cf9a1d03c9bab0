//! The vitals side of the demo: devices at two patients' homes and six hours
//! of readings — Marie stable, Joseph (heart failure, followed by Dr Nguyen)
//! slowly deteriorating over the last hour, so his doctor finds live alerts
//! (SpO2, heart rate, a high NEWS2) and a thermometer running out of battery.

use jiff::{SignedDuration, Timestamp};

use super::People;
use crate::devices::{DeviceForm, StatusForm};
use crate::error::DomainResult;
use crate::services::Services;
use crate::trail::Door;
use crate::vitals::{NewReading, Vital};

/// Minutes between two demo readings, and how far back they go.
const EVERY_MINUTES: i64 = 2;
const HOURS: i64 = 6;

/// A smooth, repeatable wobble in [-1, 1] (no randomness: the demo is the
/// same on every machine).
fn wobble(step: i64, period: f64) -> f64 {
    (step as f64 * std::f64::consts::TAU / period).sin()
}

pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    let admin = people.principal("admin")?.entering(Door::Cli, None);
    let devices = [
        (
            "marie",
            "Oxymètre de pouls (domicile)",
            "capteur_oxygene",
            "3C:71:BF:10:22:01",
        ),
        (
            "joseph",
            "Oxymètre de pouls (domicile)",
            "capteur_oxygene",
            "3C:71:BF:10:22:02",
        ),
        (
            "joseph",
            "Tensiomètre connecté",
            "capteur_pression",
            "3C:71:BF:10:22:03",
        ),
        (
            "joseph",
            "Thermomètre connecté",
            "capteur_temperature",
            "3C:71:BF:10:22:04",
        ),
    ];
    let steps = HOURS * 60 / EVERY_MINUTES;
    for (patient, name, kind, mac) in devices {
        let form = DeviceForm {
            nom: name.into(),
            type_dispositif: kind.into(),
            adresse_mac: mac.into(),
            adresse_ip: None,
            patient: people.id(patient)?,
            version_firmware: Some("1.4.2".into()),
        };
        let created = services.devices.register(&admin, &form).await?;
        let device = services.devices.authenticate(&created.token).await?;
        let mut readings = Vec::new();
        for step in 0..steps {
            let ago = SignedDuration::from_mins((steps - step) * EVERY_MINUTES);
            let measured_at = now.checked_sub(ago).unwrap_or(now);
            // 0 until the last hour, then rising to 1.
            let decline = ((step - (steps - 30)) as f64 / 30.0).clamp(0.0, 1.0);
            let values: Vec<(Vital, f64)> = match (patient, kind) {
                ("marie", _) => vec![
                    (Vital::Spo2, (98.0 + wobble(step, 17.0)).round()),
                    (Vital::HeartRate, (72.0 + 4.0 * wobble(step, 23.0)).round()),
                ],
                (_, "capteur_oxygene") => vec![
                    (
                        Vital::Spo2,
                        (95.0 - 5.0 * decline + wobble(step, 13.0) * 0.6).round(),
                    ),
                    (
                        Vital::HeartRate,
                        (84.0 + 38.0 * decline + 3.0 * wobble(step, 19.0)).round(),
                    ),
                    (
                        Vital::RespiratoryRate,
                        (17.0 + 6.0 * decline + wobble(step, 11.0)).round(),
                    ),
                ],
                (_, "capteur_pression") => vec![
                    (
                        Vital::Systolic,
                        (128.0 - 14.0 * decline + 3.0 * wobble(step, 29.0)).round(),
                    ),
                    (
                        Vital::Diastolic,
                        (78.0 - 6.0 * decline + 2.0 * wobble(step, 31.0)).round(),
                    ),
                ],
                _ => vec![(
                    Vital::Temperature,
                    ((37.1 + 0.6 * decline + 0.1 * wobble(step, 37.0)) * 10.0).round() / 10.0,
                )],
            };
            readings.extend(values.into_iter().map(|(vital, value)| NewReading {
                vital,
                value,
                measured_at,
                quality: 95,
            }));
        }
        services.vitals.ingest(device, readings).await?;
        if kind == "capteur_temperature" {
            // After a firmware update 40 minutes ago, one message named the
            // blood-pressure monitor's address: refused, and shown in the
            // registry.
            let at = now
                .checked_sub(SignedDuration::from_mins(40))
                .unwrap_or(now);
            let refused = services
                .devices
                .check_declared(device, &["3C:71:BF:10:22:03"], at)
                .await;
            debug_assert!(refused.is_err());
        }
    }
    // A ward watched by Dr Nguyen and Dr Dupont.
    let ward = crate::wards::WardForm {
        name: "Suivi à domicile — cardiologie".into(),
        patients: vec![
            people.id("joseph")?,
            people.id("marie")?,
            people.id("paul")?,
        ],
        staff: vec![people.id("dr.nguyen")?, people.id("dr.dupont")?],
    };
    services.wards.create(&admin, &ward).await?;
    // The thermometer's battery runs low.
    let page = services
        .devices
        .list(
            &admin,
            &crate::services::devices::DeviceQuery {
                patient: Some(people.id("joseph")?),
                ..Default::default()
            },
        )
        .await?;
    if let Some(thermometer) = page
        .results
        .iter()
        .find(|d| d.adresse_mac == "3C:71:BF:10:22:04")
    {
        let report = StatusForm {
            status: "actif".into(),
            niveau_batterie: Some(12),
            qualite_signal: Some(72),
            version_firmware: None,
        };
        services
            .devices
            .report_status(&admin, thermometer.id, &report)
            .await?;
        services.alerts.watch_batteries(now).await?;
    }
    Ok(())
}
