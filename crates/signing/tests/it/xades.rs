//! XAdES signatures of the bordereaux of a PES V2 file end to end: the signed file still validates
//! against the PES schema (xmllint), our verification accepts each bordereau and refuses a tampered
//! one, and so does the independent validator (signxml, on lxml/libxml2's canonicalisation).

use signing::authority::Subject;
use signing::xades::{Profile, SignaturePolicy, sign_enveloped, verify_enveloped};
use signing::{CertificateAuthority, Credential};
use std::path::{Path, PathBuf};
use std::process::Command;
use time::OffsetDateTime;

const PES: &str = include_str!("pes_aller.xml");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/pes/PES_V2/Rev0/PES_Aller.xsd");
const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/check_xades.py");
const INSTALL: &str = "python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install signxml \
                       && export COMMUNS_TEST_PYTHON=/tmp/fx-venv/bin/python";
const BORDEREAUX: [&str; 2] = ["BORD1", "BORD2"];

/// An organisation's demo authority and one signer.
fn pki(now: OffsetDateTime) -> (CertificateAuthority, Credential) {
    let authority = CertificateAuthority::create("AC de démonstration", "Montpellier Méditerranée Métropole", now).unwrap();
    let subject = Subject { common_name: "Renaud Calvat", organisation: "Montpellier Méditerranée Métropole", email: None };
    let signer = authority.issue_signer(&subject, now).unwrap();
    (authority, signer)
}

/// Now, to the second: the precision of `xad:SigningTime`.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap()
}

fn sign_all(xml: &str, signer: &Credential, at: OffsetDateTime) -> String {
    BORDEREAUX.iter().fold(xml.to_owned(), |xml, id| sign_enveloped(&xml, id, signer, at, &Profile::default()).unwrap())
}

#[test]
fn signed_bordereaux_stay_valid_pes_and_verify() {
    let at = now();
    let (authority, signer) = pki(at - time::Duration::hours(1));
    assert_schema_valid(PES);
    let signed = sign_all(PES, &signer, at);
    assert_schema_valid(&signed);

    let doc = roxmltree::Document::parse(&signed).unwrap();
    for id in BORDEREAUX {
        let bordereau = doc.descendants().find(|n| n.attribute("Id") == Some(id)).unwrap();
        let last = bordereau.last_element_child().unwrap();
        assert!(last.has_tag_name(("http://www.w3.org/2000/09/xmldsig#", "Signature")), "{id}");
        assert_eq!(last.attribute("Id"), Some(format!("SIG-{id}").as_str()));

        let verified = verify_enveloped(&signed, id).unwrap();
        assert_eq!(verified.signer, "Renaud Calvat");
        assert_eq!(verified.issuer, authority.credential().subject());
        assert_eq!(verified.signing_time, at);
        assert_eq!(verified.certificate_der, signer.certificate_der());
        assert_eq!(verified.chain, [authority.credential().certificate_der()]);
    }

    let error = sign_enveloped(&signed, "BORD1", &signer, at, &Profile::default()).unwrap_err();
    assert!(error.to_string().contains("déjà signé"), "{error}");
    let error = sign_enveloped(PES, "BORD3", &signer, at, &Profile::default()).unwrap_err();
    assert!(error.to_string().contains("aucun élément"), "{error}");
    let error = verify_enveloped(PES, "BORD1").unwrap_err();
    assert!(error.to_string().contains("n'est pas signé"), "{error}");
}

#[test]
fn tampering_fails_the_touched_bordereau_only() {
    let at = now();
    let (_, signer) = pki(at - time::Duration::hours(1));
    let signed = sign_all(PES, &signer, at);

    // An amount of the first bordereau (its only line).
    let tampered = replace_once(&signed, r#"<MtHT V="1250.00"/>"#, r#"<MtHT V="1350.00"/>"#);
    let error = verify_enveloped(&tampered, "BORD1").unwrap_err();
    assert!(error.to_string().contains("« BORD1 » a été modifié"), "{error}");
    verify_enveloped(&tampered, "BORD2").unwrap();

    // The signing time in the signed properties of the second bordereau's signature.
    let tampered = later_signing_time_in_second_bordereau(&signed, at);
    let error = verify_enveloped(&tampered, "BORD2").unwrap_err();
    assert!(error.to_string().contains("propriétés signées ont été modifiées"), "{error}");
    verify_enveloped(&tampered, "BORD1").unwrap();

    // The signature values swapped (base64 has no `@`): each digest still matches, neither signature does.
    let values: Vec<&str> = signed.split("-SignatureValue\">").skip(1).map(|rest| &rest[..rest.find('<').unwrap()]).collect();
    assert_eq!(values.len(), 2);
    let swapped = signed.replacen(values[0], "@", 1).replacen(values[1], values[0], 1).replacen('@', values[1], 1);
    for id in BORDEREAUX {
        let error = verify_enveloped(&swapped, id).unwrap_err();
        assert!(error.to_string().contains("valeur de la signature est invalide"), "{id}: {error}");
    }

    // The first bordereau's signature moved to the second still refers to the first.
    let moved = move_signature_to_last_bordereau(&sign_enveloped(PES, "BORD1", &signer, at, &Profile::default()).unwrap());
    let error = verify_enveloped(&moved, "BORD2").unwrap_err();
    assert!(error.to_string().contains("ne porte pas sur l'élément « BORD2 »"), "{error}");
    let error = verify_enveloped(&moved, "BORD1").unwrap_err();
    assert!(error.to_string().contains("n'est pas signé"), "{error}");
}

#[test]
fn signxml_verifies_each_bordereau_and_refuses_a_tampered_one() {
    let at = now();
    let (authority, signer) = pki(at - time::Duration::hours(1));
    let signed = sign_all(PES, &signer, at);
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", authority.credential().chain_pem().as_bytes());

    let (ok, report) = signxml(&write(dir.path(), "signed.xml", signed.as_bytes()), "--ca", &ca);
    assert!(ok, "signxml refused our signatures:\n{report}");
    assert_eq!(report.lines().collect::<Vec<_>>(), ["BORD1: VALID", "BORD2: VALID"], "{report}");

    let tampered = replace_once(&signed, r#"<MtHT V="1250.00"/>"#, r#"<MtHT V="1350.00"/>"#);
    let (ok, report) = signxml(&write(dir.path(), "tampered.xml", tampered.as_bytes()), "--ca", &ca);
    assert!(!ok, "{report}");
    let lines: Vec<_> = report.lines().collect();
    assert!(lines[0].starts_with("BORD1: INVALID (InvalidDigest"), "{report}");
    assert_eq!(lines[1], "BORD2: VALID", "{report}");

    let tampered = later_signing_time_in_second_bordereau(&signed, at);
    let (ok, report) = signxml(&write(dir.path(), "tampered.xml", tampered.as_bytes()), "--ca", &ca);
    assert!(!ok, "{report}");
    let lines: Vec<_> = report.lines().collect();
    assert_eq!(lines[0], "BORD1: VALID", "{report}");
    assert!(lines[1].starts_with("BORD2: INVALID (InvalidDigest: Digest mismatch for reference 1"), "{report}");

    let other = CertificateAuthority::create("Autre AC", "Ailleurs", at - time::Duration::hours(1)).unwrap();
    let other_ca = write(dir.path(), "other.pem", other.credential().chain_pem().as_bytes());
    let (ok, report) = signxml(&dir.path().join("signed.xml"), "--ca", &other_ca);
    assert!(!ok && report.contains("BORD1: INVALID (InvalidCertificate"), "{report}");
}

#[test]
fn an_explicit_policy_and_a_claimed_role_are_signed_properties() {
    let at = now();
    let (authority, signer) = pki(at - time::Duration::hours(1));
    let policy = SignaturePolicy {
        identifier: "urn:oid:1.2.250.1.131.1.5.18.21.1.4",
        description: "Politique de signature Helios de la DGFiP",
        sha1_digest: "Jkdb+aba0Hz6+ZPKmKNhPByzQ+Q=",
        uri: "https://portail.dgfip.finances.gouv.fr/documents/PS_Helios_DGFiP.pdf",
    };
    let profile = Profile { policy: Some(policy), claimed_role: Some("Ordonnateur".into()) };
    let signed = BORDEREAUX.iter().fold(PES.to_owned(), |xml, id| sign_enveloped(&xml, id, &signer, at, &profile).unwrap());
    assert_schema_valid(&signed);
    assert_eq!(signed.matches("<xad:Identifier>urn:oid:1.2.250.1.131.1.5.18.21.1.4</xad:Identifier>").count(), 2);
    assert_eq!(signed.matches("<xad:ClaimedRole>Ordonnateur</xad:ClaimedRole>").count(), 2);
    for id in BORDEREAUX {
        verify_enveloped(&signed, id).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", authority.credential().chain_pem().as_bytes());
    let (ok, report) = signxml(&write(dir.path(), "signed.xml", signed.as_bytes()), "--ca", &ca);
    assert!(ok, "signxml refused our signatures:\n{report}");
    // The policy is covered by the signature: naming another one breaks the signed properties.
    let other = signed.replacen("Jkdb+aba0Hz6+ZPKmKNhPByzQ+Q=", "AAAA+aba0Hz6+ZPKmKNhPByzQ+Q=", 1);
    let error = verify_enveloped(&other, "BORD1").unwrap_err();
    assert!(error.to_string().contains("propriétés signées ont été modifiées"), "{error}");
}

#[test]
fn rsa_keys_sign_too() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert, p12) = (dir.path().join("rsa.key"), dir.path().join("rsa.pem"), dir.path().join("rsa.p12"));
    openssl(&[
        "req",
        "-x509",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/C=FR/O=Commune de Juvignac/CN=Jean Dupont",
        "-newkey",
        "rsa:2048",
        "-keyout",
        path(&key),
        "-out",
        path(&cert),
    ]);
    openssl(&["pkcs12", "-export", "-inkey", path(&key), "-in", path(&cert), "-out", path(&p12), "-passout", "pass:secret"]);
    let signer = signing::pkcs12::import(&std::fs::read(&p12).unwrap(), "secret").unwrap();

    let at = now();
    let signed = sign_all(PES, &signer, at);
    assert!(signed.contains("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    assert_schema_valid(&signed);
    for id in BORDEREAUX {
        assert_eq!(verify_enveloped(&signed, id).unwrap().signer, "Jean Dupont");
    }
    let (ok, report) = signxml(&write(dir.path(), "signed.xml", signed.as_bytes()), "--cert", &cert);
    assert!(ok, "signxml refused our RSA signatures:\n{report}");
}

/// Runs `support/check_xades.py` on `file` for both bordereaux: (all valid, its report).
fn signxml(file: &Path, trust: &str, pem: &Path) -> (bool, String) {
    let python = std::env::var("COMMUNS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python).args(["-c", "import signxml"]).output();
    assert!(probe.is_ok_and(|o| o.status.success()), "signxml is needed by {python}: {INSTALL}");
    let output = Command::new(&python).arg(CHECK).args([path(file), trust, path(pem)]).args(BORDEREAUX).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), report)
}

fn assert_schema_valid(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pes.xml", xml.as_bytes());
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA, path(&file)])
        .output()
        .expect("xmllint is installed (apt-get install libxml2-utils)");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && report.contains("validates"), "xmllint:\n{report}");
}

/// The only signature cut out and pasted at the end of the last bordereau.
fn move_signature_to_last_bordereau(signed: &str) -> String {
    let start = signed.find(r#"<ds:Signature "#).unwrap();
    let end = start + signed[start..].find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let signature = &signed[start..end];
    let without = format!("{}{}", &signed[..start], &signed[end..]);
    let at = without.rfind("</Bordereau>").unwrap();
    format!("{}{signature}{}", &without[..at], &without[at..])
}

/// `signed` with the signing time of the second bordereau's signature a day later.
fn later_signing_time_in_second_bordereau(signed: &str, at: OffsetDateTime) -> String {
    let second = signed.find(r#"<Bordereau Id="BORD2">"#).unwrap();
    let time = &signed[second..].split("<xad:SigningTime>").nth(1).unwrap()[..20];
    let later = (at + time::Duration::days(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
    format!("{}{}", &signed[..second], signed[second..].replacen(time, &later, 1))
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

fn openssl(args: &[&str]) {
    let output = Command::new("openssl").args(args).output().expect("openssl is installed");
    assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
