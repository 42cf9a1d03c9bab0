//! Account administration from the browser.

use domain::accounts::{Specialty, User, UserId};
use leptos::prelude::*;

use crate::error::UiError;

/// Accounts, newest first, optionally of one role (administrators).
#[server]
pub async fn list_accounts(role: Option<String>) -> Result<Vec<User>, UiError> {
    use crate::session::{require_principal, services};
    use domain::accounts::Role;
    let role = match role.as_deref().filter(|r| !r.is_empty()) {
        Some(raw) => Some(Role::parse(raw)?),
        None => None,
    };
    Ok(services()?
        .accounts
        .list(&require_principal()?, role, 200, 0)
        .await?)
}

/// Creates a doctor or administrator account (administrators).
#[server]
pub async fn create_staff(
    role: String,
    username: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    specialty: Option<String>,
    timezone: Option<String>,
) -> Result<User, UiError> {
    use crate::session::{require_principal, services};
    use domain::accounts::SignUpForm;
    use domain::services::accounts::NewStaff;
    let new = NewStaff {
        role,
        form: SignUpForm {
            username,
            email,
            password,
            first_name,
            last_name,
        },
        specialty,
        timezone,
    };
    Ok(services()?
        .accounts
        .create_staff(&require_principal()?, &new)
        .await?)
}

/// Deactivates an account (administrators).
#[server]
pub async fn deactivate_account(id: UserId) -> Result<User, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .accounts
        .deactivate(&require_principal()?, id)
        .await?)
}

/// Reactivates a deactivated account (administrators).
#[server]
pub async fn reactivate_account(id: UserId) -> Result<User, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .accounts
        .reactivate(&require_principal()?, id)
        .await?)
}

/// The medical specialties.
#[server]
pub async fn list_specialties() -> Result<Vec<Specialty>, UiError> {
    use crate::session::services;
    Ok(services()?.accounts.specialties().await?)
}

/// The activity of the administrator's day (their zone), for their home.
#[server]
pub async fn todays_activity() -> Result<domain::activity::Activity, UiError> {
    use crate::session::{current_reader_zone, require_principal, services};
    let tz = jiff::tz::TimeZone::get(&current_reader_zone()).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(tz.clone()).date();
    let start = today
        .to_zoned(tz.clone())
        .map_err(super::scheduling::internal)?;
    let end = start.tomorrow().map_err(super::scheduling::internal)?;
    Ok(services()?
        .activity
        .between(&require_principal()?, start.timestamp(), end.timestamp())
        .await?)
}

/// Administrators search the activity log.
#[server]
pub async fn search_activity(
    query: domain::activity::ActivityQuery,
) -> Result<domain::activity::ActivityPage, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .activity
        .log(&require_principal()?, &query)
        .await?)
}
