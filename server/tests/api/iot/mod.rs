//! Vitals from devices through the real server: the registry and its
//! policy, ingest over HTTP and over `ws/iot/<patient_id>/`, bad input (a
//! clear error, nothing half-stored, the socket still usable), socket
//! authorization with other users' tokens, revocation and withdrawal
//! dropping sockets, and two instances over one PostgreSQL and one Redis.
//!
//! Split by topic: the registry (`registry`), ingest over HTTP (`http_ingest`),
//! sockets (`sockets`), two instances (`instances`) and the metrics
//! (`metrics`); the helpers are in `common::iot`.

mod http_ingest;
mod instances;
mod metrics;
mod registry;
mod sockets;
