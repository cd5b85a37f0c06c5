//! PAdES signing end to end: our report, then the independent validators (pyhanko for the PDF
//! signatures, `openssl ts` for the timestamps) on the same files.

use crate::sample_pdf::{XrefKind, sample_pdf};
use signing::authority::Subject;
use signing::{CertificateAuthority, Credential, PadesLevel, SignatureRequest, TimestampAuthority, pades, timestamp, validation};
use std::path::{Path, PathBuf};
use std::process::Command;
use time::OffsetDateTime;
use time::macros::datetime;

const INSTALL: &str = "python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install pyhanko pyhanko-cli \
                       && export COMMUNS_TEST_PYTHON=/tmp/fx-venv/bin/python";

/// An organisation's demo authority with one signer, and the platform's timestamp authority.
struct Pki {
    authority: CertificateAuthority,
    signer: Credential,
    tsa_root: CertificateAuthority,
    tsa: TimestampAuthority,
}

fn pki(now: OffsetDateTime) -> Pki {
    let authority = CertificateAuthority::create("AC de démonstration", "Montpellier Méditerranée Métropole", now).unwrap();
    let signer = authority
        .issue_signer(
            &Subject {
                common_name: "Renaud Calvat",
                organisation: "Montpellier Méditerranée Métropole",
                email: Some("r.calvat@example.org"),
            },
            now,
        )
        .unwrap();
    let tsa_root = CertificateAuthority::create("Racine d'horodatage de communs", "communs", now).unwrap();
    let tsa_credential =
        tsa_root.issue_timestamping(&Subject { common_name: "Horodatage communs", organisation: "communs", email: None }, now).unwrap();
    Pki { authority, signer, tsa_root, tsa: TimestampAuthority::new(tsa_credential) }
}

impl Pki {
    fn anchors(&self) -> Vec<Vec<u8>> {
        vec![self.authority.credential().certificate_der().to_vec(), self.tsa_root.credential().certificate_der().to_vec()]
    }
}

fn request(at: OffsetDateTime) -> SignatureRequest<'static> {
    SignatureRequest {
        reason: "Certifié exécutoire",
        location: "Montpellier",
        signed_at: at,
        lines: vec!["Signé électroniquement par Renaud Calvat".into(), "Premier vice-président, le 20/12/2021".into()],
    }
}

#[test]
fn b_b_and_b_t_signatures_validate_on_both_kinds_of_cross_reference() {
    let now = OffsetDateTime::now_utc();
    let pki = pki(now - time::Duration::days(1));
    for kind in [XrefKind::Table, XrefKind::Stream] {
        for (level, tsa) in [(PadesLevel::BaselineB, None), (PadesLevel::BaselineT, Some(&pki.tsa))] {
            let signed = pades::sign(&sample_pdf(kind, 2000), &pki.signer, &request(now), tsa).unwrap();
            let report = validation::validate(&signed, &pki.anchors()).unwrap();
            assert_eq!(report.signatures.len(), 1, "{kind:?} {level:?}");
            let signature = &report.signatures[0];
            assert!(report.all_valid(), "{kind:?} {level:?}: {:?}", signature.problems);
            assert_eq!(signature.level, level.label());
            assert_eq!(signature.signer, "Renaud Calvat");
            assert!(signature.covers_whole_document);
            assert_eq!(signature.timestamp_time.is_some(), tsa.is_some());
            assert_eq!(signature.claimed_time.map(|t| t.unix_timestamp()), Some(now.unix_timestamp()));
        }
    }
}

#[test]
fn tampering_untrusted_roots_and_expired_certificates_are_reported() {
    let now = datetime!(2021-12-20 10:00 UTC);
    let pki = pki(now);
    let signed = pades::sign(&sample_pdf(XrefKind::Table, 0), &pki.signer, &request(now), Some(&pki.tsa)).unwrap();

    let mut tampered = signed.clone();
    let at = tampered.windows(12).position(|w| w == b"Deliberation").unwrap();
    tampered[at] = b'd';
    let report = validation::validate(&tampered, &pki.anchors()).unwrap();
    assert!(!report.signatures[0].intact);
    assert!(report.signatures[0].problems[0].contains("modifié"), "{:?}", report.signatures[0].problems);

    let other = CertificateAuthority::create("Autre AC", "Ailleurs", now).unwrap();
    let report = validation::validate(&signed, &[other.credential().certificate_der().to_vec()]).unwrap();
    assert!(report.signatures[0].intact);
    assert!(!report.signatures[0].trusted);
    assert!(!report.all_valid());

    let late = request(now + time::Duration::days(365 * 11));
    let signed_late = pades::sign(&sample_pdf(XrefKind::Table, 0), &pki.signer, &late, None).unwrap();
    let report = validation::validate(&signed_late, &pki.anchors()).unwrap();
    assert!(report.signatures[0].problems.iter().any(|p| p.contains("pas valide au moment")), "{:?}", report.signatures[0].problems);
}

#[test]
fn a_second_signature_keeps_the_first_valid() {
    let now = OffsetDateTime::now_utc();
    let pki = pki(now - time::Duration::hours(1));
    let second = pki
        .authority
        .issue_signer(&Subject { common_name: "Michaël Delafosse", organisation: "Montpellier Méditerranée Métropole", email: None }, now)
        .unwrap();
    let once = pades::sign(&sample_pdf(XrefKind::Stream, 0), &pki.signer, &request(now), Some(&pki.tsa)).unwrap();
    let twice = pades::sign(&once, &second, &request(now), Some(&pki.tsa)).unwrap();
    let report = validation::validate(&twice, &pki.anchors()).unwrap();
    assert!(report.all_valid(), "{report:?}");
    let signers: Vec<_> = report.signatures.iter().map(|s| (s.signer.as_str(), s.covers_whole_document)).collect();
    assert_eq!(signers, [("Renaud Calvat", false), ("Michaël Delafosse", true)]);
    pyhanko_accepts(&twice, &pki, 2);
}

#[test]
fn pyhanko_accepts_our_signatures() {
    let now = OffsetDateTime::now_utc();
    let pki = pki(now - time::Duration::hours(1));
    for kind in [XrefKind::Table, XrefKind::Stream] {
        let signed = pades::sign(&sample_pdf(kind, 5000), &pki.signer, &request(now), Some(&pki.tsa)).unwrap();
        pyhanko_accepts(&signed, &pki, 1);
    }
}

#[test]
fn openssl_verifies_our_timestamps_and_accepts_our_answers_to_its_requests() {
    let now = OffsetDateTime::now_utc();
    let pki = pki(now - time::Duration::hours(1));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("acte.pdf");
    std::fs::write(&data, sample_pdf(XrefKind::Table, 100)).unwrap();
    let root = write(dir.path(), "tsa-root.pem", pki.tsa_root.credential().chain_pem().as_bytes());
    let untrusted = write(dir.path(), "tsa.pem", pki.tsa.credential().chain_pem().as_bytes());

    // openssl asks, we answer, openssl verifies the answer against the data.
    let query = dir.path().join("request.tsq");
    openssl(&["ts", "-query", "-data", path(&data), "-sha256", "-cert", "-out", path(&query)]);
    let response = pki.tsa.respond(&std::fs::read(&query).unwrap(), now).unwrap();
    let reply = write(dir.path(), "reply.tsr", &response);
    openssl(&["ts", "-verify", "-in", path(&reply), "-data", path(&data), "-CAfile", path(&root), "-untrusted", path(&untrusted)]);

    // Our own request, and the token alone.
    let digest = sha256(&std::fs::read(&data).unwrap());
    let token = timestamp::token_of_response(&pki.tsa.respond(&timestamp::request(&digest).unwrap(), now).unwrap()).unwrap();
    assert_eq!(timestamp::read_token(&token).unwrap().imprint, digest);
    let token_file = write(dir.path(), "token.der", &token);
    openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        path(&token_file),
        "-data",
        path(&data),
        "-CAfile",
        path(&root),
        "-untrusted",
        path(&untrusted),
    ]);

    // A wrong digest is refused by openssl: the check can fail.
    let other = write(dir.path(), "autre.pdf", b"autre contenu");
    let refused = Command::new("openssl")
        .args([
            "ts",
            "-verify",
            "-token_in",
            "-in",
            path(&token_file),
            "-data",
            path(&other),
            "-CAfile",
            path(&root),
            "-untrusted",
            path(&untrusted),
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());

    // A garbage request gets a rejection, not a token.
    let error = timestamp::token_of_response(&pki.tsa.respond(b"pas une requete", now).unwrap()).unwrap_err();
    assert!(error.to_string().contains("illisible"), "{error}");
}

#[test]
fn pkcs12_files_from_openssl_import_and_sign() {
    let dir = tempfile::tempdir().unwrap();
    for (name, key_args) in [("ec", &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"][..]), ("rsa", &["-newkey", "rsa:2048"][..])] {
        let key = dir.path().join(format!("{name}.key"));
        let cert = dir.path().join(format!("{name}.pem"));
        let p12 = dir.path().join(format!("{name}.p12"));
        let mut args = vec!["req", "-x509", "-nodes", "-days", "30", "-subj", "/C=FR/O=Commune de Juvignac/CN=Jean Dupont"];
        args.extend_from_slice(key_args);
        args.extend_from_slice(&["-keyout", path(&key), "-out", path(&cert)]);
        openssl(&args);
        openssl(&["pkcs12", "-export", "-inkey", path(&key), "-in", path(&cert), "-out", path(&p12), "-passout", "pass:secret"]);
        let file = std::fs::read(&p12).unwrap();

        assert!(signing::pkcs12::import(&file, "mauvais").unwrap_err().to_string().contains("mot de passe"));
        let credential = signing::pkcs12::import(&file, "secret").unwrap();
        assert_eq!(credential.common_name(), "Jean Dupont");
        let now = OffsetDateTime::now_utc();
        let signed = pades::sign(&sample_pdf(XrefKind::Table, 0), &credential, &request(now), None).unwrap();
        let report = validation::validate(&signed, &[credential.certificate_der().to_vec()]).unwrap();
        assert!(report.all_valid(), "{name}: {report:?}");
    }
}

fn pyhanko_accepts(signed: &[u8], pki: &Pki, expected_signatures: usize) {
    let python = std::env::var("COMMUNS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let pyhanko = Path::new(&python).with_file_name("pyhanko");
    assert!(pyhanko.exists(), "pyhanko is needed next to {python}: {INSTALL}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "signed.pdf", signed);
    let ca = write(dir.path(), "ca.pem", pki.authority.credential().chain_pem().as_bytes());
    let tsa = write(dir.path(), "tsa-root.pem", pki.tsa_root.credential().chain_pem().as_bytes());
    let output = Command::new(&pyhanko)
        .args(["sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace"])
        .args(["--trust", path(&ca), "--trust", path(&tsa), path(&file)])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "pyhanko refused the signature:\n{report}\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(report.matches("The signature is judged VALID").count(), expected_signatures, "{report}");
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl").args(args).output().expect("openssl is installed");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
