//! Who may do what: the roles a user or an API key acts in.

use std::fmt;

use crate::ValueError;

/// The role of a user or API key. What each role may do is decided in `app`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including users, keys and the audit log.
    Admin,
    /// Works deals and contacts they own; reads the catalogue.
    Manager,
    /// Reads everything, writes nothing.
    Analyst,
    /// A chatbot: creates contacts, deals and activities, reads the catalogue.
    Bot,
    /// A CRM connector: reads and writes every entity, but not users or keys.
    Integration,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Analyst,
        Role::Bot,
        Role::Integration,
    ];

    /// The stable lower-case name used in the CLI, the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Analyst => "analyst",
            Role::Bot => "bot",
            Role::Integration => "integration",
        }
    }

    /// Parses a role name (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let lower = text.trim().to_lowercase();
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == lower)
            .ok_or_else(|| {
                ValueError::new(
                    format!("{text:?} is not a role"),
                    "one of admin, manager, analyst, bot, integration",
                )
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
