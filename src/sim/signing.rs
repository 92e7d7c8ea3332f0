//! A homeserver's ed25519 signing key and the signed key response of
//! `GET /_matrix/key/v2/server` (spec: server-server API "Publishing Keys";
//! Appendices "Signing JSON").

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Value, json};

use super::SimError;
use crate::matrix::signed_json::sign;

pub struct ServerKey {
    key_id: String,
    signing: SigningKey,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKey")
            .field("key_id", &self.key_id)
            .field("public", &self.public_base64())
            .finish()
    }
}

impl ServerKey {
    /// A fresh random key (from ring's system randomness via rustls).
    pub fn generate(key_id: &str) -> Result<ServerKey, SimError> {
        let mut seed = [0u8; 32];
        rustls::crypto::ring::default_provider()
            .secure_random
            .fill(&mut seed)
            .map_err(|_| SimError::Pki("no system randomness for the signing key".into()))?;
        Ok(ServerKey {
            key_id: key_id.to_string(),
            signing: SigningKey::from_bytes(&seed),
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The public key, unpadded base64 as the spec writes keys.
    pub fn public_base64(&self) -> String {
        STANDARD_NO_PAD.encode(self.verifying_key().as_bytes())
    }

    /// Signs `object` in place as `signer` (spec "Signing JSON"): the
    /// canonical JSON of the object without `signatures` and `unsigned` is
    /// signed, and the signature added under `signatures.<signer>.<key_id>`.
    pub fn sign_json(&self, signer: &str, object: &mut Value) -> Result<(), SimError> {
        sign(object, signer, &self.key_id, &self.signing).map_err(|e| SimError::Pki(e.to_string()))
    }
}

/// The body of `GET /_matrix/key/v2/server`, signed.
pub fn key_response(
    server_name: &str,
    key: &ServerKey,
    valid_until_ts: i64,
) -> Result<Value, SimError> {
    let mut body = json!({
        "server_name": server_name,
        "valid_until_ts": valid_until_ts,
        "verify_keys": { key.key_id(): { "key": key.public_base64() } },
        "old_verify_keys": {},
    });
    key.sign_json(server_name, &mut body)?;
    Ok(body)
}
