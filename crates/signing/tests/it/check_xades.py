"""Independent check of the XAdES enveloped signatures of the bordereaux of a PES V2 file, with signxml.

Usage: check_xades.py FILE (--ca CA_PEM | --cert CERT_PEM) ID [ID ...]

For each bordereau Id, signxml's XMLVerifier verifies the ds:Signature that is a child of that bordereau:
the XML Signature schema of the signature, the signature value over SignedInfo (canonicalised by lxml,
i.e. libxml2's exclusive c14n) with the certificate of KeyInfo, that certificate chaining to CA_PEM (or
being CERT_PEM, pinned), and both reference digests (the bordereau after the enveloped-signature transform,
the SignedProperties). signxml's XAdESVerifier knows only XAdES 1.3.2 and 1.4.1, so the XAdES v1.1.1
properties are checked here: the signed data is that bordereau, the second reference has the
SignedProperties type and is the SignedProperties of this signature, QualifyingProperties targets it,
SigningCertificate names the certificate (SHA-256 digest, RFC 4514 issuer name, decimal serial number), and
the signature policy is implied or named by an OID. Bordereaux are those of PES_RecetteAller, or of
PES_DepenseAller in an expenditure file.

Prints "ID: VALID" or "ID: INVALID (reason)" per Id; exits 1 if any is invalid.
"""

import sys
from base64 import b64decode
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from signxml import SignatureConfiguration, XMLVerifier

DS = "http://www.w3.org/2000/09/xmldsig#"
XAD = "http://uri.etsi.org/01903/v1.1.1#"
NS = {"ds": DS, "xad": XAD}
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


def check(data, bordereau_id, trust):
    domain = "PES_DepenseAller" if "<PES_DepenseAller>" in data.decode("utf-8", "replace") else "PES_RecetteAller"
    config = SignatureConfiguration(location=f"./{domain}/Bordereau[@Id='{bordereau_id}']/", expect_references=2)
    results = XMLVerifier().verify(data, expect_config=config, **trust)
    bordereau, properties = results[0].signed_xml, results[1].signed_xml
    signature = results[0].signature_xml
    assert bordereau.tag == "Bordereau" and bordereau.get("Id") == bordereau_id, f"signed data is {bordereau.tag}"
    assert properties.tag == f"{{{XAD}}}SignedProperties", f"second reference is {properties.tag}"
    reference = signature.findall("ds:SignedInfo/ds:Reference", NS)[1]
    assert reference.get("Type") == XAD + "SignedProperties", f"reference type {reference.get('Type')}"
    qualifying = signature.find("ds:Object/xad:QualifyingProperties", NS)
    assert qualifying.get("Target") == "#" + signature.get("Id"), f"QualifyingProperties target {qualifying.get('Target')}"
    assert reference.get("URI") == "#" + qualifying.find("xad:SignedProperties", NS).get("Id"), "reference to other properties"

    der = b64decode(signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS).text)
    certificate = x509.load_der_x509_certificate(der)
    cert = properties.find("xad:SignedSignatureProperties/xad:SigningCertificate/xad:Cert", NS)
    assert cert.find("xad:CertDigest/xad:DigestMethod", NS).get("Algorithm") == SHA256, "certificate digest method"
    digest = b64decode(cert.find("xad:CertDigest/xad:DigestValue", NS).text)
    assert digest == certificate.fingerprint(hashes.SHA256()), "certificate digest"
    issuer = cert.find("xad:IssuerSerial/ds:X509IssuerName", NS).text
    assert issuer == certificate.issuer.rfc4514_string(), f"issuer {issuer!r} != {certificate.issuer.rfc4514_string()!r}"
    serial = cert.find("xad:IssuerSerial/ds:X509SerialNumber", NS).text
    assert serial == str(certificate.serial_number), f"serial {serial} != {certificate.serial_number}"
    signing_time = properties.find("xad:SignedSignatureProperties/xad:SigningTime", NS).text
    assert datetime.fromisoformat(signing_time).tzinfo is not None, f"signing time {signing_time}"
    policy = properties.find("xad:SignedSignatureProperties/xad:SignaturePolicyIdentifier", NS)
    assert policy is not None, "signature policy"
    explicit = policy.find("xad:SignaturePolicyId/xad:SigPolicyId/xad:Identifier", NS)
    implied = policy.find("xad:SignaturePolicyImplied", NS)
    assert implied is not None or (explicit is not None and explicit.text.startswith("urn:oid:")), "signature policy identifier"


def main():
    path, mode, pem, *ids = sys.argv[1:]
    trust = {"ca_pem_file": pem} if mode == "--ca" else {"x509_cert": open(pem).read()}
    with open(path, "rb") as f:
        data = f.read()
    invalid = False
    for bordereau_id in ids:
        try:
            check(data, bordereau_id, trust)
            print(f"{bordereau_id}: VALID")
        except Exception as e:  # any failure of signxml or of the checks above
            invalid = True
            print(f"{bordereau_id}: INVALID ({type(e).__name__}: {e})")
    sys.exit(1 if invalid else 0)


if __name__ == "__main__":
    main()
