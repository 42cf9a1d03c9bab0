//! Request extractors of the REST door whose rejections speak the API's error
//! shape: a JSON body ([`ApiJson`]), a query string ([`ApiQuery`]) and path
//! parameters ([`ApiPath`]). Each names the input at fault in `field` — the
//! key the client sent, never the value.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::http_error::error_response;

/// A JSON body. Refuses another content type with 415, a body over the limit
/// with 413, malformed JSON with 400 `invalid_json`, and a field of the wrong
/// type or a missing one with 400 naming it.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (json, bytes) = read_body(req, state).await?;
        json_body(json, &bytes).map(Self)
    }
}

/// Whether the body says it is JSON, and its bytes (413 past the size limit).
async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<(bool, Bytes), Response> {
    let json = is_json(req.headers());
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(body_rejection)?;
    Ok((json, bytes))
}

/// A body declared as JSON, parsed; 415 when it is declared as something else.
fn json_body<T: DeserializeOwned>(json: bool, bytes: &[u8]) -> Result<T, Response> {
    if !json {
        return Err(error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected a body with Content-Type: application/json".into(),
            None,
        ));
    }
    parse_json(bytes)
}

/// A form body (`application/x-www-form-urlencoded`, as Twilio posts), as
/// its name/value pairs in order. Refuses another content type with 415 and
/// a body over the limit with 413.
pub struct ApiForm(pub Vec<(String, String)>);

impl<S> FromRequest<S> for ApiForm
where
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        if !form {
            return Err(error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected a body with Content-Type: application/x-www-form-urlencoded".into(),
                None,
            ));
        }
        Ok(Self(
            form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

/// A JSON body that may be left out: an empty body stands for `T::default()`;
/// a body that is there follows the rules of [`ApiJson`].
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (json, bytes) = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        json_body(json, &bytes).map(Self)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| {
            let essence = essence.trim().to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// The rejection of reading a body: 413 past the size limit, 400 otherwise.
pub fn body_rejection(rejection: BytesRejection) -> Response {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large".into(),
            None,
        )
    } else {
        error_response(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "the request body could not be read".into(),
            None,
        )
    }
}

/// Parses a JSON document, naming the field at fault on error. JSON knows only
/// numbers: `3.0` is the integer 3, as JSON Schema reads it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
        error_response(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not valid JSON: {}", without_position(&err)),
            None,
        )
    })?;
    integral_numbers(&mut value);
    let kind = json_kind(&value);
    serde_path_to_error::deserialize(domain::strict::Strict(value)).map_err(|err| {
        let path = err.path().to_string();
        let message = without_position(err.inner());
        if (path == "." || path.is_empty()) && message.contains("expected an object") {
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("the body must be a JSON object, not {kind}"),
                None,
            );
        }
        data_error(&path, &message)
    })
}

/// What a JSON value is, in words.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Turns every float with no fractional part (and within `i64`) into an integer.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f.abs() < 9.0e18
            {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = serde_json::Number::from(whole);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// serde_json's message without its " at line L column C" tail.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// A deserialisation error of a body or query: `required` for a missing field,
/// `invalid` for a value of the wrong type or shape, naming the field.
fn data_error(path: &str, message: &str) -> Response {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let at = (path != "." && !path.is_empty()).then(|| path.to_owned());
    match missing {
        Some(name) => {
            let field = match &at {
                Some(parent) => format!("{parent}.{name}"),
                None => name.to_owned(),
            };
            error_response(
                StatusCode::BAD_REQUEST,
                "required",
                format!("{field}: this field is required"),
                Some(field),
            )
        }
        None => {
            let detail = match &at {
                Some(field) => format!("{field}: {message}"),
                None => message.to_owned(),
            };
            let code = if at.is_some() {
                "invalid"
            } else {
                "invalid_body"
            };
            error_response(StatusCode::BAD_REQUEST, code, detail, at)
        }
    }
}

/// A query string. A value that does not parse is a 400 naming its key.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Self)
            .map_err(|err| data_error(&err.path().to_string(), &err.inner().to_string()))
    }
}

/// Path parameters. One that does not parse is a 400 naming the parameter as
/// the route template does (`id`).
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                let names = parts
                    .extensions
                    .get::<MatchedPath>()
                    .map(|m| param_names(m.as_str()))
                    .unwrap_or_default();
                Err(path_rejection(&rejection, &names))
            }
        }
    }
}

/// The `{name}` parameters of a route template, in order.
pub fn param_names(template: &str) -> Vec<String> {
    template
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| name.trim_start_matches('*').to_owned())
        .collect()
}

fn path_rejection(rejection: &PathRejection, names: &[String]) -> Response {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(err) = rejection else {
        return error_response(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            "the path parameters could not be read".into(),
            None,
        );
    };
    let (field, expected) = match err.kind() {
        ErrorKind::ParseErrorAtKey {
            key, expected_type, ..
        } => (Some(key.clone()), Some(*expected_type)),
        ErrorKind::ParseErrorAtIndex {
            index,
            expected_type,
            ..
        } => (names.get(*index).cloned(), Some(*expected_type)),
        ErrorKind::ParseError { expected_type, .. } => (
            names.first().cloned().filter(|_| names.len() == 1),
            Some(*expected_type),
        ),
        ErrorKind::InvalidUtf8InPathParam { key } => (Some(key.clone()), None),
        _ => (None, None),
    };
    let what = match expected {
        Some(t) if t.contains("i64") || t.contains("i32") || t.contains("u64") => {
            "expected a whole number".to_owned()
        }
        Some(t) => format!(
            "expected a value of type {}",
            t.rsplit("::").next().unwrap_or(t)
        ),
        None => "malformed value".to_owned(),
    };
    let detail = match &field {
        Some(name) => format!("{name}: {what}"),
        None => format!("path parameter: {what}"),
    };
    error_response(StatusCode::BAD_REQUEST, "invalid_path", detail, field)
}
