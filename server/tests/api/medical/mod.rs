//! The medical-data policy through the real server (REST, SQLite): every
//! medical route tried by every role and relationship — the patient themself,
//! doctors in care (by an accepted appointment, by assignment), a doctor the
//! patient withdrew, a doctor with no relationship, doctors under emergency
//! access before and after it expires, an administrator, another patient —
//! with both the status and what the access trail recorded: one entry per
//! allowed access, one refused entry per refused attempt, nothing for what was
//! merely not shown.
//!
//! Split by topic: the profile and care team (`profile`), emergency access
//! (`emergency`), care relationships (`care`), appointment reasons
//! (`appointments`) and the trail itself (`trail`); the shared fixtures are in
//! `common::medical`.

mod appointments;
mod care;
mod emergency;
mod profile;
mod trail;
