//! Twilio's webhooks (seed 003): incoming WhatsApp and SMS messages, and the
//! delivery statuses of ours. Form-encoded, signed with `X-Twilio-Signature`,
//! answered in TwiML (`<Response>`, with a `<Message>` when there is
//! something to say back).

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use domain::messaging::WebhookKind;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::ApiForm;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks/twilio/whatsapp/", post(whatsapp))
        .route("/api/v1/webhooks/twilio/sms/", post(sms))
        .route("/api/v1/webhooks/twilio/status/", post(status))
}

/// An incoming message as Twilio posts it (the fields read; Twilio sends
/// more, which are kept in the log's payload).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TwilioMessage {
    /// Twilio's message id.
    #[schema(
        example = "SM0123456789abcdef0123456789abcdef",
        pattern = "^[A-Za-z0-9]{1,64}$"
    )]
    #[serde(rename = "MessageSid")]
    message_sid: String,
    /// The sender: `+33612345678`, or `whatsapp:+33612345678`.
    #[schema(example = "whatsapp:+33612345678", max_length = 64)]
    #[serde(rename = "From")]
    from: String,
    /// The clinic's or the assistant's number.
    #[schema(example = "whatsapp:+33180000000", max_length = 64)]
    #[serde(rename = "To")]
    to: String,
    #[schema(example = "Bonjour, mes résultats sont arrivés ?", max_length = 1600)]
    #[serde(rename = "Body")]
    body: Option<String>,
    #[schema(example = "0")]
    #[serde(rename = "NumMedia")]
    num_media: Option<String>,
    #[schema(example = "Claire")]
    #[serde(rename = "ProfileName")]
    profile_name: Option<String>,
}

/// A delivery status of a message the platform sent.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct TwilioStatus {
    #[schema(
        example = "SM0123456789abcdef0123456789abcdef",
        pattern = "^[A-Za-z0-9]{1,64}$"
    )]
    #[serde(rename = "MessageSid")]
    message_sid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, `read`.
    #[schema(example = "delivered")]
    #[serde(rename = "MessageStatus")]
    message_status: String,
    #[schema(example = "30003")]
    #[serde(rename = "ErrorCode")]
    error_code: Option<String>,
}

/// TwiML: an empty answer, or one message back.
fn twiml(reply: Option<String>) -> Response {
    let body = match reply {
        Some(text) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{}</Message></Response>",
            escape(&text)
        ),
        None => "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>".to_owned(),
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Text as XML character data.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

async fn receive(
    state: &AppState,
    kind: WebhookKind,
    uri: &OriginalUri,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<Response, ApiError> {
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    let reply = state
        .services
        .messaging
        .receive(kind, &path, form, signature)
        .await?;
    Ok(twiml(reply))
}

/// An incoming WhatsApp message. To the assistant's number, the assistant
/// answers (TwiML); to the clinic's, it joins the patient's most recent open
/// record. Recorded once per `MessageSid`.
#[utoipa::path(post, path = "/api/v1/webhooks/twilio/whatsapp/", tag = "webhooks",
    request_body(content = TwilioMessage, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML", content_type = "text/xml", body = String),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Missing or wrong X-Twilio-Signature", body = ErrorBody)))]
pub async fn whatsapp(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    ApiForm(form): ApiForm,
) -> Result<Response, ApiError> {
    receive(&state, WebhookKind::WhatsappIncoming, &uri, &headers, &form).await
}

/// An incoming SMS (as the WhatsApp webhook).
#[utoipa::path(post, path = "/api/v1/webhooks/twilio/sms/", tag = "webhooks",
    request_body(content = TwilioMessage, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML", content_type = "text/xml", body = String),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Missing or wrong X-Twilio-Signature", body = ErrorBody)))]
pub async fn sms(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    ApiForm(form): ApiForm,
) -> Result<Response, ApiError> {
    receive(&state, WebhookKind::SmsIncoming, &uri, &headers, &form).await
}

/// A delivery status of a message the platform sent: the outbound message
/// moves to `sent`, `delivered` or `failed`.
#[utoipa::path(post, path = "/api/v1/webhooks/twilio/status/", tag = "webhooks",
    request_body(content = TwilioStatus, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML", content_type = "text/xml", body = String),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Missing or wrong X-Twilio-Signature", body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    ApiForm(form): ApiForm,
) -> Result<Response, ApiError> {
    receive(&state, WebhookKind::Status, &uri, &headers, &form).await
}
