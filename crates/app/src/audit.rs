//! Reading and verifying the audit log.

use store::{AuditEntry, AuditVerification};

use crate::{Actor, App, Permission, Result};

impl App {
    /// The newest audit entries, optionally about one record.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        limit: i64,
        entity_id: Option<&str>,
    ) -> Result<Vec<AuditEntry>> {
        actor.require(Permission::Audit)?;
        Ok(self.store.audit_entries(limit, entity_id).await?)
    }

    /// Checks the whole hash chain.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditVerification> {
        actor.require(Permission::Audit)?;
        Ok(self.store.verify_audit().await?)
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }
}
