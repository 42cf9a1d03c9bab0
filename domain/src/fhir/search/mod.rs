//! Which resources are served, which search parameters each takes (one
//! table, read by the parser and by the CapabilityStatement), and the
//! parsing of a search's query string into a checked [`Search`].
//!
//! The table is in `params`, the parsing in `query`, and the
//! CapabilityStatement built from the table in `capability`.

mod capability;
mod params;
mod query;
#[cfg(test)]
mod tests;

pub use capability::{
    CapabilityStatement, Implementation, Interaction, Operation, Rest, RestResource, SearchParam,
    Security, Software,
};
pub use params::{DEFAULT_COUNT, MAX_COUNT, MAX_PAGE, Param, ResourceType};
pub use query::{Range, Search, everything_range};
