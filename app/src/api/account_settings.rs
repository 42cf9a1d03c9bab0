//! A person's own account from the browser (names, e-mail, language, time
//! zone, password), administrators' changes to any account and reset links,
//! and choosing a new password through a link.

use domain::accounts::{User, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::UiError;

/// The form's fields as the domain's changes.
#[cfg(feature = "ssr")]
fn changes(
    first_name: String,
    last_name: String,
    email: String,
    language: String,
    timezone: String,
) -> domain::accounts::AccountChanges {
    domain::accounts::AccountChanges {
        first_name,
        last_name,
        email,
        language,
        timezone,
    }
}

/// The caller's account.
#[server]
pub async fn my_account() -> Result<User, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?.accounts.me(&require_principal()?).await?)
}

/// Saves the caller's names, e-mail, language and time zone; the browser's
/// language and zone cookies follow the account from now on.
#[server]
pub async fn save_my_account(
    first_name: String,
    last_name: String,
    email: String,
    language: String,
    timezone: String,
) -> Result<User, UiError> {
    use crate::session::{cookie_policy, require_principal, services, set_cookies};
    let changes = changes(first_name, last_name, email, language, timezone);
    let user = services()?
        .accounts
        .update_me(&require_principal()?, &changes)
        .await?;
    set_cookies(cookie_policy().reader(&user));
    Ok(user)
}

/// Changes the caller's password; their other sessions are signed out.
#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .accounts
        .change_password(&require_principal()?, &current_password, &new_password)
        .await?)
}

/// An administrator saves any account's names, e-mail, language and zone.
#[server]
pub async fn save_account(
    id: UserId,
    first_name: String,
    last_name: String,
    email: String,
    language: String,
    timezone: String,
) -> Result<User, UiError> {
    use crate::session::{require_principal, services};
    let changes = changes(first_name, last_name, email, language, timezone);
    Ok(services()?
        .accounts
        .update_account(&require_principal()?, id, &changes)
        .await?)
}

/// A reset link as the administrator sees it, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLinkView {
    pub id: UserId,
    /// `/reset-password?token=…`.
    pub path: String,
    pub expires_at: jiff::Timestamp,
}

/// An administrator asks for a one-time password reset link.
#[server]
pub async fn issue_password_reset(id: UserId) -> Result<ResetLinkView, UiError> {
    use crate::session::{require_principal, services};
    let reset = services()?
        .accounts
        .issue_password_reset(&require_principal()?, id, jiff::Timestamp::now())
        .await?;
    Ok(ResetLinkView {
        id,
        path: format!("/reset-password?token={}", reset.token),
        expires_at: reset.expires_at,
    })
}

/// Chooses a new password through a reset link (signed out).
#[server]
pub async fn reset_password(token: String, new_password: String) -> Result<(), UiError> {
    use crate::session::services;
    services()?
        .accounts
        .reset_password(&token, &new_password, jiff::Timestamp::now())
        .await?;
    Ok(())
}
