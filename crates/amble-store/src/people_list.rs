//! A coach's list of people in one query: each linked person with their journal's version,
//! so that a cache keyed by that version can answer for every journal that did not change
//! without reading it (the coach's page, contract §12).

use amble_core::access::Role;

use crate::StoreError;
use crate::accounts::User;
use crate::postgres::PgDatabase;

impl PgDatabase {
    /// The people linked to `coach`, by email, each with their journal's version (`None`
    /// for a person without a journal): one query, whatever the number of people.
    pub fn linked_people_versions(
        &self,
        coach: i64,
    ) -> Result<Vec<(User, Option<i64>)>, StoreError> {
        let mut c = self.client()?;
        let rows = c
            .query(
                "SELECT u.id, u.email, u.role, u.journal_id, j.version \
                 FROM coach_links l JOIN users u ON u.id = l.person_id \
                 LEFT JOIN journals j ON j.id = u.journal_id \
                 WHERE l.coach_id = $1 ORDER BY u.email",
                &[&coach],
            )
            .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|row| {
                let role: String = row.get("role");
                let user = User {
                    id: row.get("id"),
                    email: row.get("email"),
                    role: Role::parse(&role)
                        .ok_or_else(|| StoreError::Database(format!("unknown role {role:?}")))?,
                    journal: row.get("journal_id"),
                };
                Ok((user, row.get::<_, Option<i64>>("version")))
            })
            .collect()
    }
}
