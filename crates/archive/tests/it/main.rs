//! Tests of the archive crate on its own: its SEDA 2.2 messages checked by the official schema.

mod seda;
