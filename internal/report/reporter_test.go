package report_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/report"
	"github.com/epic-events/crm/internal/service"
)

var _ service.Reporter = (*report.Reporter)(nil)

// testDSN is well formed but never dialled: the mock transport takes every event.
const testDSN = "https://public@o0.ingest.example.com/1"

// Secrets a careless error might carry; none may reach Sentry.
const (
	password = "hunter2-correct-horse"
	hash     = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"
	token    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJlc2lnbmF0dXJl"
	email    = "ann.example@epicevents.test"
	phone    = "+33 6 12 34 56 78"
)

var secrets = []string{password, hash, "c2FsdHNhbHRzYWx0", token, "eyJzdWIiOiI3In0", email, phone, "612345678", "Ann Example"}

func actor() *domain.Collaborator {
	return &domain.Collaborator{
		ID: 7, FullName: "Ann Example", Email: email, PasswordHash: hash, Role: domain.RoleSales, EmployeeNumber: "EE-0007",
	}
}

func newReporter(t *testing.T) (*report.Reporter, *sentry.MockTransport) {
	t.Helper()
	t.Setenv("SENTRY_DSN", "")
	transport := &sentry.MockTransport{}
	r, err := report.New(report.Options{DSN: testDSN, Environment: "test", Release: "epicevents@test", Transport: transport})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r, transport
}

func onlyEvent(t *testing.T, transport *sentry.MockTransport) *sentry.Event {
	t.Helper()
	events := transport.Events()
	if len(events) != 1 {
		t.Fatalf("%d events sent, want 1", len(events))
	}
	return events[0]
}

// assertClean fails when the event, as it would travel, holds a secret or the host name.
func assertClean(t *testing.T, event *sentry.Event) {
	t.Helper()
	b, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	payload := string(b)
	for _, s := range secrets {
		if strings.Contains(payload, s) {
			t.Errorf("the event sent holds %q:\n%s", s, payload)
		}
	}
	if strings.Contains(payload, `"server_name"`) {
		t.Errorf("the event sent names the server:\n%s", payload)
	}
}

func assertActor(t *testing.T, event *sentry.Event) {
	t.Helper()
	if u := event.User; u.ID != "7" || u.Email != "" || u.Name != "" || u.Username != "" || u.IPAddress != "" {
		t.Errorf("user = %+v, want the id 7 only", u)
	}
	if event.Tags["role"] != "sales" {
		t.Errorf("role tag = %q, want sales", event.Tags["role"])
	}
}

func TestErrorIsSentWithStackAndActorButNoSecret(t *testing.T) {
	r, transport := newReporter(t)
	cause := fmt.Errorf("Error 1062 (23000): Duplicate entry '%s' for key 'users.email'; password=%s hash %s token %s phone %s",
		email, password, hash, token, phone)
	r.Error(context.Background(), fmt.Errorf("create user: %w", cause), actor())

	event := onlyEvent(t, transport)
	if event.Level != sentry.LevelError {
		t.Errorf("level = %q, want error", event.Level)
	}
	assertActor(t, event)
	if len(event.Exception) == 0 {
		t.Fatal("no exception in the event")
	}
	top := event.Exception[len(event.Exception)-1]
	if !strings.HasPrefix(top.Value, "create user: Error 1062 (23000): Duplicate entry '[redacted]'") {
		t.Errorf("exception value = %q", top.Value)
	}
	if top.Stacktrace == nil || len(top.Stacktrace.Frames) == 0 {
		t.Error("the exception has no stack")
	}
	if event.Environment != "test" || event.Release != "epicevents@test" {
		t.Errorf("environment, release = %q, %q", event.Environment, event.Release)
	}
	assertClean(t, event)
}

func TestBusinessEventIsSentWithActorButNoSecret(t *testing.T) {
	r, transport := newReporter(t)
	r.Event(context.Background(), "user.create", actor(), map[string]string{
		"user_id":  "12",
		"role":     "management", // the actor's role wins: it is the one the tag describes
		"email":    email,
		"phone":    phone,
		"password": password,
		"token":    token,
	})

	event := onlyEvent(t, transport)
	if event.Level != sentry.LevelInfo || event.Message != "user.create" {
		t.Errorf("level, message = %q, %q; want info, user.create", event.Level, event.Message)
	}
	assertActor(t, event)
	want := map[string]string{"event": "user.create", "user_id": "12", "role": "sales", "email": "[email]", "phone": "[phone]"}
	for k, v := range want {
		if event.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, event.Tags[k], v)
		}
	}
	for _, k := range []string{"password", "token"} {
		if _, ok := event.Tags[k]; ok {
			t.Errorf("tag %s was sent", k)
		}
	}
	assertClean(t, event)
}

func TestEventWithoutActorHasNoUser(t *testing.T) {
	r, transport := newReporter(t)
	r.Event(context.Background(), "login.failed", nil, map[string]string{"email": email})
	event := onlyEvent(t, transport)
	if event.User.ID != "" {
		t.Errorf("user = %+v, want none", event.User)
	}
	if _, ok := event.Tags["role"]; ok {
		t.Error("a role tag was sent with no actor")
	}
	assertClean(t, event)
}

func TestPanicIsSentAsFatal(t *testing.T) {
	tests := []struct {
		name      string
		recovered any
		value     string
	}{
		{"a string", "index out of range for " + email, "panic: index out of range for [email]"},
		{"an error", errors.New("nil map write"), "nil map write"},
		{"anything else", 42, "panic: 42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, transport := newReporter(t)
			func() {
				defer func() { r.Panic(recover(), actor()) }()
				panic(tt.recovered)
			}()
			event := onlyEvent(t, transport)
			if event.Level != sentry.LevelFatal {
				t.Errorf("level = %q, want fatal", event.Level)
			}
			top := event.Exception[len(event.Exception)-1]
			if top.Value != tt.value {
				t.Errorf("value = %q, want %q", top.Value, tt.value)
			}
			if top.Mechanism == nil || top.Mechanism.Handled == nil || *top.Mechanism.Handled {
				t.Errorf("mechanism = %+v, want an unhandled panic", top.Mechanism)
			}
			if top.Stacktrace == nil || len(top.Stacktrace.Frames) == 0 {
				t.Error("the panic has no stack")
			}
			assertActor(t, event)
			assertClean(t, event)
		})
	}
	t.Run("nothing recovered sends nothing", func(t *testing.T) {
		r, transport := newReporter(t)
		r.Panic(nil, actor())
		if n := len(transport.Events()); n != 0 {
			t.Fatalf("%d events sent", n)
		}
	})
}

func TestConcurrentReportsKeepTheirOwnActor(t *testing.T) {
	r, transport := newReporter(t)
	var wg sync.WaitGroup
	for i := 1; i <= 20; i++ {
		wg.Go(func() {
			a := &domain.Collaborator{ID: domain.ID(i), Role: domain.Roles[i%3]}
			r.Event(context.Background(), "contract.sign", a, map[string]string{"actor": fmt.Sprint(i)})
		})
	}
	wg.Wait()
	events := transport.Events()
	if len(events) != 20 {
		t.Fatalf("%d events sent, want 20", len(events))
	}
	for _, e := range events {
		if e.User.ID != e.Tags["actor"] {
			t.Errorf("event of actor %s carries user %s", e.Tags["actor"], e.User.ID)
		}
	}
}

func TestDisabledReporterSendsNothing(t *testing.T) {
	// Set, to prove that an empty DSN in Options wins over the environment.
	t.Setenv("SENTRY_DSN", testDSN)
	transport := &sentry.MockTransport{}
	r, err := report.New(report.Options{DSN: "", Transport: transport})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if r.Enabled() {
		t.Fatal("a reporter without a DSN is enabled")
	}
	r.Error(context.Background(), errors.New("boom"), actor())
	r.Event(context.Background(), "user.create", actor(), nil)
	r.Panic("boom", actor())
	if !r.Flush(time.Millisecond) {
		t.Error("Flush of a disabled reporter = false, want true (nothing to send)")
	}
	if n := len(transport.Events()); n != 0 {
		t.Fatalf("%d events sent by a disabled reporter", n)
	}

	var none *report.Reporter
	none.Error(context.Background(), errors.New("boom"), nil)
	none.Event(context.Background(), "x", nil, nil)
	none.Panic("boom", nil)
	if none.Enabled() || !none.Flush(time.Millisecond) {
		t.Fatal("a nil reporter is not an off reporter")
	}
}

func TestNewRefusesAMalformedDSNWithoutQuotingIt(t *testing.T) {
	t.Setenv("SENTRY_DSN", "")
	const dsn = "not-a-dsn-secretkey"
	_, err := report.New(report.Options{DSN: dsn, Transport: &sentry.MockTransport{}})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Fields["SENTRY_DSN"] == "" {
		t.Fatalf("New = %v; want an invalid *domain.Error naming SENTRY_DSN", err)
	}
	if strings.Contains(err.Error(), "secretkey") {
		t.Fatal("the error quotes the DSN")
	}
}

func TestFlushDeliversToTheTransport(t *testing.T) {
	r, transport := newReporter(t)
	r.Event(context.Background(), "contract.sign", actor(), nil)
	if !r.Flush(time.Second) {
		t.Fatal("Flush = false")
	}
	if len(transport.Events()) != 1 {
		t.Fatal("the event was not delivered")
	}
}
