//! Signed JSON (spec appendix "Signing JSON": "Signing Details" and
//! "Checking for a Signature"): signatures are ed25519 over the canonical
//! JSON of the object without `signatures` and `unsigned`, encoded as
//! unpadded base64 (appendix "Unpadded Base64"; decoders accept padding).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value};

use super::canonical_json::{self, CanonicalError};

/// Standard alphabet, encodes without padding, decodes with or without it
/// and, like Python's decoder that Synapse uses, ignores non-zero trailing
/// bits (the spec's own test seed has them).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

pub fn encode_base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    BASE64.decode(text).ok()
}

/// Why the object could not be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedJsonError {
    NotAnObject,
    /// No `signatures` object, or no entry for the entity.
    NotSigned {
        entity: String,
    },
    Canonical(CanonicalError),
}

impl fmt::Display for SignedJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignedJsonError::NotAnObject => f.write_str("the response is not a JSON object"),
            SignedJsonError::NotSigned { entity } => {
                write!(f, "no signatures from `{entity}` in the response")
            }
            SignedJsonError::Canonical(e) => write!(f, "cannot be signed: {e}"),
        }
    }
}

/// What happened to one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// The signature does not verify (tampered content or wrong key).
    Invalid,
    /// No verification key with this id was offered.
    UnknownKey,
    /// Not `ed25519:`: ignored, as the spec says.
    UnsupportedAlgorithm,
    /// The signature is not base64, or not 64 bytes.
    Malformed,
    /// The signature value is not a string.
    NotAString,
}

impl SignatureCheck {
    pub fn describe(&self) -> &'static str {
        match self {
            SignatureCheck::Valid => "verifies",
            SignatureCheck::Invalid => "does NOT verify",
            SignatureCheck::UnknownKey => "made with a key the response does not list",
            SignatureCheck::UnsupportedAlgorithm => {
                "uses an algorithm other than ed25519 (ignored)"
            }
            SignatureCheck::Malformed => "is not 64 bytes of base64",
            SignatureCheck::NotAString => "is not a string",
        }
    }
}

/// The verification key material for a key id, e.g. `ed25519:abc` →
/// 32 bytes, or why it is unusable.
pub type VerifyKeys = BTreeMap<String, Result<VerifyingKey, String>>;

/// Parses a verification key given as unpadded base64.
pub fn parse_verify_key(base64: &str) -> Result<VerifyingKey, String> {
    let bytes = decode_base64(base64).ok_or("the key is not valid base64")?;
    let array: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("the key is {} bytes; ed25519 keys are 32", bytes.len()))?;
    VerifyingKey::from_bytes(&array).map_err(|_| "not a valid ed25519 public key".to_string())
}

/// The bytes that are signed: canonical JSON without `signatures` and `unsigned`.
pub fn signing_bytes(object: &Map<String, Value>) -> Result<String, CanonicalError> {
    let mut stripped = object.clone();
    stripped.remove("signatures");
    stripped.remove("unsigned");
    canonical_json::encode(&Value::Object(stripped))
}

/// Checks every signature `entity` put on `signed` (spec appendix "Checking
/// for a Signature"), in key-id order.
pub fn check_signatures(
    signed: &Value,
    entity: &str,
    keys: &VerifyKeys,
) -> Result<Vec<(String, SignatureCheck)>, SignedJsonError> {
    check_signatures_capped(signed, entity, keys, &BTreeSet::new(), usize::MAX).map(|c| c.checked)
}

/// The signatures of one entity, as far as they were examined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedChecks {
    /// Examined signatures, in key-id order.
    pub checked: Vec<(String, SignatureCheck)>,
    /// Signatures with a listed ed25519 key beyond the first `max`: not
    /// verified (each verification hashes the whole signed body).
    pub not_examined: usize,
}

/// Like [`check_signatures`], but verifies at most `max` signatures made
/// with a listed key; the rest are counted, not verified, and so are
/// signatures by `unexamined` keys (listed, but beyond the caller's cap).
/// The signed body is canonicalised once for all of them. Signatures that
/// need no verification to judge (unknown key, other algorithm, malformed)
/// are reported without counting against `max`, up to `max` of them too.
pub fn check_signatures_capped(
    signed: &Value,
    entity: &str,
    keys: &VerifyKeys,
    unexamined: &BTreeSet<String>,
    max: usize,
) -> Result<CappedChecks, SignedJsonError> {
    let object = signed.as_object().ok_or(SignedJsonError::NotAnObject)?;
    let not_signed = || SignedJsonError::NotSigned {
        entity: entity.to_string(),
    };
    let entry = object
        .get("signatures")
        .and_then(Value::as_object)
        .and_then(|s| s.get(entity))
        .and_then(Value::as_object)
        .ok_or_else(not_signed)?;
    if entry.is_empty() {
        return Err(not_signed());
    }
    let message = signing_bytes(object).map_err(SignedJsonError::Canonical)?;
    let mut out = CappedChecks {
        checked: Vec::new(),
        not_examined: 0,
    };
    let (mut verified, mut judged_free) = (0usize, 0usize);
    for (key_id, sig) in entry {
        if unexamined.contains(key_id) {
            out.not_examined += 1;
            continue;
        }
        let costly = key_id.starts_with("ed25519:") && matches!(keys.get(key_id), Some(Ok(_)));
        let budget = if costly {
            &mut verified
        } else {
            &mut judged_free
        };
        if *budget >= max {
            out.not_examined += 1;
            continue;
        }
        *budget += 1;
        out.checked
            .push((key_id.clone(), check_one(key_id, sig, keys, &message)));
    }
    out.checked.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn check_one(key_id: &str, sig: &Value, keys: &VerifyKeys, message: &str) -> SignatureCheck {
    if !key_id.starts_with("ed25519:") {
        return SignatureCheck::UnsupportedAlgorithm;
    }
    let Some(sig) = sig.as_str() else {
        return SignatureCheck::NotAString;
    };
    let Some(bytes) = decode_base64(sig) else {
        return SignatureCheck::Malformed;
    };
    let Ok(signature) = Signature::from_slice(&bytes) else {
        return SignatureCheck::Malformed;
    };
    match keys.get(key_id) {
        Some(Ok(key)) => match key.verify_strict(message.as_bytes(), &signature) {
            Ok(()) => SignatureCheck::Valid,
            Err(_) => SignatureCheck::Invalid,
        },
        _ => SignatureCheck::UnknownKey,
    }
}

/// Signs `value` in place as `entity` with `key_id` (spec appendix
/// "Signing Details"). Used by the simulated internet and the tests.
pub fn sign(
    value: &mut Value,
    entity: &str,
    key_id: &str,
    key: &SigningKey,
) -> Result<(), SignedJsonError> {
    let object = value.as_object_mut().ok_or(SignedJsonError::NotAnObject)?;
    let message = signing_bytes(object).map_err(SignedJsonError::Canonical)?;
    let signature = encode_base64(&key.sign(message.as_bytes()).to_bytes());
    let signatures = object
        .entry("signatures")
        .or_insert_with(|| Value::Object(Map::new()));
    if !signatures.is_object() {
        *signatures = Value::Object(Map::new());
    }
    if let Some(all) = signatures.as_object_mut() {
        let mine = all
            .entry(entity)
            .or_insert_with(|| Value::Object(Map::new()));
        if !mine.is_object() {
            *mine = Value::Object(Map::new());
        }
        if let Some(mine) = mine.as_object_mut() {
            mine.insert(key_id.to_string(), Value::String(signature));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The spec appendix's test vector seed ("Cryptographic test vectors").
    const SPEC_SEED: &str = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

    fn spec_key() -> SigningKey {
        let seed = decode_base64(SPEC_SEED).expect("seed is base64");
        SigningKey::from_bytes(&seed.try_into().expect("32 bytes"))
    }

    fn keys_of(key: &SigningKey, id: &str) -> VerifyKeys {
        BTreeMap::from([(id.to_string(), Ok(key.verifying_key()))])
    }

    #[test]
    fn unpadded_base64_appendix_examples() {
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (raw, enc) in cases {
            assert_eq!(encode_base64(raw.as_bytes()), enc);
            assert_eq!(decode_base64(enc).expect("decodes"), raw.as_bytes());
        }
        assert_eq!(decode_base64("Zg==").expect("padding accepted"), b"f");
        assert!(decode_base64("Z!").is_none());
    }

    #[test]
    fn spec_test_vectors_sign_as_published() {
        let key = spec_key();
        let cases = [
            (
                json!({}),
                "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ",
            ),
            (
                json!({"one": 1, "two": "Two"}),
                "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
            ),
        ];
        for (mut value, want) in cases {
            sign(&mut value, "domain", "ed25519:1", &key).expect("signs");
            assert_eq!(value["signatures"]["domain"]["ed25519:1"], want);
            let checks =
                check_signatures(&value, "domain", &keys_of(&key, "ed25519:1")).expect("checks");
            assert_eq!(
                checks,
                vec![("ed25519:1".to_string(), SignatureCheck::Valid)]
            );
        }
    }

    #[test]
    fn unsigned_and_signatures_are_not_covered() {
        let key = spec_key();
        let mut value = json!({"a": 1, "unsigned": {"age": 5}});
        sign(&mut value, "s", "ed25519:1", &key).expect("signs");
        value["unsigned"]["age"] = json!(99);
        value["signatures"]["other"] = json!({"ed25519:x": "AAAA"});
        let checks = check_signatures(&value, "s", &keys_of(&key, "ed25519:1")).expect("checks");
        assert_eq!(checks[0].1, SignatureCheck::Valid);
    }

    #[test]
    fn each_failure_is_told_apart() {
        let key = spec_key();
        let other = SigningKey::from_bytes(&[7u8; 32]);
        let mut signed = json!({"server_name": "example.com", "n": 1});
        sign(&mut signed, "example.com", "ed25519:a", &key).expect("signs");

        let mut tampered = signed.clone();
        tampered["n"] = json!(2);
        let check = |v: &Value, keys: &VerifyKeys| {
            check_signatures(v, "example.com", keys).expect("checks")[0]
                .1
                .clone()
        };
        assert_eq!(
            check(&signed, &keys_of(&key, "ed25519:a")),
            SignatureCheck::Valid
        );
        assert_eq!(
            check(&tampered, &keys_of(&key, "ed25519:a")),
            SignatureCheck::Invalid
        );
        assert_eq!(
            check(&signed, &keys_of(&other, "ed25519:a")),
            SignatureCheck::Invalid
        );
        assert_eq!(
            check(&signed, &keys_of(&key, "ed25519:b")),
            SignatureCheck::UnknownKey
        );
        let mut malformed = signed.clone();
        malformed["signatures"]["example.com"]["ed25519:a"] = json!("not base64!");
        assert_eq!(
            check(&malformed, &keys_of(&key, "ed25519:a")),
            SignatureCheck::Malformed
        );
        let mut odd = json!({"signatures": {"example.com": {"rsa:1": "AAAA"}}});
        assert_eq!(
            check(&odd, &VerifyKeys::new()),
            SignatureCheck::UnsupportedAlgorithm
        );
        odd["signatures"]["example.com"] = json!({"ed25519:a": 5});
        assert_eq!(check(&odd, &VerifyKeys::new()), SignatureCheck::NotAString);

        assert_eq!(
            check_signatures(&signed, "elsewhere.org", &VerifyKeys::new()),
            Err(SignedJsonError::NotSigned {
                entity: "elsewhere.org".into()
            })
        );
        assert_eq!(
            check_signatures(&json!([1]), "x", &VerifyKeys::new()),
            Err(SignedJsonError::NotAnObject)
        );
        let float = json!({"f": 1.5, "signatures": {"x": {"ed25519:a": "AAAA"}}});
        assert!(matches!(
            check_signatures(&float, "x", &VerifyKeys::new()),
            Err(SignedJsonError::Canonical(_))
        ));
    }

    #[test]
    fn verify_keys_are_parsed_with_reasons() {
        let key = spec_key();
        let b64 = encode_base64(key.verifying_key().as_bytes());
        assert!(parse_verify_key(&b64).is_ok());
        assert!(
            parse_verify_key("AAAA")
                .expect_err("short")
                .contains("3 bytes")
        );
        assert!(parse_verify_key("***").expect_err("bad").contains("base64"));
    }
}
