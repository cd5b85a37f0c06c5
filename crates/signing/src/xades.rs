//! XAdES-BES enveloped signatures (ETSI TS 101 903 v1.1.1, the version of the PES V2 schemas) of the
//! bordereaux of a PES V2 `PES_Aller` file for the public accountant's Hélios (DGFiP): each `Bordereau`
//! with an `Id` attribute gets, as its last child, a `ds:Signature` of the schema's `PESSignatureType`.
//!
//! The signature has two references, both canonicalised with exclusive XML canonicalisation and
//! digested with SHA-256: the signed element (after the enveloped-signature transform, which removes
//! this signature) and the XAdES `SignedProperties` (signing time, signing certificate by digest and
//! issuer/serial, implied signature policy). The signature value is ECDSA P-256 (the raw `r‖s` that
//! XMLDSig wants) or RSA PKCS#1 v1.5, with SHA-256; `KeyInfo` carries the certificate and its chain.

use crate::asn1::{ID_ECDSA_WITH_SHA256, sha256};
use crate::c14n::{canonicalize, qualified_name};
use crate::credential::common_name;
use crate::{Credential, SigningError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};
use ring::signature::{ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey, VerificationAlgorithm};
use roxmltree::{Document, Node};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use x509_cert::Certificate;
use x509_cert::name::Name;

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const XADES: &str = "http://uri.etsi.org/01903/v1.1.1#";
const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903/v1.1.1#SignedProperties";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// What a valid signature of an element says.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedXades {
    /// The signer's common name.
    pub signer: String,
    pub subject: String,
    pub issuer: String,
    /// The signing time the signer claimed (`xad:SigningTime`).
    #[serde(with = "time::serde::rfc3339")]
    pub signing_time: OffsetDateTime,
    /// The signer's certificate (DER), named by the signed properties.
    #[serde(skip)]
    pub certificate_der: Vec<u8>,
    /// The other certificates of `KeyInfo` (DER), to build the chain to a trusted authority.
    #[serde(skip)]
    pub chain: Vec<Vec<u8>>,
}

/// An explicit signature policy (`xad:SignaturePolicyId`): its identifier (`urn:oid:…`), a description,
/// the SHA-1 digest (base64) of the policy document, as such policies are published, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignaturePolicy {
    pub identifier: &'static str,
    pub description: &'static str,
    pub sha1_digest: &'static str,
    pub uri: &'static str,
}

/// What the signed properties declare beyond time and certificate: the policy (implied when `None`) and
/// the role the signer claims (`xad:SignerRole`, e.g. « Ordonnateur »).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub policy: Option<SignaturePolicy>,
    pub claimed_role: Option<String>,
}

/// Signs the element of `xml` whose `Id` attribute is `element_id`: returns `xml` with a
/// `ds:Signature` (Id `SIG-{element_id}`) inserted just before the element's end tag. Signing several
/// elements of a file is one call per element. `xml` is the document as text; its XML declaration, if
/// any, is kept as it is.
pub fn sign_enveloped(
    xml: &str,
    element_id: &str,
    credential: &Credential,
    signing_time: OffsetDateTime,
    profile: &Profile,
) -> Result<String, SigningError> {
    if !is_ncname(element_id) {
        return Err(error(format!("identifiant d'élément invalide : « {element_id} »")));
    }
    let doc = parse(xml)?;
    let element = element_by_id(&doc, element_id)?;
    if signature_of(element)?.is_some() {
        return Err(error(format!("l'élément « {element_id} » est déjà signé")));
    }
    let ids = Ids::of(element_id);
    if let Some(taken) =
        [&ids.signature, &ids.value, &ids.properties].into_iter().find(|id| doc.descendants().any(|n| n.attribute("Id") == Some(id)))
    {
        return Err(error(format!("l'identifiant « {taken} » est déjà utilisé dans le document")));
    }
    let method = if credential.signature_algorithm().oid == ID_ECDSA_WITH_SHA256 { ECDSA_SHA256 } else { RSA_SHA256 };
    let data_digest = BASE64.encode(sha256(canonicalize(element, &[]).as_bytes()));
    let key_info = key_info(credential);
    let object = qualifying_properties(&ids, credential, signing_time, profile)?;

    // The canonical forms of SignedProperties and SignedInfo depend only on their content and on the
    // bindings of the `ds` and `xad` prefixes, both declared inside the signature (exclusive
    // canonicalisation inherits nothing else): the signature alone gives the forms it will have in the
    // document, which `verify_enveloped` and independent validators recompute there.
    let draft = signature(&ids, &signed_info(method, &ids, &data_digest, ""), "", &key_info, &object);
    let properties_digest = BASE64.encode(sha256(canonical_part(&draft, (XADES, "SignedProperties"))?.as_bytes()));
    let signed_info = signed_info(method, &ids, &data_digest, &properties_digest);
    let draft = signature(&ids, &signed_info, "", &key_info, &object);
    let message = canonical_part(&draft, (DS, "SignedInfo"))?;
    let mut value = credential.sign(message.as_bytes())?;
    if method == ECDSA_SHA256 {
        value = ecdsa_fixed(&value)?;
    }
    let signature = signature(&ids, &signed_info, &BASE64.encode(value), &key_info, &object);
    Ok(insert_before_end_tag(xml, element, &signature))
}

/// Checks the signature of the element of `xml` whose `Id` is `element_id`: the element is intact (its
/// digest after removing the signature), the signed properties too, they name a certificate of
/// `KeyInfo`, and its key verifies the signature value. Whether that certificate is trusted is the
/// caller's decision, from `certificate_der` and `chain`.
pub fn verify_enveloped(xml: &str, element_id: &str) -> Result<VerifiedXades, SigningError> {
    let doc = parse(xml)?;
    let element = element_by_id(&doc, element_id)?;
    let signature = signature_of(element)?.ok_or_else(|| error(format!("l'élément « {element_id} » n'est pas signé")))?;
    let signed_info = child(signature, (DS, "SignedInfo"))?;
    expect_algorithm(child(signed_info, (DS, "CanonicalizationMethod"))?, EXC_C14N)?;
    let scheme: &dyn VerificationAlgorithm = match algorithm(child(signed_info, (DS, "SignatureMethod"))?)? {
        ECDSA_SHA256 => &ECDSA_P256_SHA256_FIXED,
        RSA_SHA256 => &RSA_PKCS1_2048_8192_SHA256,
        other => return Err(error(format!("algorithme de signature non pris en charge : {other}"))),
    };
    let references: Vec<Node> = signed_info.children().filter(|n| n.has_tag_name((DS, "Reference"))).collect();
    let [first, second] = references[..] else {
        return Err(error(format!("deux références attendues dans la signature, {} trouvée(s)", references.len())));
    };
    let (data, properties) = match (first.attribute("Type"), second.attribute("Type")) {
        (_, Some(SIGNED_PROPERTIES_TYPE)) => (first, second),
        (Some(SIGNED_PROPERTIES_TYPE), _) => (second, first),
        _ => return Err(error("référence aux propriétés signées XAdES absente".into())),
    };
    if data.attribute("URI").and_then(|uri| uri.strip_prefix('#')) != Some(element_id) {
        return Err(error(format!("la signature ne porte pas sur l'élément « {element_id} »")));
    }
    check_reference(data, &[ENVELOPED, EXC_C14N], &canonicalize(element, &[signature.id()]), || {
        format!("l'élément « {element_id} » a été modifié après la signature")
    })?;

    let properties_id = properties.attribute("URI").and_then(|uri| uri.strip_prefix('#')).unwrap_or_default();
    let signed_properties = signature
        .descendants()
        .find(|n| n.has_tag_name((XADES, "SignedProperties")) && n.attribute("Id") == Some(properties_id))
        .ok_or_else(|| error("propriétés signées XAdES introuvables dans la signature".into()))?;
    let target =
        signed_properties.parent_element().filter(|p| p.has_tag_name((XADES, "QualifyingProperties"))).and_then(|p| p.attribute("Target"));
    if target.and_then(|t| t.strip_prefix('#')).is_none_or(|t| Some(t) != signature.attribute("Id")) {
        return Err(error("les propriétés qualifiantes XAdES ne désignent pas cette signature".into()));
    }
    check_reference(properties, &[EXC_C14N], &canonicalize(signed_properties, &[]), || {
        "les propriétés signées ont été modifiées après la signature".into()
    })?;

    let signature_properties = child(signed_properties, (XADES, "SignedSignatureProperties"))?;
    let cert = child(child(signature_properties, (XADES, "SigningCertificate"))?, (XADES, "Cert"))?;
    let cert_digest = child(cert, (XADES, "CertDigest"))?;
    expect_algorithm(child(cert_digest, (XADES, "DigestMethod"))?, SHA256)?;
    let cert_digest = base64_content(child(cert_digest, (XADES, "DigestValue"))?)?;
    let mut certificates: Vec<Vec<u8>> = child(signature, (DS, "KeyInfo"))?
        .descendants()
        .filter(|n| n.has_tag_name((DS, "X509Certificate")))
        .map(base64_content)
        .collect::<Result<_, _>>()?;
    let position = certificates
        .iter()
        .position(|der| sha256(der)[..] == cert_digest[..])
        .ok_or_else(|| error("le certificat désigné par les propriétés signées est absent de KeyInfo".into()))?;
    let certificate_der = certificates.remove(position);
    let certificate = Certificate::from_der(&certificate_der)?;
    let serial = child(child(cert, (XADES, "IssuerSerial"))?, (DS, "X509SerialNumber"))?;
    if serial.text().map(str::trim) != Some(decimal(certificate.tbs_certificate.serial_number.as_bytes()).as_str()) {
        return Err(error("le numéro de série des propriétés signées n'est pas celui du certificat".into()));
    }
    let signing_time = child(signature_properties, (XADES, "SigningTime"))?
        .text()
        .and_then(|t| OffsetDateTime::parse(t.trim(), &Rfc3339).ok())
        .ok_or_else(|| error("heure de signature illisible".into()))?;

    let value = base64_content(child(signature, (DS, "SignatureValue"))?)?;
    let key = certificate.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    UnparsedPublicKey::new(scheme, key)
        .verify(canonicalize(signed_info, &[]).as_bytes(), &value)
        .map_err(|_| error("la valeur de la signature est invalide".into()))?;
    Ok(VerifiedXades {
        signer: common_name(&certificate),
        subject: certificate.tbs_certificate.subject.to_string(),
        issuer: certificate.tbs_certificate.issuer.to_string(),
        signing_time,
        certificate_der,
        chain: certificates,
    })
}

fn error(message: String) -> SigningError {
    SigningError::Xades(message)
}

fn parse(xml: &str) -> Result<Document<'_>, SigningError> {
    Document::parse(xml).map_err(|e| error(format!("XML illisible : {e}")))
}

/// The identifiers of the signed element, of its signature, of the signature value and of the signed properties.
struct Ids {
    element: String,
    signature: String,
    value: String,
    properties: String,
}

impl Ids {
    fn of(element_id: &str) -> Self {
        let signature = format!("SIG-{element_id}");
        Self {
            element: element_id.to_owned(),
            value: format!("{signature}-SignatureValue"),
            properties: format!("{signature}-SignedProperties"),
            signature,
        }
    }
}

/// An `xs:ID` (NCName), so that it needs no escaping in attributes nor in `#` references.
fn is_ncname(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// The only element whose `Id` attribute is `id`.
fn element_by_id<'a, 'input>(doc: &'a Document<'input>, id: &str) -> Result<Node<'a, 'input>, SigningError> {
    let mut found = doc.descendants().filter(|n| n.attribute("Id") == Some(id));
    match (found.next(), found.next()) {
        (Some(element), None) => Ok(element),
        (None, _) => Err(error(format!("aucun élément d'identifiant « {id} »"))),
        (Some(_), Some(_)) => Err(error(format!("identifiant « {id} » porté par plusieurs éléments"))),
    }
}

/// The `ds:Signature` child of `element`, if any.
fn signature_of<'a, 'input>(element: Node<'a, 'input>) -> Result<Option<Node<'a, 'input>>, SigningError> {
    let mut found = element.children().filter(|n| n.has_tag_name((DS, "Signature")));
    match (found.next(), found.next()) {
        (signature, None) => Ok(signature),
        (_, Some(_)) => Err(error("plusieurs signatures sur le même élément".into())),
    }
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: (&str, &str)) -> Result<Node<'a, 'input>, SigningError> {
    node.children().find(|n| n.has_tag_name(name)).ok_or_else(|| error(format!("élément {} absent de la signature", name.1)))
}

fn algorithm<'a>(node: Node<'a, '_>) -> Result<&'a str, SigningError> {
    node.attribute("Algorithm").ok_or_else(|| error(format!("algorithme absent de {}", node.tag_name().name())))
}

fn expect_algorithm(node: Node<'_, '_>, expected: &str) -> Result<(), SigningError> {
    match algorithm(node)? {
        found if found == expected => Ok(()),
        found => Err(error(format!("algorithme non pris en charge pour {} : {found}", node.tag_name().name()))),
    }
}

/// The bytes of a base64 element content, whatever its line breaks.
fn base64_content(node: Node<'_, '_>) -> Result<Vec<u8>, SigningError> {
    let text: String = node.text().unwrap_or_default().chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(text).map_err(|_| error(format!("base64 invalide dans {}", node.tag_name().name())))
}

/// Checks that `reference` applies exactly `transforms`, digests with SHA-256, and that its digest is
/// that of `canonical`; `tampered` says what changed otherwise.
fn check_reference(
    reference: Node<'_, '_>,
    transforms: &[&str],
    canonical: &str,
    tampered: impl FnOnce() -> String,
) -> Result<(), SigningError> {
    let applied: Vec<&str> = reference
        .children()
        .filter(|n| n.has_tag_name((DS, "Transforms")))
        .flat_map(|t| t.children().filter(|n| n.has_tag_name((DS, "Transform"))))
        .map(algorithm)
        .collect::<Result<_, _>>()?;
    if applied != transforms {
        return Err(error(format!("transformations non prises en charge : {}", applied.join(", "))));
    }
    expect_algorithm(child(reference, (DS, "DigestMethod"))?, SHA256)?;
    if base64_content(child(reference, (DS, "DigestValue"))?)? != sha256(canonical.as_bytes()) {
        return Err(error(tampered()));
    }
    Ok(())
}

/// The exclusive canonical form of the first element named `name` of the signature `xml`.
fn canonical_part(xml: &str, name: (&str, &str)) -> Result<String, SigningError> {
    let doc = parse(xml)?;
    let node = doc.descendants().find(|n| n.has_tag_name(name)).ok_or_else(|| error(format!("{} absent", name.1)))?;
    Ok(canonicalize(node, &[]))
}

fn signed_info(method: &str, ids: &Ids, data_digest: &str, properties_digest: &str) -> String {
    let Ids { element, properties, .. } = ids;
    format!(
        "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/><ds:SignatureMethod Algorithm=\"{method}\"/>\
         <ds:Reference URI=\"#{element}\"><ds:Transforms><ds:Transform Algorithm=\"{ENVELOPED}\"/>\
         <ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/>\
         <ds:DigestValue>{data_digest}</ds:DigestValue></ds:Reference>\
         <ds:Reference Type=\"{SIGNED_PROPERTIES_TYPE}\" URI=\"#{properties}\"><ds:Transforms>\
         <ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/>\
         <ds:DigestValue>{properties_digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    )
}

fn signature(ids: &Ids, signed_info: &str, value: &str, key_info: &str, object: &str) -> String {
    let Ids { signature, value: value_id, .. } = ids;
    format!(
        "<ds:Signature xmlns:ds=\"{DS}\" Id=\"{signature}\">{signed_info}<ds:SignatureValue Id=\"{value_id}\">{value}</ds:SignatureValue>\
         {key_info}{object}</ds:Signature>"
    )
}

/// `KeyInfo` with the certificate, then its issuers.
fn key_info(credential: &Credential) -> String {
    let certificates: String = std::iter::once(credential.certificate_der())
        .chain(credential.chain().iter().map(Vec::as_slice))
        .map(|der| format!("<ds:X509Certificate>{}</ds:X509Certificate>", BASE64.encode(der)))
        .collect();
    format!("<ds:KeyInfo><ds:X509Data>{certificates}</ds:X509Data></ds:KeyInfo>")
}

/// The `ds:Object` carrying the XAdES qualifying properties: the signed signature properties of
/// XAdES v1.1.1 (signing time, signing certificate, signature policy — the schema requires the policy
/// element: implied, or explicit with its digest — and the claimed role). In v1.1.1 a digest is
/// `xad:DigestMethod`/`xad:DigestValue` (1.2.2 and later use the `ds:` elements).
fn qualifying_properties(
    ids: &Ids,
    credential: &Credential,
    signing_time: OffsetDateTime,
    profile: &Profile,
) -> Result<String, SigningError> {
    let (certificate, certificate_der): (&Certificate, &[u8]) = (credential.certificate(), credential.certificate_der());
    let time = signing_time
        .to_offset(UtcOffset::UTC)
        .format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .map_err(|e| error(format!("heure de signature : {e}")))?;
    let Ids { signature, properties, .. } = ids;
    let digest = BASE64.encode(sha256(certificate_der));
    let issuer = escape(&rfc4514(&certificate.tbs_certificate.issuer)?);
    let serial = decimal(certificate.tbs_certificate.serial_number.as_bytes());
    let policy = match &profile.policy {
        None => "<xad:SignaturePolicyImplied/>".to_string(),
        Some(p) => format!(
            "<xad:SignaturePolicyId><xad:SigPolicyId><xad:Identifier>{}</xad:Identifier><xad:Description>{}</xad:Description>\
             </xad:SigPolicyId><xad:SigPolicyHash><xad:DigestMethod Algorithm=\"{SHA1}\"/><xad:DigestValue>{}</xad:DigestValue>\
             </xad:SigPolicyHash><xad:SigPolicyQualifiers><xad:SigPolicyQualifier><xad:SPURI>{}</xad:SPURI></xad:SigPolicyQualifier>\
             </xad:SigPolicyQualifiers></xad:SignaturePolicyId>",
            escape(p.identifier),
            escape(p.description),
            escape(p.sha1_digest),
            escape(p.uri)
        ),
    };
    let role = profile
        .claimed_role
        .as_deref()
        .map(|r| {
            format!(
                "<xad:SignerRole><xad:ClaimedRoles><xad:ClaimedRole>{}</xad:ClaimedRole></xad:ClaimedRoles></xad:SignerRole>",
                escape(r)
            )
        })
        .unwrap_or_default();
    Ok(format!(
        "<ds:Object><xad:QualifyingProperties xmlns:xad=\"{XADES}\" Target=\"#{signature}\"><xad:SignedProperties Id=\"{properties}\">\
         <xad:SignedSignatureProperties><xad:SigningTime>{time}</xad:SigningTime><xad:SigningCertificate><xad:Cert><xad:CertDigest>\
         <xad:DigestMethod Algorithm=\"{SHA256}\"/><xad:DigestValue>{digest}</xad:DigestValue></xad:CertDigest><xad:IssuerSerial>\
         <ds:X509IssuerName>{issuer}</ds:X509IssuerName><ds:X509SerialNumber>{serial}</ds:X509SerialNumber></xad:IssuerSerial>\
         </xad:Cert></xad:SigningCertificate><xad:SignaturePolicyIdentifier>{policy}</xad:SignaturePolicyIdentifier>{role}\
         </xad:SignedSignatureProperties></xad:SignedProperties></xad:QualifyingProperties></ds:Object>"
    ))
}

/// `xml` with `inserted` as the last content of `element` (an empty element `<e/>` is opened).
fn insert_before_end_tag(xml: &str, element: Node<'_, '_>, inserted: &str) -> String {
    let range = element.range();
    let tag = &xml[range.clone()];
    if tag.ends_with("/>") {
        let at = range.end - 2;
        format!("{}>{inserted}</{}>{}", &xml[..at], qualified_name(element), &xml[range.end..])
    } else {
        let at = range.start + tag.rfind("</").expect("an element that is not empty ends with its end tag");
        format!("{}{inserted}{}", &xml[..at], &xml[at..])
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The ECDSA signature `(r, s)` as XMLDSig wants it: both integers big-endian on 32 bytes, concatenated.
fn ecdsa_fixed(der_signature: &[u8]) -> Result<Vec<u8>, SigningError> {
    #[derive(Sequence)]
    struct EcdsaSignature<'a> {
        r: UintRef<'a>,
        s: UintRef<'a>,
    }
    let signature = EcdsaSignature::from_der(der_signature)?;
    let mut fixed = vec![0u8; 64];
    for (half, integer) in fixed.chunks_mut(32).zip([signature.r, signature.s]) {
        let bytes = integer.as_bytes();
        let start = half.len().checked_sub(bytes.len()).ok_or_else(|| error("signature ECDSA hors de la courbe P-256".into()))?;
        half[start..].copy_from_slice(bytes);
    }
    Ok(fixed)
}

/// A DER INTEGER's content (two's complement, big-endian) in decimal, as `ds:X509SerialNumber` wants.
fn decimal(integer: &[u8]) -> String {
    let negative = integer.first().is_some_and(|b| b & 0x80 != 0);
    let mut magnitude = integer.to_vec();
    if negative {
        // Two's complement: invert, then add one.
        magnitude.iter_mut().for_each(|b| *b = !*b);
        for byte in magnitude.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
    }
    let mut digits = Vec::new();
    while magnitude.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for byte in magnitude.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = u8::try_from(value / 10).expect("a quotient below 256");
            remainder = value % 10;
        }
        digits.push(char::from_digit(remainder, 10).expect("a decimal digit"));
    }
    if digits.is_empty() {
        digits.push('0');
    }
    if negative {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

/// A distinguished name as RFC 4514 writes it: the last RDN first, the attribute types of §3 by
/// their short names with escaped string values, any other type as its OID with the DER value in hex.
fn rfc4514(name: &Name) -> Result<String, SigningError> {
    use const_oid::db::rfc4519::{C, CN, DC, L, O, OU, ST, STREET, UID};
    let short_names = [(CN, "CN"), (L, "L"), (ST, "ST"), (O, "O"), (OU, "OU"), (C, "C"), (STREET, "STREET"), (DC, "DC"), (UID, "UID")];
    let mut rdns = Vec::new();
    for rdn in name.0.iter().rev() {
        let mut attributes = Vec::new();
        for atv in rdn.0.iter() {
            let short = short_names.iter().find(|(oid, _)| *oid == atv.oid).map(|(_, short)| *short);
            let text = der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str())
                .or_else(|_| der::asn1::PrintableStringRef::try_from(&atv.value).map(|s| s.as_str()))
                .or_else(|_| der::asn1::Ia5StringRef::try_from(&atv.value).map(|s| s.as_str()));
            attributes.push(match (short, text) {
                (Some(short), Ok(text)) => format!("{short}={}", escape_rfc4514(text)),
                _ => format!("{}=#{}", atv.oid, hex::encode(atv.value.to_der()?)),
            });
        }
        rdns.push(attributes.join("+"));
    }
    Ok(rdns.join(","))
}

/// RFC 4514 §2.4: `"+,;<>\` escaped, NUL as `\00`, a leading `#` or space and a trailing space escaped.
fn escape_rfc4514(value: &str) -> String {
    let mut out = String::new();
    let last = value.chars().count().saturating_sub(1);
    for (index, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\0' => out.push_str("\\00"),
            '#' if index == 0 => out.push_str("\\#"),
            ' ' if index == 0 || index == last => out.push_str("\\ "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_are_written_in_decimal() {
        let cases: [(&[u8], &str); 6] = [
            (&[0x00], "0"),
            (&[0x01], "1"),
            (&[0x00, 0xff], "255"),
            (&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], "18446744073709551616"),
            (&[0xff], "-1"),
            (&[0xff, 0x00], "-256"),
        ];
        for (der, expected) in cases {
            assert_eq!(decimal(der), expected, "{der:02x?}");
        }
    }

    #[test]
    fn names_follow_rfc_4514() {
        use std::str::FromStr;
        let name = Name::from_str("CN=Jean\\, dit \\\"Jeannot\\\",O=Commune de Juvignac,C=FR").unwrap();
        assert_eq!(rfc4514(&name).unwrap(), "CN=Jean\\, dit \\\"Jeannot\\\",O=Commune de Juvignac,C=FR");
        // serialNumber has no short name in RFC 4514: its OID, then the DER of the PrintableString.
        let name = Name::from_str("CN=A,serialNumber=S123").unwrap();
        assert_eq!(rfc4514(&name).unwrap(), "CN=A,2.5.4.5=#130453313233");
        assert_eq!(escape_rfc4514(" #a;b "), "\\ #a\\;b\\ ");
        assert_eq!(escape_rfc4514("#x"), "\\#x");
    }

    #[test]
    fn ecdsa_signatures_become_fixed_size() {
        // SEQUENCE { INTEGER 0x00ff… (33 bytes with the sign byte), INTEGER 1 }
        let mut der = vec![0x30, 0x26, 0x02, 0x21, 0x00];
        der.extend([0xff; 32]);
        der.extend([0x02, 0x01, 0x01]);
        let fixed = ecdsa_fixed(&der).unwrap();
        assert_eq!(&fixed[..32], &[0xff; 32]);
        assert_eq!(&fixed[32..63], &[0; 31]);
        assert_eq!(fixed[63], 1);
        let mut too_long = vec![0x30, 0x27, 0x02, 0x22, 0x01];
        too_long.extend([0xff; 33]);
        too_long.extend([0x02, 0x01, 0x01]);
        assert!(ecdsa_fixed(&too_long).is_err());
    }
}
