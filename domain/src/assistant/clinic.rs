//! What the assistant says about the practice itself: its phone, e-mail,
//! address, access and opening hours per day, from the `[clinic]` table of
//! `intents.toml`, filled into answers' `{phone}`, `{email}`, `{address}`,
//! `{access}`, `{hours}` and `{day_hours}`.

use serde::Deserialize;

use super::classifier::tokens;
use super::when::{WEEKDAYS_EN, WEEKDAYS_FR, weekday_of};
use crate::error::{DomainError, DomainResult};

/// The practice as the intents file describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub access_fr: String,
    pub access_en: String,
    /// Monday to Sunday: "08:00-19:00", ranges joined by ", ", "" closed.
    pub hours: Vec<String>,
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Clinic {
    /// Checks the hours: seven days of `HH:MM-HH:MM` ranges.
    pub fn check(&self) -> DomainResult<()> {
        let well_formed = |range: &str| {
            range.split_once('-').is_some_and(|(a, b)| {
                [a, b]
                    .iter()
                    .all(|t| jiff::civil::Time::strptime("%H:%M", t.trim()).is_ok())
            })
        };
        let fine = self.hours.len() == 7
            && self
                .hours
                .iter()
                .all(|day| day.is_empty() || day.split(", ").all(well_formed));
        if fine {
            Ok(())
        } else {
            Err(DomainError::internal(
                "intents.toml: [clinic] hours must be seven days of HH:MM-HH:MM ranges",
            ))
        }
    }

    /// One day's hours in words: "de 08:00 à 19:00" / "fermé".
    fn day(&self, index: usize, french: bool) -> String {
        let hours = self.hours.get(index).map_or("", String::as_str);
        if hours.is_empty() {
            return if french { "fermé" } else { "closed" }.to_owned();
        }
        hours
            .split(", ")
            .map(|range| {
                let (from, to) = range.split_once('-').unwrap_or((range, ""));
                if french {
                    format!("de {from} à {to}")
                } else {
                    format!("{from} to {to}")
                }
            })
            .collect::<Vec<_>>()
            .join(if french { " et " } else { " and " })
    }

    /// The week, days with the same hours grouped: "du lundi au jeudi de
    /// 08:00 à 19:00, le vendredi de 08:00 à 18:00, …".
    pub fn week(&self, french: bool) -> String {
        let names = if french { WEEKDAYS_FR } else { WEEKDAYS_EN };
        let mut parts = Vec::new();
        let mut first = 0;
        while first < 7 {
            let mut last = first;
            while last + 1 < 7 && self.hours.get(last + 1) == self.hours.get(first) {
                last += 1;
            }
            let days = match (first == last, french) {
                (true, true) => format!("le {}", names[first]),
                (true, false) => capitalised(names[first]),
                (false, true) => format!("du {} au {}", names[first], names[last]),
                (false, false) => format!(
                    "{} to {}",
                    capitalised(names[first]),
                    capitalised(names[last])
                ),
            };
            parts.push(format!("{days} {}", self.day(first, french)));
            first = last + 1;
        }
        parts.join(", ")
    }

    /// The hours of the day the question names, else the week.
    pub fn day_hours(&self, question: &str, french: bool) -> String {
        let named = tokens(question).iter().find_map(|t| weekday_of(t));
        match named {
            Some(day) => {
                let i = usize::from(day.to_monday_zero_offset().unsigned_abs());
                let names = if french { WEEKDAYS_FR } else { WEEKDAYS_EN };
                if french {
                    format!("le {} {}", names[i], self.day(i, french))
                } else {
                    format!("on {} {}", capitalised(names[i]), self.day(i, french))
                }
            }
            None => self.week(french),
        }
    }

    /// `answer` with the practice's details filled in.
    pub fn fill(&self, answer: &str, question: &str, french: bool) -> String {
        let mut out = answer
            .replace("{phone}", &self.phone)
            .replace("{email}", &self.email)
            .replace("{address}", &self.address)
            .replace(
                "{access}",
                if french {
                    &self.access_fr
                } else {
                    &self.access_en
                },
            );
        if out.contains("{day_hours}") {
            out = out.replace("{day_hours}", &self.day_hours(question, french));
        }
        if out.contains("{hours}") {
            out = out.replace("{hours}", &self.week(french));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clinic() -> Clinic {
        Clinic {
            name: "MedPlat".into(),
            phone: "01 00 00 00 00".into(),
            email: "a@b.fr".into(),
            address: "1 rue".into(),
            access_fr: "Métro".into(),
            access_en: "Metro".into(),
            hours: [
                "08:00-19:00",
                "08:00-19:00",
                "08:00-19:00",
                "08:00-19:00",
                "08:00-18:00",
                "09:00-12:30",
                "",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }

    #[test]
    fn the_week_groups_days_and_a_named_day_gets_its_own_hours() {
        let c = clinic();
        c.check().unwrap();
        assert_eq!(
            c.week(true),
            "du lundi au jeudi de 08:00 à 19:00, le vendredi de 08:00 à 18:00, le samedi de 09:00 à 12:30, le dimanche fermé"
        );
        assert_eq!(
            c.day_hours("what time do you close on fridays", false),
            "on Friday 08:00 to 18:00"
        );
        assert_eq!(
            c.day_hours("vous êtes ouverts le dimanche ?", true),
            "le dimanche fermé"
        );
        let mut bad = clinic();
        bad.hours[2] = "8h-19h".into();
        assert!(bad.check().is_err());
    }
}
