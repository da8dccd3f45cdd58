//! Who is acting, and what each role may do: one table for the whole product.

use domain::{EntityKind, Id, Role};

use crate::{Error, Result};

/// Someone or something acting: a user in the browser, an API key, the CLI.
#[derive(Debug, Clone)]
pub struct Actor {
    /// How the audit log names them: `user:<id>`, `key:<prefix>`, `cli`.
    pub label: String,
    /// Their role.
    pub role: Role,
    /// The user they act as; managers see only what this user owns.
    pub user_id: Option<Id>,
}

/// Things a role may or may not do beyond reading and writing records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read records of a kind.
    Read(EntityKind),
    /// Create, change or delete records of a kind.
    Write(EntityKind),
    /// Import files.
    Import,
    /// Export whole collections.
    Export,
    /// Manage API keys and users.
    ManageAccess,
    /// Read and verify the audit log.
    Audit,
    /// Train, promote and roll back models; rescore records.
    ManageModels,
}

impl Actor {
    /// The local operator (CLI, demo loader, worker): acts as an admin.
    pub fn system(label: &str) -> Self {
        Self {
            label: label.to_string(),
            role: Role::Admin,
            user_id: None,
        }
    }

    /// Whether the role allows a permission.
    pub fn may(&self, permission: Permission) -> bool {
        use EntityKind as K;
        use Permission as P;
        match (self.role, permission) {
            (Role::Admin, _) => true,
            (Role::Manager, P::Read(_)) => true,
            (Role::Manager, P::Write(kind)) => {
                matches!(kind, K::Contact | K::Deal | K::Activity | K::Company)
            }
            (Role::Analyst, P::Read(_) | P::Export | P::Audit) => true,
            (Role::Bot, P::Read(kind)) => matches!(
                kind,
                K::Contact | K::Deal | K::Activity | K::Product | K::Pipeline | K::Stage
            ),
            (Role::Bot, P::Write(kind)) => {
                matches!(kind, K::Contact | K::Deal | K::Activity | K::Event)
            }
            (Role::Integration, P::Read(_) | P::Import | P::Export) => true,
            (Role::Integration, P::Write(kind)) => kind != K::User,
            _ => false,
        }
    }

    /// `Ok` when the role allows a permission, `Forbidden` naming it otherwise.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.may(permission) {
            return Ok(());
        }
        let what = match permission {
            Permission::Read(kind) => format!("read {}", kind.collection()),
            Permission::Write(kind) => format!("change {}", kind.collection()),
            Permission::Import => "import files".into(),
            Permission::Export => "export data".into(),
            Permission::ManageAccess => "manage users and keys".into(),
            Permission::Audit => "read the audit log".into(),
            Permission::ManageModels => "train or promote models".into(),
        };
        Err(Error::Forbidden(format!(
            "the {} role may not {what}",
            self.role
        )))
    }

    /// The owner a list of `kind` is limited to: a manager sees only their own.
    pub fn owner_scope(&self, kind: EntityKind) -> Option<Option<Id>> {
        (self.role == Role::Manager && kind.is_owned()).then_some(self.user_id)
    }
}
