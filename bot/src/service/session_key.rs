//! Web sessions the service mints and recognises: a random nonce and its HMAC-SHA-256 tag under the
//! service's session key. A session id the service did not mint (a guessed, made-up or short one)
//! fails the check, without the service storing the sessions it handed out.
//!
//! The key is `service.session_secret` when set (a primary and its replicas share it, so a replica
//! recognises the primary's sessions), else a random key the primary keeps in its web inbox.

use std::io::Read;

use sha2::{Digest, Sha256};

use super::inbox::{BadSession, SessionId};

/// Random bytes in a session's nonce (128 bits: not guessable).
const NONCE_BYTES: usize = 16;
/// Bytes of the tag kept in a session id (64 bits: forging one takes 2^64 tries on the service).
const TAG_BYTES: usize = 8;
/// SHA-256's block size, for HMAC.
const BLOCK: usize = 64;

/// The key sessions are minted and checked with.
#[derive(Clone)]
pub struct SessionKey([u8; 32]);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

impl SessionKey {
    /// The key derived from a configured secret (`service.session_secret`).
    pub fn from_secret(secret: &str) -> SessionKey {
        SessionKey(Sha256::digest(format!("consulta session key\0{secret}").as_bytes()).into())
    }

    /// A key made of these bytes (as kept in the web inbox).
    pub fn from_bytes(bytes: [u8; 32]) -> SessionKey {
        SessionKey(bytes)
    }

    /// The key's bytes, to keep it.
    pub fn bytes(&self) -> [u8; 32] {
        self.0
    }

    /// A new random key.
    pub fn random() -> std::io::Result<SessionKey> {
        let mut bytes = [0u8; 32];
        random_bytes(&mut bytes)?;
        Ok(SessionKey(bytes))
    }

    /// A new session: a random nonce and its tag.
    pub fn mint(&self) -> std::io::Result<SessionId> {
        let mut nonce = [0u8; NONCE_BYTES];
        random_bytes(&mut nonce)?;
        let session = self.sign(&hex(&nonce));
        SessionId::parse(&session).map_err(std::io::Error::other)
    }

    /// The session id for `nonce` (letters, digits or dashes): `nonce-tag`.
    pub fn sign(&self, nonce: &str) -> String {
        format!("{nonce}-{}", hex(&self.tag(nonce)[..TAG_BYTES]))
    }

    /// `text` as a session, when it is one this key minted.
    pub fn check(&self, text: &str) -> Result<SessionId, BadSession> {
        let session = SessionId::parse(text)?;
        let (nonce, tag) = text.rsplit_once('-').ok_or(BadSession)?;
        let expected = hex(&self.tag(nonce)[..TAG_BYTES]);
        // Compared in full whatever differs first, so timing does not reveal a prefix of the tag.
        let same = tag.len() == expected.len()
            && tag
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same { Ok(session) } else { Err(BadSession) }
    }

    /// HMAC-SHA-256 of `message` under the key.
    fn tag(&self, message: &str) -> [u8; 32] {
        let mut inner_pad = [0x36u8; BLOCK];
        let mut outer_pad = [0x5cu8; BLOCK];
        for (i, byte) in self.0.iter().enumerate() {
            inner_pad[i] ^= byte;
            outer_pad[i] ^= byte;
        }
        let inner = Sha256::new()
            .chain_update(inner_pad)
            .chain_update(message.as_bytes())
            .finalize();
        Sha256::new()
            .chain_update(outer_pad)
            .chain_update(inner)
            .finalize()
            .into()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills `buffer` from the operating system's random source.
fn random_bytes(buffer: &mut [u8]) -> std::io::Result<()> {
    std::fs::File::open("/dev/urandom")?.read_exact(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sessions_this_key_minted_pass() {
        let key = SessionKey::from_secret("s3cret");
        let minted = key.mint().unwrap();
        assert_eq!(key.check(minted.as_str()).unwrap(), minted);
        assert_ne!(key.mint().unwrap(), minted, "every session is new");
        let other = SessionKey::from_secret("another");
        assert!(other.check(minted.as_str()).is_err());
        let mut forged = minted.as_str().to_string();
        forged.pop();
        forged.push(if minted.as_str().ends_with('0') {
            '1'
        } else {
            '0'
        });
        assert!(key.check(&forged).is_err());
        assert!(key.check("0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6").is_err());
        assert!(key.check("short").is_err());
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test case 2 ("Jefe"), with the key padded as HMAC pads it.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let tag = SessionKey(key).tag("what do ya want for nothing?");
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
