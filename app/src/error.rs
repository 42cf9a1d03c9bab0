//! The UI's server-function error: the domain error reduced to what the browser
//! may know (a code, the field, a retry delay), translated for display.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::i18n::Tr;

/// An error returned by a server function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}")]
pub struct UiError {
    /// Stable code (see `domain::DomainError::code`).
    pub code: String,
    /// The form field concerned, if any.
    pub field: Option<String>,
}

impl UiError {
    /// The message to show, in the current language: "Field: message".
    pub fn message(&self, tr: &Tr) -> String {
        let text = tr.error(&self.code);
        match self.field.as_deref().and_then(|f| tr.field(f)) {
            Some(label) => format!("{label}{}{text}", tr.colon),
            None => text.to_owned(),
        }
    }
}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Transport failures: the text may hold internals; keep only a code.
        let code = match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => "network",
            // On the server, arguments that do not read (an array for an
            // object): the request's fault, answered 400 as the REST door
            // does. In the browser the same error is an answer that did not
            // read: unexpected.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_)
                if cfg!(feature = "ssr") =>
            {
                "invalid_body"
            }
            _ => "unexpected",
        };
        Self {
            code: code.into(),
            field: None,
        }
    }

    /// Answers with the error's HTTP status, as the REST door does: a form
    /// rule broken is a 4xx, never a 500. The status of a domain error is
    /// set where it is converted; an error made in the browser door itself
    /// is an input error (400), a missing session 401, an internal one 500.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        {
            let status = match self.code.as_str() {
                "unexpected" | "network" => 500,
                "not_authenticated" => 401,
                _ => 400,
            };
            set_status_once(status);
        }
        <Self::Encoder as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
    }
}

/// Sets the response's status unless a more precise one was set before;
/// only for a server function's own request (a page rendered on the server
/// shows the error in the page and answers 200).
#[cfg(feature = "ssr")]
fn set_status_once(status: u16) {
    let called = leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .uri
            .path()
            .starts_with(concat!(env!("SERVER_FN_PREFIX"), "/"))
    });
    if !called {
        return;
    }
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if response.0.read().is_ok_and(|parts| parts.status.is_none()) {
            if let Ok(status) = http::StatusCode::from_u16(status) {
                response.set_status(status);
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for UiError {
    fn from(err: domain::DomainError) -> Self {
        if let domain::DomainError::Internal(cause) = &err {
            tracing::error!(error = %cause, "server function failed");
        }
        set_status_once(err.http_status());
        Self {
            code: err.code().into(),
            field: err.field().map(Into::into),
        }
    }
}
