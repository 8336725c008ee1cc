package report

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getsentry/sentry-go"

	"github.com/epic-events/crm/internal/domain"
)

// Options configure a Reporter.
type Options struct {
	DSN         string // empty: the Reporter is off
	Environment string // e.g. "production"; "development" when empty
	Release     string // e.g. "epicevents@1.2.0"; derived from the build when empty
	// Transport replaces the HTTP transport: tests pass &sentry.MockTransport{}.
	Transport sentry.Transport
}

// Reporter sends scrubbed errors and events to Sentry through its own client and
// hub (never the SDK's global hub, so two Reporters in one test never mix).
// A Reporter with no DSN, and the nil *Reporter, do nothing. It is safe for
// concurrent use and never fails its caller.
type Reporter struct {
	hub *sentry.Hub // nil when off
}

// maxTagLen is Sentry's limit on a tag value; longer ones are dropped by the server.
const maxTagLen = 200

// New returns a Reporter for o. An empty DSN gives a Reporter that is off, even when
// SENTRY_DSN is set in the environment: the SDK would read that variable on its
// own, so it is never given an empty DSN. A malformed DSN is an invalid
// *domain.Error naming SENTRY_DSN (without quoting it: it holds a key).
func New(o Options) (*Reporter, error) {
	dsn := strings.TrimSpace(o.DSN)
	if dsn == "" {
		return &Reporter{}, nil
	}
	env := o.Environment
	if env == "" {
		// Given explicitly, or the SDK would read SENTRY_ENVIRONMENT behind the config's back.
		env = "development"
	}
	release := o.Release
	if release == "" {
		// Given explicitly, or the SDK would run `git describe` in the user's directory.
		release = buildRelease()
	}
	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:         dsn,
		Environment: env,
		Release:     release,
		SampleRate:  1.0, // every error; 0 would also mean 100 %, which reads as "off"
		ServerName:  "",  // the SDK then uses the host name, which Scrub removes
		BeforeSend:  Scrub,
		// Performance tracing is not used; drop anything that would bypass BeforeSend.
		BeforeSendTransaction: func(*sentry.Event, *sentry.EventHint) *sentry.Event { return nil },
		Transport:             o.Transport,
	})
	if err != nil {
		return nil, domain.Invalid("SENTRY_DSN", "must be a Sentry DSN such as https://key@o0.ingest.sentry.io/0")
	}
	return &Reporter{hub: sentry.NewHub(client, sentry.NewScope())}, nil
}

func buildRelease() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	return "epicevents@" + version
}

// Enabled reports whether anything is sent.
func (r *Reporter) Enabled() bool { return r != nil && r.hub != nil }

// Error reports an unexpected error with its stack, the actor's id and role, and
// returns the Sentry event's id for the user's apology ("" when nothing was sent).
func (r *Reporter) Error(ctx context.Context, err error, actor *domain.Collaborator) string {
	if !r.Enabled() || err == nil {
		return ""
	}
	hub := r.scoped(actor)
	event := hub.Client().EventFromException(err, sentry.LevelError)
	return eventID(hub.CaptureEventWithHint(event, &sentry.EventHint{Context: ctx, OriginalException: err}))
}

// eventID is the id of a captured event, or "" when the client dropped it.
func eventID(id *sentry.EventID) string {
	if id == nil {
		return ""
	}
	return string(*id)
}

// Event reports a business event, such as "user.create" or "login.failed", as an
// info message whose tags are data (plus the event's name).
func (r *Reporter) Event(ctx context.Context, name string, actor *domain.Collaborator, data map[string]string) {
	if !r.Enabled() || name == "" {
		return
	}
	hub := r.scoped(actor)
	event := sentry.NewEvent()
	event.Level = sentry.LevelInfo
	event.Message = name
	// One issue per kind of event, whatever its data.
	event.Fingerprint = []string{"business-event", name}
	event.Tags = make(map[string]string, len(data)+1)
	for k, v := range data {
		event.Tags[k] = truncate(v, maxTagLen)
	}
	event.Tags["event"] = name
	hub.CaptureEventWithHint(event, &sentry.EventHint{Context: ctx})
}

// Breadcrumb keeps a line of context (e.g. what the MySQL driver logged about a
// lost connection) that goes with the next error reported, scrubbed like the rest.
func (r *Reporter) Breadcrumb(category, message string) {
	if !r.Enabled() || message == "" {
		return
	}
	r.hub.AddBreadcrumb(&sentry.Breadcrumb{Category: category, Message: message, Level: sentry.LevelWarning}, nil)
}

// Panic reports a recovered panic as a fatal, unhandled exception with the stack
// of the goroutine that calls it: call it from the deferred function that recovered.
// It returns the Sentry event's id ("" when nothing was sent).
func (r *Reporter) Panic(recovered any, actor *domain.Collaborator) string {
	if !r.Enabled() || recovered == nil {
		return ""
	}
	err, ok := recovered.(error)
	if !ok {
		err = fmt.Errorf("panic: %v", recovered)
	}
	hub := r.scoped(actor)
	event := hub.Client().EventFromException(err, sentry.LevelFatal)
	if n := len(event.Exception); n > 0 {
		handled := false
		event.Exception[n-1].Mechanism = &sentry.Mechanism{Type: "panic", Handled: &handled}
	}
	return eventID(hub.CaptureEventWithHint(event, &sentry.EventHint{RecoveredException: recovered}))
}

// Flush waits up to timeout for queued events to be sent, and reports whether all
// were. Call it on every exit path: os.Exit skips deferred calls. An off Reporter
// has nothing to send and returns true.
func (r *Reporter) Flush(timeout time.Duration) bool {
	if !r.Enabled() {
		return true
	}
	return r.hub.Flush(timeout)
}

// scoped returns a hub of its own for one capture, so that concurrent calls never
// see each other's actor.
func (r *Reporter) scoped(actor *domain.Collaborator) *sentry.Hub {
	hub := r.hub.Clone()
	if actor != nil {
		hub.ConfigureScope(func(s *sentry.Scope) {
			// The id only: name and email are personal data Sentry has no need of.
			s.SetUser(sentry.User{ID: strconv.FormatInt(actor.ID, 10)})
			if actor.Role != "" {
				s.SetTag("role", string(actor.Role))
			}
		})
	}
	return hub
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
