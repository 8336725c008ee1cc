package service_test

// Each login prunes the sessions that ended more than SessionPruneGrace ago, a
// batch at most, inside its own transaction: live sessions, recently revoked
// ones and those within the grace stay, and a token whose row is gone is
// refused like an ended one.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// addSession records a session of c that ends at end, issued 8 hours before
// (the world's token lifetime), revoked at revoked when that is set, and
// returns its token.
func (w *world) addSession(t *testing.T, c domain.Collaborator, id string, end time.Time, revoked *time.Time) string {
	t.Helper()
	token, claims, err := w.tokens(t).Issue(c.ID, c.Role, id, end.Add(-8*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	s := domain.Session{ID: id, UserID: c.ID, CreatedAt: end.Add(-8 * time.Hour), ExpiresAt: claims.ExpiresAt, RevokedAt: revoked}
	if err := w.DB.CreateSession(context.Background(), s); err != nil {
		t.Fatalf("CreateSession(%s): %v", id, err)
	}
	return token
}

// sessionRows is the number of rows of the sessions table.
func (w *world) sessionRows(t *testing.T) int64 {
	t.Helper()
	return w.snapshot(t).Counts["sessions"]
}

func TestLoginPrunesEndedSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		a := w.auth(t)

		t.Run("sessions that ended before the grace go; live, recently revoked and recently ended ones stay", func(t *testing.T) {
			now := w.Clock.Now()
			ago := func(d time.Duration) *time.Time { v := now.Add(-d); return &v }
			w.addSession(t, w.SalesB, "ended-long-ago", now.Add(-service.SessionPruneGrace-time.Minute), nil)
			w.addSession(t, w.SalesB, "revoked-long-ago", now.Add(-service.SessionPruneGrace-time.Minute), ago(9*time.Hour))
			w.addSession(t, w.SalesB, "ended-within-the-grace", now.Add(-service.SessionPruneGrace+time.Minute), nil)
			live := w.addSession(t, w.SalesB, "live", now.Add(time.Hour), nil)
			revoked := w.addSession(t, w.SalesB, "revoked-recently", now.Add(time.Hour), ago(time.Minute))

			w.login(t, a, w.SalesA)
			for id, kept := range map[string]bool{
				"ended-long-ago": false, "revoked-long-ago": false,
				"ended-within-the-grace": true, "live": true, "revoked-recently": true,
			} {
				_, err := w.DB.GetSession(ctx, id)
				if got := err == nil; got != kept || (err != nil && code(err) != domain.CodeNotFound) {
					t.Errorf("%s kept %t (%v); want %t", id, got, err, kept)
				}
			}
			if _, err := a.Authenticate(ctx, live); err != nil {
				t.Errorf("the live session: %v; want it open", err)
			}
			if _, err := a.Authenticate(ctx, revoked); code(err) != domain.CodeUnauthenticated {
				t.Errorf("the recently revoked session: %v; want unauthenticated", err)
			}
		})

		t.Run("a token whose session a later login pruned is refused: unauthenticated", func(t *testing.T) {
			token, actor := w.login(t, a, w.SupportA)
			w.Clock.Advance(8*time.Hour + service.SessionPruneGrace + time.Minute)
			w.login(t, a, w.SalesA)
			if _, err := w.DB.GetSession(ctx, actor.SessionID); code(err) != domain.CodeNotFound {
				t.Fatalf("GetSession: %v; want pruned", err)
			}
			if _, err := a.Authenticate(ctx, token); code(err) != domain.CodeUnauthenticated {
				t.Errorf("Authenticate: %v; want unauthenticated", err)
			}
		})

		t.Run("a token not yet expired whose row is gone is refused: the session has ended", func(t *testing.T) {
			token, _ := w.login(t, a, w.SupportB)
			if _, err := w.DB.PruneSessions(ctx, w.Clock.Now().Add(24*time.Hour), 1000); err != nil {
				t.Fatal(err)
			}
			_, err := a.Authenticate(ctx, token)
			if code(err) != domain.CodeUnauthenticated || !strings.Contains(err.Error(), "session has ended") {
				t.Errorf("Authenticate: %v; want unauthenticated, the session has ended", err)
			}
			if err := a.Logout(ctx, token); err != nil {
				t.Errorf("Logout of a pruned session: %v; want nothing to do", err)
			}
		})

		t.Run("a login deletes one batch at most, in one SELECT and one DELETE; a failed login none", func(t *testing.T) {
			ended := w.Clock.Now().Add(-service.SessionPruneGrace - time.Hour)
			for i := range service.SessionPruneBatch + 50 {
				w.addSession(t, w.SalesB, fmt.Sprintf("backlog-%03d", i), ended.Add(-time.Duration(i)*time.Second), nil)
			}
			before := w.sessionRows(t)
			if _, _, err := a.Login(ctx, w.SalesA.Email, "not the password"); code(err) != domain.CodeUnauthenticated {
				t.Fatalf("wrong password: %v", err)
			}
			if n := w.sessionRows(t); n != before {
				t.Fatalf("a failed login left %d sessions of %d", n, before)
			}
			cctx, count := store.CountQueries(ctx)
			if _, _, err := a.Login(cctx, w.SalesA.Email, testPassword); err != nil {
				t.Fatal(err)
			}
			if n := w.sessionRows(t); n != before-service.SessionPruneBatch+1 {
				t.Errorf("%d sessions after a login, from %d; want %d pruned, one added", n, before, service.SessionPruneBatch)
			}
			if got := sessionStatements(count); got != "SELECT DELETE INSERT" {
				t.Errorf("statements on sessions: %s; want SELECT DELETE INSERT", got)
			}
			w.login(t, a, w.SalesA)
			cctx, count = store.CountQueries(ctx)
			if _, _, err := a.Login(cctx, w.SalesA.Email, testPassword); err != nil {
				t.Fatal(err)
			}
			if got := sessionStatements(count); got != "SELECT INSERT" {
				t.Errorf("statements on sessions with nothing to prune: %s; want SELECT INSERT", got)
			}
		})

		t.Run("logins at once, pruning the same backlog, all open their session", func(t *testing.T) {
			ended := w.Clock.Now().Add(-service.SessionPruneGrace - time.Hour)
			for i := range 3 * service.SessionPruneBatch {
				w.addSession(t, w.SupportB, fmt.Sprintf("crowd-%03d", i), ended.Add(-time.Duration(i)*time.Second), nil)
			}
			staff := []domain.Collaborator{w.Manager, w.SalesA, w.SalesB, w.SupportA, w.SupportB, w.SalesA}
			var wg sync.WaitGroup
			errs := make([]error, len(staff))
			for i, c := range staff {
				wg.Go(func() { _, _, errs[i] = a.Login(ctx, c.Email, testPassword) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("login of %s: %v", staff[i].FullName, err)
				}
			}
			if errs := w.Reporter.Errors(); len(errs) > 0 {
				t.Errorf("internal errors reported: %v", errs)
			}
		})
	})
}

// sessionStatements is the first word of each statement counted on the sessions table.
func sessionStatements(c *store.QueryCounter) string {
	var verbs []string
	for _, s := range c.Statements() {
		if strings.Contains(s.SQL, "sessions") {
			verbs = append(verbs, strings.Fields(s.SQL)[0])
		}
	}
	return strings.Join(verbs, " ")
}
