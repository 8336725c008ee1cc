package app

import (
	"context"
	"errors"

	"github.com/epic-events/crm/internal/domain"
)

// Exit codes, the same for every command (PRODUCT.md and the issues name them).
const (
	ExitOK              = 0
	ExitError           = 1 // unexpected, unavailable, or a bad setting
	ExitUsage           = 2 // bad usage or invalid input
	ExitNotFound        = 3
	ExitUnauthenticated = 4 // not logged in, or the session expired
	ExitForbidden       = 5
	ExitConflict        = 6
)

// exitCode chooses the exit code of err, once, from its domain code.
func exitCode(err error) int {
	var (
		usage    *usageError
		settings *settingsError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &settings), errors.Is(err, context.Canceled):
		return ExitError
	}
	switch domain.ErrorCode(err) {
	case domain.CodeInvalid:
		return ExitUsage
	case domain.CodeNotFound:
		return ExitNotFound
	case domain.CodeUnauthenticated:
		return ExitUnauthenticated
	case domain.CodeForbidden:
		return ExitForbidden
	case domain.CodeConflict:
		return ExitConflict
	default: // CodeUnavailable, CodeInternal
		return ExitError
	}
}

// usageError is a command line that cobra or a command refused before doing
// anything. showHelp adds the pointer to --help: useful for a mistyped
// command, not for a declined confirmation.
type usageError struct {
	err      error
	showHelp bool
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// settingsError is a setting that is wrong or a database that cannot be
// opened with the settings given: the program cannot start, which is exit 1
// whatever the underlying code.
type settingsError struct{ err error }

func (e *settingsError) Error() string { return e.err.Error() }
func (e *settingsError) Unwrap() error { return e.err }

// apology is what the user sees of an error that has no code: a bug, not something they can fix.
const apology = "sorry, something unexpected went wrong and nothing more was done; please try again, and tell the developers if it happens again"

// message is the one line printed for err, after "epicevents: ".
func message(err error) string {
	var (
		usage    *usageError
		settings *settingsError
	)
	switch {
	case errors.As(err, &usage):
		return usage.Error()
	case errors.Is(err, context.Canceled):
		return "interrupted; nothing more was done"
	case errors.As(err, &settings) && domain.ErrorMessage(settings.err) == "":
		return apologyFor(domain.ReferenceOf(err))
	}
	if msg := domain.ErrorMessage(err); msg != "" && domain.ErrorCode(err) != domain.CodeInternal {
		return msg
	}
	return apologyFor(domain.ReferenceOf(err))
}

// apologyFor is the apology naming the reference of the bug's Sentry event, so
// that what the user tells the developers leads them to it; ref "" when none was sent.
func apologyFor(ref string) string {
	if ref == "" {
		return apology
	}
	return apology + " (reference " + ref + ")"
}

// reportedPanic is a panic the menus recovered and reported, raised again for
// run's recovery to apologise with the report's reference.
type reportedPanic struct {
	value any
	ref   string
}
