//! Messages outside the portals: SMS and WhatsApp through Twilio, e-mail over
//! SMTP. What a person chose (channels, quiet hours), what was sent to them
//! and what became of it, and what Twilio sent us (seed 003's
//! `WebhookEvent`). The sending, the webhooks and the outbox live in
//! `services::messaging`; the types here are shared with the portals.

#[cfg(feature = "server")]
pub mod inbound;
#[cfg(feature = "server")]
pub mod quiet;
#[cfg(feature = "server")]
pub mod signature;
#[cfg(feature = "server")]
pub mod wording;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};

wire_enum! {
    /// A way to reach a person outside the portals.
    Channel {
        Sms => "sms",
        Whatsapp => "whatsapp",
        Email => "email",
    }
}

wire_enum! {
    /// What became of a message sent outside the portals.
    OutboundStatus {
        /// Waiting for its time, or for its next try.
        Queued => "queued",
        /// The provider accepted it.
        Sent => "sent",
        /// The provider says it reached the phone or the mailbox.
        Delivered => "delivered",
        /// Every try failed, or the provider says it could not be delivered.
        Failed => "failed",
        /// No longer worth sending (the appointment moved or passed, the
        /// number opted out, the channel is not set up).
        Dropped => "dropped",
    }
}

wire_enum! {
    /// What Twilio sent (seed 003's `event_type`).
    WebhookKind {
        WhatsappIncoming => "whatsapp_incoming",
        SmsIncoming => "sms_incoming",
        Status => "status",
    }
}

wire_enum! {
    /// What became of a webhook event (seed 003's `processing_status`, plus
    /// `refused` for a request whose signature did not hold).
    WebhookStatus {
        Pending => "pending",
        Processed => "processed",
        Failed => "failed",
        Ignored => "ignored",
        Refused => "refused",
    }
}

/// Quiet hours: local times of day `HH:MM` in the person's time zone;
/// nothing that is not urgent is sent from `start` to `end` (an escalated
/// critical alert always is). The same time at both ends means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuietHours {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "21:00")
    )]
    pub start: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:00")
    )]
    pub end: String,
}

/// How a person wants to be reached outside the portals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    pub sms: bool,
    pub whatsapp: bool,
    pub email: bool,
    /// Appointment reminders (the day before and two hours before).
    pub reminders: bool,
    /// None: no quiet hours.
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            sms: true,
            whatsapp: false,
            email: true,
            reminders: true,
            quiet_hours: None,
        }
    }
}

/// A local time of day written `HH:MM` (24 h), as (hour, minute).
pub fn parse_hhmm(field: &'static str, raw: &str) -> DomainResult<(i8, i8)> {
    let bad = || DomainError::invalid(field, "invalid_time", "a time of day like 21:00");
    let raw = raw.trim();
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) || raw.len() != 5 {
        return Err(bad());
    }
    Ok((h, m))
}

impl QuietHours {
    /// Quiet hours from a form's two fields (empty: not given): both or
    /// neither.
    pub fn from_fields(start: Option<String>, end: Option<String>) -> DomainResult<Option<Self>> {
        let both = || "give both ends of the quiet hours, or neither";
        match (start, end) {
            (None, None) => Ok(None),
            (Some(start), Some(end)) => Ok(Some(Self { start, end })),
            (None, Some(_)) => Err(DomainError::invalid("quiet_start", "required", both())),
            (Some(_), None) => Err(DomainError::invalid("quiet_end", "required", both())),
        }
    }

    /// Start and end as (hour, minute).
    pub fn bounds(&self) -> DomainResult<((i8, i8), (i8, i8))> {
        Ok((
            parse_hhmm("quiet_start", &self.start)?,
            parse_hhmm("quiet_end", &self.end)?,
        ))
    }
}

impl Preferences {
    /// The preferences with their times checked and written `HH:MM`; the
    /// same time at both ends is no quiet hours.
    pub fn checked(mut self) -> DomainResult<Self> {
        if let Some(quiet) = &self.quiet_hours {
            let (s, e) = quiet.bounds()?;
            self.quiet_hours = (s != e).then(|| QuietHours {
                start: format!("{:02}:{:02}", s.0, s.1),
                end: format!("{:02}:{:02}", e.0, e.1),
            });
        }
        Ok(self)
    }

    /// Whether `channel` is chosen.
    pub fn wants(&self, channel: Channel) -> bool {
        match channel {
            Channel::Sms => self.sms,
            Channel::Whatsapp => self.whatsapp,
            Channel::Email => self.email,
        }
    }
}

/// An appointment reminder's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub appointment_id: i64,
    pub doctor_name: String,
    pub starts_at: Timestamp,
    /// How long before the start it is sent, in seconds.
    pub seconds_before: i64,
}

/// The kind stored for a reminder (the other kinds are the notices').
pub const REMINDER_KIND: &str = "appointment_reminder";

/// A message sent (or to be sent) outside the portals, as its reader or the
/// staff see it. Never its text: the kind, and the data the text is written
/// from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboundMessage {
    pub id: i64,
    pub user_id: UserId,
    /// The recipient's name (staff views).
    pub user_name: String,
    pub channel: Channel,
    /// What it is about: a notice kind (`appointment_confirmed`, …) or
    /// `appointment_reminder`.
    pub kind: String,
    pub urgent: bool,
    pub status: OutboundStatus,
    /// Why it failed or was dropped (a code: `moved`, `opted_out`, …).
    pub status_reason: Option<String>,
    /// The number or address, partly hidden (`+33 6•• •• •• 78`).
    pub address: Option<String>,
    pub attempts: i64,
    /// When it is (or was) due to go.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::wire_formats::Instant))]
    pub send_after: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>))]
    pub sent_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::wire_formats::Instant))]
    pub created_at: Timestamp,
    /// For a reminder, the appointment's start it was written for.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>))]
    pub starts_at: Option<Timestamp>,
}

/// One webhook event as the staff see it (the message text only for those
/// who may read it: the log shows its length).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    pub id: i64,
    pub event_type: WebhookKind,
    /// Twilio's `MessageSid`.
    pub external_id: Option<String>,
    /// The sender's number, partly hidden.
    pub sender_phone: Option<String>,
    pub recipient_phone: Option<String>,
    /// Characters in the message (its text stays in the record's thread).
    pub content_length: i64,
    pub processing_status: WebhookStatus,
    /// Why it was ignored, refused or failed (a code).
    pub reason: Option<String>,
    pub related_user: Option<UserId>,
    /// The related person's name, when there is one.
    pub related_user_name: Option<String>,
    /// The consultation record the message went to (seed 003's fiche).
    pub related_fiche: Option<i64>,
    pub created_message: Option<i64>,
    pub attempts: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::wire_formats::Instant))]
    pub received_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::wire_formats::Instant>))]
    pub processed_at: Option<Timestamp>,
}

/// `+33612345678` as `+336••••••78`: enough to recognise one's own
/// number, not enough to read it off a screen.
pub fn masked_phone(e164: &str) -> String {
    let chars: Vec<char> = e164.chars().collect();
    if chars.len() < 7 {
        return "•".repeat(chars.len());
    }
    let keep_start = 4.min(chars.len());
    let keep_end = 2;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= chars.len() - keep_end {
                *c
            } else {
                '•'
            }
        })
        .collect()
}

/// `claire.martin@example.org` as `cl•••@example.org`.
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let start: String = local.chars().take(2).collect();
            format!("{start}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_have_both_ends_or_none() {
        let with = |start: &str, end: &str| Preferences {
            quiet_hours: Some(QuietHours {
                start: start.into(),
                end: end.into(),
            }),
            ..Preferences::default()
        };
        assert_eq!(
            with("21:00", "8:00").checked().unwrap_err().field(),
            Some("quiet_end")
        );
        assert_eq!(
            with("25:00", "08:00").checked().unwrap_err().field(),
            Some("quiet_start")
        );
        let ok = with("21:00", "08:00").checked().unwrap();
        assert_eq!(ok.quiet_hours.unwrap().end, "08:00");
        assert_eq!(with("08:00", "08:00").checked().unwrap().quiet_hours, None);
        let one = QuietHours::from_fields(Some("21:00".into()), None);
        assert_eq!(one.unwrap_err().field(), Some("quiet_end"));
        let none = QuietHours::from_fields(None, Some("08:00".into()));
        assert_eq!(none.unwrap_err().field(), Some("quiet_start"));
    }

    #[test]
    fn masks_keep_what_recognises_and_hide_the_rest() {
        assert_eq!(masked_phone("+33612345678"), "+336••••••78");
        assert_eq!(
            masked_email("claire.martin@example.org"),
            "cl•••@example.org"
        );
    }
}
