package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/go-sql-driver/mysql"
	"github.com/libtnb/sqlite"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Drivers accepted in Config.Driver.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

// Config says which database to open. The zero Driver is an error: config
// applies the defaults, store only refuses what it cannot open.
type Config struct {
	Driver     string // "sqlite" or "mysql"
	SQLitePath string // the SQLite file (DB_PATH)
	Host       string // MySQL/MariaDB server (DB_HOST)
	Port       int    // (DB_PORT)
	// Hosts lists several servers as "host:port" (the nodes of a cluster),
	// tried in this order; when empty, Host and Port name the one server.
	Hosts    []string
	User     string // (DB_USER)
	Password string // (DB_PASS); never appears in a message
	Database string // (DB_NAME)
	// Now is the clock that stamps created_at and updated_at; nil means time.Now().UTC().
	Now func() time.Time
	// DriverLog receives what the MySQL driver would print to stderr on its own
	// (lost connections, mostly); nil drops it. stderr belongs to the terminal UI.
	DriverLog func(line string)
	// MigrateWait is how long Migrate waits for another process migrating the
	// same database before it gives up; 0 means DefaultMigrateWait.
	MigrateWait time.Duration
}

// DB is an open database: the repositories on the connection pool, plus
// transactions, migrations and housekeeping.
type DB struct {
	*Repos
	gorm     *gorm.DB
	sql      *sql.DB
	driver   string
	describe string // SQLite; MySQL's depends on the server in use
	path     string // SQLite: the file

	// migrateWait bounds Migrate's wait for another process's migration.
	migrateWait time.Duration

	servers  *servers // MySQL: the servers of DB_HOST and the one in use
	user     string
	database string

	// txAttempts bounds the runs of one transaction lost to a write conflict.
	txAttempts int
}

// Open connects to the database cfg names and checks that it answers. Every
// failure is a *domain.Error whose message names the setting to fix and never
// holds the password.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	now := cfg.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	gcfg := &gorm.Config{
		TranslateError:         true,
		PrepareStmt:            false, // prepared statements on a pool deadlock inside transactions
		SkipDefaultTransaction: true,  // each insert is one statement; callers group writes with Tx
		// A transaction begun inside another (SeedGrants inside Tx) joins it
		// instead of opening a SAVEPOINT, which distributed MySQL-compatible
		// engines support partly or not at all.
		DisableNestedTransaction: true,
		NowFunc:                  func() time.Time { return now().UTC() },
		Logger:                   logger.Discard,
	}
	var (
		db  *DB
		err error
	)
	switch cfg.Driver {
	case DriverSQLite:
		db, err = openSQLite(ctx, cfg, gcfg)
	case DriverMySQL:
		db, err = openMySQL(ctx, cfg, gcfg)
	default:
		return nil, domain.Errorf(domain.CodeInvalid, "unknown database driver %q (DB_DRIVER): use sqlite or mysql", cfg.Driver)
	}
	if err != nil {
		return nil, err
	}
	if err := registerQueryCounter(db.gorm); err != nil {
		_ = db.sql.Close()
		return nil, fmt.Errorf("open: query counter: %w", err)
	}
	db.Repos = &Repos{db: db.gorm, driver: db.driver, now: now}
	db.migrateWait = cfg.MigrateWait
	if db.migrateWait <= 0 {
		db.migrateWait = DefaultMigrateWait
	}
	return db, nil
}

func openSQLite(ctx context.Context, cfg Config, gcfg *gorm.Config) (*DB, error) {
	path := cfg.SQLitePath
	if path == "" {
		return nil, domain.Errorf(domain.CodeInvalid, "no SQLite file given (DB_PATH)")
	}
	q := url.Values{}
	// immediate: a transaction takes the write lock when it begins, so writers in
	// several processes queue on busy_timeout instead of failing mid-transaction.
	q.Set("_txlock", "immediate")
	q["_pragma"] = []string{"foreign_keys(1)", "busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)"}
	dsn := path + "?" + q.Encode()
	fail := func(err error) error {
		return domain.Errorf(domain.CodeUnavailable, "cannot open the SQLite file %s (DB_PATH): %s", path, sqliteReason(err))
	}
	g, err := gorm.Open(wrapSQLite(sqlite.Open(dsn)), gcfg)
	if err != nil {
		return nil, fail(err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fail(err)
	}
	// One connection: SQLite has one writer anyway, and a single connection makes
	// the pool and a transaction unable to deadlock on each other's locks.
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)
	// The pragmas run when the connection opens: a file that is not a database,
	// or a directory that cannot hold one, fails here rather than at first use.
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fail(err)
	}
	return &DB{gorm: g, sql: sqlDB, driver: DriverSQLite, describe: "SQLite file " + path, path: path}, nil
}

// sqliteReason keeps the driver's reason short ("unable to open database file")
// without the DSN, which only holds the path and pragmas.
func sqliteReason(err error) string {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 14: // SQLITE_CANTOPEN
			return "the file or its directory cannot be opened or created"
		case 26: // SQLITE_NOTADB
			return "the file is not a SQLite database"
		case 8: // SQLITE_READONLY
			return "the file is read-only"
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return "the file is locked by another program"
		}
	}
	return err.Error()
}

func openMySQL(ctx context.Context, cfg Config, gcfg *gorm.Config) (*DB, error) {
	addrs := mysqlAddrs(cfg)
	mc := mysql.NewConfig()
	mc.Net = "tcp"
	mc.Addr = addrs[0]
	mc.User = cfg.User
	mc.Passwd = cfg.Password
	mc.DBName = cfg.Database
	mc.ParseTime = true
	mc.Loc = time.UTC
	mc.InterpolateParams = true // one round trip per query instead of prepare/execute/close
	mc.ClientFoundRows = true   // RowsAffected counts matched rows, so "0" means "no such row"
	mc.Timeout = 5 * time.Second
	if len(addrs) > 1 {
		// A server that does not answer delays the move to the next one by this much.
		mc.Timeout = 2 * time.Second
	}
	// The driver logs lost connections to stderr on its own; the error returned
	// to us already says it, and stderr belongs to the terminal UI: its lines go
	// to DriverLog instead.
	mc.Logger = driverLogger(cfg.DriverLog)
	srv, err := newServers(mc, addrs)
	if err != nil {
		return nil, domain.Errorf(domain.CodeInvalid, "invalid MySQL settings (DB_HOST, DB_PORT, DB_USER, DB_NAME)")
	}
	sqlDB := sql.OpenDB(srv)
	sqlDB.SetMaxOpenConns(10)
	sqlDB.SetMaxIdleConns(5)
	sqlDB.SetConnMaxLifetime(5 * time.Minute)
	sqlDB.SetConnMaxIdleTime(time.Minute)

	fail := func(err error) error {
		_ = sqlDB.Close()
		return mysqlOpenError(err, cfg, addrs)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fail(err)
	}
	g, err := gorm.Open(wrapMySQL(gormmysql.New(gormmysql.Config{Conn: sqlDB, DSNConfig: mc})), gcfg)
	if err != nil {
		return nil, fail(err)
	}
	return &DB{gorm: g, sql: sqlDB, driver: DriverMySQL, servers: srv, user: cfg.User, database: cfg.Database}, nil
}

// mysqlAddrs lists the servers to try: Hosts, or else Host and Port with their defaults.
func mysqlAddrs(cfg Config) []string {
	if len(cfg.Hosts) > 0 {
		return cfg.Hosts
	}
	host := cfg.Host
	if host == "" {
		host = "127.0.0.1"
	}
	port := cfg.Port
	if port == 0 {
		port = 3306
	}
	return []string{net.JoinHostPort(host, strconv.Itoa(port))}
}

// mysqlOpenError names the setting most likely at fault. The driver's own
// messages never hold the password, but we still build ours from scratch.
func mysqlOpenError(err error, cfg Config, addrs []string) error {
	addr := addrs[0]
	var se *serverError
	if errors.As(err, &se) {
		addr = se.addr
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number != mysqlNodeNotReady {
		switch me.Number {
		case 1045: // ER_ACCESS_DENIED_ERROR
			return domain.Errorf(domain.CodeUnavailable, "access denied for DB_USER %q on the MySQL server at %s (check DB_USER / DB_PASS)", cfg.User, addr)
		case 1044: // ER_DBACCESS_DENIED_ERROR
			return domain.Errorf(domain.CodeUnavailable, "DB_USER %q may not use the database %q on %s (check DB_NAME and the account's grants)", cfg.User, cfg.Database, addr)
		case 1049: // ER_BAD_DB_ERROR
			return domain.Errorf(domain.CodeUnavailable, "the database %q does not exist on the MySQL server at %s (DB_NAME)", cfg.Database, addr)
		}
		return domain.Errorf(domain.CodeUnavailable, "the MySQL server at %s refused the connection: error %d (DB_HOST, DB_PORT, DB_USER, DB_NAME)", addr, me.Number)
	}
	if len(addrs) > 1 {
		// Every server was tried; the first one's reason stands for them all.
		return domain.Errorf(domain.CodeUnavailable, "cannot reach any of the MySQL servers in DB_HOST (%s): %s, %s",
			strings.Join(addrs, ", "), addr, unreachableReason(err))
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		host, _, _ := net.SplitHostPort(addr)
		return domain.Errorf(domain.CodeUnavailable, "cannot resolve the MySQL host %q (DB_HOST)", host)
	}
	if reason := unreachableReason(err); reason != "no answer" {
		return domain.Errorf(domain.CodeUnavailable, "cannot reach the MySQL server at %s: %s (DB_HOST, DB_PORT)", addr, reason)
	}
	return domain.Errorf(domain.CodeUnavailable, "cannot reach the MySQL server at %s (DB_HOST, DB_PORT)", addr)
}

// unreachableReason says in a few words why a server could not be used.
func unreachableReason(err error) string {
	var dns *net.DNSError
	var ne net.Error
	var me *mysql.MySQLError
	switch {
	case errors.As(err, &dns):
		return "its name does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, errNodeNotReady), errors.As(err, &me) && me.Number == mysqlNodeNotReady:
		return "a cluster node not ready for use"
	}
	return "no answer"
}

// Close releases the connections.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Describe says where the data is, for people: "SQLite file epicevents.db" or
// "MySQL epic@127.0.0.1:3306/epic_events", followed, when DB_HOST lists
// several servers, by which of them is in use ("(server 2 of 3 in DB_HOST)").
// It never holds the password.
func (db *DB) Describe() string {
	if db.servers == nil {
		return db.describe
	}
	addr := db.servers.current()
	d := fmt.Sprintf("MySQL %s@%s/%s", db.user, addr, db.database)
	if n := len(db.servers.addrs); n > 1 {
		d += fmt.Sprintf(" (server %d of %d in DB_HOST)", slices.Index(db.servers.addrs, addr)+1, n)
	}
	return d
}

// Driver returns DriverSQLite or DriverMySQL.
func (db *DB) Driver() string { return db.driver }

// driverLogger routes the MySQL driver's log lines to fn, or nowhere.
func driverLogger(fn func(string)) mysql.Logger {
	if fn == nil {
		return &mysql.NopLogger{}
	}
	return driverLog(fn)
}

type driverLog func(string)

func (f driverLog) Print(v ...any) { f(strings.TrimSpace(fmt.Sprint(v...))) }
