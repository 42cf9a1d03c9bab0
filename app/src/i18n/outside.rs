//! Texts of messages outside the portals (SMS, WhatsApp, e-mail): each
//! person's channels and quiet hours, what was sent to them, and the staff's
//! webhook log and outbox. The texts themselves are in `outside_fr.rs` and
//! `outside_en.rs`.

crate::texts! {
    /// Texts of messages outside the portals.
    pub struct Outside {
        pub nav_sms: &'static str,
        pub prefs_title: &'static str,
        pub prefs_intro: &'static str,
        pub sms: &'static str,
        pub whatsapp: &'static str,
        pub email: &'static str,
        pub reminders: &'static str,
        pub phone_hint: &'static str,
        pub quiet_title: &'static str,
        pub quiet_from: &'static str,
        pub quiet_to: &'static str,
        pub quiet_hint: &'static str,
        pub sent_title: &'static str,
        pub sent_empty: &'static str,
        pub staff_title: &'static str,
        pub staff_intro_doctor: &'static str,
        pub staff_intro_admin: &'static str,
        pub received_title: &'static str,
        pub received_empty: &'static str,
        pub outbound_title: &'static str,
        pub outbound_empty: &'static str,
        pub received_status: &'static str,
        pub sent_status: &'static str,
        pub filter_channel: &'static str,
        pub filter_all: &'static str,
        pub filter: &'static str,
        pub to: &'static str,
        pub from: &'static str,
        pub tries: &'static str,
        pub urgent: &'static str,
        pub planned: &'static str,
        pub characters: &'static str,
        pub unknown_sender: &'static str,
        pub open_record: &'static str,
        pub provider_error: &'static str,
        /// What a message is about, by kind.
        pub kinds: [(&'static str, &'static str); 8],
        /// What became of a message sent, by status.
        pub statuses: [(&'static str, &'static str); 5],
        /// What Twilio sent, by event type.
        pub event_types: [(&'static str, &'static str); 3],
        /// What became of what Twilio sent, by status.
        pub event_statuses: [(&'static str, &'static str); 5],
        /// Why, by reason code.
        pub reasons: [(&'static str, &'static str); 21],
    }
}

impl Outside {
    fn label(list: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
        list.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
    }

    /// What a message is about.
    pub fn kind(&self, code: &str) -> &'static str {
        Self::label(&self.kinds, code).unwrap_or(self.provider_error)
    }

    /// A message's status.
    pub fn status(&self, code: &str) -> &'static str {
        Self::label(&self.statuses, code).unwrap_or("")
    }

    /// A webhook event's type.
    pub fn event_type(&self, code: &str) -> &'static str {
        Self::label(&self.event_types, code).unwrap_or("")
    }

    /// A webhook event's status.
    pub fn event_status(&self, code: &str) -> &'static str {
        Self::label(&self.event_statuses, code).unwrap_or("")
    }

    /// Why; a provider's own message reads as a provider error.
    pub fn reason(&self, code: &str) -> &'static str {
        Self::label(&self.reasons, code).unwrap_or(self.provider_error)
    }
}
