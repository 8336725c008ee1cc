package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestEnvironmentKeepsOnlyTheConfigurationAndHarmlessVariables(t *testing.T) {
	config := map[string]string{"DB_DRIVER": "mysql", "DB_PASS": "from-the-file", "APP_ENV": "production"}
	caller := &user.User{Username: "zoe", HomeDir: "/home/zoe"}
	environ := []string{
		"DB_PASS=mine", "DB_HOST=evil.example.com", "DB_NAME=other", "JWT_SECRET=chosen-by-the-caller",
		"EPIC_SESSION_FILE=/etc/epicevents/epicevents.env", "XDG_CONFIG_HOME=/tmp/x", "HOME=/root",
		"LD_PRELOAD=/tmp/evil.so", "GODEBUG=x", "GOTRACEBACK=crash", "PATH=/tmp/evil", "SENTRY_DSN=https://k@evil.example.com/1",
		"TERM=xterm-256color", "LANG=fr_FR.UTF-8", "LC_TIME=fr_FR.UTF-8", "TZ=Europe/Paris", "NO_COLOR=1",
	}
	got := map[string]string{}
	for _, kv := range Environment(config, environ, caller) {
		name, value, _ := strings.Cut(kv, "=")
		got[name] = value
	}
	want := map[string]string{
		"DB_DRIVER": "mysql", "DB_PASS": "from-the-file", "APP_ENV": "production",
		"DB_HOST": "", "DB_NAME": "", "JWT_SECRET": "", "SENTRY_DSN": "", "XDG_CONFIG_HOME": "",
		"EPIC_SESSION_FILE": "/home/zoe/.config/epicevents/session", "HOME": "/home/zoe", "USER": "zoe", "LOGNAME": "zoe",
		"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "fr_FR.UTF-8", "LC_TIME": "fr_FR.UTF-8", "TZ": "Europe/Paris", "NO_COLOR": "1",
	}
	for name, value := range want {
		if v, ok := got[name]; !ok || v != value {
			t.Errorf("%s = %q (set: %t), want %q", name, v, ok, value)
		}
	}
	for _, name := range []string{"LD_PRELOAD", "GODEBUG", "GOTRACEBACK"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s was passed on", name)
		}
	}
}

func TestWrapperRefusesTheAdministratorsCommands(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		refused bool
	}{
		{"db reset", []string{"db", "reset", "--yes"}, true},
		{"db seed", []string{"db", "seed"}, true},
		{"db migrate", []string{"db", "migrate"}, true},
		{"db with a flag first", []string{"--yes", "db", "reset"}, true},
		{"the db group alone", []string{"db"}, true},
		{"the launch with --reset", []string{"--reset", "--yes"}, true},
		{"--reset after the yes flag", []string{"-y", "--reset"}, true},
		{"--reset=true", []string{"--reset=true"}, true},
		{"the plain launch", nil, false},
		{"whoami", []string{"whoami"}, false},
		{"a customer named db", []string{"customer", "create", "--name", "db", "--email", "db@example.com"}, false},
		{"db after --, as an argument", []string{"customer", "list", "--", "db"}, false},
		{"help about db", []string{"help", "db"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := refuse(tt.args)
			if (err != nil) != tt.refused {
				t.Fatalf("refuse(%q) = %v, want refused %t", tt.args, err, tt.refused)
			}
			if err != nil && !strings.Contains(err.Error(), "administrator") {
				t.Fatalf("the refusal %q does not say who may", err)
			}
		})
	}
}

// The deployment end to end, as root with useradd (CI runs as root): install.sh
// installs the program, the setgid wrapper and a configuration holding the
// DML-only account's password and a signing key; an unprivileged OS user can
// log in, see who they are and list customers through the wrapper, but cannot
// read the configuration, cannot make the wrapper use settings of their own,
// and sees neither secret in anything the CRM prints.
func TestDeploymentKeepsTheSecretsFromStaff(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates an OS user and group")
	}
	for _, tool := range []string{"useradd", "userdel", "groupadd", "groupdel", "install", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	appDSN, migratorDSN, adminDSN := os.Getenv("EPIC_TEST_MYSQL_APP_DSN"), os.Getenv("EPIC_TEST_MYSQL_MIGRATOR_DSN"), os.Getenv("EPIC_TEST_MYSQL_DSN")
	if appDSN == "" || migratorDSN == "" || adminDSN == "" {
		if os.Getenv("EPIC_REQUIRE_LEAST_PRIVILEGE") == "1" {
			t.Fatal("EPIC_REQUIRE_LEAST_PRIVILEGE=1 but the accounts' DSNs are not set")
		}
		t.Skip("needs MariaDB and the accounts of scripts/mariadb-accounts.sh")
	}
	app, migrator := parse(t, appDSN), parse(t, migratorDSN)
	suffix := randomHex(t, 4)
	group, staff := "epictest"+suffix, "epicstaff"+suffix
	jwtSecret := "deploy-test-signing-key-" + randomHex(t, 16)

	// The database, made and dropped with the test account.
	dbName := "epic_lp_deploy_" + suffix
	admin := open(t, parse(t, adminDSN))
	if _, err := admin.Exec("CREATE DATABASE `" + dbName + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+dbName+"`") })

	// A tree everyone may traverse, as /usr/local and /etc are.
	base, err := os.MkdirTemp("", "epic-deploy-")
	must(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	must(t, os.Chmod(base, 0o755))
	bindir, libdir, confdir := filepath.Join(base, "bin"), filepath.Join(base, "lib"), filepath.Join(base, "etc")

	host, port, err := net.SplitHostPort(app.Addr)
	must(t, err)
	configFile := filepath.Join(t.TempDir(), "epicevents.env")
	must(t, os.WriteFile(configFile, []byte(strings.Join([]string{
		"APP_ENV=production", "DB_DRIVER=mysql", "DB_HOST=" + host, "DB_PORT=" + port,
		"DB_USER=" + app.User, "DB_PASS=" + app.Passwd, "DB_NAME=" + dbName, "JWT_SECRET=" + jwtSecret, "",
	}, "\n")), 0o600))
	secrets := []string{app.Passwd, jwtSecret}

	// Built as the test binary was (with the race detector when it has it), so
	// that the build reuses the test run's compiled packages instead of taking minutes.
	repo := filepath.Join("..", "..", "..")
	bins := t.TempDir()
	flags := []string{"build"}
	if raceEnabled {
		flags = append(flags, "-race")
	}
	for _, b := range []struct{ out, pkg, ldflags string }{
		{"epicevents", "./cmd/epicevents", ""},
		{"wrapper", "./scripts/deploy/wrapper", "-X main.configPath=" + filepath.Join(confdir, "epicevents.env") + " -X main.programPath=" + filepath.Join(libdir, "epicevents")},
	} {
		cmd := exec.Command("go", append(flags, "-ldflags", b.ldflags, "-o", filepath.Join(bins, b.out), b.pkg)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}

	t.Cleanup(func() { _ = exec.Command("groupdel", group).Run() })
	install := exec.Command("bash", "scripts/deploy/install.sh", configFile)
	install.Dir = repo
	install.Env = append(os.Environ(), "GROUP="+group, "BINDIR="+bindir, "LIBDIR="+libdir, "CONFDIR="+confdir,
		"PROGRAM_BIN="+filepath.Join(bins, "epicevents"), "WRAPPER_BIN="+filepath.Join(bins, "wrapper"))
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}

	// The migrating account migrates and seeds, as the one who deploys would.
	program := filepath.Join(libdir, "epicevents")
	for _, args := range [][]string{{"db", "migrate"}, {"db", "seed"}} {
		cmd := exec.Command(program, args...)
		cmd.Dir = base
		cmd.Env = []string{"DB_DRIVER=mysql", "DB_HOST=" + host, "DB_PORT=" + port, "DB_USER=" + migrator.User,
			"DB_PASS=" + migrator.Passwd, "DB_NAME=" + dbName, "EPIC_SESSION_FILE=" + filepath.Join(t.TempDir(), "s")}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("epicevents %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	home := filepath.Join(base, "home", staff)
	must(t, os.MkdirAll(home, 0o755))
	if out, err := exec.Command("useradd", "--no-create-home", "--home-dir", home, "--shell", "/bin/sh", "--user-group", staff).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("userdel", staff).Run() })
	u, err := user.Lookup(staff)
	must(t, err)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	must(t, os.Chown(home, uid, gid))
	must(t, os.Chmod(home, 0o700))

	// runAs runs name as the staff member: their uid, their own group only.
	runAs := func(stdin string, env []string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = home
		cmd.Env = append([]string{"HOME=" + home, "PATH=/usr/bin:/bin", "TERM=dumb"}, env...)
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
		err := cmd.Run()
		for _, s := range secrets {
			if strings.Contains(out.String(), s) {
				t.Fatalf("%s %s printed a secret:\n%s", name, strings.Join(args, " "), out.String())
			}
		}
		return out.String(), err
	}
	crm := filepath.Join(bindir, "epicevents")

	t.Run("the wrapper is setgid to the group, the configuration readable by it alone", func(t *testing.T) {
		info, err := os.Stat(crm)
		must(t, err)
		if info.Mode()&os.ModeSetgid == 0 {
			t.Fatalf("%s mode %s: not setgid", crm, info.Mode())
		}
		cfg, err := os.Stat(filepath.Join(confdir, "epicevents.env"))
		must(t, err)
		if cfg.Mode().Perm() != 0o640 || cfg.Sys().(*syscall.Stat_t).Uid != 0 {
			t.Fatalf("the configuration is %s, owner %d; want 0640 root", cfg.Mode(), cfg.Sys().(*syscall.Stat_t).Uid)
		}
	})

	t.Run("staff cannot read the configuration or list its directory", func(t *testing.T) {
		for _, args := range [][]string{{"cat", filepath.Join(confdir, "epicevents.env")}, {"ls", confdir}, {"cat", filepath.Join(confdir, "..", "etc", "epicevents.env")}} {
			if out, err := runAs("", nil, args[0], args[1:]...); err == nil {
				t.Fatalf("%s succeeded as %s:\n%s", strings.Join(args, " "), staff, out)
			}
		}
	})

	t.Run("staff log in, see who they are and list customers through the wrapper", func(t *testing.T) {
		out, err := runAs("epicevents-demo", nil, crm, "login", "--email", "manager1@epicevents.test", "--password-stdin")
		if err != nil || !strings.Contains(out, "Logged in as") {
			t.Fatalf("login: %v\n%s", err, out)
		}
		out, err = runAs("", nil, crm, "whoami", "--json")
		if err != nil || !strings.Contains(out, "manager1@epicevents.test") {
			t.Fatalf("whoami: %v\n%s", err, out)
		}
		out, err = runAs("", nil, crm, "customer", "list", "--json")
		if err != nil || !strings.Contains(out, `"email"`) {
			t.Fatalf("customer list: %v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(home, ".config", "epicevents", "session")); err != nil {
			t.Fatalf("the session is not in the staff member's home: %v", err)
		}
	})

	t.Run("the caller's environment and a .env of theirs cannot redirect the wrapper", func(t *testing.T) {
		must(t, os.WriteFile(filepath.Join(home, ".env"), []byte("DB_NAME=epic_lp_nothing\nDB_USER=root\n"), 0o644))
		hostile := []string{"DB_NAME=epic_lp_nothing", "DB_USER=root", "DB_PASS=guess", "DB_PORT=1", "JWT_SECRET=" + strings.Repeat("x", 40),
			"EPIC_SESSION_FILE=" + filepath.Join(confdir, "epicevents.env"), "XDG_CONFIG_HOME=/tmp", "GOTRACEBACK=crash", "LD_PRELOAD=/nonexistent.so"}
		out, err := runAs("", hostile, crm, "whoami", "--json")
		if err != nil || !strings.Contains(out, "manager1@epicevents.test") {
			t.Fatalf("whoami with a hostile environment: %v\n%s", err, out)
		}
	})

	t.Run("staff cannot migrate, reset or seed the database through the wrapper", func(t *testing.T) {
		before, err := runAs("", nil, crm, "customer", "list", "--json")
		must(t, err)
		for _, args := range [][]string{{"db", "reset", "--yes"}, {"db", "seed"}, {"db", "migrate"}, {"--reset", "--yes"}} {
			out, err := runAs("", nil, crm, args...)
			if err == nil || !strings.Contains(out, "for the administrator") {
				t.Fatalf("%s through the wrapper: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		after, err := runAs("", nil, crm, "customer", "list", "--json")
		if err != nil || after != before {
			t.Fatalf("the customers changed after the refused commands: %v\nbefore:\n%s\nafter:\n%s", err, before, after)
		}
	})

	t.Run("the program itself, run directly, has no configuration and reaches no data", func(t *testing.T) {
		if out, err := runAs("", nil, program, "customer", "list", "--json"); err == nil {
			t.Fatalf("the bare program listed customers:\n%s", out)
		}
	})

	t.Run("staff can end their session", func(t *testing.T) {
		if out, err := runAs("", nil, crm, "logout"); err != nil {
			t.Fatalf("logout: %v\n%s", err, out)
		}
		if out, err := runAs("", nil, crm, "whoami"); err == nil {
			t.Fatalf("whoami after logout succeeded:\n%s", out)
		}
	})
}

func parse(t *testing.T, dsn string) *mysql.Config {
	t.Helper()
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

func open(t *testing.T, mc *mysql.Config) *sql.DB {
	t.Helper()
	mc = mc.Clone()
	mc.Logger = &mysql.NopLogger{}
	connector, err := mysql.NewConnector(mc)
	must(t, err)
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	must(t, db.Ping())
	return db
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
