//! Server functions: the browser door. Each one parses its input, calls one
//! service method and maps the result; the rules live in the domain.

pub mod account_settings;
pub mod accounts;
pub mod appointments;
pub mod auth;
pub mod calendar_admin;
pub mod chat;
pub mod clinical;
pub mod exports;
pub mod medical;
pub mod messaging;
pub mod records;
pub mod scheduling;
pub mod settings;
pub mod stats;
pub mod vitals;

/// JSON arguments read the way the REST door reads its bodies: a struct only
/// from an object, at any depth (`domain::strict`), so an array cannot pass
/// for a record's changes by position.
pub struct StrictJsonEncoding;

impl leptos::server_fn::ContentType for StrictJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl leptos::server_fn::FormatType for StrictJsonEncoding {
    const FORMAT_TYPE: leptos::server_fn::Format = leptos::server_fn::Format::Text;
}

impl<T: serde::Serialize> leptos::server_fn::Encodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(leptos::server_fn::Bytes::from)
    }
}

impl<T: serde::de::DeserializeOwned> leptos::server_fn::Decodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        let value: serde_json::Value = serde_json::from_slice(&bytes)?;
        T::deserialize(domain::strict::Strict(value))
    }
}

/// A `POST` whose JSON arguments are read strictly ([`StrictJsonEncoding`]).
pub type StrictJson = leptos::server_fn::codec::Post<StrictJsonEncoding>;
