package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// BenchmarkCreate creates a customer through the service (permission, checks,
// the row and its audit row in one transaction) beside the hand-written
// transaction of the same two INSERTs.
func BenchmarkCreate(b *testing.B) {
	for _, e := range engines(b) {
		b.Run(e.name+"/customer", func(b *testing.B) {
			ctx := context.Background()
			ours := func() error {
				n := nextUniq()
				_, err := e.customers.Create(ctx, e.sales, service.CustomerInput{
					FullName: "Bench Customer", Email: fmt.Sprintf("bench.%d@example.com", n),
					Phone: "+33 6 00 00 00 00", CompanyName: "Bench SA"})
				return err
			}
			raw := func() error { return rawCreate(ctx, e.db.SQL(), e.sales.ID, e.sales.Email) }
			pair(b, ours, raw)
			walPages(b, e, ours, raw)
		})
	}
}

func rawCreate(ctx context.Context, db *sql.DB, owner domain.ID, actorEmail string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO customers (full_name, email, phone, company_name, sales_contact_id,
		version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
		"Bench Customer", fmt.Sprintf("raw.%d@example.com", nextUniq()), "+33 6 00 00 00 00", "Bench SA", owner, now, now)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, changes, at)
		VALUES (?, ?, 'customer.create', 'customer', ?, ?, ?)`, owner, actorEmail, id,
		`[{"field":"full_name","old":"","new":"Bench Customer"}]`, now); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkUpdate changes a customer's phone through the service (read it in
// the transaction, check version and ownership, write, audit) beside the
// hand-written transaction of the version-checked UPDATE and the audit INSERT.
func BenchmarkUpdate(b *testing.B) {
	for _, e := range engines(b) {
		b.Run(e.name+"/customer", func(b *testing.B) {
			ctx := context.Background()
			ours, err := e.customers.Create(ctx, e.sales, service.CustomerInput{FullName: "Bench Update",
				Email: fmt.Sprintf("bench.update.%d@example.com", nextUniq()), Phone: "+33 6 00 00 00 00"})
			if err != nil {
				b.Fatal(err)
			}
			theirs, err := e.customers.Create(ctx, e.sales, service.CustomerInput{FullName: "Raw Update",
				Email: fmt.Sprintf("raw.update.%d@example.com", nextUniq()), Phone: "+33 6 00 00 00 00"})
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			update := func() error {
				i++
				phone := fmt.Sprintf("+33 6 %08d", i)
				c, err := e.customers.Update(ctx, e.sales, ours.ID, ours.Version, service.CustomerPatch{Phone: &phone})
				ours = c
				return err
			}
			raw := func() error {
				phone := fmt.Sprintf("+33 7 %08d", i)
				if err := rawUpdate(ctx, e.db, theirs.ID, theirs.Version, phone, e.sales.ID, e.sales.Email); err != nil {
					return err
				}
				theirs.Version++
				return nil
			}
			pair(b, update, raw)
			walPages(b, e, update, raw)
		})
	}
}

func rawUpdate(ctx context.Context, db *store.DB, id domain.ID, version int64, phone string, actor domain.ID, actorEmail string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE customers SET phone = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, phone, now, id, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("raw update: %d rows, %v", n, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, changes, at)
		VALUES (?, ?, 'customer.update', 'customer', ?, ?, ?)`, actor, actorEmail, id,
		`[{"field":"phone","old":"","new":"`+phone+`"}]`, now); err != nil {
		return err
	}
	return tx.Commit()
}

// walPages reports, on SQLite, how many pages one run of ours and of raw append
// to the write-ahead log (wal-pages/op, raw-wal-pages/op): what the commit
// writes and a later checkpoint copies back, counted rather than timed, so the
// load of the machine does not move it. Every run starts from a checkpointed,
// empty log; the timed pairs cannot, since whichever commit fills the log to
// its limit pays for the checkpoint of both sides.
func walPages(b *testing.B, e *engine, ours, raw func() error) {
	b.Helper()
	if e.name != store.DriverSQLite {
		return
	}
	const runs = 20
	ctx := context.Background()
	pages := func(op func() error) float64 {
		total := 0
		for range runs {
			if _, err := walCheckpoint(ctx, e.db.SQL(), "TRUNCATE"); err != nil {
				b.Fatal(err)
			}
			if err := op(); err != nil {
				b.Fatal(err)
			}
			n, err := walCheckpoint(ctx, e.db.SQL(), "PASSIVE")
			if err != nil {
				b.Fatal(err)
			}
			total += n
		}
		return float64(total) / runs
	}
	b.ReportMetric(pages(ours), "wal-pages/op")
	b.ReportMetric(pages(raw), "raw-wal-pages/op")
}

// walCheckpoint runs an SQLite checkpoint of mode and returns the number of
// pages the log held; a checkpoint kept from completing is an error.
func walCheckpoint(ctx context.Context, db *sql.DB, mode string) (int, error) {
	var busy, logged, copied int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logged, &copied); err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", mode, err)
	}
	if busy != 0 {
		return 0, fmt.Errorf("checkpoint %s: busy", mode)
	}
	return logged, nil
}
