// Package domain owns the vocabulary of Epic Events: collaborators, customers,
// contracts, payments, events and the audit trail; roles and permissions and the
// pure policy that decides who may do what; field validation; Money; and the
// error type whose code every layer above maps to a message or an exit code.
//
// It imports nothing but the standard library, so every other package can
// depend on it and it can depend on none of them.
package domain
