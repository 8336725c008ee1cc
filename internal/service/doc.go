// Package service owns the use cases of the CRM: Auth, Users, Customers,
// Contracts, Events and Audit. Each call authorises the explicit actor
// (permission and ownership, from the role_permissions data and the pure policy
// in domain), validates its input field by field, runs its writes in one store
// transaction together with the audit row, and reports what Sentry should know.
//
// It sees storage only through the interfaces in store.go, and never imports
// gorm, promptui or sentry-go.
package service
