//! Integration tests of the acts slice's protocol layers (one binary: the @ctes documents and the prefecture
//! simulator).

mod legality_xsd;
mod simulator;
mod support;
