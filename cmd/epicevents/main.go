// Command epicevents is the Epic Events CRM. Everything but loading .env
// and exiting lives in internal/app, where it can be tested.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/joho/godotenv"

	"github.com/epic-events/crm/internal/app"
)

func main() {
	// .env fills in what the real environment leaves unset, and is optional.
	if err := godotenv.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		// The parser's message quotes the text near the fault, which may be a secret.
		reason := "it is not made of KEY=value lines"
		if errors.Is(err, fs.ErrPermission) {
			reason = "permission denied"
		}
		fmt.Fprintf(os.Stderr, "epicevents: .env cannot be read: %s\n", reason)
		os.Exit(app.ExitError)
	}
	// Ctrl+C and SIGTERM stop a command; in the menus, Ctrl+C cancels only
	// the action under way.
	ctx, stop := app.SignalContext(context.Background())
	code := app.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
