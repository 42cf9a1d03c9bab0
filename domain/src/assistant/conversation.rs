//! What the assistant remembers of one conversation (one open socket, or
//! one phone number by SMS): the last search, so that "et jeudi ?" repeats
//! it for Thursday; the options it last offered, so that "le 2" picks one;
//! the action awaiting a yes; and the last turns, for a language model. A
//! socket's memory is never stored (closing it forgets); a number's is kept
//! in the database between messages and forgotten after a quiet period.

use std::collections::VecDeque;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::when::When;
use crate::accounts::UserId;
use crate::scheduling::ConsultationType;

/// Turns kept for a language model's context.
pub const KEPT_TURNS: usize = 8;

/// A free-slot search as the assistant last ran it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Search {
    pub specialty: Option<String>,
    pub doctor: Option<UserId>,
    pub when: When,
    pub kind: Option<ConsultationType>,
    /// The appointment being moved, when the search is for a reschedule.
    pub moving: Option<AppointmentOption>,
}

/// A slot offered, as it would be booked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotOption {
    pub doctor_id: UserId,
    pub starts_at: Timestamp,
    /// The type it would be booked as.
    pub kind: ConsultationType,
    /// As the reader saw it.
    pub label: String,
    /// Local hour and minute (doctor's zone), for "celui de 9h".
    pub local_time: (i8, i8),
}

/// What an appointment was offered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    Cancel,
    Reschedule,
}

/// An appointment offered, by id and label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentOption {
    pub id: i64,
    pub doctor_id: UserId,
    pub label: String,
}

/// The options of the last answer, which "le 2" picks from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Offered {
    #[default]
    Nothing,
    Slots(Vec<SlotOption>),
    Appointments(Purpose, Vec<AppointmentOption>),
    /// Specialties as (code, name shown).
    Specialties(Vec<(String, String)>),
}

/// An action awaiting the patient's yes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Pending {
    Book(SlotOption),
    Cancel(AppointmentOption),
    Reschedule(AppointmentOption, SlotOption),
}

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub question: String,
    pub answer: String,
}

/// One conversation's memory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Conversation {
    pub search: Option<Search>,
    pub offered: Offered,
    pub pending: Option<Pending>,
    pub turns: VecDeque<Turn>,
}

impl Conversation {
    /// Keeps a turn, forgetting the oldest past [`KEPT_TURNS`].
    pub fn remember(&mut self, question: &str, answer: &str) {
        if self.turns.len() == KEPT_TURNS {
            self.turns.pop_front();
        }
        self.turns.push_back(Turn {
            question: question.to_owned(),
            answer: answer.to_owned(),
        });
    }
}
