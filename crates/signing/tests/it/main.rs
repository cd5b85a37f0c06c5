//! Integration tests of the signing crate, each checked by an independent validator (one binary: PAdES with
//! pyhanko and openssl, XAdES with signxml and xmllint).

mod pades;
mod sample_pdf;
mod xades;
