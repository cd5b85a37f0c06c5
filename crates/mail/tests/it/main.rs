//! Integration tests of the mail crate (one binary: interoperability of the messages written, and the SMTP
//! transport against a local server).

mod interop;
mod transport;
