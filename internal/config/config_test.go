package config_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/config"
	"github.com/epic-events/crm/internal/domain"
)

// env turns a map into the lookup Load takes; a missing key reads as unset.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

const longSecret = "0123456789abcdef0123456789abcdef" // 32 bytes

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(env(map[string]string{"HOME": "/home/ada"}))
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	want := config.Config{
		Env: config.Development,
		DB: config.DB{
			Driver:     "sqlite",
			SQLitePath: "epicevents.db",
			Host:       "127.0.0.1",
			Port:       3306,
			Database:   "epic_events",
		},
		JWTTTL:            8 * time.Hour,
		SessionIdle:       30 * time.Minute,
		SentryEnvironment: "development",
		SessionFile:       c.SessionFile, // checked below: it depends on the OS
	}
	if c != want {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if c.Production() {
		t.Error("the default environment must not be production")
	}
	if runtime.GOOS == "linux" && c.SessionFile != "/home/ada/.config/epicevents/session" {
		t.Errorf("default session file = %q, want it under the user config dir", c.SessionFile)
	}
}

func TestLoadReadsEverySetting(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"APP_ENV":            "production",
		"DB_DRIVER":          "mysql",
		"DB_PATH":            "/var/lib/epic/crm.db",
		"DB_HOST":            "db.internal",
		"DB_PORT":            "3307",
		"DB_USER":            "epic",
		"DB_PASS":            " s3cret with spaces ",
		"DB_NAME":            "crm",
		"JWT_SECRET":         longSecret,
		"JWT_TTL":            "12h",
		"SESSION_IDLE":       "5m",
		"SENTRY_DSN":         "https://key@sentry.example.com/1",
		"SENTRY_ENVIRONMENT": "staging",
		"EPIC_SESSION_FILE":  "/tmp/epic-session",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := config.Config{
		Env: config.Production,
		DB: config.DB{
			Driver:     "mysql",
			SQLitePath: "/var/lib/epic/crm.db",
			Host:       "db.internal",
			Port:       3307,
			User:       "epic",
			Password:   " s3cret with spaces ",
			Database:   "crm",
		},
		JWTSecret:         longSecret,
		JWTTTL:            12 * time.Hour,
		SessionIdle:       5 * time.Minute,
		SentryDSN:         "https://key@sentry.example.com/1",
		SentryEnvironment: "staging",
		SessionFile:       "/tmp/epic-session",
	}
	if c != want {
		t.Errorf("settings:\n got %+v\nwant %+v", c, want)
	}
	if !c.Production() {
		t.Error("APP_ENV=production must be production")
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name  string
		vars  map[string]string
		check func(config.Config) bool
	}{
		{"driver names are case-insensitive", map[string]string{"DB_DRIVER": "SQLite"},
			func(c config.Config) bool { return c.DB.Driver == "sqlite" }},
		{"APP_ENV is case-insensitive", map[string]string{"APP_ENV": "Production"},
			func(c config.Config) bool { return c.Production() }},
		{"surrounding spaces are ignored", map[string]string{"DB_PORT": " 3310 "},
			func(c config.Config) bool { return c.DB.Port == 3310 }},
		{"an empty variable takes the default", map[string]string{"JWT_TTL": "", "DB_PATH": ""},
			func(c config.Config) bool { return c.JWTTTL == 8*time.Hour && c.DB.SQLitePath == "epicevents.db" }},
		{"the Sentry environment follows APP_ENV by default", map[string]string{"APP_ENV": "production"},
			func(c config.Config) bool { return c.SentryEnvironment == "production" }},
		{"mysql with a user and no password", map[string]string{"DB_DRIVER": "mysql", "DB_USER": "epic"},
			func(c config.Config) bool { return c.DB.User == "epic" && c.DB.Password == "" }},
		{"sqlite needs no user", map[string]string{"DB_DRIVER": "sqlite"},
			func(c config.Config) bool { return c.DB.User == "" }},
		{"a compound duration", map[string]string{"SESSION_IDLE": "1h30m"},
			func(c config.Config) bool { return c.SessionIdle == 90*time.Minute }},
		{"XDG_CONFIG_HOME places the session file", map[string]string{"XDG_CONFIG_HOME": "/cfg", "HOME": "/home/ada"},
			func(c config.Config) bool {
				return runtime.GOOS != "linux" || c.SessionFile == filepath.Join("/cfg", "epicevents", "session")
			}},
		{"no home leaves the session file unset", map[string]string{},
			func(c config.Config) bool { return runtime.GOOS == "windows" || c.SessionFile == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(tt.vars))
			if err != nil {
				t.Fatalf("Load(%v): %v", tt.vars, err)
			}
			if !tt.check(c) {
				t.Errorf("Load(%v) = %+v", tt.vars, c)
			}
		})
	}
}

func TestLoadRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name     string
		vars     map[string]string
		variable string // named in the message
		rule     string // part of the message
		secret   string // must not appear in the message
	}{
		{"an unknown driver", map[string]string{"DB_DRIVER": "postgres"}, "DB_DRIVER", "sqlite or mysql", ""},
		{"a port that is not a number", map[string]string{"DB_PORT": "abc"}, "DB_PORT", "1 to 65535", ""},
		{"a port out of range", map[string]string{"DB_PORT": "70000"}, "DB_PORT", "1 to 65535", ""},
		{"port zero", map[string]string{"DB_PORT": "0"}, "DB_PORT", "1 to 65535", ""},
		{"a malformed JWT_TTL", map[string]string{"JWT_TTL": "8 hours"}, "JWT_TTL", "positive duration", ""},
		{"a negative SESSION_IDLE", map[string]string{"SESSION_IDLE": "-5m"}, "SESSION_IDLE", "positive duration", ""},
		{"a zero JWT_TTL", map[string]string{"JWT_TTL": "0s"}, "JWT_TTL", "positive duration", ""},
		{"an unknown APP_ENV", map[string]string{"APP_ENV": "staging"}, "APP_ENV", "development or production", ""},
		{"a short JWT_SECRET, without repeating it", map[string]string{"JWT_SECRET": "hunter2-too-short"}, "JWT_SECRET", "at least 32 bytes", "hunter2-too-short"},
		{"mysql without DB_USER", map[string]string{"DB_DRIVER": "mysql", "DB_PASS": "p4ss-w0rd-value"}, "DB_USER", "required when DB_DRIVER is mysql", "p4ss-w0rd-value"},
		{"an empty server in a DB_HOST list", map[string]string{"DB_HOST": "db1,,db2"}, "DB_HOST", "none empty", ""},
		{"a trailing comma in DB_HOST", map[string]string{"DB_HOST": "db1:4406,"}, "DB_HOST", "none empty", ""},
		{"a DB_HOST port that is not a number", map[string]string{"DB_HOST": "db1:4406,db2:mysql"}, "DB_HOST", "1 to 65535", ""},
		{"a DB_HOST port out of range", map[string]string{"DB_HOST": "db1:70000"}, "DB_HOST", "1 to 65535", ""},
		{"a DB_HOST server listed twice", map[string]string{"DB_HOST": "db1:3306,db1"}, "DB_HOST", "db1:3306 twice", ""},
		{"a DB_HOST entry that is not a host", map[string]string{"DB_HOST": "db1,db 2"}, "DB_HOST", "not a host name", ""},
		{"an IPv6 address and port without brackets", map[string]string{"DB_HOST": "fe80::1%eth0:4406:x"}, "DB_HOST", "[address]:port", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.vars))
			if err == nil {
				t.Fatalf("Load(%v) accepted a bad setting", tt.vars)
			}
			var derr *domain.Error
			if !errors.As(err, &derr) || derr.Code != domain.CodeInvalid {
				t.Fatalf("error %v is not a *domain.Error with CodeInvalid", err)
			}
			if _, named := derr.Fields[tt.variable]; !named {
				t.Errorf("fields %v do not name %s", derr.Fields, tt.variable)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.variable) || !strings.Contains(msg, tt.rule) {
				t.Errorf("message %q should name %s and say %q", msg, tt.variable, tt.rule)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q spans several lines", msg)
			}
			if tt.secret != "" && strings.Contains(msg, tt.secret) {
				t.Errorf("message %q repeats a secret", msg)
			}
		})
	}
}

func TestLoadReportsEveryBadSettingAtOnce(t *testing.T) {
	_, err := config.Load(env(map[string]string{"DB_DRIVER": "oracle", "JWT_TTL": "soon", "APP_ENV": "prod"}))
	msg := domain.ErrorMessage(err)
	for _, name := range []string{"DB_DRIVER", "JWT_TTL", "APP_ENV"} {
		if !strings.Contains(msg, name) {
			t.Errorf("message %q does not name %s", msg, name)
		}
	}
}

func TestDBHostListsSeveralServers(t *testing.T) {
	tests := []struct {
		name string
		host string
		port string
		want []string
	}{
		{"one host takes DB_PORT", "db.internal", "3307", []string{"db.internal:3307"}},
		{"the default host and port", "", "", []string{"127.0.0.1:3306"}},
		{"a cluster's nodes, each with its port, in the order written", "127.0.0.1:4406,127.0.0.1:4407,127.0.0.1:4408", "",
			[]string{"127.0.0.1:4406", "127.0.0.1:4407", "127.0.0.1:4408"}},
		{"a server without a port takes DB_PORT", "db1:4406, db2 ,db3", "3310", []string{"db1:4406", "db2:3310", "db3:3310"}},
		{"IPv6 addresses, bare or bracketed with a port", "::1,[fe80::2]:4407", "", []string{"[::1]:3306", "[fe80::2]:4407"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"DB_DRIVER": "mysql", "DB_USER": "u", "DB_HOST": tt.host, "DB_PORT": tt.port}))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := c.DB.Addrs(); !slices.Equal(got, tt.want) {
				t.Errorf("Addrs() = %q, want %q", got, tt.want)
			}
		})
	}
}
