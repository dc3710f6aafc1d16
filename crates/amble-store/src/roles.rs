//! The servers' role on PostgreSQL (contract §12): `amble db migrate --database OWNER_URL
//! --app-role ROLE` migrates as the owner (the tables belong to it) and grants ROLE only what a
//! server needs. On the audit log that is INSERT and SELECT: TRUNCATE, UPDATE, DELETE, DROP and
//! DISABLE TRIGGER are refused to it by PostgreSQL itself. On `amble_meta` (the schema version)
//! SELECT only. On every other table SELECT, INSERT, UPDATE and DELETE (journals, entries,
//! accounts, sessions, invites); never TRUNCATE, REFERENCES or TRIGGER, and no table is ever
//! owned by it. Running it again sets the grants afresh (tables added by later versions too).

use postgres::Transaction;

use crate::{PgDatabase, StoreError};

/// Tables the servers' role may read but not change, and the audit log it may only append to.
const READ_ONLY: &[&str] = &["amble_meta"];
const APPEND_ONLY: &[&str] = &["audit_log"];

/// What `amble db migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// The schema version found (0: a new database).
    pub from: i64,
    /// The schema version now.
    pub to: i64,
    /// The role granted the servers' privileges, if any.
    pub app_role: Option<String>,
}

/// A role name as PostgreSQL writes it: letters, digits, `_`, `-`, `.`, `@` (quoted below).
fn check_role_name(role: &str) -> Result<(), StoreError> {
    let ok = !role.is_empty()
        && role.len() <= 63
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            id: String::new(),
            message: format!(
                "--app-role: expected a PostgreSQL role name (letters, digits, _ - . @; at most 63), found {role:?}"
            ),
        })
    }
}

fn quoted(role: &str) -> String {
    format!("\"{}\"", role.replace('"', "\"\""))
}

impl PgDatabase {
    /// `amble db migrate`: brings the schema up to date as the role of this connection (the
    /// owner) and, with `app_role`, grants the servers' role what it needs, in one transaction.
    pub fn migrate_as_owner(&self, app_role: Option<&str>) -> Result<Migrated, StoreError> {
        if let Some(role) = app_role {
            check_role_name(role)?;
        }
        let mut c = self.client()?;
        let (from, to) = self.migrate_in(&mut c, app_role)?;
        Ok(Migrated {
            from,
            to,
            app_role: app_role.map(str::to_string),
        })
    }
}

/// Grants `role` the servers' privileges (inside the migration's transaction), after checking
/// that it can be held to them: it exists, is not the owner, not a superuser, and does not own
/// the schema (a schema's owner may drop any table in it).
pub(crate) fn grant(
    db: &PgDatabase,
    tx: &mut Transaction<'_>,
    role: &str,
) -> Result<(), StoreError> {
    let found = tx
        .query_opt(
            "SELECT r.rolsuper, r.rolname = current_user, pg_has_role(r.oid, n.nspowner, 'MEMBER') FROM pg_roles r, pg_namespace n WHERE r.rolname = $1 AND n.nspname = current_schema()",
            &[&role],
        )
        .map_err(|e| db.error(e))?;
    let Some(row) = found else {
        return Err(StoreError::Invalid {
            id: String::new(),
            message: format!(
                "--app-role {role}: there is no such role in this database cluster; create it first (CREATE ROLE {role} LOGIN PASSWORD '...'; docs/deploy.md)"
            ),
        });
    };
    let (superuser, is_owner, owns_schema): (bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2));
    let refuse = |why: &str| StoreError::Invalid {
        id: String::new(),
        message: format!("--app-role {role}: {why} (docs/deploy.md)"),
    };
    if is_owner {
        return Err(refuse(
            "this is the role migrating (the owner); the servers need a role of their own, which cannot change the audit log",
        ));
    }
    if superuser {
        return Err(refuse(
            "a superuser can change anything, the audit log too; give the servers a plain LOGIN role",
        ));
    }
    if owns_schema {
        return Err(refuse(
            "this role owns the schema (or the database), so it could drop any table in it; make the owner role own the database: ALTER DATABASE ... OWNER TO the owner",
        ));
    }
    // Tables still owned by another role (a database the servers once migrated themselves).
    let foreign: Vec<String> = tx
        .query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'S') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY 1",
            &[],
        )
        .map_err(|e| db.error(e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !foreign.is_empty() {
        return Err(StoreError::Invalid {
            id: String::new(),
            message: format!(
                "--app-role {role}: these tables belong to another role, not to the one migrating: {}. As a superuser, hand them over first: REASSIGN OWNED BY <their owner> TO <the owner role> (docs/deploy.md)",
                foreign.join(", ")
            ),
        });
    }
    let r = quoted(role);
    let mut sql = format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r};
         REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r};
         REVOKE CREATE ON SCHEMA public FROM {r};
         GRANT USAGE ON SCHEMA public TO {r};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r};"
    );
    for t in READ_ONLY {
        sql.push_str(&format!("REVOKE INSERT, UPDATE, DELETE ON {t} FROM {r};"));
    }
    for t in APPEND_ONLY {
        sql.push_str(&format!("REVOKE UPDATE, DELETE ON {t} FROM {r};"));
    }
    tx.batch_execute(&sql).map_err(|e| db.error(e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn role_names_are_checked_and_quoted() {
        assert!(super::check_role_name("amble_app").is_ok());
        assert!(super::check_role_name("").is_err());
        assert!(super::check_role_name("a; DROP TABLE x").is_err());
        assert!(super::check_role_name(&"a".repeat(64)).is_err());
        assert_eq!(super::quoted("amble-app"), "\"amble-app\"");
    }
}
