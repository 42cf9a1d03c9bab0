//! Days and parts of the day as people write them, in French or English:
//! "demain", "après-demain", "mardi", "mardi prochain", "le 3 décembre",
//! "3/12", "next Friday", "December 3rd", "la semaine prochaine", "matin",
//! "in the afternoon"… read against today's date. A day already past this
//! year means next year's.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// A part of the day, by the hour a slot starts (local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartOfDay {
    /// Before noon.
    Morning,
    /// Noon to 18:00.
    Afternoon,
    /// From 18:00.
    Evening,
}

impl PartOfDay {
    /// Whether a slot starting at `hour` belongs to this part.
    pub fn contains(self, hour: i8) -> bool {
        match self {
            Self::Morning => hour < 12,
            Self::Afternoon => (12..18).contains(&hour),
            Self::Evening => hour >= 18,
        }
    }

    /// The part's name, after "le" / "in the".
    pub fn name(self, french: bool) -> &'static str {
        match (self, french) {
            (Self::Morning, true) => "matin",
            (Self::Afternoon, true) => "après-midi",
            (Self::Evening, true) => "soir",
            (Self::Morning, false) => "morning",
            (Self::Afternoon, false) => "afternoon",
            (Self::Evening, false) => "evening",
        }
    }
}

/// The days asked for: one day, or a run of days (a week).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Days {
    pub first: Date,
    pub last: Date,
}

impl Days {
    fn one(day: Date) -> Self {
        Self {
            first: day,
            last: day,
        }
    }
}

/// What a question says about when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct When {
    pub days: Option<Days>,
    pub part: Option<PartOfDay>,
}

impl When {
    /// Whether the question said anything about when.
    pub fn is_empty(&self) -> bool {
        self.days.is_none() && self.part.is_none()
    }

    /// `self` completed by an earlier `before`: a follow-up "et l'après-midi ?"
    /// keeps the day asked before, "et jeudi ?" the part of the day.
    pub fn or(self, before: When) -> When {
        When {
            days: self.days.or(before.days),
            part: self.part.or(before.part),
        }
    }
}

pub(crate) const WEEKDAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
pub(crate) const WEEKDAYS_EN: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
];
const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Month names as written in labels.
const MONTH_LABELS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A date as a reader says it: "mardi 8 décembre" / "Tuesday 8 December".
pub fn day_label(day: Date, french: bool) -> String {
    let weekday = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
    let month = usize::from(day.month().unsigned_abs()) - 1;
    if french {
        format!(
            "{} {} {}",
            WEEKDAYS_FR[weekday],
            day.day(),
            MONTH_LABELS_FR[month]
        )
    } else {
        let mut weekday = WEEKDAYS_EN[weekday].to_owned();
        let mut month = MONTHS_EN[month].to_owned();
        capitalise(&mut weekday);
        capitalise(&mut month);
        format!("{weekday} {} {month}", day.day())
    }
}

fn capitalise(word: &mut String) {
    if let Some(first) = word.get(0..1) {
        let upper = first.to_uppercase();
        word.replace_range(0..1, &upper);
    }
}

/// The words of a text, lower case without accents, apostrophes and dashes
/// splitting words ("aujourd'hui" → "aujourd", "hui").
fn tokens(text: &str) -> Vec<String> {
    crate::symptoms::triage::fold(text)
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A day of the month written as a number ("3", "03", "1er", "3rd").
fn day_number(token: &str) -> Option<i8> {
    let digits = token
        .strip_suffix("er")
        .or_else(|| token.strip_suffix("st"))
        .or_else(|| token.strip_suffix("nd"))
        .or_else(|| token.strip_suffix("rd"))
        .or_else(|| token.strip_suffix("th"))
        .unwrap_or(token);
    let n: i8 = digits.parse().ok()?;
    (1..=31).contains(&n).then_some(n)
}

fn month_number(token: &str) -> Option<i8> {
    let index = MONTHS_FR
        .iter()
        .position(|m| *m == token)
        .or_else(|| MONTHS_EN.iter().position(|m| *m == token))
        .or_else(|| {
            // "dec", "déc.", "janv", "sept": a prefix of four letters or three.
            (token.len() >= 3)
                .then(|| {
                    MONTHS_FR
                        .iter()
                        .chain(MONTHS_EN.iter())
                        .position(|m| m.starts_with(token) && token != "mar" && token != "ma")
                        .map(|i| i % 12)
                })
                .flatten()
        })?;
    i8::try_from(index + 1).ok()
}

/// The next `month`/`day` on or after `today` (this year's, else next year's).
fn upcoming(today: Date, month: i8, day: i8, year: Option<i16>) -> Option<Date> {
    if let Some(year) = year {
        return Date::new(year, month, day).ok();
    }
    let this_year = Date::new(today.year(), month, day).ok()?;
    if this_year >= today {
        Some(this_year)
    } else {
        Date::new(today.year() + 1, month, day).ok()
    }
}

/// "3/12", "03/12/2026" (day first, as in France).
fn numeric_date(token: &str, today: Date) -> Option<Date> {
    let parts: Vec<&str> = token.split('/').collect();
    let (day, month, year) = match parts.as_slice() {
        [d, m] => (d, m, None),
        [d, m, y] => (d, m, Some(*y)),
        _ => return None,
    };
    let day: i8 = day.parse().ok()?;
    let month: i8 = month.parse().ok()?;
    let year = match year {
        Some(y) => {
            let y: i16 = y.parse().ok()?;
            Some(if y < 100 { 2000 + y } else { y })
        }
        None => None,
    };
    upcoming(today, month, day, year)
}

/// The weekday a word names ("vendredi", "fridays"), Monday first.
pub(crate) fn weekday_of(token: &str) -> Option<Weekday> {
    let token = token
        .strip_suffix('s')
        .filter(|t| t.len() > 4)
        .unwrap_or(token);
    let index = WEEKDAYS_FR
        .iter()
        .position(|w| *w == token)
        .or_else(|| WEEKDAYS_EN.iter().position(|w| *w == token))?;
    Weekday::from_monday_zero_offset(i8::try_from(index).ok()?).ok()
}

/// The first `weekday` on or after today (`strictly_after`: after today).
fn next_weekday(today: Date, weekday: Weekday, strictly_after: bool) -> Date {
    let from = if strictly_after {
        today.tomorrow().unwrap_or(today)
    } else {
        today
    };
    let ahead = (weekday.to_monday_zero_offset() - from.weekday().to_monday_zero_offset() + 7) % 7;
    from.checked_add(i64::from(ahead).days()).unwrap_or(from)
}

fn add_days(day: Date, n: i64) -> Date {
    day.checked_add(n.days()).unwrap_or(day)
}

/// Reads when a question speaks of, against `today`.
pub fn parse(text: &str, today: Date) -> When {
    let words = tokens(text);
    let has = |w: &str| words.iter().any(|t| t == w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    let next = has("prochain") || has("prochaine") || has("next");

    let part = if has("matin") || has("matinee") || has("morning") {
        Some(PartOfDay::Morning)
    } else if pair("apres", "midi") || has("aprem") || has("afternoon") || has("pm") {
        Some(PartOfDay::Afternoon)
    } else if has("soir") || has("soiree") || has("evening") || has("tonight") {
        Some(PartOfDay::Evening)
    } else {
        None
    };

    let mut days = None;
    if pair("apres", "demain") || pair("after", "tomorrow") {
        days = Some(Days::one(add_days(today, 2)));
    } else if has("demain") || has("tomorrow") {
        days = Some(Days::one(add_days(today, 1)));
    } else if pair("aujourd", "hui")
        || has("today")
        || has("tonight")
        || pair("ce", "soir")
        || pair("ce", "matin")
    {
        days = Some(Days::one(today));
    }
    if days.is_none() {
        days = words
            .iter()
            .find_map(|t| weekday_of(t))
            .map(|w| Days::one(next_weekday(today, w, next)));
    }
    if days.is_none() {
        // "3 décembre", "le 1er mars", "december 3", "3rd of december".
        for (i, word) in words.iter().enumerate() {
            let Some(month) = month_number(word) else {
                continue;
            };
            let before = i.checked_sub(1).and_then(|j| words.get(j));
            let before_of = i.checked_sub(2).and_then(|j| words.get(j));
            let day = before
                .and_then(|t| day_number(t))
                .or_else(|| {
                    before
                        .filter(|t| *t == "of")
                        .and(before_of)
                        .and_then(|t| day_number(t))
                })
                .or_else(|| words.get(i + 1).and_then(|t| day_number(t)));
            if let Some(day) = day {
                let year = words
                    .get(i + 1)
                    .and_then(|t| t.parse::<i16>().ok())
                    .filter(|y| *y >= 2000);
                days = upcoming(today, month, day, year).map(Days::one);
                break;
            }
        }
    }
    if days.is_none() {
        days = words
            .iter()
            .find_map(|t| numeric_date(t, today))
            .map(Days::one);
    }
    if days.is_none() && (has("semaine") || has("week")) {
        let monday = next_weekday(today, Weekday::Monday, true);
        days = Some(if next {
            Days {
                first: monday,
                last: add_days(monday, 6),
            }
        } else {
            Days {
                first: today,
                last: add_days(monday, -1),
            }
        });
    }
    When { days, part }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Thursday 3 December 2026.
    const TODAY: Date = date(2026, 12, 3);

    fn day(text: &str) -> Option<Date> {
        parse(text, TODAY).days.map(|d| d.first)
    }

    #[test]
    fn relative_days() {
        assert_eq!(day("demain matin"), Some(date(2026, 12, 4)));
        assert_eq!(day("après-demain"), Some(date(2026, 12, 5)));
        assert_eq!(day("apres demain"), Some(date(2026, 12, 5)));
        assert_eq!(day("aujourd'hui"), Some(TODAY));
        assert_eq!(day("tomorrow afternoon"), Some(date(2026, 12, 4)));
        assert_eq!(day("the day after tomorrow"), Some(date(2026, 12, 5)));
    }

    #[test]
    fn weekdays() {
        assert_eq!(day("mardi"), Some(date(2026, 12, 8)));
        assert_eq!(day("mardi prochain"), Some(date(2026, 12, 8)));
        assert_eq!(day("jeudi"), Some(TODAY));
        assert_eq!(day("jeudi prochain"), Some(date(2026, 12, 10)));
        assert_eq!(day("et jeudi ?"), Some(TODAY));
        assert_eq!(day("next Friday"), Some(date(2026, 12, 4)));
        assert_eq!(day("on Monday"), Some(date(2026, 12, 7)));
    }

    #[test]
    fn dates() {
        assert_eq!(day("le 3 décembre"), Some(TODAY));
        assert_eq!(day("le 1er mars"), Some(date(2027, 3, 1)));
        assert_eq!(day("December 15th"), Some(date(2026, 12, 15)));
        assert_eq!(day("the 2nd of January"), Some(date(2027, 1, 2)));
        assert_eq!(day("le 10 déc."), Some(date(2026, 12, 10)));
        assert_eq!(day("le 14/12"), Some(date(2026, 12, 14)));
        assert_eq!(day("le 02/11"), Some(date(2027, 11, 2)));
        assert_eq!(day("05/01/2027"), Some(date(2027, 1, 5)));
        assert_eq!(day("31/02"), None);
        assert_eq!(day("un cardiologue"), None);
        assert_eq!(day("may I book"), None);
    }

    #[test]
    fn weeks() {
        let next = parse("la semaine prochaine", TODAY).days.unwrap();
        assert_eq!(
            (next.first, next.last),
            (date(2026, 12, 7), date(2026, 12, 13))
        );
        let this = parse("this week", TODAY).days.unwrap();
        assert_eq!((this.first, this.last), (TODAY, date(2026, 12, 6)));
    }

    #[test]
    fn parts_of_day() {
        assert_eq!(parse("mardi matin", TODAY).part, Some(PartOfDay::Morning));
        assert_eq!(
            parse("l'après-midi", TODAY).part,
            Some(PartOfDay::Afternoon)
        );
        assert_eq!(
            parse("in the evening", TODAY).part,
            Some(PartOfDay::Evening)
        );
        assert_eq!(parse("un cardiologue", TODAY).part, None);
        assert!(PartOfDay::Morning.contains(9) && !PartOfDay::Morning.contains(12));
        assert!(PartOfDay::Afternoon.contains(17) && !PartOfDay::Afternoon.contains(18));
    }

    #[test]
    fn follow_ups_keep_what_they_do_not_change() {
        let before = parse("mardi matin", TODAY);
        let after = parse("et jeudi ?", TODAY).or(before);
        assert_eq!(after.days.map(|d| d.first), Some(TODAY));
        assert_eq!(after.part, Some(PartOfDay::Morning));
        let afternoon = parse("et l'après-midi ?", TODAY).or(before);
        assert_eq!(afternoon.days.map(|d| d.first), Some(date(2026, 12, 8)));
        assert_eq!(afternoon.part, Some(PartOfDay::Afternoon));
    }

    #[test]
    fn labels() {
        assert_eq!(day_label(date(2026, 12, 8), true), "mardi 8 décembre");
        assert_eq!(day_label(date(2026, 12, 8), false), "Tuesday 8 December");
    }
}
