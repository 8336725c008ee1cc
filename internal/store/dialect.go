package store

import (
	"errors"
	"strings"

	"github.com/libtnb/sqlite"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// GORM's TranslateError replaces a driver error by a bare sentinel
// (gorm.ErrDuplicatedKey), which loses the constraint that failed and so the
// field to name. These dialectors translate the same way but keep the driver's
// error underneath, where translate reads the constraint name.

type sqliteDialector struct{ *sqlite.Dialector }

func wrapSQLite(d gorm.Dialector) gorm.Dialector {
	return sqliteDialector{d.(*sqlite.Dialector)}
}

func (d sqliteDialector) Translate(err error) error {
	var coded interface{ Code() int }
	// SQLite enforces ON DELETE RESTRICT through an internal trigger, so that
	// refusal comes as SQLITE_CONSTRAINT_TRIGGER, which the driver leaves alone.
	if errors.As(err, &coded) && coded.Code() == sqliteConstraintTrigger && strings.Contains(err.Error(), "FOREIGN KEY") {
		return keepRaw(err, gorm.ErrForeignKeyViolated)
	}
	return keepRaw(err, d.Dialector.Translate(err))
}

const sqliteConstraintTrigger = 19 | 7<<8 // SQLITE_CONSTRAINT_TRIGGER

type mysqlDialector struct{ *gormmysql.Dialector }

func wrapMySQL(d gorm.Dialector) gorm.Dialector {
	return mysqlDialector{d.(*gormmysql.Dialector)}
}

func (d mysqlDialector) Translate(err error) error { return keepRaw(err, d.Dialector.Translate(err)) }

func keepRaw(raw, translated error) error {
	if translated == raw || translated == nil {
		return raw
	}
	return &driverError{kind: translated, raw: raw}
}

// driverError is errors.Is the GORM sentinel and errors.As the driver's error.
type driverError struct {
	kind error // gorm.ErrDuplicatedKey, gorm.ErrForeignKeyViolated, ...
	raw  error
}

func (e *driverError) Error() string        { return e.raw.Error() }
func (e *driverError) Unwrap() error        { return e.raw }
func (e *driverError) Is(target error) bool { return target == e.kind }
