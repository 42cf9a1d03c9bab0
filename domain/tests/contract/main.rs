//! The domain's contract tests (storage on SQLite and PostgreSQL, the bus,
//! scheduling rules, demo data), one test binary instead of one per file.

mod bus_contract;
mod calendar_contract;
mod demo_contract;
mod directory_contract;
mod double_booking_contract;
mod jobs_contract;
mod overlap_contract;
mod scheduling_contract;
mod slot_properties;
mod storage_contract;
mod support;
mod trail_contract;
mod waitlist_contract;
