//! Loading the demo CRM into an empty store (`serve --demo`).

use domain::EntityKind;
use store::{NewAuditEntry, Store};

use crate::{Actor, App, Error, Permission, Result};

/// The password of every demo user; printed when the demo loads.
pub const DEMO_PASSWORD: &str = "fundament-demo";

/// What the demo loader did.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    /// Whether data were loaded (false when the store already had users).
    pub loaded: bool,
    /// Records written, per collection.
    pub counts: Vec<(&'static str, usize)>,
    /// Logins that can sign in with [`DEMO_PASSWORD`].
    pub logins: Vec<String>,
    /// The shared password of the demo users.
    pub password: &'static str,
}

impl App {
    /// Loads the generated demo CRM, unless the store already has users.
    pub async fn load_demo(&self, actor: &Actor, config: &demo::DemoConfig) -> Result<DemoSummary> {
        actor.require(Permission::ManageAccess)?;
        let mut summary = DemoSummary {
            password: DEMO_PASSWORD,
            ..DemoSummary::default()
        };
        if self.store.count_all(EntityKind::User).await? > 0 {
            return Ok(summary);
        }
        let data = demo::generate(config);
        let mut tx = self.store.begin().await?;
        let groups = [
            &data.users,
            &data.pipelines,
            &data.stages,
            &data.companies,
            &data.contacts,
            &data.products,
            &data.deals,
            &data.orders,
            &data.activities,
            &data.events,
        ];
        for records in groups {
            if let Some(first) = records.first() {
                tx.write_batch(first.kind, records).await?;
                summary
                    .counts
                    .push((first.kind.collection(), records.len()));
            }
        }
        let hash = crate::access::hash_secret(DEMO_PASSWORD)?;
        for user in &data.users {
            tx.set_password_hash(user.id, &hash, Store::now()).await?;
            if let Some(login) = user.text("login") {
                summary.logins.push(login.to_string());
            }
        }
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "demo.load".into(),
            entity: "demo".into(),
            entity_id: None,
            before: None,
            after: Some(
                serde_json::json!({"seed": config.seed, "contacts": data.contacts.len()})
                    .to_string(),
            ),
        })
        .await
        .map_err(Error::from)?;
        tx.commit().await?;
        summary.loaded = true;
        Ok(summary)
    }
}
