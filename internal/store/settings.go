package store

import (
	"context"

	"github.com/epic-events/crm/internal/domain"
)

// GetSetting reads a setting; CodeNotFound when absent. The value is never
// put in a message: the session signing key lives here.
func (r *Repos) GetSetting(ctx context.Context, key string) (string, error) {
	var values []string
	if err := r.q(ctx).Raw("SELECT value FROM settings WHERE `key` = ?", key).Scan(&values).Error; err != nil {
		return "", translate("get setting", err)
	}
	if len(values) == 0 {
		return "", domain.Errorf(domain.CodeNotFound, "setting %q not found", key)
	}
	return values[0], nil
}

// PutSettingIfAbsent stores value under key unless the key is already set, and
// returns the value now stored: two processes racing both get the winner's.
func (r *Repos) PutSettingIfAbsent(ctx context.Context, key, value string) (string, error) {
	if err := r.insertIgnore(ctx, "settings", []string{"`key`", "value"}, "`key`", key, value); err != nil {
		return "", translate("put setting", err)
	}
	return r.GetSetting(ctx, key)
}

// insertIgnore inserts one row unless its key (conflict: the key's columns,
// starting with cols[0]) is taken. Unlike INSERT IGNORE, any other failure is
// still reported.
func (r *Repos) insertIgnore(ctx context.Context, table string, cols []string, conflict string, args ...any) error {
	list, marks := cols[0], "?"
	for _, c := range cols[1:] {
		list += ", " + c
		marks += ", ?"
	}
	stmt := "INSERT INTO " + table + " (" + list + ") VALUES (" + marks + ")"
	if r.mysql() {
		stmt += " ON DUPLICATE KEY UPDATE " + cols[0] + " = " + cols[0]
	} else {
		stmt += " ON CONFLICT (" + conflict + ") DO NOTHING"
	}
	return r.q(ctx).Exec(stmt, args...).Error
}
