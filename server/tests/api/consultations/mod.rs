//! Consultation records: the status workflow (draft → submitted → validated
//! or sent back), read-only after validation with dated addenda, and every
//! route against every relationship (another patient's record is 404, a
//! doctor outside the care team 404 or the break-glass path).
//!
//! Split by topic: the workflow and the addenda (`workflow`) and every route
//! against every relationship (`access`); the fixtures are in
//! `common::medical` and `common::records`.

mod access;
mod workflow;
