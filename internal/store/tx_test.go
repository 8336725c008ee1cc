package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
)

// raiseDeadlock makes MariaDB answer as it does to a transaction it rolled
// back to break a deadlock, or as a Galera node does to a write set that
// failed certification.
const raiseDeadlock = "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction'"

func TestTxRunsADeadlockVictimAgain(t *testing.T) {
	db := storetest.MySQL(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u1 := newUser(t, db.Repos, domain.RoleSales, "First Row")
	u2 := newUser(t, db.Repos, domain.RoleSales, "Second Row")

	// Two transactions write the same two rows in opposite orders, each taking
	// its first row before either asks for its second: InnoDB sees the cycle and
	// rolls one of them back with error 1213. Both must end committed, the
	// victim on its second run, each having written both rows or neither.
	var runs [2]atomic.Int32
	locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	write := func(me int, label string, first, second domain.ID) func(*store.Repos) error {
		return func(r *store.Repos) error {
			run := runs[me].Add(1)
			if err := r.ExecSQL(ctx, "UPDATE users SET full_name = ? WHERE id = ?", label, first); err != nil {
				return err
			}
			if run == 1 {
				close(locked[me])
				select {
				case <-locked[1-me]:
				case <-time.After(30 * time.Second):
					return errors.New("the other transaction never took its first row")
				}
			}
			return r.ExecSQL(ctx, "UPDATE users SET full_name = ? WHERE id = ?", label, second)
		}
	}
	var errs [2]error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = db.Tx(ctx, write(0, "Written By A", u1.ID, u2.ID)) }()
	go func() { defer wg.Done(); errs[1] = db.Tx(ctx, write(1, "Written By B", u2.ID, u1.ID)) }()
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %c: %v", 'A'+i, err)
		}
	}
	total := runs[0].Load() + runs[1].Load()
	if total != 3 {
		t.Fatalf("the transactions ran %d and %d times, want one deadlock victim run twice", runs[0].Load(), runs[1].Load())
	}
	// The victim ran last: both rows carry its label.
	victim := "Written By A"
	if runs[1].Load() == 2 {
		victim = "Written By B"
	}
	for _, id := range []domain.ID{u1.ID, u2.ID} {
		got, err := db.GetUser(ctx, id)
		mustNil(t, err)
		if got.FullName != victim {
			t.Errorf("user %d is named %q, want %q (the transaction that ran last)", id, got.FullName, victim)
		}
	}
}

func TestTxGivesUpOnEndlessConflictsWithAConflict(t *testing.T) {
	db := storetest.MySQL(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	mustNil(t, db.SeedGrants(ctx, testGrants))
	u := newUser(t, db.Repos, domain.RoleSales, "Never Renamed")

	tests := []struct {
		name     string
		attempts int
		want     int
	}{
		{"the default number of runs", 0, store.DefaultTxAttempts},
		{"a set number of runs", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store.SetTxAttempts(db, tt.attempts)
			defer store.SetTxAttempts(db, 0)
			runs := 0
			err := db.Tx(ctx, func(r *store.Repos) error {
				runs++
				if err := r.ExecSQL(ctx, "UPDATE users SET full_name = 'Half Written' WHERE id = ?", u.ID); err != nil {
					return err
				}
				return r.ExecSQL(ctx, raiseDeadlock)
			})
			de := wantCode(t, err, domain.CodeConflict)
			if !contains(de.Message, "try again") {
				t.Errorf("message %q does not say to try again", de.Message)
			}
			if runs != tt.want {
				t.Errorf("ran %d times, want %d", runs, tt.want)
			}
			got, err := db.GetUser(ctx, u.ID)
			mustNil(t, err)
			if got.FullName != "Never Renamed" {
				t.Errorf("a run's write survived: %q", got.FullName)
			}
		})
	}

	t.Run("a cancelled context stops the retries", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		runs := 0
		err := db.Tx(cctx, func(r *store.Repos) error {
			runs++
			cancel()
			return r.ExecSQL(ctx, raiseDeadlock)
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error = %v, want the cancellation", err)
		}
		if runs != 1 {
			t.Fatalf("ran %d times after the cancellation, want 1", runs)
		}
	})
}

func TestTxDoesNotRunOtherFailuresAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mustNil(t, db.SeedGrants(ctx, testGrants))
		taken := newUser(t, db.Repos, domain.RoleSales, "Taken Email")
		tests := []struct {
			name string
			fn   func(r *store.Repos) error
			code domain.Code
		}{
			{"fn's own refusal", func(*store.Repos) error { return domain.Invalid("amount", "must be more than 0.00") }, domain.CodeInvalid},
			{"a duplicate", func(r *store.Repos) error {
				u := taken
				u.ID, u.EmployeeNumber = 0, "EE-9999"
				return r.CreateUser(ctx, &u)
			}, domain.CodeConflict},
			{"a missing row", func(r *store.Repos) error {
				_, err := r.GetUser(ctx, 1<<40)
				return err
			}, domain.CodeNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				runs := 0
				err := db.Tx(ctx, func(r *store.Repos) error { runs++; return tt.fn(r) })
				wantCode(t, err, tt.code)
				if runs != 1 {
					t.Fatalf("ran %d times, want 1", runs)
				}
			})
		}
	})
}

func TestTxNestedRunsInsideWithoutSavepoint(t *testing.T) {
	db := storetest.MySQL(t)
	if db == nil {
		t.Skip("no MySQL")
	}
	// SeedGrants is a transaction of its own on the pool; inside Tx it must join
	// Tx's transaction: SAVEPOINT is beyond what the distributed engines accept.
	var before, after string
	mustNil(t, db.Tx(ctx, func(r *store.Repos) error {
		var err error
		if before, err = r.SessionStatus(ctx, "Com_savepoint"); err != nil {
			return err
		}
		if err := r.SeedGrants(ctx, testGrants); err != nil {
			return err
		}
		after, err = r.SessionStatus(ctx, "Com_savepoint")
		return err
	}))
	if before == "" || before != after {
		t.Fatalf("Com_savepoint went from %q to %q inside the transaction, want no SAVEPOINT", before, after)
	}
	g, err := db.GrantsFor(ctx, domain.RoleSales)
	mustNil(t, err)
	if len(g) == 0 {
		t.Fatal("the nested transaction's grants were not committed with Tx")
	}
}
