// Package report owns what the CRM tells Sentry: unexpected errors and recovered
// panics (with a stack and the actor's id and role) and notable business events
// (collaborators created or changed, contracts signed, failed logins and
// lockouts). It implements service.Reporter.
//
// Everything that leaves passes through Scrub first, which removes what Sentry
// must never hold: passwords, hashes, tokens, email addresses, phone numbers,
// the host name and any user field but the id. With no DSN the Reporter is off
// and does nothing.
package report
