//! The outside services that carry messages: Twilio's REST API for SMS and
//! WhatsApp, an SMTP server for e-mail. Each try carries the message's
//! idempotency key (`Idempotency-Key` header to Twilio, the `Message-ID` of
//! an e-mail), so that a provider that already took a message does not
//! deliver it twice when a crash made us try again.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::Deserialize;

use crate::messaging::Channel;
use crate::messaging::wording::Worded;

/// Twilio's account and numbers.
#[derive(Clone)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: String,
    /// `https://api.twilio.com` (a stand-in's address in tests).
    pub api_base: String,
    /// The number SMS are sent from (E.164), if SMS is set up.
    pub sms_from: Option<String>,
    /// The WhatsApp sender (E.164, without `whatsapp:`), if set up.
    pub whatsapp_from: Option<String>,
    /// Where Twilio posts delivery statuses (our public status webhook).
    pub status_callback: Option<String>,
}

impl std::fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioConfig")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("api_base", &self.api_base)
            .field("sms_from", &self.sms_from)
            .field("whatsapp_from", &self.whatsapp_from)
            .finish()
    }
}

/// The SMTP server e-mail goes through.
#[derive(Clone)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain or STARTTLS with `?tls=required`),
    /// `smtps://user:password@host` (TLS).
    pub url: String,
    /// `MedPlat <noreply@clinic.example>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = self.url.rsplit('@').next().unwrap_or_default();
        f.debug_struct("SmtpConfig")
            .field("url", &format!("…{host}"))
            .field("from", &self.from)
            .finish()
    }
}

/// Why a try failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again (network, the provider busy or down).
    Retry(String),
    /// Never worth trying again (a refused number, bad credentials).
    Permanent(String),
    /// The channel is not set up on this platform.
    NotSetUp,
}

/// The configured providers.
#[derive(Clone)]
pub struct Providers {
    http: reqwest::Client,
    twilio: Option<TwilioConfig>,
    mail: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

#[derive(Deserialize)]
struct TwilioError {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

impl Providers {
    /// Providers for what is configured (none: every message is dropped as
    /// not set up).
    pub fn new(twilio: Option<TwilioConfig>, smtp: Option<SmtpConfig>) -> Result<Self, String> {
        let http = crate::http::client_builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let mail = match smtp {
            Some(smtp) => {
                crate::http::install_tls();
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                let from: Mailbox = smtp.from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
                Some((transport, from))
            }
            None => None,
        };
        Ok(Self { http, twilio, mail })
    }

    /// Sends `worded` to `address` on `channel`; the provider's id of the
    /// message.
    pub async fn send(
        &self,
        channel: Channel,
        address: &str,
        worded: &Worded,
        idempotency_key: &str,
    ) -> Result<String, SendError> {
        match channel {
            Channel::Email => self.mail(address, worded, idempotency_key).await,
            Channel::Sms | Channel::Whatsapp => {
                self.twilio(channel, address, &worded.text, idempotency_key)
                    .await
            }
        }
    }

    async fn twilio(
        &self,
        channel: Channel,
        to: &str,
        text: &str,
        key: &str,
    ) -> Result<String, SendError> {
        let Some(t) = &self.twilio else {
            return Err(SendError::NotSetUp);
        };
        let (from, to) = match channel {
            Channel::Whatsapp => match &t.whatsapp_from {
                Some(from) => (format!("whatsapp:{from}"), format!("whatsapp:{to}")),
                None => return Err(SendError::NotSetUp),
            },
            _ => match &t.sms_from {
                Some(from) => (from.clone(), to.to_owned()),
                None => return Err(SendError::NotSetUp),
            },
        };
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            t.api_base.trim_end_matches('/'),
            t.account_sid
        );
        let mut form = vec![("To", to), ("From", from), ("Body", text.to_owned())];
        if let Some(callback) = &t.status_callback {
            form.push(("StatusCallback", callback.clone()));
        }
        let response = self
            .http
            .post(url)
            .basic_auth(&t.account_sid, Some(&t.auth_token))
            .header("Idempotency-Key", key)
            .form(&form)
            .send()
            .await
            .map_err(|e| SendError::Retry(format!("twilio unreachable: {}", without_url(&e))))?;
        let status = response.status();
        if status.is_success() {
            let created: Created = response
                .json()
                .await
                .map_err(|e| SendError::Retry(format!("twilio answer: {}", without_url(&e))))?;
            return Ok(created.sid);
        }
        let error: Option<TwilioError> = response.json().await.ok();
        let detail = error
            .map(|e| {
                format!(
                    "twilio {}: {}",
                    e.code
                        .map_or_else(|| status.as_u16().to_string(), |c| c.to_string()),
                    e.message.unwrap_or_default()
                )
            })
            .unwrap_or_else(|| format!("twilio {}", status.as_u16()));
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Retry(detail))
        } else {
            Err(SendError::Permanent(detail))
        }
    }

    async fn mail(&self, to: &str, worded: &Worded, key: &str) -> Result<String, SendError> {
        let Some((transport, from)) = &self.mail else {
            return Err(SendError::NotSetUp);
        };
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::Permanent(format!("address: {e}")))?;
        let domain = from.email.domain().to_owned();
        let message_id = format!("<{}@{domain}>", key.replace([':', ' '], "."));
        let email = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&worded.subject)
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(worded.text.clone())
            .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
        match transport.send(email).await {
            Ok(_) => Ok(message_id),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(format!("smtp: {e}"))),
            Err(e) => Err(SendError::Retry(format!("smtp: {e}"))),
        }
    }
}

/// An HTTP error without the URL (it holds the account id).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "…");
    }
    text
}
