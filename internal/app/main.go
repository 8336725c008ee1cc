package app

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/epic-events/crm/internal/auth"
)

// version is the program's version, set at build time:
// go build -ldflags "-X github.com/epic-events/crm/internal/app.version=v1.2.3".
var version = "dev"

// deps is everything the program takes from the world. Main fills it with the
// real thing; tests fill it with their own.
type deps struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	// isTerminal reports whether stdin is a terminal a person can answer on.
	isTerminal func(io.Reader) bool
	// hashParams are the argon2id costs for the passwords seeded; tests use cheap ones.
	hashParams auth.Params
	// migrateWait bounds the wait for another program migrating the same
	// database; 0 means the store's default. Tests shorten it.
	migrateWait time.Duration
}

// Main runs the program with args (without the program name) and returns the
// exit code. main passes a context that is cancelled on Ctrl+C or SIGTERM.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, deps{
		stdin:      stdin,
		stdout:     stdout,
		stderr:     stderr,
		getenv:     os.Getenv,
		now:        time.Now,
		isTerminal: stdinIsTerminal,
		hashParams: auth.RecommendedParams(),
	})
}

// run is Main with its dependencies explicit. It never panics and never exits.
func run(ctx context.Context, args []string, d deps) int {
	return newRoot(d).run(ctx, args)
}

func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// oneLine keeps a message on one line whatever it quotes.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", " ")), " ")
}
