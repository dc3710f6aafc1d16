//! Schema migrations for both engines, in one place. Version N means the same journal body
//! format on SQLite and PostgreSQL; each step has its SQL for each engine (a step that changes
//! nothing on one engine says so with `SELECT 1`). Never edit a released step; add one.

pub struct Migration {
    pub version: i64,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../migrations/sqlite/0001_entries.sql"),
        postgres: include_str!("../migrations/postgres/0001_journals.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../migrations/sqlite/0002_id_counters.sql"),
        postgres: "SELECT 1; -- id counters are part of version 1 on PostgreSQL",
    },
    Migration {
        version: 3,
        sqlite: include_str!("../migrations/sqlite/0003_body_format.sql"),
        postgres: "SELECT 1; -- body format only",
    },
    Migration {
        version: 4,
        sqlite: include_str!("../migrations/sqlite/0004_rescreen_and_pregnancy.sql"),
        postgres: "SELECT 1; -- body format only",
    },
    Migration {
        version: 5,
        sqlite: include_str!("../migrations/sqlite/0005_checkins.sql"),
        postgres: "SELECT 1; -- check-ins are allowed from version 1 on PostgreSQL",
    },
    Migration {
        version: 6,
        sqlite: include_str!("../migrations/sqlite/0006_accounts_on_postgresql.sql"),
        postgres: include_str!("../migrations/postgres/0006_accounts.sql"),
    },
    Migration {
        version: 7,
        sqlite: include_str!("../migrations/sqlite/0007_invites_on_postgresql.sql"),
        postgres: include_str!("../migrations/postgres/0007_invites_and_audit.sql"),
    },
    Migration {
        version: 8,
        sqlite: include_str!("../migrations/sqlite/0008_calendar_feeds_on_postgresql.sql"),
        postgres: include_str!("../migrations/postgres/0008_calendar_feeds.sql"),
    },
    Migration {
        version: 9,
        sqlite: include_str!("../migrations/sqlite/0009_accounts.sql"),
        postgres: "SELECT 1; -- accounts came to SQLite; PostgreSQL has had them since version 6",
    },
    Migration {
        version: 10,
        sqlite: include_str!("../migrations/sqlite/0010_client_refs.sql"),
        postgres: include_str!("../migrations/postgres/0010_client_refs.sql"),
    },
    Migration {
        version: 11,
        sqlite: include_str!("../migrations/sqlite/0011_invites_bound_and_sign_in_throttle.sql"),
        postgres: include_str!(
            "../migrations/postgres/0011_invites_bound_and_sign_in_throttle.sql"
        ),
    },
    Migration {
        version: 12,
        sqlite: include_str!("../migrations/sqlite/0012_audit_retention.sql"),
        postgres: include_str!("../migrations/postgres/0012_audit_owner_and_retention.sql"),
    },
    Migration {
        version: 13,
        sqlite: include_str!("../migrations/sqlite/0013_entries_keyed_by_journal.sql"),
        postgres: include_str!("../migrations/postgres/0013_entries_by_journal.sql"),
    },
    Migration {
        version: 14,
        sqlite: include_str!("../migrations/sqlite/0014_gait_windows_apart_and_change_marks.sql"),
        postgres: include_str!(
            "../migrations/postgres/0014_gait_windows_apart_and_change_marks.sql"
        ),
    },
];

/// The schema version this Amble writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one_on_both_engines() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }
}
