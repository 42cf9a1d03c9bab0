//! The platform's settings (administrators).

use domain::settings::{SettingsForm, SettingsPage};
use leptos::prelude::*;

use crate::error::UiError;

/// The settings in force and their history.
#[server]
pub async fn platform_settings() -> Result<SettingsPage, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?.settings.page(&require_principal()?).await?)
}

/// Saves the settings form (its fields named `form[clinic_name]`…).
#[server]
pub async fn save_platform_settings(form: SettingsForm) -> Result<SettingsPage, UiError> {
    use crate::session::{require_principal, services};
    let patch = form.patch()?;
    Ok(services()?
        .settings
        .update(&require_principal()?, &patch)
        .await?)
}
