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
            _ => "unexpected",
        };
        Self {
            code: code.into(),
            field: None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<domain::DomainError> for UiError {
    fn from(err: domain::DomainError) -> Self {
        if let domain::DomainError::Internal(cause) = &err {
            tracing::error!(error = %cause, "server function failed");
        }
        Self {
            code: err.code().into(),
            field: err.field().map(Into::into),
        }
    }
}
