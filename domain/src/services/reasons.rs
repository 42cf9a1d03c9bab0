//! Appointment reasons are medical data: what a patient wrote about why they
//! come. Every list or view of appointments passes through [`disclose`], which
//! keeps a reason where the policy allows the reader to see it (and writes the
//! read to the trail, one entry per patient) and blanks it elsewhere — an
//! administrator's overview, a doctor whose patient withdrew them.

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::DomainResult;
use crate::policy::{Gate, Relation, allows};
use crate::scheduling::appointments::AppointmentStatus;
use crate::services::trail::NewEntry;
use crate::store::appointments::AppointmentRow;
use crate::store::{care, db_error};
use crate::trail::{Resource, TrailAction};

/// Longest list of appointment ids an entry names.
const MAX_IDS_TEXT: usize = 200;

/// Applies the policy to the reasons of `rows` (appointments the actor may
/// already see) and records what was read.
pub(crate) async fn disclose(
    gate: &Gate,
    db: &crate::store::Db,
    actor: &Principal,
    rows: &mut [AppointmentRow],
    now: Timestamp,
) -> DomainResult<()> {
    let (in_care, emergency): (HashSet<UserId>, HashSet<UserId>) = match actor.role {
        Role::Doctor => {
            let mut conn = db.pool().acquire().await.map_err(db_error)?;
            let (a, b) = care::patients_of(&mut conn, actor.user_id, now.as_millisecond()).await?;
            (a.into_iter().collect(), b.into_iter().collect())
        }
        _ => (HashSet::new(), HashSet::new()),
    };
    // Per patient: the appointment ids read, and whether under emergency access.
    let mut read: BTreeMap<UserId, (Vec<i64>, bool)> = BTreeMap::new();
    for row in rows.iter_mut() {
        if row.reason.is_empty() {
            continue;
        }
        let relation = match actor.role {
            Role::Patient if row.patient_id == actor.user_id => Relation::Own,
            Role::Doctor if in_care.contains(&row.patient_id) => Relation::Care,
            Role::Doctor if emergency.contains(&row.patient_id) => Relation::Emergency,
            Role::Doctor
                if row.doctor_id == actor.user_id && row.status == AppointmentStatus::Pending =>
            {
                Relation::Requested
            }
            _ => Relation::Stranger,
        };
        if allows(
            actor.role,
            relation,
            TrailAction::Read,
            Resource::AppointmentReason,
        ) {
            let slot = read.entry(row.patient_id).or_default();
            slot.0.push(row.id);
            slot.1 |= relation == Relation::Emergency;
        } else {
            row.reason.clear();
        }
    }
    let entries = read
        .into_iter()
        .map(|(patient_id, (ids, emergency))| {
            NewEntry::by(
                actor,
                TrailAction::Read,
                Resource::AppointmentReason,
                patient_id,
            )
            .on(ids_text(&ids))
            .emergency(emergency)
        })
        .collect();
    gate.trail().record(entries).await
}

/// `12,15,19`, cut short with `…` past [`MAX_IDS_TEXT`] characters.
fn ids_text(ids: &[i64]) -> String {
    let mut text = String::new();
    for id in ids {
        let next = if text.is_empty() {
            id.to_string()
        } else {
            format!(",{id}")
        };
        if text.len() + next.len() > MAX_IDS_TEXT {
            text.push('…');
            break;
        }
        text.push_str(&next);
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_id_lists_are_cut() {
        assert_eq!(super::ids_text(&[3, 14, 15]), "3,14,15");
        let many: Vec<i64> = (1_000..1_100).collect();
        let text = super::ids_text(&many);
        assert!(text.ends_with('…') && text.len() <= super::MAX_IDS_TEXT + 3);
    }
}
