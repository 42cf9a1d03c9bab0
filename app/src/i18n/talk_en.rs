//! Texts of conversations in English.

use super::talk::Talk;

/// Texts of conversations in English.
pub const TALK_EN: Talk = Talk {
    nav_messages: "Messages",
    messages_title: "Messages",
    patient_intro: "Write to your doctors. In an emergency call 15 or 112: messages are not read around the clock.",
    doctor_intro: "Conversations with the patients in your care.",
    no_rooms_patient: "No conversation yet: a doctor joins your care team when they accept an appointment.",
    no_rooms_doctor: "No conversation yet: you do not look after any patient.",
    choose_room: "Choose a conversation.",
    unread: "unread",
    closed_room: "Care ended: read-only",
    online: "Online",
    last_seen: "Seen",
    never_seen: "Not here yet",
    typing: "is writing…",
    read_receipt: "Read",
    older: "Earlier messages",
    no_messages: "No message yet. Write the first one.",
    write_label: "Your message",
    write_placeholder: "Write a message… (Enter sends)",
    send: "Send",
    not_sent: "Connection lost: the message was not sent. Try again when it is back.",
    you: "You",
    conversation_with: "Conversation with",
    assistant_open: "Open the assistant",
    assistant_close: "Close the assistant",
    assistant_title: "Assistant",
    assistant_welcome: "Hello! Ask your question, or ask for instance “a cardiologist on Tuesday morning”.",
    assistant_ask_label: "Your question",
    assistant_placeholder: "Write a question…",
    assistant_offline: "Connection lost, trying again…",
};
