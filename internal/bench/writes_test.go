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
			pair(b,
				func() error {
					n := nextUniq()
					_, err := e.customers.Create(ctx, e.sales, service.CustomerInput{
						FullName: "Bench Customer", Email: fmt.Sprintf("bench.%d@example.com", n),
						Phone: "+33 6 00 00 00 00", CompanyName: "Bench SA"})
					return err
				},
				func() error { return rawCreate(ctx, e.db.SQL(), e.sales.ID, e.sales.Email) })
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
			pair(b,
				func() error {
					i++
					phone := fmt.Sprintf("+33 6 %08d", i)
					c, err := e.customers.Update(ctx, e.sales, ours.ID, ours.Version, service.CustomerPatch{Phone: &phone})
					ours = c
					return err
				},
				func() error {
					phone := fmt.Sprintf("+33 7 %08d", i)
					if err := rawUpdate(ctx, e.db, theirs.ID, theirs.Version, phone, e.sales.ID, e.sales.Email); err != nil {
						return err
					}
					theirs.Version++
					return nil
				})
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
