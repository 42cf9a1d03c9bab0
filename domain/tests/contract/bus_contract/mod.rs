//! The event bus's contract, in process and over a real Redis.
//!
//! In process: a subscriber gets the events of its topics only, in order, each
//! once; dropping a subscription unsubscribes it and frees its topics; a slow
//! subscriber loses its oldest events and is told how many; the bus's end ends
//! every subscription.
//!
//! Redis (`REDIS_URL`, default `redis://127.0.0.1:6379`; those tests are
//! skipped, saying so, when it is unreachable): two buses on one prefix stand
//! for two instances of one platform, and an event published on either
//! reaches the subscribers of both exactly once, while another platform on
//! the same Redis (its prefix full of pattern characters) sees nothing of it.
//! Topics are written `patient:12` and read back. When an instance's subscription or its
//! publishing connection is cut (`CLIENT KILL` aimed at a user created for the
//! test, so nobody else's connection is touched), delivery resumes by itself
//! and every event published meanwhile is either delivered or counted as
//! dropped.
//!
//! Split by transport: in process (`in_process`), the topics' names
//! (`topics`) and over Redis (`redis`); the test event and the helpers are in
//! `support`.
#![cfg(feature = "server")]
// A test fails loudly on what it does not expect.
#![allow(clippy::unwrap_used)]

mod in_process;
mod redis;
mod support;
mod topics;

use std::time::Duration;

use domain::bus::{BusStats, DEFAULT_QUEUE, EventBus, Received, Topic};
use support::{Note, expect_event, expect_quiet, next, note, redis_url};
