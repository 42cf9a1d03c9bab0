//! Patient–doctor chat: one room per patient and doctor, open while a care
//! relationship joins them. Messages are medical data: the policy decides
//! who reads and writes them, the trail records it, and logs never carry
//! their text. The types here are shared with the browser.

use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::error::DomainError;

/// Longest message, in characters.
pub const MAX_BODY_CHARS: usize = 4000;

/// Messages loaded at once (on joining, and per older page).
pub const PAGE: usize = 50;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    pub id: i64,
    pub room_id: i64,
    pub sender_id: UserId,
    pub body: String,
    /// Unix milliseconds.
    pub sent_at: i64,
    /// Emergency signs read in a patient's message (red-flag category
    /// codes, e.g. `chest_pain`); empty for none. The patient is shown the
    /// emergency numbers, the doctor a mark.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<String>,
}

/// A room as one of its two members sees it in their list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatRoom {
    pub id: i64,
    pub patient_id: UserId,
    pub patient_name: String,
    pub doctor_id: UserId,
    pub doctor_name: String,
    /// The doctor's specialty code, if any.
    pub specialty: Option<String>,
    /// Messages from the other side the reader has not read.
    pub unread: i64,
    /// Unix milliseconds of the last message, if any.
    pub last_message_at: Option<i64>,
    /// Whether a care relationship still joins them (else read-only).
    pub open: bool,
}

impl ChatRoom {
    /// The other member, seen from `me`.
    pub fn other(&self, me: UserId) -> (UserId, &str) {
        if me == self.patient_id {
            (self.doctor_id, &self.doctor_name)
        } else {
            (self.patient_id, &self.patient_name)
        }
    }
}

/// A page of a room's history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    pub messages: Vec<ChatMessage>,
    /// Whether older messages remain (ask with `before` = the first id).
    pub has_more: bool,
}

/// Where the other member is: online now, or when last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub user_id: UserId,
    pub online: bool,
    /// Unix milliseconds they last left the room, if ever there.
    pub last_seen: Option<i64>,
}

/// How far each member has read (message ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMarks {
    pub mine: i64,
    pub theirs: i64,
}

/// A message's text as written, trimmed, or why it cannot be sent.
pub fn body(raw: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("body", "required", "write a message"));
    }
    if text.chars().count() > MAX_BODY_CHARS {
        return Err(DomainError::invalid(
            "body",
            "too_long",
            format!("at most {MAX_BODY_CHARS} characters"),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(body("  Bonjour docteur  ").unwrap(), "Bonjour docteur");
        assert!(body("   ").is_err());
        assert!(body(&"é".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(body(&"é".repeat(MAX_BODY_CHARS + 1)).is_err());
    }
}
