package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
	"github.com/epic-events/crm/seeds"
)

// sentEvent is what these tests read of an event a Sentry server received.
type sentEvent struct {
	EventID   string            `json:"event_id"`
	Level     string            `json:"level"`
	User      map[string]any    `json:"user"`
	Tags      map[string]string `json:"tags"`
	Exception []struct {
		Value      string `json:"value"`
		Stacktrace struct {
			Frames []struct {
				Function string `json:"function"`
			} `json:"frames"`
		} `json:"stacktrace"`
	} `json:"exception"`
}

// events decodes the events in the envelopes the sink received: each envelope
// is lines of JSON, the event's own being the one with an exception or a level.
func (s *sentrySink) events(t *testing.T) []sentEvent {
	t.Helper()
	var out []sentEvent
	for _, line := range strings.Split(s.all(), "\n") {
		var e sentEvent
		if json.Unmarshal([]byte(line), &e) != nil || e.Level == "" {
			continue
		}
		out = append(out, e)
	}
	return out
}

// withSentry points the program at a Sentry server of the test's own.
func withSentry(t *testing.T, p *program) *sentrySink {
	t.Helper()
	sink := &sentrySink{}
	server := httptest.NewServer(sink)
	t.Cleanup(server.Close)
	p.env["SENTRY_DSN"] = "http://0123456789abcdef@" + strings.TrimPrefix(server.URL, "http://") + "/42"
	return sink
}

// explodeInACommand is the bug: a command's code that panics, with secrets in
// the panic's value as a careless bug would put them there.
func explodeInACommand(secrets string) {
	panic("cannot save " + secrets)
}

// withExplodingCommand adds to r a command for scripts, "explode", that acts for
// the logged-in collaborator and panics: the test's own, never in the program.
func withExplodingCommand(r *root, secrets string) {
	r.cmd.AddCommand(&cobra.Command{
		Use:    "explode",
		Hidden: true,
		RunE: r.runCmd(nil, func(ctx context.Context, _ []string) error {
			return r.asActor(ctx, func(_ *world, a service.Actor) error {
				r.actingAs(a.Collaborator)
				explodeInACommand(secrets)
				return nil
			})
		}),
	})
}

// A panic in a command for scripts is reported once, with its stack and the
// actor's id and role but nothing secret, before the program ends; the user
// reads the apology naming the report, and the exit code is 1.
func TestAPanicInACommandIsReportedOnceWithItsReference(t *testing.T) {
	p := newCRM(t)
	p.loginAs(sales1)
	sink := withSentry(t, p)
	token, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
	must(t, err)
	sales, err := p.db().GetUserByEmail(context.Background(), sales1)
	must(t, err)

	var stdout, stderr bytes.Buffer
	r := newRoot(p.deps(&stdout, &stderr))
	withExplodingCommand(r, sales.Email+" (hash "+sales.PasswordHash+", token "+strings.TrimSpace(string(token))+")")
	code := r.run(context.Background(), []string{"explode"})

	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	events := sink.events(t)
	if len(events) != 1 {
		t.Fatalf("%d events reached Sentry, want 1:\n%s", len(events), sink.all())
	}
	e := events[0]
	if got, want := oneErrorLine(t, stderr.String()), "epicevents: "+apology+" (reference "+e.EventID+")"; e.EventID == "" || got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	if e.Level != "fatal" {
		t.Errorf("level %q, want fatal", e.Level)
	}
	if len(e.Exception) == 0 {
		t.Fatal("the event has no exception")
	}
	top := e.Exception[len(e.Exception)-1]
	frames := top.Stacktrace.Frames
	if len(frames) == 0 || !strings.Contains(frames[len(frames)-1].Function, "explodeInACommand") {
		t.Errorf("the stack does not end where the panic happened: %+v", frames)
	}
	if want := "panic: cannot save [email]"; !strings.HasPrefix(top.Value, want) {
		t.Errorf("value %q, want it to start %q", top.Value, want)
	}
	if want := map[string]any{"id": strconv.FormatInt(sales.ID, 10)}; fmt.Sprint(e.User) != fmt.Sprint(want) {
		t.Errorf("user %v, want %v only", e.User, want)
	}
	if e.Tags["role"] != "sales" {
		t.Errorf("role tag %q, want sales", e.Tags["role"])
	}
	nothingSecretSent(t, sink, sales, token)
}

// nothingSecretSent checks that Sentry received nothing that identifies or
// authenticates u beyond the id: the demo collaborator's email, name,
// password hash, session token, password.
func nothingSecretSent(t *testing.T, sink *sentrySink, u domain.Collaborator, token []byte) {
	t.Helper()
	sent := sink.all()
	for what, secret := range map[string]string{
		"the email": u.Email, "the name": u.FullName, "the password hash": u.PasswordHash,
		"the session token": strings.TrimSpace(string(token)), "the password": seeds.DemoPassword,
	} {
		if strings.Contains(sent, secret) {
			t.Errorf("Sentry received %s", what)
		}
	}
}

// Before any session, and without Sentry, a panic is still the apology and
// exit 1; with Sentry, it is reported without an actor.
func TestAPanicBeforeAnySessionIsReportedWithoutActor(t *testing.T) {
	bomb := func(r *root) {
		r.cmd.AddCommand(&cobra.Command{Use: "explode", Hidden: true, RunE: r.action(func(context.Context) error {
			explodeInACommand("before any session")
			return nil
		})})
	}
	t.Run("with Sentry", func(t *testing.T) {
		p := newProgram(t)
		sink := withSentry(t, p)
		var stderr bytes.Buffer
		r := newRoot(p.deps(&bytes.Buffer{}, &stderr))
		bomb(r)
		if code := r.run(context.Background(), []string{"explode"}); code != ExitError {
			t.Errorf("exit %d, want %d", code, ExitError)
		}
		events := sink.events(t)
		if len(events) != 1 {
			t.Fatalf("%d events reached Sentry, want 1", len(events))
		}
		if len(events[0].User) != 0 || events[0].Tags["role"] != "" {
			t.Errorf("user %v, role %q: want none", events[0].User, events[0].Tags["role"])
		}
		if !strings.Contains(stderr.String(), "(reference "+events[0].EventID+")") {
			t.Errorf("stderr %q does not name the reference %s", stderr.String(), events[0].EventID)
		}
	})
	t.Run("without Sentry", func(t *testing.T) {
		var stderr bytes.Buffer
		r := newRoot(newProgram(t).deps(&bytes.Buffer{}, &stderr))
		bomb(r)
		if code := r.run(context.Background(), []string{"explode"}); code != ExitError {
			t.Errorf("exit %d, want %d", code, ExitError)
		}
		if got := oneErrorLine(t, stderr.String()); got != "epicevents: "+apology {
			t.Errorf("stderr %q, want the apology without a reference", got)
		}
	})
}

// explodingMenus is a scripted terminal whose question labelled label panics
// the nth time it is asked, as a bug in a menu would; until then it answers
// from its script.
type explodingMenus struct {
	ui.Prompter
	label string
	nth   int
	asked int
}

func (e *explodingMenus) explodeAt(label string) {
	if strings.Contains(label, e.label) {
		if e.asked++; e.asked == e.nth {
			explodeInTheMenus()
		}
	}
}

func explodeInTheMenus() { panic("a bug in a menu") }

func (e *explodingMenus) Select(label string, items []string, opts ...ui.SelectOption) (int, error) {
	e.explodeAt(label)
	return e.Prompter.Select(label, items, opts...)
}

func (e *explodingMenus) Input(label, def string, validate func(string) error) (string, error) {
	e.explodeAt(label)
	return e.Prompter.Input(label, def, validate)
}

// A panic in the menus is reported as a command's is: with the id and role of
// the collaborator logged in at that moment, and nobody before the login or
// after a logout; never their email, name, hash, token or password.
func TestAPanicInTheMenusNamesTheCollaboratorLoggedIn(t *testing.T) {
	tests := []struct {
		name     string
		steps    []uitest.Step
		label    string // the question that panics
		nth      int    // the time it is asked
		wantUser bool
	}{
		{"at the main menu, after the login", demoLogin(sales1), "Main menu", 1, true},
		{"at the login, before any", nil, "Email", 1, false},
		{"at the login, after a logout", append(demoLogin(sales1), uitest.Select("Main menu", ui.MenuLogout)), "Email", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProgram(t)
			p.onTerminal()
			sink := withSentry(t, p)
			var stderr bytes.Buffer
			r := newRoot(p.deps(io.Discard, &stderr))
			r.terminal = func() terminal {
				menus := &explodingMenus{Prompter: uitest.New(t, tt.steps...), label: tt.label, nth: tt.nth}
				return terminal{prompter: menus, display: ui.Display{Location: time.UTC}, restore: func() {}}
			}
			if code := r.run(context.Background(), nil); code != ExitError {
				t.Fatalf("exit %d, want %d; stderr: %s", code, ExitError, stderr.String())
			}
			events := sink.events(t)
			if len(events) != 1 {
				t.Fatalf("%d events reached Sentry, want 1:\n%s", len(events), sink.all())
			}
			e := events[0]
			if !tt.wantUser {
				if len(e.User) != 0 || e.Tags["role"] != "" {
					t.Errorf("user %v, role %q: want none", e.User, e.Tags["role"])
				}
				return
			}
			sales, err := p.db().GetUserByEmail(context.Background(), sales1)
			must(t, err)
			if want := map[string]any{"id": strconv.FormatInt(sales.ID, 10)}; fmt.Sprint(e.User) != fmt.Sprint(want) {
				t.Errorf("user %v, want %v only", e.User, want)
			}
			if e.Tags["role"] != "sales" {
				t.Errorf("role tag %q, want sales", e.Tags["role"])
			}
			frames := e.Exception[len(e.Exception)-1].Stacktrace.Frames
			if len(frames) == 0 || !strings.Contains(frames[len(frames)-1].Function, "explodeInTheMenus") {
				t.Errorf("the stack does not end where the panic happened: %+v", frames)
			}
			token, err := os.ReadFile(p.env["EPIC_SESSION_FILE"])
			must(t, err)
			nothingSecretSent(t, sink, sales, token)
		})
	}
}
