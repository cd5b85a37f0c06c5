//! The `communs` platform: configuration, the HTTP application assembled from every slice, the demo
//! data set and the server. `main.rs` is the command line on top of it.

pub mod admin;
pub mod app;
pub mod archive_cli;
pub mod config;
pub mod demo;
pub mod invoices;
pub mod server;
pub mod tariffs;
