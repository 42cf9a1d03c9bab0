//! Texts of conversations: the assistant's widget and the patient–doctor
//! chat. The texts themselves are in `talk_fr.rs` and `talk_en.rs`.

crate::texts! {
    /// Texts of conversations.
    pub struct Talk {
        pub nav_messages: &'static str,
        pub messages_title: &'static str,
        pub patient_intro: &'static str,
        pub doctor_intro: &'static str,
        pub no_rooms_patient: &'static str,
        pub no_rooms_doctor: &'static str,
        pub choose_room: &'static str,
        pub unread: &'static str,
        pub closed_room: &'static str,
        pub online: &'static str,
        pub last_seen: &'static str,
        pub never_seen: &'static str,
        pub typing: &'static str,
        pub read_receipt: &'static str,
        pub older: &'static str,
        pub no_messages: &'static str,
        pub write_label: &'static str,
        pub write_placeholder: &'static str,
        pub send: &'static str,
        pub not_sent: &'static str,
        pub you: &'static str,
        pub conversation_with: &'static str,
        pub assistant_open: &'static str,
        pub assistant_close: &'static str,
        pub assistant_title: &'static str,
        pub assistant_welcome: &'static str,
        pub assistant_ask_label: &'static str,
        pub assistant_placeholder: &'static str,
        pub assistant_offline: &'static str,
        /// Shown to a patient under their message that reads as an emergency.
        pub red_flag_patient: &'static str,
        /// Added for suicidal thoughts.
        pub red_flag_suicide: &'static str,
        /// The doctor's mark on such a message, before the signs' names.
        pub red_flag_doctor: &'static str,
        /// Names of the red-flag categories, by code.
        pub red_flag_names: [(&'static str, &'static str); 12],
    }
}

impl Talk {
    /// The name of a red-flag category (the code itself if unknown).
    pub fn red_flag_name<'a>(&self, code: &'a str) -> &'a str {
        self.red_flag_names
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, name)| *name)
    }
}
