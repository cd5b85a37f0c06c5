//! The platform's timestamp authority (*autorité d'horodatage*, RFC 3161): it answers a
//! `TimeStampReq` with a `TimeStampResp` whose token is a CMS `SignedData` over a `TSTInfo`.

use crate::asn1::{ID_CT_TST_INFO, ID_SHA256, ID_SIGNATURE_TIMESTAMP_TOKEN, sha256};
use crate::signed_data::{self, Content};
use crate::{Credential, SigningError};
use cmpv2::status::{PkiStatus, PkiStatusInfo};
use const_oid::ObjectIdentifier;
use der::asn1::{GeneralizedTime, Int, OctetString, Utf8StringRef};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifier;
use time::OffsetDateTime;
use x509_tsp::{Accuracy, MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

/// The policy under which the platform issues its tokens: the baseline time-stamp policy of ETSI
/// EN 319 421 (`itu-t(0) identified-organization(4) etsi(0) time-stamp-policy(2023) policy-identifiers(1)
/// baseline-ts-policy(1)`).
pub const DEFAULT_POLICY: &str = "0.4.0.2023.1.1";

/// A timestamp authority: its certificate (extended key usage `timeStamping`) and policy.
pub struct TimestampAuthority {
    credential: Credential,
    policy: ObjectIdentifier,
}

/// What a token says.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub time: OffsetDateTime,
    pub imprint: Vec<u8>,
    pub serial_hex: String,
    pub policy: String,
}

impl TimestampAuthority {
    pub fn new(credential: Credential) -> Self {
        Self { credential, policy: ObjectIdentifier::new_unwrap(DEFAULT_POLICY) }
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// A token (`ContentInfo`, DER) stating that the SHA-256 digest `imprint` existed at `now`.
    pub fn stamp(&self, imprint: &[u8; 32], nonce: Option<Int>, now: OffsetDateTime) -> Result<Vec<u8>, SigningError> {
        let seconds = u64::try_from(now.unix_timestamp()).map_err(|_| SigningError::Timestamp("date antérieure à 1970".into()))?;
        let info = TstInfo {
            version: TspVersion::V1,
            policy: self.policy,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifier { oid: ID_SHA256, parameters: None },
                hashed_message: OctetString::new(imprint.to_vec())?,
            },
            serial_number: Int::new(&serial()?)?,
            gen_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(seconds))?,
            accuracy: Some(Accuracy { seconds: Some(1), millis: None, micros: None }),
            ordering: false,
            nonce,
            tsa: None,
            extensions: None,
        };
        let encoded = info.to_der()?;
        let content =
            Content { content_type: ID_CT_TST_INFO, encapsulated: Some(&encoded), digest: sha256(&encoded), signing_time: Some(now) };
        signed_data::to_content_info(&signed_data::sign(&self.credential, &content)?)
    }

    /// The answer to a DER `TimeStampReq`: a token, or a rejection saying why (SHA-256 only).
    pub fn respond(&self, request: &[u8], now: OffsetDateTime) -> Result<Vec<u8>, SigningError> {
        let (status, token) = match TimeStampReq::from_der(request) {
            Err(_) => (rejection("requête d'horodatage illisible"), None),
            Ok(req) if req.message_imprint.hash_algorithm.oid != ID_SHA256 => (rejection("seul SHA-256 est accepté"), None),
            Ok(req) => match <[u8; 32]>::try_from(req.message_imprint.hashed_message.as_bytes()) {
                Ok(imprint) => {
                    let token = self.stamp(&imprint, req.nonce, now)?;
                    (PkiStatusInfo { status: PkiStatus::Accepted, status_string: None, fail_info: None }, Some(token))
                }
                Err(_) => (rejection("empreinte SHA-256 de 32 octets attendue"), None),
            },
        };
        let time_stamp_token = token.map(|t| cms::content_info::ContentInfo::from_der(&t)).transpose()?;
        Ok(TimeStampResp { status, time_stamp_token }.to_der()?)
    }
}

fn rejection(reason: &'static str) -> PkiStatusInfo<'static> {
    let text = Utf8StringRef::new(reason).expect("UTF-8 literal");
    PkiStatusInfo { status: PkiStatus::Rejection, status_string: Some(vec![text]), fail_info: None }
}

/// A `TimeStampReq` for the SHA-256 digest `imprint`, asking for the TSA's certificate.
pub fn request(imprint: &[u8; 32]) -> Result<Vec<u8>, SigningError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier { oid: ID_SHA256, parameters: None },
            hashed_message: OctetString::new(imprint.to_vec())?,
        },
        req_policy: None,
        nonce: Some(Int::new(&serial()?)?),
        cert_req: true,
        extensions: None,
    };
    Ok(req.to_der()?)
}

/// The token of a `TimeStampResp`, or why there is none.
pub fn token_of_response(response: &[u8]) -> Result<Vec<u8>, SigningError> {
    let response = TimeStampResp::from_der(response)?;
    match (response.status.status, response.time_stamp_token) {
        (PkiStatus::Accepted | PkiStatus::GrantedWithMods, Some(token)) => Ok(token.to_der()?),
        (_, _) => {
            let reason = response.status.status_string.unwrap_or_default().iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>();
            Err(SigningError::Timestamp(reason.join(" ")))
        }
    }
}

/// What a token says (its signature is checked by `validation`).
pub fn read_token(token: &[u8]) -> Result<TokenInfo, SigningError> {
    let signed = signed_data::from_content_info(token)?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(SigningError::Timestamp("le jeton ne contient pas de TSTInfo".into()));
    }
    let content = signed.encap_content_info.econtent.ok_or_else(|| SigningError::Timestamp("jeton sans contenu".into()))?;
    let info = TstInfo::from_der(content.decode_as::<OctetString>()?.as_bytes())?;
    let seconds = info.gen_time.to_unix_duration().as_secs();
    Ok(TokenInfo {
        time: OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
            .map_err(|e| SigningError::Timestamp(e.to_string()))?,
        imprint: info.message_imprint.hashed_message.as_bytes().to_vec(),
        serial_hex: hex::encode(info.serial_number.as_bytes()),
        policy: info.policy.to_string(),
    })
}

/// The unsigned attribute that timestamps a signature value (CAdES `signature-time-stamp`).
pub(crate) fn signature_timestamp_attribute(
    authority: &TimestampAuthority,
    signature_value: &[u8],
    now: OffsetDateTime,
) -> Result<x509_cert::attr::Attribute, SigningError> {
    let token = authority.stamp(&sha256(signature_value), None, now)?;
    let value = Any::from_der(&token)?;
    Ok(x509_cert::attr::Attribute { oid: ID_SIGNATURE_TIMESTAMP_TOKEN, values: der::asn1::SetOfVec::try_from(vec![value])? })
}

/// 8 random bytes, positive as a DER INTEGER.
fn serial() -> Result<[u8; 8], SigningError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    ring::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| SigningError::Timestamp("aléa indisponible".into()))?;
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    Ok(bytes)
}
