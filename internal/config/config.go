package config

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// Environment names where the program runs. Production refuses resets and demo seeds.
type Environment string

const (
	Development Environment = "development"
	Production  Environment = "production"
)

// Database drivers.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

// Defaults, as documented in PRODUCT.md, .env.example and the README.
const (
	DefaultDriver      = DriverSQLite
	DefaultSQLitePath  = "epicevents.db"
	DefaultHost        = "127.0.0.1"
	DefaultPort        = 3306
	DefaultDatabase    = "epic_events"
	DefaultJWTTTL      = 8 * time.Hour
	DefaultSessionIdle = 30 * time.Minute
	DefaultEnvironment = Development

	// MinJWTSecretLen is the shortest signing key accepted: HS256 wants 32 bytes.
	MinJWTSecretLen = 32
)

// Config is every setting the program reads, after defaults and validation.
type Config struct {
	Env Environment

	DB DB

	// JWTSecret signs sessions; empty means a random key kept in the database.
	JWTSecret   string
	JWTTTL      time.Duration
	SessionIdle time.Duration

	// SentryDSN empty means reporting is off.
	SentryDSN         string
	SentryEnvironment string

	// SessionFile is where the session token is kept. It is empty only when
	// EPIC_SESSION_FILE is unset and no user config directory can be found;
	// the commands that need it then say so.
	SessionFile string
}

// DB is the database connection.
type DB struct {
	Driver     string
	SQLitePath string
	// Host is DB_HOST as written: one server, or several ("host:port" or
	// "host", comma-separated) tried in order; Addrs lists them.
	Host string
	// Port is DB_PORT: the port of every server in Host that names none.
	Port     int
	User     string
	Password string
	Database string
}

// Production reports whether resets and demo seeds must be refused.
func (c Config) Production() bool { return c.Env == Production }

// Load reads the settings through getenv (os.Getenv in the program, a map in
// tests). An unset or empty variable takes its default. Every bad setting is
// reported at once, in one *domain.Error of code CodeInvalid whose fields are
// the variable names.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	bad := domain.FieldErrors{}
	c := Config{
		Env: DefaultEnvironment,
		DB: DB{
			Driver:     DefaultDriver,
			SQLitePath: DefaultSQLitePath,
			Host:       DefaultHost,
			Port:       DefaultPort,
			Database:   DefaultDatabase,
		},
		JWTTTL:      DefaultJWTTTL,
		SessionIdle: DefaultSessionIdle,
	}

	if v := get("APP_ENV"); v != "" {
		switch env := Environment(strings.ToLower(v)); env {
		case Development, Production:
			c.Env = env
		default:
			bad.Add("APP_ENV", fmt.Sprintf("must be development or production, not %q", v))
		}
	}

	if v := get("DB_DRIVER"); v != "" {
		switch d := strings.ToLower(v); d {
		case DriverSQLite, DriverMySQL:
			c.DB.Driver = d
		default:
			bad.Add("DB_DRIVER", fmt.Sprintf("must be sqlite or mysql, not %q", v))
		}
	}
	if v := get("DB_PATH"); v != "" {
		c.DB.SQLitePath = v
	}
	if v := get("DB_PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			bad.Add("DB_PORT", fmt.Sprintf("must be a port number from 1 to 65535, not %q", v))
		} else {
			c.DB.Port = port
		}
	}
	if v := get("DB_HOST"); v != "" {
		c.DB.Host = v
		if _, err := ParseHosts(v, c.DB.Port); err != nil {
			bad.Add("DB_HOST", err.Error())
		}
	}
	c.DB.User = get("DB_USER")
	// A password may legitimately start or end with a space: take it as written.
	c.DB.Password = getenv("DB_PASS")
	if v := get("DB_NAME"); v != "" {
		c.DB.Database = v
	}
	if c.DB.Driver == DriverMySQL && c.DB.User == "" {
		bad.Add("DB_USER", "is required when DB_DRIVER is mysql")
	}

	c.JWTSecret = getenv("JWT_SECRET")
	if c.JWTSecret != "" && len(c.JWTSecret) < MinJWTSecretLen {
		// The length is safe to say; the value is not.
		bad.Add("JWT_SECRET", fmt.Sprintf("must be at least %d bytes long (or unset, to use a key generated and kept in the database)", MinJWTSecretLen))
	}
	c.JWTTTL = duration(get, bad, "JWT_TTL", c.JWTTTL)
	c.SessionIdle = duration(get, bad, "SESSION_IDLE", c.SessionIdle)

	c.SentryDSN = get("SENTRY_DSN")
	c.SentryEnvironment = get("SENTRY_ENVIRONMENT")
	if c.SentryEnvironment == "" {
		c.SentryEnvironment = string(c.Env)
	}

	c.SessionFile = get("EPIC_SESSION_FILE")
	if c.SessionFile == "" {
		if dir := userConfigDir(getenv); dir != "" {
			c.SessionFile = filepath.Join(dir, "epicevents", "session")
		}
	}

	if len(bad) > 0 {
		return Config{}, &domain.Error{Code: domain.CodeInvalid, Message: "invalid settings", Fields: bad}
	}
	return c, nil
}

// duration parses a positive Go duration such as 8h or 45m.
func duration(get func(string) string, bad domain.FieldErrors, name string, def time.Duration) time.Duration {
	v := get(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		bad.Add(name, fmt.Sprintf("must be a positive duration such as 8h, 30m or 1h30m, not %q", v))
		return def
	}
	return d
}

// userConfigDir is os.UserConfigDir read through getenv, so that Load stays pure.
// It returns "" when the directory cannot be determined.
func userConfigDir(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows":
		return getenv("AppData")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Application Support")
		}
		return ""
	case "plan9":
		if home := getenv("home"); home != "" {
			return filepath.Join(home, "lib")
		}
		return ""
	default:
		if dir := getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
			return dir
		}
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".config")
		}
		return ""
	}
}
