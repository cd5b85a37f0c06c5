//! Time to PAdES-sign a 1 MB PDF (baselines B-B and B-T), and the files to time pyhanko on the same
//! document with the same key: `cargo bench -p signing --bench pades -- DIR`, then
//! `python scripts/bench-pades-pyhanko.py DIR` (see BENCHMARKS.md).

#[path = "../tests/it/sample_pdf.rs"]
mod sample_pdf;

use base64::Engine;
use sample_pdf::{XrefKind, sample_pdf};
use signing::authority::Subject;
use signing::{CertificateAuthority, SignatureRequest, TimestampAuthority, pades};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const SIZE: usize = 1_000_000;
const RUNS: usize = 30;

fn main() {
    let dir = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "target/bench-pades".into());
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).expect("bench folder");
    let now = OffsetDateTime::now_utc();
    let authority = CertificateAuthority::create("AC de banc d'essai", "communs", now).unwrap();
    let signer = authority.issue_signer(&Subject { common_name: "Signataire", organisation: "communs", email: None }, now).unwrap();
    let tsa_root = CertificateAuthority::create("Racine d'horodatage", "communs", now).unwrap();
    let tsa = TimestampAuthority::new(
        tsa_root.issue_timestamping(&Subject { common_name: "Horodatage", organisation: "communs", email: None }, now).unwrap(),
    );

    let pdf = sample_pdf(XrefKind::Table, SIZE);
    let pdf_with_stream = sample_pdf(XrefKind::Stream, SIZE);
    std::fs::write(dir.join("document.pdf"), &pdf).unwrap();
    let key = base64::engine::general_purpose::STANDARD.encode(signer.key_pkcs8());
    let key_pem: String = std::iter::once("-----BEGIN PRIVATE KEY-----\n".to_string())
        .chain(key.as_bytes().chunks(64).map(|line| format!("{}\n", std::str::from_utf8(line).unwrap())))
        .chain(std::iter::once("-----END PRIVATE KEY-----\n".to_string()))
        .collect();
    std::fs::write(dir.join("key.pem"), key_pem).unwrap();
    std::fs::write(dir.join("cert.pem"), signing::pem_certificate(signer.certificate_der())).unwrap();
    std::fs::write(dir.join("ca.pem"), authority.credential().chain_pem()).unwrap();

    let request = SignatureRequest { reason: "Banc d'essai", location: "", signed_at: now, lines: vec!["Signé électroniquement".into()] };
    println!("PAdES signature of a {} byte PDF, {RUNS} runs each (ECDSA P-256, SHA-256)", pdf.len());
    let cases = [
        ("B-B", &pdf, None),
        ("B-T (timestamp from the in-process authority)", &pdf, Some(&tsa)),
        ("B-B, cross-reference stream", &pdf_with_stream, None),
    ];
    for (label, pdf, timestamps) in cases {
        for _ in 0..3 {
            pades::sign(pdf, &signer, &request, timestamps).unwrap();
        }
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                let signed = pades::sign(pdf, &signer, &request, timestamps).unwrap();
                let elapsed = start.elapsed();
                std::hint::black_box(signed);
                elapsed
            })
            .collect();
        times.sort();
        println!("  {label}: median {:.2} ms, min {:.2} ms, max {:.2} ms", ms(times[RUNS / 2]), ms(times[0]), ms(times[RUNS - 1]));
    }
    println!("Files for pyhanko in {}: document.pdf, key.pem, cert.pem, ca.pem", dir.display());
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
