//! Texts of conversations in French.

use super::talk::Talk;

/// Texts of conversations in French.
pub const TALK_FR: Talk = Talk {
    nav_messages: "Messagerie",
    messages_title: "Messagerie",
    patient_intro: "Écrivez à vos médecins. Pour une urgence, appelez le 15 ou le 112 : les messages ne sont pas lus en continu.",
    doctor_intro: "Les conversations avec les patients que vous suivez.",
    no_rooms_patient: "Aucune conversation : un médecin rejoint votre équipe de soins quand il accepte un rendez-vous.",
    no_rooms_doctor: "Aucune conversation : vous n’avez pas encore de patient suivi.",
    choose_room: "Choisissez une conversation.",
    unread: "non lus",
    closed_room: "Suivi terminé : lecture seule",
    online: "En ligne",
    last_seen: "Vu",
    never_seen: "Pas encore venu",
    typing: "écrit…",
    read_receipt: "Lu",
    older: "Messages précédents",
    no_messages: "Aucun message pour le moment. Écrivez le premier.",
    write_label: "Votre message",
    write_placeholder: "Écrire un message… (Entrée pour envoyer)",
    send: "Envoyer",
    not_sent: "Connexion perdue : le message n’est pas parti. Réessayez quand elle revient.",
    you: "Vous",
    conversation_with: "Conversation avec",
    assistant_open: "Ouvrir l’assistant",
    assistant_close: "Fermer l’assistant",
    assistant_title: "Assistant",
    assistant_welcome: "Bonjour ! Posez votre question, ou demandez par exemple « un cardiologue mardi matin ».",
    assistant_ask_label: "Votre question",
    assistant_placeholder: "Écrire une question…",
    assistant_offline: "Connexion perdue, nouvelle tentative…",
};
