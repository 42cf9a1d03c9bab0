//! The HTTP, WebSocket and portal tests of the server, one test binary (one
//! link of the whole server instead of one per file). Each module starts the
//! real server on port 0 with a fresh database per test (`common`).

mod account_settings;
mod accounts;
mod activity_log;
mod alerts;
mod api_errors;
mod assistant_actions;
mod assistant_llm;
mod backups;
mod bounds;
mod calendar_cache;
mod chat;
mod chat_red_flags;
mod chatbot;
mod common;
mod consultation_documents;
mod consultations;
mod delivery;
mod device_data;
mod durability;
mod edges;
mod export_fhir;
mod export_kill;
mod exports;
mod fhir;
mod iot;
mod medical;
mod operations;
mod outbox;
mod portal_policy;
mod scheduling;
mod seed_routes;
mod settings;
mod slot_cache;
mod socket_limits;
mod statistics;
mod symptoms;
mod tokens;
mod treatments;
mod units;
mod wards;
mod webhooks;
