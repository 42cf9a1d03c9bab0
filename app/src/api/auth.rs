//! Signing up, in and out from the browser, and the interface language.

use domain::accounts::User;
use leptos::prelude::*;

use crate::error::UiError;

/// The signed-in user, if any.
#[server]
pub async fn current_user() -> Result<Option<User>, UiError> {
    use crate::session::{current_principal, services};
    let Some(principal) = current_principal() else {
        return Ok(None);
    };
    Ok(Some(services()?.accounts.me(&principal).await?))
}

/// Signs in and sets the session cookies.
#[server]
pub async fn sign_in(login: String, password: String) -> Result<User, UiError> {
    use crate::session::{client_address, cookie_policy, services, set_cookies};
    let signed_in = services()?
        .auth
        .login_through(
            &login,
            &password,
            client_address(),
            domain::trail::Door::Web,
        )
        .await?;
    set_cookies(cookie_policy().session(&signed_in.tokens));
    set_cookies(cookie_policy().reader(&signed_in.user));
    Ok(signed_in.user)
}

/// Creates a patient account, then signs it in.
#[server]
pub async fn sign_up(
    username: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
) -> Result<User, UiError> {
    use crate::session::{client_address, cookie_policy, services, set_cookies};
    use domain::accounts::SignUpForm;
    let services = services()?;
    let form = SignUpForm {
        username,
        email,
        password,
        first_name,
        last_name,
    };
    let user = services
        .accounts
        .sign_up_through(&form, domain::trail::Door::Web)
        .await?;
    let signed_in = services
        .auth
        .login_through(
            &user.username,
            &form.password,
            client_address(),
            domain::trail::Door::Web,
        )
        .await?;
    set_cookies(cookie_policy().session(&signed_in.tokens));
    Ok(signed_in.user)
}

/// Signs out: revokes the session and clears the cookies.
#[server]
pub async fn sign_out() -> Result<(), UiError> {
    use crate::session::{cookie_policy, current_principal, services, set_cookies};
    if let Some(principal) = current_principal() {
        services()?.auth.logout(&principal.session_id).await?;
    }
    set_cookies(cookie_policy().cleared());
    Ok(())
}

/// Remembers the interface language in a cookie.
#[server]
pub async fn set_language(lang: String) -> Result<(), UiError> {
    use crate::i18n::Lang;
    use crate::session::{cookie_policy, set_cookies};
    let lang = Lang::from_tag(&lang).ok_or(UiError {
        code: "unexpected".into(),
        field: Some("lang".into()),
    })?;
    set_cookies([cookie_policy().lang(lang)]);
    Ok(())
}
