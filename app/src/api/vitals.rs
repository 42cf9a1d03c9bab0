//! Vital signs from the browser: a patient's monitoring overview, alerts and
//! their acknowledgement, the doctor's board and the device registry. The
//! policy and the trail live in the services.

use domain::accounts::UserId;
use domain::devices::{Device, DeviceCredential};
use domain::vitals::alerts::VitalAlert;
use domain::vitals::charts::Overview;
use domain::wards::BoardRow;
use leptos::prelude::*;

use crate::error::UiError;

/// A patient's latest values, NEWS2 and charts over `window` (`hour`, `day`
/// or `week`): the caller's own without `patient_id`.
#[server]
pub async fn vitals_overview(
    patient_id: Option<UserId>,
    window: String,
) -> Result<Overview, UiError> {
    use crate::session::{read_once, require_principal, services};
    use domain::vitals::charts::ChartWindow;
    let window = ChartWindow::parse(&window).ok_or_else(|| {
        UiError::from(domain::DomainError::invalid(
            "window",
            "invalid_choice",
            "hour, day or week",
        ))
    })?;
    let me = require_principal()?;
    let vitals = services()?.vitals.clone();
    read_once(
        format!("vitals_overview/{patient_id:?}/{}", window.as_str()),
        async move { Ok(vitals.overview(&me, patient_id, window).await?) },
    )
    .await
}

/// A patient's alerts, newest first (the caller's own without `patient_id`).
#[server]
pub async fn vital_alerts(patient_id: Option<UserId>) -> Result<Vec<VitalAlert>, UiError> {
    use crate::session::{read_once, require_principal, services};
    use domain::services::alerts::AlertQuery;
    let me = require_principal()?;
    let alerts = services()?.alerts.clone();
    let query = AlertQuery {
        patient: patient_id,
        per_page: Some(50),
        ..AlertQuery::default()
    };
    read_once(format!("vital_alerts/{patient_id:?}"), async move {
        Ok(alerts.list(&me, &query).await?.results)
    })
    .await
}

/// A doctor of the patient's care team acknowledges an alert.
#[server]
pub async fn acknowledge_vital_alert(id: i64) -> Result<VitalAlert, UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    Ok(services()?.alerts.acknowledge(&me, id).await?)
}

/// The doctor's board: every patient in their care, most urgent first.
#[server]
pub async fn care_board() -> Result<Vec<BoardRow>, UiError> {
    use crate::session::{read_once, require_principal, services};
    let me = require_principal()?;
    let wards = services()?.wards.clone();
    read_once("care_board".to_owned(), async move {
        Ok(wards.my_board(&me).await?)
    })
    .await
}

/// The devices the caller may see (a doctor's patients', or all for an
/// administrator).
#[server]
pub async fn device_registry() -> Result<Vec<Device>, UiError> {
    use crate::session::{read_once, require_principal, services};
    use domain::services::devices::DeviceQuery;
    let me = require_principal()?;
    let devices = services()?.devices.clone();
    let query = DeviceQuery {
        per_page: Some(100),
        ..DeviceQuery::default()
    };
    read_once("device_registry".to_owned(), async move {
        Ok(devices.list(&me, &query).await?.results)
    })
    .await
}

/// Registers a device for a patient; the answer carries its token, shown once.
#[server]
pub async fn register_device(
    nom: String,
    type_dispositif: String,
    adresse_mac: String,
    patient: String,
) -> Result<DeviceCredential, UiError> {
    use crate::session::{require_principal, services};
    use domain::devices::DeviceForm;
    let patient = patient.trim().parse::<UserId>().map_err(|_| {
        UiError::from(domain::DomainError::invalid(
            "patient",
            "required",
            "choose a patient",
        ))
    })?;
    let form = DeviceForm {
        nom,
        type_dispositif,
        adresse_mac,
        patient,
        ..DeviceForm::default()
    };
    let me = require_principal()?;
    Ok(services()?.devices.register(&me, &form).await?)
}

/// Revokes a device's credential (its open socket drops).
#[server]
pub async fn revoke_device(id: i64) -> Result<Device, UiError> {
    use crate::session::{require_principal, services};
    let me = require_principal()?;
    Ok(services()?.devices.revoke(&me, id).await?)
}
