// Package store owns the database: it opens the embedded SQLite file or a
// MySQL/MariaDB server, applies the embedded, versioned goose migrations (one set
// per dialect), and implements every repository the services declare in
// internal/service/store.go.
//
// GORM and the row structs stay inside this package: callers see domain types
// only. Driver errors are translated here, once, into *domain.Error values
// (duplicate key → conflict naming the field, missing row → not found, stale
// version → domain.ErrStale, lost connection → unavailable). Lists page by keyset
// (never OFFSET) and every query shape is written so that it uses an index on
// both engines.
package store
