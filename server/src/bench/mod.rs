//! `medplat bench`: loads a realistic data set (doctors, patients, weekly
//! availability, appointments over twelve weeks) into a fresh database, then
//! measures free-slot searches and booking under contention through the
//! services, and checks that no slot ended up overbooked. `--calendar`,
//! `--trail`, `--vitals`, `--symptoms`, `--assistant`, `--chat`, `--messaging`, `--exports` and `--stats` measure
//! other parts instead.
//!
//! Here: the options (`args`), the choice of one run and the booking run
//! itself (`dispatch`), the database a run fills (`target`), the platform
//! served by this process (`in_process`) and small helpers the runs share
//! (`support`).

mod args;
mod assistant;
mod calendar;
mod chat;
mod dispatch;
mod exports;
mod hot;
mod hot_paths;
mod in_process;
mod load;
mod measure;
mod messaging;
pub mod soak;
mod stats;
mod support;
mod symptoms;
mod target;
mod trail;
mod vitals;
mod vitals_clients;

pub use args::BenchArgs;
pub use dispatch::run;

use in_process::InProcess;
use support::{auth_config, build_kind};
use target::Target;
