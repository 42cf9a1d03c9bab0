//! The browser session, on the server side of the browser door: cookie names and
//! attributes, and what server functions read of the current request.
//!
//! The server's middleware authenticates every request once (bearer header or
//! cookies, refreshing an expired access cookie) and leaves an [`Authn`] in the
//! request extensions; server functions and server-side rendering read it here.

use std::any::Any;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use cookie::{Cookie, SameSite, time::Duration};
use domain::auth::Principal;
use domain::services::{Services, TokenPair};
use domain::trail::Door;
use futures_util::future::{FutureExt, Shared};
use http::HeaderMap;
use http::header::{COOKIE, SET_COOKIE};
use leptos::prelude::*;

use crate::error::UiError;
use crate::i18n::Lang;

/// Cookie holding the access token.
pub const ACCESS_COOKIE: &str = "medplat_access";
/// Cookie holding the refresh token.
pub const REFRESH_COOKIE: &str = "medplat_refresh";
/// Cookie holding the chosen language.
pub const LANG_COOKIE: &str = "medplat_lang";

/// Outcome of authenticating a request.
#[derive(Debug, Clone)]
pub enum Authn {
    /// No credentials were presented.
    Anonymous,
    /// Valid credentials.
    Authenticated(Principal),
    /// Credentials were presented and refused (code, message).
    Rejected {
        code: &'static str,
        message: &'static str,
    },
}

/// The client's network address, as the server determined it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

/// How session cookies are written.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    /// Add the `Secure` attribute (HTTPS deployments).
    pub secure: bool,
}

impl CookiePolicy {
    fn base(
        &self,
        name: &'static str,
        value: String,
        max_age_secs: i64,
        http_only: bool,
    ) -> Cookie<'static> {
        Cookie::build((name, value))
            .path("/")
            .http_only(http_only)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(Duration::seconds(max_age_secs))
            .build()
    }

    /// The two cookies of a signed-in browser.
    pub fn session(&self, tokens: &TokenPair) -> [Cookie<'static>; 2] {
        [
            self.base(
                ACCESS_COOKIE,
                tokens.access.clone(),
                tokens.access_expires_in,
                true,
            ),
            self.base(
                REFRESH_COOKIE,
                tokens.refresh.clone(),
                tokens.refresh_expires_in,
                true,
            ),
        ]
    }

    /// Cookies that erase the session.
    pub fn cleared(&self) -> [Cookie<'static>; 2] {
        [
            self.base(ACCESS_COOKIE, String::new(), 0, true),
            self.base(REFRESH_COOKIE, String::new(), 0, true),
        ]
    }

    /// The language cookie (one year).
    pub fn lang(&self, lang: Lang) -> Cookie<'static> {
        self.base(LANG_COOKIE, lang.tag().to_owned(), 365 * 86_400, false)
    }

    /// The cookies that make pages follow an account's own language and
    /// time zone. A zone from the account is marked, so the browser leaves
    /// it; an account without one clears the cookie, and the browser writes
    /// its own zone on the next page.
    pub fn reader(&self, user: &domain::accounts::User) -> Vec<Cookie<'static>> {
        let mut cookies = Vec::new();
        if let Some(lang) = user.language.as_deref().and_then(Lang::from_tag) {
            cookies.push(self.lang(lang));
        }
        cookies.push(match &user.timezone {
            Some(zone) => self.base(
                crate::time::ZONE_COOKIE,
                format!("{}{zone}", crate::time::ACCOUNT_ZONE),
                365 * 86_400,
                false,
            ),
            None => self.base(crate::time::ZONE_COOKIE, String::new(), 0, false),
        });
        cookies
    }
}

/// The value of a request cookie.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_owned())
}

/// The language of a request: its cookie, else French (the platform's language;
/// English is one click away and remembered).
pub fn request_lang(headers: &HeaderMap) -> Lang {
    read_cookie(headers, LANG_COOKIE)
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

fn unexpected() -> UiError {
    UiError {
        code: "unexpected".into(),
        field: None,
    }
}

/// The services, from context.
pub fn services() -> Result<Services, UiError> {
    use_context::<Services>().ok_or_else(unexpected)
}

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The signed-in principal of this request, if any. Pages and server
/// functions are the web door, whatever path the server functions are mounted
/// on (Leptos puts them under `/api/`), so the access trail says `web`.
pub fn current_principal() -> Option<Principal> {
    match request_parts()?.extensions.get::<Authn>()? {
        Authn::Authenticated(principal) => {
            let request_id = principal.request_id.clone();
            Some(principal.clone().entering(Door::Web, request_id))
        }
        _ => None,
    }
}

/// The signed-in principal, or `not_authenticated`.
pub fn require_principal() -> Result<Principal, UiError> {
    current_principal().ok_or_else(|| UiError {
        code: "not_authenticated".into(),
        field: None,
    })
}

/// The client's address.
pub fn client_address() -> Option<IpAddr> {
    request_parts()?.extensions.get::<ClientAddress>()?.0
}

/// The cookie policy, from context.
pub fn cookie_policy() -> CookiePolicy {
    use_context::<CookiePolicy>().unwrap_or(CookiePolicy { secure: false })
}

/// Adds `Set-Cookie` headers to the response.
pub fn set_cookies(cookies: impl IntoIterator<Item = Cookie<'static>>) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    for cookie in cookies {
        if let Ok(value) = http::HeaderValue::from_str(&cookie.to_string()) {
            response.append_header(SET_COOKIE, value);
        }
    }
}

/// The reads of medical data made while the server renders one page.
///
/// Leptos walks a `<Suspense>`'s children more than once while rendering on
/// the server (to find every resource before waiting for them), so a page
/// inside a portal is built, and its resources fetched, up to three times per
/// request, sometimes while the first fetch is still running. A read of
/// medical data is written to the access trail: the page must read it once.
/// The app provides one of these per rendered page; server functions called
/// over HTTP find none and read as usual.
///
/// Each key holds the read as a shared future: whoever awaits it drives it,
/// so no caller depends on another being polled (a caller that waited for
/// the first one's task could wait for ever when the renderer polls that
/// one later, or never).
#[derive(Clone, Default)]
pub struct RenderReads(Arc<Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>>);

/// A read shared by every caller with its key.
type SharedRead<T> = Shared<Pin<Box<dyn Future<Output = Result<T, UiError>> + Send>>>;

/// Runs `read` once per rendered page for `key` (the function and its
/// arguments); other calls while rendering the same page share it.
pub async fn read_once<T>(
    key: String,
    read: impl Future<Output = Result<T, UiError>> + Send + 'static,
) -> Result<T, UiError>
where
    T: Clone + Send + Sync + 'static,
{
    let Some(reads) = use_context::<RenderReads>() else {
        return read.await;
    };
    let lock = || reads.0.lock().unwrap_or_else(PoisonError::into_inner);
    let existing = lock()
        .get(&key)
        .map(|slot| slot.downcast_ref::<SharedRead<T>>().cloned());
    match existing {
        Some(Some(shared)) => shared.await,
        // The key holds another type (never meant): read without sharing.
        Some(None) => read.await,
        None => {
            let boxed: Pin<Box<dyn Future<Output = Result<T, UiError>> + Send>> = Box::pin(read);
            let mine = boxed.shared();
            // Another caller may have come first between the two locks.
            let first = lock()
                .entry(key)
                .or_insert_with(|| Box::new(mine.clone()))
                .downcast_ref::<SharedRead<T>>()
                .cloned();
            first.unwrap_or(mine).await
        }
    }
}

/// The reader's time zone for this request: their account's, else the
/// browser's (both kept in one cookie), else the clinic's. Every instant the server writes for this request uses it,
/// and the page carries it so the browser writes instants the same way.
pub fn current_reader_zone() -> String {
    request_parts()
        .and_then(|parts| read_cookie(&parts.headers, crate::time::ZONE_COOKIE))
        .map(|zone| {
            zone.trim_start_matches(crate::time::ACCOUNT_ZONE)
                .to_owned()
        })
        .filter(|zone| crate::time::known_zone(zone))
        .unwrap_or_else(|| {
            // The clinic's zone, as the platform settings say now.
            services()
                .map(|s| s.settings.current().time_zone.clone())
                .unwrap_or_else(|_| crate::time::CLINIC_ZONE.to_owned())
        })
}

/// The interface language of the current request (server-side rendering):
/// the reader's choice, else the platform's default language.
pub fn current_request_lang() -> Lang {
    request_parts()
        .and_then(|parts| read_cookie(&parts.headers, LANG_COOKIE))
        .and_then(|tag| Lang::from_tag(&tag))
        .or_else(|| {
            services()
                .ok()
                .and_then(|s| Lang::from_tag(&s.settings.current().language))
        })
        .unwrap_or_default()
}
