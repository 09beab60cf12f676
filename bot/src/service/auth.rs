//! Who is calling the service, from the bearer token: a visitor, an expert (whose token names them),
//! a front-end acting for someone, or the administrator; and the checks the access layer
//! ([`super::access`]) makes of the caller for the level a route declares.
//! One place decides, so no route can read a token its own way.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};

#[cfg(test)]
use super::config::ExpertCredential;
use super::config::ServiceConfig;
use super::error::ApiError;
use consulta_desk::{Identity, Platform};

/// The header that names who an expert or a front-end acts as (`web:ana`, `telegram:7`).
pub const IDENTITY_HEADER: &str = "x-consulta-identity";

/// Who is calling, from the bearer token. An expert's token names that expert (its credential in
/// `[[service.experts]]` carries the identity); the front-end and admin tokens name roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No token: a visitor of the chat page.
    Visitor,
    /// An expert, as the identity their credential is bound to.
    Expert(Identity),
    /// A front-end process, acting for its platforms' users (who it names per request).
    FrontEnd(FrontEndScope),
    /// The operator.
    Admin,
}

/// The platforms a front-end token may act for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontEndScope {
    /// `service.frontend_token`: every platform (replicas record questions from all of them).
    Every,
    /// A `[[service.frontends]]` credential: these platforms only.
    Only(Vec<Platform>),
}

impl Caller {
    /// Reads the caller from the request headers. A token that matches no configured role is refused
    /// rather than treated as a visitor, so a typo in a script's token fails loudly.
    pub fn from_headers(headers: &HeaderMap, config: &ServiceConfig) -> Result<Caller, ApiError> {
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Ok(Caller::Visitor);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <token>`")
            })?;
        if same_secret(token, &config.admin_token) {
            return Ok(Caller::Admin);
        }
        if same_secret(token, &config.frontend_token) {
            return Ok(Caller::FrontEnd(FrontEndScope::Every));
        }
        let digest = hex_digest(token);
        let frontend = config
            .frontends
            .iter()
            .filter(|c| same_secret(&digest, &c.token_sha256.trim().to_ascii_lowercase()))
            .fold(None, |found, c| found.or(Some(c)));
        if let Some(credential) = frontend {
            return Ok(Caller::FrontEnd(FrontEndScope::Only(
                credential.platforms.clone(),
            )));
        }
        // Every credential is compared, whichever matches, so the time taken does not tell which.
        let matched = config
            .experts
            .iter()
            .filter(|c| same_secret(&digest, &c.token_sha256.trim().to_ascii_lowercase()))
            .fold(None, |found, c| found.or(Some(c)));
        if let Some(credential) = matched {
            if let Some(named) = acting_identity(headers)?
                && named != credential.identity
            {
                return Err(ApiError::forbidden(format!(
                    "this token is {}'s: it cannot act as {named}; sign in with your own token",
                    credential.identity
                )));
            }
            return Ok(Caller::Expert(credential.identity.clone()));
        }
        Err(ApiError::unauthorized(
            "unknown token: check the token configured in [service]",
        ))
    }

    /// The identity an expert action is done as: the expert's own, or the one a front-end names.
    pub fn expert_identity(&self, headers: &HeaderMap) -> Result<Identity, ApiError> {
        match self {
            Caller::Expert(identity) => Ok(identity.clone()),
            Caller::FrontEnd(_) => {
                let identity = acting_identity(headers)?.ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "name the expert in the {IDENTITY_HEADER} header"
                    ))
                })?;
                self.require_frontend_for(identity.platform)?;
                Ok(identity)
            }
            Caller::Admin | Caller::Visitor => Err(ApiError::unauthorized(
                "expert routes need an expert's own token (Authorization: Bearer ...), configured in [[service.experts]]",
            )),
        }
    }

    /// Refuses everyone but a front-end process that may act for `platform`'s users.
    pub fn require_frontend_for(&self, platform: Platform) -> Result<(), ApiError> {
        self.require_frontend()?;
        match self {
            Caller::FrontEnd(FrontEndScope::Only(platforms)) if !platforms.contains(&platform) => {
                let bound: Vec<String> = platforms.iter().map(Platform::to_string).collect();
                Err(ApiError::forbidden(format!(
                    "this front-end token acts for {} only, not for {platform}: give each platform's process its own token in [[service.frontends]]",
                    bound.join(", ")
                )))
            }
            _ => Ok(()),
        }
    }

    /// Refuses everyone but a front-end process (of any platform).
    pub fn require_frontend(&self) -> Result<(), ApiError> {
        match self {
            Caller::FrontEnd(_) => Ok(()),
            Caller::Visitor => Err(ApiError::unauthorized(
                "this route needs the front-end token (service.frontend_token)",
            )),
            _ => Err(ApiError::forbidden("this route is for front-end processes")),
        }
    }

    /// Refuses everyone but the operator.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self {
            Caller::Admin => Ok(()),
            Caller::Visitor => Err(ApiError::unauthorized(
                "this route needs the admin token (service.admin_token)",
            )),
            _ => Err(ApiError::forbidden("this route needs the admin token")),
        }
    }
}

fn acting_identity(headers: &HeaderMap) -> Result<Option<Identity>, ApiError> {
    let Some(value) = headers.get(IDENTITY_HEADER) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request(format!("the {IDENTITY_HEADER} header is not text")))?;
    text.parse::<Identity>()
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("{IDENTITY_HEADER}: {e}")))
}

/// The SHA-256 of `token` in lowercase hex, as `[[service.experts]]` stores it.
fn hex_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares a presented token with a configured one without leaking, through timing, how much of it
/// matched or how long it is: both are hashed, and the digests are compared in full. An empty
/// configured token never matches: it means the role is off.
pub fn same_secret(presented: &str, configured: &str) -> bool {
    if configured.is_empty() {
        return false;
    }
    let a = Sha256::digest(presented.as_bytes());
    let b = Sha256::digest(configured.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config() -> ServiceConfig {
        ServiceConfig {
            experts: vec![
                ExpertCredential {
                    identity: "web:ana".parse().unwrap(),
                    token_sha256: hex_digest("e-token"),
                },
                ExpertCredential {
                    identity: "web:bruno".parse().unwrap(),
                    token_sha256: hex_digest("b-token").to_uppercase(),
                },
            ],
            admin_token: "a-token".into(),
            ..ServiceConfig::default()
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn tokens_pick_the_role_and_an_empty_token_turns_a_role_off() {
        let config = config();
        assert_eq!(
            Caller::from_headers(&headers(&[]), &config).unwrap(),
            Caller::Visitor
        );
        assert_eq!(
            Caller::from_headers(&headers(&[("authorization", "Bearer a-token")]), &config)
                .unwrap(),
            Caller::Admin
        );
        let expert = headers(&[
            ("authorization", "Bearer e-token"),
            (IDENTITY_HEADER, "web:ana"),
        ]);
        assert_eq!(
            Caller::from_headers(&expert, &config).unwrap(),
            Caller::Expert("web:ana".parse().unwrap())
        );
        // frontend_token is empty: presenting an empty token is not the front-end role.
        let error =
            Caller::from_headers(&headers(&[("authorization", "Bearer ")]), &config).unwrap_err();
        assert_eq!(error.code, "unauthorized");
        let wrong = Caller::from_headers(&headers(&[("authorization", "Bearer nope")]), &config);
        assert_eq!(wrong.unwrap_err().code, "unauthorized");
    }

    #[test]
    fn an_expert_token_acts_only_as_its_own_identity() {
        let config = config();
        let bruno = headers(&[("authorization", "Bearer b-token")]);
        assert_eq!(
            Caller::from_headers(&bruno, &config).unwrap(),
            Caller::Expert("web:bruno".parse().unwrap()),
            "the identity comes from the credential (its digest may be written in capitals)"
        );
        let posing = headers(&[
            ("authorization", "Bearer e-token"),
            (IDENTITY_HEADER, "web:bruno"),
        ]);
        let error = Caller::from_headers(&posing, &config).unwrap_err();
        assert_eq!(error.code, "forbidden");
        assert!(error.message.contains("web:ana"), "{}", error.message);
        assert!(
            Caller::from_headers(&headers(&[("authorization", "Bearer web:ana")]), &config)
                .is_err(),
            "naming an identity is not a credential"
        );
    }

    #[test]
    fn a_platform_bound_frontend_token_acts_only_for_its_platforms() {
        let config = ServiceConfig {
            frontends: vec![super::super::config::FrontEndCredential {
                platforms: vec![Platform::Telegram],
                token_sha256: hex_digest("tg-token"),
            }],
            frontend_token: "any-platform".into(),
            ..config()
        };
        let telegram =
            Caller::from_headers(&headers(&[("authorization", "Bearer tg-token")]), &config)
                .unwrap();
        assert_eq!(
            telegram,
            Caller::FrontEnd(FrontEndScope::Only(vec![Platform::Telegram]))
        );
        assert!(telegram.require_frontend_for(Platform::Telegram).is_ok());
        for other in [Platform::Discord, Platform::Web, Platform::Cli] {
            let error = telegram.require_frontend_for(other).unwrap_err();
            assert_eq!(error.code, "forbidden", "{other}");
        }
        let posing = headers(&[
            ("authorization", "Bearer tg-token"),
            (IDENTITY_HEADER, "cli:joel"),
        ]);
        assert_eq!(
            telegram.expert_identity(&posing).unwrap_err().code,
            "forbidden"
        );
        let every = Caller::from_headers(
            &headers(&[("authorization", "Bearer any-platform")]),
            &config,
        )
        .unwrap();
        assert!(every.require_frontend_for(Platform::Cli).is_ok());
    }

    #[test]
    fn same_secret_needs_the_whole_token() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("abcd", "abc"));
        assert!(!same_secret("", ""));
    }
}
