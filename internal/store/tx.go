package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// Tx retries a transaction the server rolled back to settle a race (see
// errDeadlock) this many times in all, then reports errWriteConflict.
const defaultTxAttempts = 5

// txBackoff is the pause before the second run; it doubles at each run after
// that, and each pause is drawn at random around it, so that transactions
// that collided do not collide again in step.
const txBackoff = 10 * time.Millisecond

// Tx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). Inside fn only the given Repos may be used: on SQLite
// the pool has a single connection, which the transaction holds.
//
// A transaction that loses a race for the same rows (a deadlock, or on a Galera
// cluster a certification failure at commit) is rolled back by the server and
// run again from the start, a few times with a growing random pause, before
// Tx reports a conflict (CodeConflict, "try again"). So fn may run more than
// once: it must do nothing but database work through the Repos it is given
// and set the caller's results, leaving anything seen outside (reports, output)
// to after Tx returns. A lost connection is not run again: its commit may have
// happened; the error says the database is unavailable.
func (db *DB) Tx(ctx context.Context, fn func(*Repos) error) error {
	attempts := db.txAttempts
	if attempts <= 0 {
		attempts = defaultTxAttempts
	}
	pause := txBackoff
	for run := 1; ; run++ {
		err := db.tx(ctx, fn)
		if err != nil && ctx.Err() != nil {
			// database/sql rolls a transaction back the moment its context ends, so
			// whatever fn saw next ("already rolled back", a broken statement) is
			// only the echo of the cancellation: say that instead.
			return fmt.Errorf("transaction: %w", ctx.Err())
		}
		if err == nil || !isDeadlock(err) {
			return err
		}
		if run == attempts {
			return errWriteConflict
		}
		// Uniform in [pause/2, 3·pause/2).
		wait := pause/2 + rand.N(pause)
		pause *= 2
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("transaction: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// tx is one run of Tx.
func (db *DB) tx(ctx context.Context, fn func(*Repos) error) error {
	var fnErr error
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fnErr = fn(&Repos{db: tx, driver: db.driver, now: db.now})
		return fnErr
	})
	if err == nil || (fnErr != nil && errors.Is(err, fnErr)) {
		return err // fn's own error, already in the caller's terms
	}
	return translate("transaction", err)
}
