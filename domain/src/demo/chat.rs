//! Chat conversations of the demo, played through the chat service: each
//! listed patient talks with the doctor named (else the first of their care
//! team), sides
//! alternating from the patient; the last message stays unread, so both
//! portals show a count.

use super::People;
use crate::error::DomainResult;
use crate::services::Services;

/// Patient, doctor, then the conversation (patient first, then alternating).
type Talk = (&'static str, Option<&'static str>, &'static [&'static str]);

const TALKS: &[Talk] = &[
    (
        "marie",
        Some("dr.dupont"),
        &[
            "Bonjour docteur, ma tension était à 14/9 ce matin au réveil. Dois-je m'inquiéter ?",
            "Bonjour Madame, une mesure isolée ne suffit pas. Prenez-la matin et soir pendant trois jours, assise, après cinq minutes de repos.",
            "D'accord, je vous envoie les chiffres vendredi.",
            "Parfait. Si vous avez mal à la tête ou des troubles de la vue, appelez le 15.",
        ],
    ),
    (
        "paul",
        None,
        &[
            "Bonjour, le renouvellement de mon traitement arrive à la fin du mois.",
            "Bonjour Monsieur, je vous le prépare. Avez-vous eu des effets indésirables ?",
            "Non, aucun. Merci docteur.",
            "Avec plaisir. L'ordonnance est dans votre espace.",
            "Docteur, depuis ce matin j'ai une douleur dans la poitrine qui serre quand je marche.",
            "Monsieur, appelez le 15 maintenant, sans attendre : une douleur dans la poitrine doit être vue en urgence.",
        ],
    ),
    (
        "sofia",
        None,
        &[
            "Bonjour, mon fils tousse depuis deux jours, sans fièvre.",
            "Bonjour, surveillez la température et son appétit. Prenons rendez-vous cette semaine s'il ne va pas mieux.",
        ],
    ),
];

/// Plays the conversations.
pub(super) async fn load(services: &Services, people: &People) -> DomainResult<()> {
    for (patient, doctor, lines) in TALKS {
        let patient = people.principal(patient)?;
        let wanted = doctor.map(|d| people.id(d)).transpose()?;
        let Some(room) = services
            .chat
            .rooms(&patient)
            .await?
            .into_iter()
            .find(|r| wanted.is_none_or(|d| r.doctor_id == d))
        else {
            continue;
        };
        let doctor = people.principal_of(room.doctor_id)?;
        for (i, line) in lines.iter().enumerate() {
            let author = if i % 2 == 0 { &patient } else { &doctor };
            services.chat.post(author, room.id, line).await?;
        }
    }
    Ok(())
}
