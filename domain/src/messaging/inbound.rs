//! What Twilio posts to the webhooks, read into checked values: an incoming
//! SMS or WhatsApp message, or a delivery status of a message we sent.

use super::WebhookKind;
use crate::error::{DomainError, DomainResult};
use crate::phones;

/// Longest message body kept, in characters (Twilio concatenates up to 1600).
pub const MAX_BODY_CHARS: usize = 1600;

/// An incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub kind: WebhookKind,
    /// Twilio's `MessageSid`.
    pub sid: String,
    /// `From` as sent (`whatsapp:+33612345678`).
    pub from_raw: String,
    /// `From` as E.164, when it is a valid number.
    pub from: Option<String>,
    /// `To` as E.164 (the clinic's or the assistant's number).
    pub to: Option<String>,
    pub body: String,
    pub num_media: i64,
}

/// A delivery status of a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub sid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, `read`…
    pub status: String,
    pub error_code: Option<String>,
}

/// What a whole message asks when it is one of the opt-out keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// STOP, STOPALL, UNSUBSCRIBE, ARRET, ARRÊT: send nothing more.
    Stop,
    /// START, UNSTOP: send again.
    Start,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn required<'a>(params: &'a [(String, String)], name: &'static str) -> DomainResult<&'a str> {
    param(params, name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| DomainError::invalid(name, "required", format!("{name} is required")))
}

/// A Twilio message id: letters and digits, 34 characters for real ones.
fn sid(params: &[(String, String)]) -> DomainResult<String> {
    let sid = param(params, "MessageSid")
        .or_else(|| param(params, "SmsSid"))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| DomainError::invalid("MessageSid", "required", "MessageSid is required"))?;
    if sid.len() > 64 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(DomainError::invalid(
            "MessageSid",
            "invalid",
            "MessageSid is letters and digits",
        ));
    }
    Ok(sid.to_owned())
}

/// Reads an incoming message posted to the `kind` webhook.
pub fn incoming(kind: WebhookKind, params: &[(String, String)]) -> DomainResult<Incoming> {
    let sid = sid(params)?;
    let from_raw = required(params, "From")?;
    let to_raw = required(params, "To")?;
    if from_raw.chars().count() > 64 || to_raw.chars().count() > 64 {
        return Err(DomainError::invalid(
            "From",
            "invalid_phone",
            "not a phone number",
        ));
    }
    let body = param(params, "Body").unwrap_or_default().trim();
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(DomainError::invalid(
            "Body",
            "too_long",
            format!("at most {MAX_BODY_CHARS} characters"),
        ));
    }
    let num_media = param(params, "NumMedia")
        .map(|n| n.trim().parse::<i64>())
        .transpose()
        .map_err(|_| DomainError::invalid("NumMedia", "invalid", "NumMedia is a count"))?
        .unwrap_or(0);
    Ok(Incoming {
        kind,
        sid,
        from_raw: from_raw.to_owned(),
        from: phones::sender(from_raw),
        to: phones::sender(to_raw),
        body: body.to_owned(),
        num_media,
    })
}

/// Reads a delivery-status callback.
pub fn status(params: &[(String, String)]) -> DomainResult<StatusUpdate> {
    let sid = sid(params)?;
    let status = param(params, "MessageStatus")
        .or_else(|| param(params, "SmsStatus"))
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_lowercase()))
        .ok_or_else(|| {
            DomainError::invalid("MessageStatus", "required", "MessageStatus is required")
        })?;
    Ok(StatusUpdate {
        sid,
        status: status.to_owned(),
        error_code: param(params, "ErrorCode")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(16).collect()),
    })
}

/// The opt-out keyword a whole message is, if any ("stop", "Arrêt !").
pub fn keyword(body: &str) -> Option<Keyword> {
    let word: String = body.trim().trim_end_matches(['.', '!', ' ']).to_uppercase();
    match word.as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "ARRET" | "ARRÊT" => Some(Keyword::Stop),
        "START" | "UNSTOP" => Some(Keyword::Start),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_whatsapp_message_is_read_with_its_numbers_in_e164() {
        let got = incoming(
            WebhookKind::WhatsappIncoming,
            &form(&[
                ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
                ("From", "whatsapp:+33612345678"),
                ("To", "whatsapp:+33180000000"),
                ("Body", "  Bonjour docteur  "),
                ("NumMedia", "0"),
                ("ProfileName", "Claire"),
            ]),
        )
        .unwrap();
        assert_eq!(got.from.as_deref(), Some("+33612345678"));
        assert_eq!(got.to.as_deref(), Some("+33180000000"));
        assert_eq!(got.body, "Bonjour docteur");
    }

    #[test]
    fn missing_or_odd_fields_are_named() {
        let err =
            incoming(WebhookKind::SmsIncoming, &form(&[("From", "+33612345678")])).unwrap_err();
        assert_eq!(err.field(), Some("MessageSid"));
        let err = incoming(
            WebhookKind::SmsIncoming,
            &form(&[("MessageSid", "SM1"), ("To", "+33180000000")]),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("From"));
        let err = incoming(
            WebhookKind::SmsIncoming,
            &form(&[("MessageSid", "SM1'; --"), ("From", "x"), ("To", "y")]),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("MessageSid"));
        let err = status(&form(&[("MessageSid", "SM1")])).unwrap_err();
        assert_eq!(err.field(), Some("MessageStatus"));
    }

    #[test]
    fn only_a_whole_keyword_opts_out_or_in() {
        assert_eq!(keyword("stop"), Some(Keyword::Stop));
        assert_eq!(keyword(" Arrêt ! "), Some(Keyword::Stop));
        assert_eq!(keyword("ARRET"), Some(Keyword::Stop));
        assert_eq!(keyword("Start"), Some(Keyword::Start));
        assert_eq!(keyword("stop the reminders please"), None);
        assert_eq!(keyword("oui"), None);
    }
}
