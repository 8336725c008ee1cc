// Command wrapper is the setgid front door of the CRM on a shared host, where
// staff must be able to use the CRM but never read its database password or
// session signing key (see scripts/deploy/README.md).
//
// Installed as /usr/local/bin/epicevents, owned by root, group epicevents, mode
// 2755, it runs with the group epicevents, so it alone can read the root-owned
// configuration (mode 0640, group epicevents). It then executes the real
// program with an environment it builds itself: the configuration's settings,
// every other setting of the program set empty (so that neither the caller's
// environment nor a .env file can point the program, and its password, at a
// server of their choosing), the caller's own session file, and only the
// harmless variables of the caller (terminal, language, time zone). The real
// program keeps the group, which makes the process undumpable: the caller
// cannot read its memory or environment either.
package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/joho/godotenv"
)

// Set at build time by scripts/deploy/install.sh:
// -ldflags "-X main.configPath=... -X main.programPath=...".
var (
	configPath  = "/etc/epicevents/epicevents.env"
	programPath = "/usr/local/lib/epicevents/epicevents"
)

// settings are every variable the program reads as configuration. Each is set,
// empty when the configuration leaves it out, so that nothing else fills it.
var settings = []string{
	"APP_ENV", "DB_DRIVER", "DB_PATH", "DB_HOST", "DB_PORT", "DB_USER", "DB_PASS", "DB_NAME",
	"JWT_SECRET", "JWT_TTL", "SESSION_IDLE", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE",
	"EPIC_SESSION_FILE", "XDG_CONFIG_HOME",
}

// passed are the caller's variables the program may see: how to draw and what
// language and time zone to speak. Nothing that chooses code or data.
var passed = []string{"TERM", "COLORTERM", "NO_COLOR", "COLUMNS", "LINES", "LANG", "LANGUAGE", "TZ"}

func main() {
	if err := run(os.Args, os.Environ()); err != nil {
		fmt.Fprintln(os.Stderr, "epicevents: "+err.Error())
		os.Exit(1)
	}
}

func run(args, environ []string) error {
	// Before anything else: a refused command needs neither the configuration nor the program.
	if err := refuse(args[1:]); err != nil {
		return err
	}
	config, err := godotenv.Read(configPath)
	if err != nil {
		// The parser's message may quote a line of the file: say only what to do.
		return fmt.Errorf("the CRM's configuration cannot be read; ask whoever installed it to check %s and the setgid bit of this program", configPath)
	}
	if err := checkProgram(programPath); err != nil {
		return err
	}
	caller, err := user.LookupId(fmt.Sprint(os.Getuid()))
	if err != nil || caller.HomeDir == "" {
		return fmt.Errorf("cannot tell who you are (uid %d has no home directory)", os.Getuid())
	}
	env := Environment(config, environ, caller)
	// Out of the caller's directory: a .env there must not be read by the program.
	if err := os.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	argv := append([]string{"epicevents"}, args[1:]...)
	if err := syscall.Exec(programPath, argv, env); err != nil {
		return fmt.Errorf("cannot run %s: %w", programPath, err)
	}
	return nil
}

// errAdministrator refuses what erases or rewrites the whole database. Those
// commands ask for no login (their guard is who may reach the database), so
// through this setgid door any account on the host could wipe the CRM.
var errAdministrator = fmt.Errorf("the db commands and --reset are for the administrator, who runs %s directly with the migrating account's settings; they are refused here and nothing was changed", programPath)

// refuse stops `db ...` (migrate, reset, seed) and `--reset`. The command is
// the first argument that is not a flag: the root takes no flag with a value,
// so a flag's value cannot be mistaken for it. Cobra takes flags anywhere, so
// --reset is looked for in every argument before a "--".
func refuse(args []string) error {
	command := ""
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--reset" || strings.HasPrefix(a, "--reset=") {
			return errAdministrator
		}
		if command == "" && !strings.HasPrefix(a, "-") {
			command = a
		}
	}
	if command == "db" {
		return errAdministrator
	}
	return nil
}

// Environment builds the program's environment from the configuration, the
// caller's environment and the caller's account.
func Environment(config map[string]string, environ []string, caller *user.User) []string {
	env := map[string]string{}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok && (contains(passed, name) || strings.HasPrefix(name, "LC_")) {
			env[name] = value
		}
	}
	for _, name := range settings {
		env[name] = ""
	}
	for name, value := range config {
		env[name] = value
	}
	// Each member of staff keeps their own session, in their own home, whatever
	// the configuration or their environment say.
	env["HOME"] = caller.HomeDir
	env["USER"], env["LOGNAME"] = caller.Username, caller.Username
	env["EPIC_SESSION_FILE"] = filepath.Join(caller.HomeDir, ".config", "epicevents", "session")
	env["XDG_CONFIG_HOME"] = ""
	env["PATH"] = "/usr/bin:/bin"
	out := make([]string, 0, len(env))
	for name, value := range env {
		out = append(out, name+"="+value)
	}
	return out
}

// checkProgram refuses to hand the configuration to a program that someone
// other than root could have replaced.
func checkProgram(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("the CRM is not installed at %s", path)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Uid != 0 || info.Mode().Perm()&0o022 != 0 || !info.Mode().IsRegular() {
		return fmt.Errorf("%s must be a regular file owned by root and writable by root only", path)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
