package service_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/report"
	"github.com/epic-events/crm/internal/service"
)

// TestSentryEvents drives the real services with the real Reporter over a mock
// transport, and reads what would have left the machine.
func TestSentryEvents(t *testing.T) {
	t.Setenv("SENTRY_DSN", "") // the SDK would read it behind the config's back
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		transport := &sentry.MockTransport{}
		rep, err := report.New(report.Options{DSN: "https://public@o0.ingest.sentry.io/0", Environment: "test", Transport: transport})
		if err != nil {
			t.Fatal(err)
		}
		deps := w.Deps()
		deps.Reporter = rep
		users := service.NewUsers(deps, w.Hasher)
		a := service.NewAuth(deps, w.Hasher, w.tokens(t))
		manager := w.actor(w.Manager)

		const (
			initial = "initial password of sam"
			reset   = "password set by management"
		)
		u, err := users.Create(ctx, manager, service.NewUser{FullName: "Sam Sentry", Email: "sam.sentry@staff.example.com", Role: domain.RoleSales, Password: initial})
		if err != nil {
			t.Fatal(err)
		}
		u, err = users.Update(ctx, manager, u.ID, service.UserChanges{Email: "sam.s@staff.example.com", Version: w.user(t, u.ID).Version})
		if err != nil {
			t.Fatal(err)
		}
		if err := users.ResetPassword(ctx, manager, u.ID, reset); err != nil {
			t.Fatal(err)
		}
		token, _, err := a.Login(ctx, u.Email, reset)
		if err != nil {
			t.Fatal(err)
		}
		for range service.MaxFailedLogins {
			_, _, _ = a.Login(ctx, u.Email, initial) // the old password, now wrong
		}
		_, _, _ = a.Login(ctx, "who.is.this@staff.example.com", initial)
		if _, err := users.Deactivate(ctx, manager, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := users.Delete(ctx, manager, u.ID); err != nil {
			t.Fatal(err)
		}
		customer := w.addCustomer(t, w.SalesA, "Signing Customer")
		draft := w.addContract(t, customer, 250000, domain.ContractDraft)
		if _, err := service.NewContracts(deps).Sign(ctx, w.actor(w.SalesA), draft.ID); err != nil {
			t.Fatal(err)
		}
		rep.Flush(time.Second)

		sent := transport.Events()
		byName := map[string][]*sentry.Event{}
		for _, e := range sent {
			byName[e.Message] = append(byName[e.Message], e)
		}
		for _, name := range []string{"user.create", "user.update", "user.deactivate", "user.delete", "login.failed", "login.locked", "contract.sign"} {
			t.Run(name+" is sent", func(t *testing.T) {
				if len(byName[name]) == 0 {
					t.Fatalf("no %s event among %d sent", name, len(sent))
				}
			})
		}
		t.Run("the management events name the manager by id", func(t *testing.T) {
			for _, name := range []string{"user.create", "user.update", "user.deactivate", "user.delete"} {
				for _, e := range byName[name] {
					if e.User.ID != "" && e.User.ID != itoa(w.Manager.ID) {
						t.Errorf("%s sent with user %q", name, e.User.ID)
					}
				}
			}
		})
		t.Run("failed logins count one per attempt, the unknown email included", func(t *testing.T) {
			if got := len(byName["login.failed"]); got != service.MaxFailedLogins+1 {
				t.Fatalf("%d login.failed events, want %d", got, service.MaxFailedLogins+1)
			}
			if e := byName["login.locked"]; len(e) != 1 || e[0].Tags["user_id"] != itoa(u.ID) {
				t.Fatalf("login.locked = %+v, want one, naming the account by id", e)
			}
		})

		secrets := []string{initial, reset, token, "$argon2id$", testPassword, w.Manager.PasswordHash, customer.Phone}
		emails := []string{"sam.sentry@staff.example.com", "sam.s@staff.example.com", "who.is.this@staff.example.com", w.Manager.Email, w.SalesA.Email, customer.Email}
		t.Run("no event holds a password, hash, token, email or phone", func(t *testing.T) {
			for _, e := range sent {
				raw, err := json.Marshal(e)
				if err != nil {
					t.Fatal(err)
				}
				text := string(raw)
				for _, s := range append(secrets, emails...) {
					if s != "" && strings.Contains(text, s) {
						t.Errorf("event %q holds %q", e.Message, s)
					}
				}
				if strings.Contains(text, "example.com") {
					t.Errorf("event %q holds an email address", e.Message)
				}
			}
		})
	})
}

func itoa(id domain.ID) string { return strconv.FormatInt(id, 10) }
