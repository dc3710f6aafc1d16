//! Sign-ins in the audit log (contract §12): who signed in and from which address, and each
//! failed attempt (the account tried, when it exists; never the email typed, never a password).
//! A failure to write the record is logged and does not change the answer.

use amble_store::Accounts;
use amble_store::accounts::User;

pub(crate) fn signed_in(pg: &Accounts, user: &User, address: &str) {
    if let Err(e) = pg.audit_event(
        Some(user.id),
        Some(user.id),
        "sign-in",
        &format!("from {address}"),
    ) {
        tracing::error!(target: "amble::audit", cause = %e, "the audit record of a sign-in could not be written");
    }
}

pub(crate) fn sign_in_failed(pg: &Accounts, email: &str, address: &str) {
    // The account tried, if there is one (an unknown email is recorded without it).
    let person = pg.user(email).ok().flatten().map(|u| u.id);
    let detail = match person {
        Some(_) => format!("wrong password, from {address}"),
        None => format!("unknown account, from {address}"),
    };
    if let Err(e) = pg.audit_event(None, person, "sign-in-failed", &detail) {
        tracing::error!(target: "amble::audit", cause = %e, "the audit record of a failed sign-in could not be written");
    }
}
