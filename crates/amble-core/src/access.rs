//! Who may see or change whose data (contract §12), as one table: a person their own journal; a
//! coach the journals of the people linked to them, read-only; an admin the accounts, and
//! health data only where linked like a coach. Everything not in the table is refused.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Person,
    Coach,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "person" => Some(Role::Person),
            "coach" => Some(Role::Coach),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Person => "person",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }
}

/// How the one acting stands to the person whose data it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Their own data.
    Own,
    /// A person linked to this coach (or admin).
    Linked,
    /// Anyone else.
    Other,
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a journal, plan, insights, report.
    ReadHealth,
    /// Add, correct or delete journal entries; run a check-up.
    WriteHealth,
    /// List accounts and links; create accounts, links, tokens.
    ManageAccounts,
}

/// The whole policy: (role, relation, action) allowed. Anything else is denied.
pub const PERMISSIONS: &[(Role, Relation, Action)] = &[
    (Role::Person, Relation::Own, Action::ReadHealth),
    (Role::Person, Relation::Own, Action::WriteHealth),
    (Role::Coach, Relation::Linked, Action::ReadHealth),
    (Role::Admin, Relation::Linked, Action::ReadHealth),
    (Role::Admin, Relation::Own, Action::ManageAccounts),
    (Role::Admin, Relation::Other, Action::ManageAccounts),
    (Role::Admin, Relation::Linked, Action::ManageAccounts),
];

/// Whether `role`, standing in `relation` to the data, may do `action`.
pub fn allowed(role: Role, relation: Relation, action: Action) -> bool {
    PERMISSIONS.contains(&(role, relation, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_exactly_what_the_contract_says() {
        use Action::*;
        use Relation::*;
        use Role::*;
        // A person: their own journal, read and write; nobody else's.
        assert!(allowed(Person, Own, ReadHealth) && allowed(Person, Own, WriteHealth));
        for r in [Linked, Other] {
            for a in [ReadHealth, WriteHealth, ManageAccounts] {
                assert!(!allowed(Person, r, a), "person {r:?} {a:?}");
            }
        }
        assert!(!allowed(Person, Own, ManageAccounts));
        // A coach: linked people, read-only; no accounts; a coach has no journal of their own.
        assert!(allowed(Coach, Linked, ReadHealth));
        assert!(!allowed(Coach, Linked, WriteHealth));
        assert!(!allowed(Coach, Other, ReadHealth));
        assert!(!allowed(Coach, Own, ReadHealth) && !allowed(Coach, Own, WriteHealth));
        for r in [Own, Linked, Other] {
            assert!(!allowed(Coach, r, ManageAccounts));
        }
        // An admin: accounts; health data only where linked, and never written.
        assert!(allowed(Admin, Other, ManageAccounts));
        assert!(!allowed(Admin, Other, ReadHealth));
        assert!(allowed(Admin, Linked, ReadHealth));
        for r in [Own, Linked, Other] {
            assert!(!allowed(Admin, r, WriteHealth));
        }
        assert_eq!(Role::parse("coach"), Some(Coach));
        assert_eq!(Role::parse("root"), None);
    }
}
