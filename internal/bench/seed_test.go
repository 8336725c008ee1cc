package bench_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/auth"
	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/seeds"
)

// freshDB opens an empty database of its own for a benchmark that writes:
// an SQLite file in b's temporary directory, or the MariaDB database name.
func freshDB(b *testing.B, driver, name string) *store.DB {
	b.Helper()
	if driver == store.DriverSQLite {
		db := openSQLite(b, filepath.Join(b.TempDir(), name+".db"))
		b.Cleanup(func() { db.Close() })
		return db
	}
	db := openMySQL(b, name)
	if db == nil {
		b.Skip("MariaDB benchmarks skipped")
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func drivers() []string { return []string{store.DriverSQLite, store.DriverMySQL} }

// resetWithGrants empties db and writes the permission matrix, as `db reset` does first.
func resetWithGrants(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	if err := db.Reset(ctx); err != nil {
		b.Fatal(err)
	}
	grants, err := seeds.Grants()
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Tx(ctx, func(r *store.Repos) error { return r.SeedGrants(ctx, grants) }); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDemoReset is `epicevents db reset --yes` without the process: drop
// every table, migrate, seed the grants and the demo company. hash-once is
// what app does: the demo password hashed once at the production cost and
// that hash given to every demo collaborator; hash-each hashes it anew for
// each of them, as app did before, to show what that costs.
func BenchmarkDemoReset(b *testing.B) {
	hasher, err := auth.NewHasher(auth.RecommendedParams())
	if err != nil {
		b.Fatal(err)
	}
	accounts, err := seeds.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	for _, driver := range drivers() {
		for _, variant := range []string{"hash-once", "hash-each"} {
			b.Run(driver+"/"+variant, func(b *testing.B) {
				db := freshDB(b, driver, "epic_bench_demo")
				ctx := context.Background()
				hashes := 0
				for b.Loop() {
					resetWithGrants(b, db)
					var once string
					hash := func(password string) (string, error) {
						if once != "" && variant == "hash-once" {
							return once, nil
						}
						hashes++
						h, err := hasher.Hash(password)
						once = h
						return h, err
					}
					if err := db.Tx(ctx, func(r *store.Repos) error { return seeds.Demo(ctx, r, hash, time.Now()) }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(accounts)), "collaborators")
				b.ReportMetric(float64(hashes)/float64(b.N), "hashes/op")
			})
		}
	}
}

// BenchmarkScaleSeed writes EPIC_BENCH_SEED_SCALE customers (default
// EPIC_BENCH_SCALE) with the scale generator into an empty database, through a
// store.Load as `db seed --scale` does, then the same number of rows of each
// table with hand-written multi-row INSERTs in transactions of the same size,
// and reports both throughputs (rows/s, raw-rows/s) and their ratio
// (x-raw-throughput, the higher the better). The raw load has every index and
// check in place, and writes constant values in key order: each index insert
// lands at the end of its index, as cheap as an insert can be.
//
// Two variants: indexes-after, what the command does on an empty database
// (secondary indexes dropped for the load and built after it), and
// indexes-during, what it does when the database is larger than the load or
// the account may not change indexes. indexes-after also loads the
// generator's very rows (same values, order and transactions) with
// hand-written INSERTs, every index and check in place, and reports that
// throughput (raw-same-rows/s) and the ratio to it (x-raw-same-throughput).
func BenchmarkScaleSeed(b *testing.B) {
	n := envInt(b, envSeedScale, benchScale(b))
	for _, driver := range drivers() {
		for _, variant := range []string{"indexes-after", "indexes-during"} {
			b.Run(fmt.Sprintf("%s/%s/N=%d", driver, variant, n), func(b *testing.B) {
				db := freshDB(b, driver, "epic_bench_seed")
				ctx := context.Background()
				var ours, raw, same time.Duration
				var rows int64
				for range b.N {
					b.StopTimer()
					resetWithGrants(b, db)
					b.StartTimer()
					began := time.Now()
					res, err := seeds.Scale(ctx, &loadStore{db: db, deferIndexes: variant == "indexes-after"}, seeds.ScaleOptions{Customers: n})
					if err != nil {
						b.Fatal(err)
					}
					ours += time.Since(began)
					rows += res.Rows()
					b.StopTimer()
					resetWithGrants(b, db)
					began = time.Now()
					if err := rawSeed(ctx, db.SQL(), res); err != nil {
						b.Fatal(err)
					}
					raw += time.Since(began)
					if variant == "indexes-after" {
						resetWithGrants(b, db)
						rs := &rawSameStore{db: db.SQL()}
						if _, err := seeds.Scale(ctx, rs, seeds.ScaleOptions{Customers: n}); err != nil {
							b.Fatal(err)
						}
						same += rs.took
					}
				}
				perSecond := func(d time.Duration) float64 { return float64(rows) / d.Seconds() }
				b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ns/op")
				b.ReportMetric(perSecond(ours), "rows/s")
				b.ReportMetric(perSecond(raw), "raw-rows/s")
				b.ReportMetric(perSecond(ours)/perSecond(raw), "x-raw-throughput")
				if same > 0 {
					b.ReportMetric(perSecond(same), "raw-same-rows/s")
					b.ReportMetric(perSecond(ours)/perSecond(same), "x-raw-same-throughput")
				}
			})
		}
	}
}

// loadStore adapts *store.DB to seeds.ScaleStore as app does: one store.Load,
// deferring the indexes or not.
type loadStore struct {
	db           *store.DB
	deferIndexes bool
	load         *store.Load
}

func (s *loadStore) LastIDs(ctx context.Context) (seeds.ScaleIDs, error) {
	m, err := s.db.MaxIDs(ctx)
	return seeds.ScaleIDs{Users: m.Users, Customers: m.Customers, Contracts: m.Contracts, Payments: m.Payments, Events: m.Events}, err
}

func (s *loadStore) Tx(ctx context.Context, fn func(seeds.BulkWriter) error) error {
	return s.load.Tx(ctx, func(b *store.Bulk) error { return fn(b) })
}

func (s *loadStore) Prepare(ctx context.Context) (func(context.Context) error, error) {
	var err error
	s.load, err = s.db.StartLoad(ctx, store.LoadOptions{Tables: []string{"customers", "contracts", "payments", "events"}, DeferIndexes: s.deferIndexes})
	return s.load.Finish, err
}

// rawSameStore takes the generator's rows batch by batch and writes them with
// hand-written INSERTs (rawInsert) in one database/sql transaction each, into
// an empty database; took is the time spent writing, without the generating.
type rawSameStore struct {
	db   *sql.DB
	took time.Duration
}

func (s *rawSameStore) LastIDs(context.Context) (seeds.ScaleIDs, error) { return seeds.ScaleIDs{}, nil }

func (s *rawSameStore) Prepare(context.Context) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

func (s *rawSameStore) Tx(ctx context.Context, fn func(seeds.BulkWriter) error) error {
	var w rawRows
	if err := fn(&w); err != nil {
		return err
	}
	began := time.Now()
	err := rawTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, write := range w {
			if err := write(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	s.took += time.Since(began)
	return err
}

// rawRows holds one transaction's inserts, in the generator's order, until
// the transaction runs (the generator reuses its slices for the next batch).
type rawRows []func(context.Context, *sql.Tx) error

func (w *rawRows) add(table string, cols []string, n int, row func(i int, a []any) []any) error {
	*w = append(*w, func(ctx context.Context, tx *sql.Tx) error { return rawInsert(ctx, tx, table, cols, n, row) })
	return nil
}

func (w *rawRows) NextEmployeeNumber(context.Context) (string, error) { return "EE-0001", nil }

func (w *rawRows) InsertUsers(_ context.Context, us []domain.Collaborator) error {
	return w.add("users", []string{"id", "employee_number", "full_name", "email", "password_hash", "role", "active",
		"failed_logins", "version", "created_at", "updated_at"}, len(us), func(i int, a []any) []any {
		u := &us[i]
		return append(a, u.ID, u.EmployeeNumber, u.FullName, u.Email, u.PasswordHash, string(u.Role), u.Active, 0, 1, u.CreatedAt, u.UpdatedAt)
	})
}

func (w *rawRows) InsertCustomers(_ context.Context, cs []domain.Customer) error {
	return w.add("customers", []string{"id", "full_name", "email", "phone", "company_name", "sales_contact_id", "version",
		"created_at", "updated_at"}, len(cs), func(i int, a []any) []any {
		c := &cs[i]
		return append(a, c.ID, c.FullName, c.Email, c.Phone, c.CompanyName, c.SalesContactID, 1, c.CreatedAt, c.UpdatedAt)
	})
}

func (w *rawRows) InsertContracts(_ context.Context, ks []domain.Contract) error {
	return w.add("contracts", []string{"id", "customer_id", "total_amount", "amount_due", "status", "signed_at", "version",
		"created_at", "updated_at"}, len(ks), func(i int, a []any) []any {
		k := &ks[i]
		var signed any
		if k.SignedAt != nil {
			signed = *k.SignedAt
		}
		return append(a, k.ID, k.CustomerID, k.TotalAmount.Cents(), k.AmountDue.Cents(), string(k.Status), signed, 1, k.CreatedAt, k.UpdatedAt)
	})
}

func (w *rawRows) InsertPayments(_ context.Context, ps []domain.Payment) error {
	return w.add("payments", []string{"id", "contract_id", "amount", "received_at", "recorded_by", "created_at"}, len(ps),
		func(i int, a []any) []any {
			p := &ps[i]
			return append(a, p.ID, p.ContractID, p.Amount.Cents(), p.ReceivedAt, p.RecordedByID, p.CreatedAt)
		})
}

func (w *rawRows) InsertEvents(_ context.Context, es []domain.Event) error {
	return w.add("events", []string{"id", "contract_id", "name", "support_contact_id", "start_at", "end_at", "location",
		"attendees", "notes", "version", "created_at", "updated_at"}, len(es), func(i int, a []any) []any {
		e := &es[i]
		var support any
		if e.SupportContactID != nil {
			support = *e.SupportContactID
		}
		return append(a, e.ID, e.ContractID, e.Name, support, e.StartAt, e.EndAt, e.Location, e.Attendees, e.Notes, 1, e.CreatedAt, e.UpdatedAt)
	})
}

// rawSeed writes as many rows per table as res counts, with plain values,
// through database/sql: staff first, then batches of 500 customers each with
// their share of contracts, payments and events, one transaction per batch,
// each table in multi-row INSERTs of at most 30 000 placeholders.
func rawSeed(ctx context.Context, db *sql.DB, res seeds.ScaleResult) error {
	now := time.Now().UTC().Truncate(time.Second)
	const hash = seeds.ScaleStaffHash
	var staff []int64
	err := rawTx(ctx, db, func(tx *sql.Tx) error {
		return rawInsert(ctx, tx, "users", []string{"id", "employee_number", "full_name", "email", "password_hash", "role",
			"active", "failed_logins", "version", "created_at", "updated_at"}, int(res.Users), func(i int, a []any) []any {
			id := int64(i + 1)
			staff = append(staff, id)
			role := domain.RoleSales
			if i%2 == 1 {
				role = domain.RoleSupport
			}
			return append(a, id, fmt.Sprintf("EE-%05d", id), "Raw Staff", fmt.Sprintf("raw.staff.%d@example.com", id),
				hash, string(role), true, 0, 1, now, now)
		})
	})
	if err != nil {
		return err
	}
	const batch = 500
	n := int(res.Customers)
	share := func(total int64, upTo int) int64 { return total * int64(upTo) / int64(n) }
	for from := 0; from < n; from += batch {
		to := min(from+batch, n)
		k0, k1 := share(res.Contracts, from), share(res.Contracts, to)
		p0, p1 := share(res.Payments, from), share(res.Payments, to)
		e0, e1 := share(res.Events, from), share(res.Events, to)
		err := rawTx(ctx, db, func(tx *sql.Tx) error {
			if err := rawInsert(ctx, tx, "customers", []string{"id", "full_name", "email", "phone", "company_name",
				"sales_contact_id", "version", "created_at", "updated_at"}, to-from, func(i int, a []any) []any {
				id := int64(from + i + 1)
				return append(a, id, "Raw Customer", fmt.Sprintf("raw.%d@example.com", id), "+33 1 23 45 67 89",
					"Raw SA", staff[int(id)%len(staff)], 1, now, now)
			}); err != nil {
				return err
			}
			if err := rawInsert(ctx, tx, "contracts", []string{"id", "customer_id", "total_amount", "amount_due", "status",
				"signed_at", "version", "created_at", "updated_at"}, int(k1-k0), func(i int, a []any) []any {
				id := k0 + int64(i) + 1
				return append(a, id, int64(from)+int64(i%(to-from))+1, 1000_00, 400_00, "signed", now, 1, now, now)
			}); err != nil {
				return err
			}
			if err := rawInsert(ctx, tx, "payments", []string{"id", "contract_id", "amount", "received_at", "recorded_by",
				"created_at"}, int(p1-p0), func(i int, a []any) []any {
				return append(a, p0+int64(i)+1, k0+int64(i)%(k1-k0)+1, 600_00, now, staff[0], now)
			}); err != nil {
				return err
			}
			return rawInsert(ctx, tx, "events", []string{"id", "contract_id", "name", "support_contact_id", "start_at",
				"end_at", "location", "attendees", "notes", "version", "created_at", "updated_at"}, int(e1-e0), func(i int, a []any) []any {
				start := now.Add(time.Duration(i) * time.Hour)
				return append(a, e0+int64(i)+1, k0+int64(i)%(k1-k0)+1, "Raw Event Gala", staff[1], start, start.Add(3*time.Hour),
					"Paris", 100, "", 1, now, now)
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func rawTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func rawInsert(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, row func(i int, args []any) []any) error {
	per := 30000 / len(cols)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString(tuple)
			args = row(i, args)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("raw insert into %s: %w", table, err)
		}
	}
	return nil
}
