package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/epic-events/crm/internal/domain"
	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// errUnavailable is what every caller sees when the server is gone: retrying
// later is the only remedy, and the driver's details help no user.
var errUnavailable = &domain.Error{Code: domain.CodeUnavailable, Message: "the database is unavailable; try again"}

var errBusy = &domain.Error{Code: domain.CodeUnavailable, Message: "the database is busy; try again"}

// errDeadlock is a transaction rolled back by the server because it lost a
// race for the same rows: an InnoDB deadlock, or on a Galera cluster a write
// set that failed certification against another node's. DB.Tx runs the
// transaction again; outside Tx (or once Tx gives up) it reads as busy.
var errDeadlock = &domain.Error{Code: domain.CodeUnavailable, Message: "the database is busy; try again"}

// errWriteConflict is what DB.Tx reports when every run of a transaction lost
// its race: others keep changing the same records.
var errWriteConflict = &domain.Error{Code: domain.CodeConflict, Message: "others were changing the same records at the same time; nothing was saved; try again"}

// fieldRule names the field a constraint protects and the rule, as the user reads it.
type fieldRule struct{ field, rule string }

// uniqueRules maps a unique constraint, as each engine names it in its error
// ("uq_users_email" on MySQL, "users.email" on SQLite), to the field it guards.
// The duplicate value itself is never repeated: it may be someone's email.
var uniqueRules = map[string]fieldRule{
	"uq_users_email":           {"email", "is already used by another collaborator"},
	"users.email":              {"email", "is already used by another collaborator"},
	"uq_users_employee_number": {"employee_number", "is already used"},
	"users.employee_number":    {"employee_number", "is already used"},
	"uq_customers_email":       {"email", "is already used by another customer"},
	"customers.email":          {"email", "is already used by another customer"},
	"sessions.id":              {"id", "is already used"},
	"settings.key":             {"key", "is already used"},
	"roles.name":               {"name", "is already used"},
	"permissions.name":         {"name", "is already used"},
}

// checkRules maps a CHECK constraint to the field and rule it enforces.
var checkRules = map[string]fieldRule{
	"ck_contracts_total_amount": {"total_amount", "must not be negative"},
	"ck_contracts_amount_due":   {"amount_due", "must be between 0 and the total amount"},
	"ck_contracts_status":       {"status", "must be draft, signed or cancelled"},
	"ck_payments_amount":        {"amount", "must be more than 0"},
	"ck_events_attendees":       {"attendees", "must not be negative"},
	"ck_events_period":          {"end_at", "must be after the start"},
	"ck_users_failed_logins":    {"failed_logins", "must not be negative"},
	"ck_role_permissions_scope": {"scope", "must be any, own or assigned"},
}

var (
	mysqlDupKey  = regexp.MustCompile(`for key '([^']+)'`)
	sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: ([a-z_]+\.[a-z_]+)`)
	checkName    = regexp.MustCompile(`ck_[a-z_]+`)
	mysqlTooLong = regexp.MustCompile(`Data too long for column '([^']+)'`)
)

const mysqlNoSuchTable = 1146 // ER_NO_SUCH_TABLE

// mysqlKeyDoesNotExist is a FORCE INDEX or USE INDEX naming an index the table
// does not have (ER_KEY_DOES_NOT_EXITS, sic). The lists name only indexes the
// migrations create, so it means a bulk load dropped them: one running now,
// or one killed before it built them again (see deferredIndexesKey).
const mysqlKeyDoesNotExist = 1176

// errIndexesDropped is a list that needs an index a bulk load dropped: waiting
// for the load to end, or running migrate, which builds them again, mends it.
var errIndexesDropped = &domain.Error{Code: domain.CodeUnavailable, Message: "the database is being loaded, or a load stopped before it rebuilt its indexes: try again when the load ends, or run `epicevents db migrate` to rebuild them"}

// translate turns a driver error into the domain's terms: duplicates and CHECK
// failures into field errors, lost connections, lock timeouts and indexes a
// bulk load dropped into "unavailable". Anything else stays internal, wrapped
// with op.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return duplicateError(err)
	case errors.Is(err, gorm.ErrCheckConstraintViolated):
		return checkError(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", op, err)
	case isDeadlock(err):
		return errDeadlock
	case isBusy(err):
		return errBusy
	case isUnavailable(err):
		return errUnavailable
	}
	if e := sqliteFileError(err); e != nil {
		return e
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 3819, 4025: // a CHECK constraint (MySQL, MariaDB): GORM does not translate these
			return checkError(err)
		case 1406: // data too long for a column
			if m := mysqlTooLong.FindStringSubmatch(me.Message); m != nil {
				return &domain.Error{Code: domain.CodeInvalid, Message: "invalid input", Fields: map[string]string{m[1]: "is too long"}}
			}
		case mysqlNoSuchTable:
			return fmt.Errorf("%s: the database is not migrated: %w", op, err)
		case mysqlKeyDoesNotExist:
			return errIndexesDropped
		case 1044, 1142, 1143, 1227: // access denied to a database, table, column, or for an operation
			return errPrivilege
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func duplicateError(err error) error {
	msg := err.Error()
	key := ""
	if m := mysqlDupKey.FindStringSubmatch(msg); m != nil {
		key = m[1]
		// MySQL 8 prefixes the table ("users.uq_users_email"); MariaDB does not.
		if i := strings.LastIndexByte(key, '.'); i >= 0 && strings.HasPrefix(key[i+1:], "uq_") {
			key = key[i+1:]
		}
	} else if m := sqliteUnique.FindStringSubmatch(msg); m != nil {
		key = m[1]
	}
	if r, ok := uniqueRules[key]; ok {
		return &domain.Error{Code: domain.CodeConflict, Message: "not saved", Fields: map[string]string{r.field: r.rule}}
	}
	return &domain.Error{Code: domain.CodeConflict, Message: "not saved: it already exists"}
}

func checkError(err error) error {
	if r, ok := checkRules[checkName.FindString(err.Error())]; ok {
		return &domain.Error{Code: domain.CodeInvalid, Message: "invalid input", Fields: map[string]string{r.field: r.rule}}
	}
	return &domain.Error{Code: domain.CodeInvalid, Message: "invalid input: a value breaks a rule of the database"}
}

// errPrivilege is a statement the account may not run: the running account
// has no DDL, so a reset or a pending migration needs the migrating one.
var errPrivilege = &domain.Error{Code: domain.CodeUnavailable, Message: "the database account (DB_USER) may not do this: migrations and resets need the migrating account (see the README's least-privilege grants); nothing was changed"}

var (
	errReadOnly = &domain.Error{Code: domain.CodeUnavailable, Message: "the database file is read-only: nothing was saved; ask whoever runs the CRM to make it writable (DB_PATH)"}
	errDamaged  = &domain.Error{Code: domain.CodeUnavailable, Message: "the database file is damaged: restore it from a backup (DB_PATH)"}
)

// sqliteFileError names what is wrong with the SQLite file itself, which no
// retry mends: read-only, or damaged. Anything else is nil.
func sqliteFileError(err error) error {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return nil
	}
	switch coded.Code() & 0xff {
	case 8: // SQLITE_READONLY
		return errReadOnly
	case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
		return errDamaged
	}
	return nil
}

func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED: busy_timeout ran out
			return true
		}
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == 1205 {
		// Lock wait timeout: not retried, it has already waited
		// innodb_lock_wait_timeout (50 s by default).
		return true
	}
	return false
}

const mysqlDeadlock = 1213 // ER_LOCK_DEADLOCK, also Galera's certification failure

// isDeadlock reports whether err means the server rolled the transaction back
// to settle a race, so that running it again may succeed.
func isDeadlock(err error) bool {
	if errors.Is(err, errDeadlock) {
		return true
	}
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == mysqlDeadlock
}

// mysqlNodeNotReady is a Galera node outside the primary component refusing a
// query: "WSREP has not yet prepared node for application use".
const mysqlNodeNotReady = 1047

func isUnavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1040, 1053, 2002, 2003, 2006, 2013: // too many connections, shutdown, gone away, lost
			return true
		case 1927: // ER_CONNECTION_KILLED
			return true
		case mysqlNodeNotReady:
			return true
		}
	}
	return strings.Contains(err.Error(), "sql: database is closed")
}
