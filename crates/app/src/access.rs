//! API keys, users, passwords and browser sessions.
//!
//! Keys look like `fk_1a2b3c4d_<40 hex>`: the part before the second `_` is a
//! public prefix used to find the key, the whole key is checked against its
//! argon2 hash. A verified key is remembered (by its SHA-256, in memory only)
//! for [`KEY_CACHE_TTL`], so a busy client does not pay argon2 on every
//! request; revoking clears it at once in this process, and within the TTL in
//! others.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use domain::{EntityKind, Id, Record, Role};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::{ApiKeyRow, Filter, FilterOp, ListQuery, NewAuditEntry, SessionRow, Store};

use crate::records::{audit, new_record};
use crate::{Actor, App, Error, Permission, Result};

/// Every API key starts with this.
pub const KEY_PREFIX: &str = "fk_";

/// How long a verified key is trusted without re-checking the store.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

const SESSION_TTL_HOURS: i64 = 12;
const MIN_PASSWORD_CHARS: usize = 8;

/// Verified keys, by the SHA-256 of the whole key.
#[derive(Default)]
pub(crate) struct KeyCache {
    entries: Mutex<HashMap<[u8; 32], (Actor, String, Instant)>>,
}

/// A started browser session.
#[derive(Debug, Clone)]
pub struct LoginSession {
    /// The cookie value; only its hash is stored.
    pub token: String,
    /// The user.
    pub user: Record,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

impl App {
    /// Makes a key for a role; returns the key (shown once, never stored) and its row.
    pub async fn create_key(
        &self,
        actor: &Actor,
        role: Role,
        name: &str,
        user_id: Option<Id>,
    ) -> Result<(String, ApiKeyRow)> {
        actor.require(Permission::ManageAccess)?;
        if role == Role::Manager && user_id.is_none() {
            return Err(Error::BadRequest(
                "a manager key must belong to a user (--user LOGIN), so it sees only their records"
                    .into(),
            ));
        }
        if let Some(user_id) = user_id
            && self.store.get(EntityKind::User, user_id).await?.is_none()
        {
            return Err(Error::NotFound {
                kind: "user".into(),
                id: user_id.to_string(),
            });
        }
        let prefix = format!("{KEY_PREFIX}{}", random_hex(4)?);
        let key = format!("{prefix}_{}", random_hex(20)?);
        let row = ApiKeyRow {
            id: Id::new(),
            prefix,
            hash: hash_secret(&key)?,
            role,
            name: name.to_string(),
            user_id,
            created_at: Store::now(),
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_api_key(&row).await?;
        tx.append_audit(access_audit(actor, "key.create", &row.prefix, json!({"role": role.as_str(), "name": name, "user_id": user_id.map(|id| id.to_string())})))
            .await?;
        tx.commit().await?;
        Ok((key, row))
    }

    /// Every key (prefixes and roles, never secrets).
    pub async fn list_keys(&self, actor: &Actor) -> Result<Vec<ApiKeyRow>> {
        actor.require(Permission::ManageAccess)?;
        Ok(self.store.api_keys().await?)
    }

    /// Revokes a key by its prefix.
    pub async fn revoke_key(&self, actor: &Actor, prefix: &str) -> Result<()> {
        actor.require(Permission::ManageAccess)?;
        let mut tx = self.store.begin().await?;
        if !tx.revoke_api_key(prefix, Store::now()).await? {
            return Err(Error::NotFound {
                kind: "api key".into(),
                id: prefix.to_string(),
            });
        }
        tx.append_audit(access_audit(actor, "key.revoke", prefix, json!({})))
            .await?;
        tx.commit().await?;
        if let Ok(mut entries) = self.keys.entries.lock() {
            entries.retain(|_, (_, cached_prefix, _)| cached_prefix != prefix);
        }
        Ok(())
    }

    /// The actor a key acts as; `Unauthorized` for a wrong, unknown or revoked key.
    pub async fn authenticate_key(&self, key: &str) -> Result<Actor> {
        let fingerprint: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        if let Ok(entries) = self.keys.entries.lock()
            && let Some((actor, _, verified_at)) = entries.get(&fingerprint)
            && verified_at.elapsed() < KEY_CACHE_TTL
        {
            return Ok(actor.clone());
        }
        let invalid = || Error::Unauthorized("the API key is not valid".into());
        let prefix = key
            .get(..KEY_PREFIX.len() + 8)
            .filter(|prefix| prefix.starts_with(KEY_PREFIX))
            .ok_or_else(invalid)?;
        let row = self
            .store
            .api_key_by_prefix(prefix)
            .await?
            .ok_or_else(invalid)?;
        if row.revoked_at.is_some() {
            return Err(Error::Unauthorized("the API key was revoked".into()));
        }
        verify_secret(key, &row.hash)
            .then_some(())
            .ok_or_else(invalid)?;
        let actor = Actor {
            label: format!("key:{}", row.prefix),
            role: row.role,
            user_id: row.user_id,
        };
        if let Ok(mut entries) = self.keys.entries.lock() {
            entries.insert(fingerprint, (actor.clone(), row.prefix, Instant::now()));
        }
        Ok(actor)
    }

    /// Creates a user, with a password when one is given.
    pub async fn create_user(
        &self,
        actor: &Actor,
        login: &str,
        display_name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<Record> {
        actor.require(Permission::ManageAccess)?;
        if let Some(password) = password {
            check_password(password)?;
        }
        let raw = json!({"login": login, "display_name": display_name, "role": role.as_str(), "active": true});
        let draft = EntityKind::User
            .parse_draft(
                raw.as_object()
                    .ok_or_else(|| Error::BadRequest("user".into()))?,
                &self.config.parse,
            )
            .map_err(Error::Invalid)?;
        if self.user_by_login(login).await?.is_some() {
            return Err(Error::Conflict(format!(
                "a user with login {login:?} exists"
            )));
        }
        let mut tx = self.store.begin().await?;
        let user = new_record(actor, draft, &mut tx).await?;
        tx.insert(&user).await?;
        if let Some(password) = password {
            tx.set_password_hash(user.id, &hash_secret(password)?, Store::now())
                .await?;
        }
        tx.append_audit(audit(actor, "create", None, Some(&user)))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Sets a user's password.
    pub async fn set_password(&self, actor: &Actor, login: &str, password: &str) -> Result<()> {
        actor.require(Permission::ManageAccess)?;
        check_password(password)?;
        let user = self
            .user_by_login(login)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "user".into(),
                id: login.to_string(),
            })?;
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, &hash_secret(password)?, Store::now())
            .await?;
        tx.append_audit(access_audit(
            actor,
            "user.password",
            &user.id.to_string(),
            json!({}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user by login.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<Record>> {
        let query = ListQuery {
            filters: vec![Filter::parse(
                EntityKind::User,
                "login",
                FilterOp::Eq,
                login,
            )?],
            limit: 1,
            ..ListQuery::default()
        };
        Ok(self
            .store
            .list(EntityKind::User, &query)
            .await?
            .items
            .into_iter()
            .next())
    }

    /// Checks a login and password and starts a session.
    pub async fn login(&self, login: &str, password: &str) -> Result<LoginSession> {
        let refused = || Error::Unauthorized("wrong login or password".into());
        let user = self.user_by_login(login.trim()).await?;
        let hash = match &user {
            Some(user) if user.fields.get("active") != Some(&domain::Value::Bool(false)) => {
                self.store.password_hash(user.id).await?
            }
            _ => None,
        };
        // Verify against something even when there is no user, so timing does not tell logins apart.
        let verified = verify_secret(password, hash.as_deref().unwrap_or(DUMMY_HASH));
        let (Some(user), true, Some(_)) = (user, verified, hash) else {
            return Err(refused());
        };
        let token = random_hex(32)?;
        let now = Store::now();
        let expires_at = now + chrono::Duration::hours(SESSION_TTL_HOURS);
        let mut tx = self.store.begin().await?;
        tx.insert_session(
            &SessionRow {
                token_hash: token_hash(&token),
                user_id: user.id,
                expires_at,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(LoginSession {
            token,
            user,
            expires_at,
        })
    }

    /// The actor and user of a live session.
    pub async fn session_actor(&self, token: &str) -> Result<(Actor, Record)> {
        let expired = || Error::Unauthorized("the session has ended; log in again".into());
        let session = self
            .store
            .session(&token_hash(token), Store::now())
            .await?
            .ok_or_else(expired)?;
        let user = self
            .store
            .get(EntityKind::User, session.user_id)
            .await?
            .ok_or_else(expired)?;
        let role = Role::parse(user.text("role").unwrap_or("")).map_err(|_| expired())?;
        Ok((
            Actor {
                label: format!("user:{}", user.id),
                role,
                user_id: Some(user.id),
            },
            user,
        ))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.delete_session(&token_hash(token)).await?;
        tx.commit().await?;
        Ok(())
    }
}

// An argon2 hash of a random string nobody knows, for constant-time refusals.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9r6kFv9ZJzJc3qgm6cW3cQ5xhlFdMdG8Z0r1wqZ8iG0";

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadRequest(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

pub(crate) fn hash_secret(secret: &str) -> Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| Error::BadRequest(format!("cannot hash the secret: {error}")))
}

fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0_u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| Error::Io {
        context: "reading the system's random source".into(),
        source: std::io::Error::other(error.to_string()),
    })?;
    Ok(hex::encode(buffer))
}

fn access_audit(
    actor: &Actor,
    action: &str,
    entity_id: &str,
    details: serde_json::Value,
) -> NewAuditEntry {
    NewAuditEntry {
        actor: actor.label.clone(),
        action: action.into(),
        entity: "access".into(),
        entity_id: Some(entity_id.into()),
        before: None,
        after: Some(details.to_string()),
    }
}
