package seeds_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
	"github.com/epic-events/crm/internal/store/storetest"
	"github.com/epic-events/crm/seeds"
)

// scaleStore adapts *store.DB to seeds.ScaleStore, as app does: one
// store.Load that defers the indexes.
type scaleStore struct {
	db *store.DB
	// onInsert, when set, runs before each bulk insert of a table, inside the
	// transaction: a test interrupts a batch midway with it.
	onInsert func(table string)
	load     *store.Load
}

func (s *scaleStore) LastIDs(ctx context.Context) (seeds.ScaleIDs, error) {
	m, err := s.db.MaxIDs(ctx)
	return seeds.ScaleIDs{Users: m.Users, Customers: m.Customers, Contracts: m.Contracts, Payments: m.Payments, Events: m.Events}, err
}

func (s *scaleStore) Tx(ctx context.Context, fn func(seeds.BulkWriter) error) error {
	return s.load.Tx(ctx, func(b *store.Bulk) error { return fn(hookedWriter{b, s.onInsert}) })
}

func (s *scaleStore) Prepare(ctx context.Context) (func(context.Context) error, error) {
	var err error
	s.load, err = s.db.StartLoad(ctx, store.LoadOptions{Tables: []string{"customers", "contracts", "payments", "events"}, DeferIndexes: true})
	return s.load.Finish, err
}

type hookedWriter struct {
	*store.Bulk
	on func(table string)
}

func (w hookedWriter) hook(table string) {
	if w.on != nil {
		w.on(table)
	}
}

func (w hookedWriter) InsertContracts(ctx context.Context, ks []domain.Contract) error {
	w.hook("contracts")
	return w.Bulk.InsertContracts(ctx, ks)
}

func (w hookedWriter) InsertEvents(ctx context.Context, es []domain.Event) error {
	w.hook("events")
	return w.Bulk.InsertEvents(ctx, es)
}

var scaleNow = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

func scaleSeed(t *testing.T, db *store.DB, n, batch int) seeds.ScaleResult {
	t.Helper()
	res, err := seeds.Scale(context.Background(), &scaleStore{db: db}, seeds.ScaleOptions{Customers: n, Batch: batch, Now: scaleNow})
	if err != nil {
		t.Fatalf("Scale(%d): %v", n, err)
	}
	return res
}

// company is every row a scale seed wrote, read back through the repositories.
type company struct {
	users     []domain.Collaborator
	customers []domain.Customer
	contracts []domain.Contract
	payments  map[domain.ID][]domain.Payment
	events    []domain.Event
}

func readCompany(t *testing.T, db *store.DB) company {
	t.Helper()
	ctx := context.Background()
	c := company{payments: map[domain.ID][]domain.Payment{}}
	c.users = all(t, "users", func(p domain.Page) (domain.List[domain.Collaborator], error) {
		return db.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: p})
	})
	c.customers = all(t, "customers", func(p domain.Page) (domain.List[domain.Customer], error) {
		return db.ListCustomers(ctx, domain.CustomerFilter{Page: p})
	})
	c.contracts = all(t, "contracts", func(p domain.Page) (domain.List[domain.Contract], error) {
		return db.ListContracts(ctx, domain.ContractFilter{Page: p})
	})
	for _, k := range c.contracts {
		ps, err := db.ListPayments(ctx, k.ID)
		if err != nil {
			t.Fatalf("ListPayments(%d): %v", k.ID, err)
		}
		c.payments[k.ID] = ps
	}
	c.events = all(t, "events", func(p domain.Page) (domain.List[domain.Event], error) {
		return db.ListEvents(ctx, domain.EventFilter{Page: p})
	})
	return c
}

// dump is the company as sorted lines, every stored field, to compare two seeds.
func (c company) dump() []string {
	var out []string
	for _, u := range c.users {
		out = append(out, fmt.Sprintf("user %d %s %q %s %s %s active=%t %s", u.ID, u.EmployeeNumber, u.FullName, u.Email, u.Role, u.PasswordHash, u.Active, u.CreatedAt.Format(time.RFC3339Nano)))
	}
	for _, x := range c.customers {
		out = append(out, fmt.Sprintf("customer %d %q %s %s %q sales=%d %s %s", x.ID, x.FullName, x.Email, x.Phone, x.CompanyName, x.SalesContactID, x.CreatedAt.Format(time.RFC3339Nano), x.UpdatedAt.Format(time.RFC3339Nano)))
	}
	for _, k := range c.contracts {
		out = append(out, fmt.Sprintf("contract %d customer=%d %d %d %s signed=%s %s", k.ID, k.CustomerID, k.TotalAmount, k.AmountDue, k.Status, fmtTime(k.SignedAt), k.CreatedAt.Format(time.RFC3339Nano)))
		for _, p := range c.payments[k.ID] {
			out = append(out, fmt.Sprintf("payment %d contract=%d %d %s by=%d", p.ID, p.ContractID, p.Amount, p.ReceivedAt.Format(time.RFC3339Nano), p.RecordedByID))
		}
	}
	for _, e := range c.events {
		support := "-"
		if e.SupportContactID != nil {
			support = fmt.Sprint(*e.SupportContactID)
		}
		out = append(out, fmt.Sprintf("event %d contract=%d %q %s %s %q %d %q support=%s", e.ID, e.ContractID, e.Name, e.StartAt.Format(time.RFC3339Nano), e.EndAt.Format(time.RFC3339Nano), e.Location, e.Attendees, e.Notes, support))
	}
	slices.Sort(out)
	return out
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func TestScaleSeedsARealisticCompany(t *testing.T) {
	const n = 300
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.SeedGrants(ctx, mustGrants(t)); err != nil {
			t.Fatal(err)
		}
		res := scaleSeed(t, db, n, 70)
		c := readCompany(t, db)

		t.Run("counts: N customers, about 5N contracts and 10N events, the staff of N", func(t *testing.T) {
			sales, support, managers := seeds.ScaleStaff(n)
			got := map[domain.Role]int{}
			for _, u := range c.users {
				got[u.Role]++
			}
			if got[domain.RoleSales] != sales || got[domain.RoleSupport] != support || got[domain.RoleManagement] != managers {
				t.Errorf("staff %v, want %d sales, %d support, %d managers", got, sales, support, managers)
			}
			if len(c.customers) != n {
				t.Errorf("%d customers, want %d", len(c.customers), n)
			}
			if k := len(c.contracts); k < 4*n || k > 6*n {
				t.Errorf("%d contracts, want about %d", k, 5*n)
			}
			if e := len(c.events); e < 8*n || e > 12*n {
				t.Errorf("%d events, want about %d", e, 10*n)
			}
			var payments int
			for _, ps := range c.payments {
				payments += len(ps)
			}
			want := seeds.ScaleResult{Users: int64(len(c.users)), Customers: int64(len(c.customers)), Contracts: int64(len(c.contracts)),
				Payments: int64(payments), Events: int64(len(c.events)), Elapsed: res.Elapsed}
			if res != want {
				t.Errorf("Scale reported %+v, the database holds %+v", res, want)
			}
		})

		t.Run("owners are sales, supports are support, payments recorded by staff", func(t *testing.T) {
			role := map[domain.ID]domain.Role{}
			for _, u := range c.users {
				role[u.ID] = u.Role
			}
			for _, x := range c.customers {
				if role[x.SalesContactID] != domain.RoleSales {
					t.Fatalf("customer %d is looked after by %d, a %q", x.ID, x.SalesContactID, role[x.SalesContactID])
				}
			}
			for _, e := range c.events {
				if e.SupportContactID != nil && role[*e.SupportContactID] != domain.RoleSupport {
					t.Fatalf("event %d is supported by %d, a %q", e.ID, *e.SupportContactID, role[*e.SupportContactID])
				}
			}
			for _, ps := range c.payments {
				for _, p := range ps {
					if r := role[p.RecordedByID]; r != domain.RoleSales && r != domain.RoleManagement {
						t.Fatalf("payment %d recorded by %d, a %q", p.ID, p.RecordedByID, r)
					}
				}
			}
		})

		t.Run("amount due is the total less the payments; only signed contracts are paid", func(t *testing.T) {
			for _, k := range c.contracts {
				var paid domain.Money
				for _, p := range c.payments[k.ID] {
					paid += p.Amount
					if p.ReceivedAt.Before(*orZero(k.SignedAt)) || p.ReceivedAt.After(scaleNow) {
						t.Fatalf("payment %d received %s, outside signature %v .. now", p.ID, p.ReceivedAt, k.SignedAt)
					}
				}
				if k.AmountDue != k.TotalAmount-paid {
					t.Fatalf("contract %d: total %s, paid %s, due %s", k.ID, k.TotalAmount, paid, k.AmountDue)
				}
				if paid > 0 && k.Status != domain.ContractSigned {
					t.Fatalf("contract %d is %s and has payments", k.ID, k.Status)
				}
				if (k.Status == domain.ContractSigned) != (k.SignedAt != nil) {
					t.Fatalf("contract %d is %s, signed at %v", k.ID, k.Status, k.SignedAt)
				}
			}
		})

		t.Run("events only on signed contracts, after the signature, ending after they start", func(t *testing.T) {
			status := map[domain.ID]domain.Contract{}
			for _, k := range c.contracts {
				status[k.ID] = k
			}
			for _, e := range c.events {
				k := status[e.ContractID]
				if k.Status != domain.ContractSigned || e.StartAt.Before(*k.SignedAt) || !e.EndAt.After(e.StartAt) {
					t.Fatalf("event %d (%s..%s) on contract %d, %s, signed %v", e.ID, e.StartAt, e.EndAt, k.ID, k.Status, k.SignedAt)
				}
			}
		})

		t.Run("a realistic mix of every state the filters look for", func(t *testing.T) {
			mix := map[string]int{}
			for _, k := range c.contracts {
				mix["contract "+string(k.Status)]++
				if k.Status == domain.ContractSigned {
					switch {
					case k.AmountDue == 0:
						mix["paid"]++
					case k.AmountDue == k.TotalAmount:
						mix["unpaid"]++
					default:
						mix["partly paid"]++
					}
				}
			}
			for _, e := range c.events {
				when := "past"
				if e.StartAt.After(scaleNow) {
					when = "upcoming"
				}
				who := "assigned"
				if e.SupportContactID == nil {
					who = "unassigned"
				}
				mix[when]++
				mix[when+" "+who]++
			}
			for _, want := range []string{"contract draft", "contract signed", "contract cancelled", "paid", "unpaid", "partly paid",
				"past assigned", "past unassigned", "upcoming assigned", "upcoming unassigned"} {
				if mix[want]*50 < len(c.contracts) && !strings.HasPrefix(want, "past") && !strings.HasPrefix(want, "upcoming") {
					t.Errorf("%s: %d of %d contracts, want at least 2%%", want, mix[want], len(c.contracts))
				}
				if mix[want]*50 < len(c.events) && (strings.HasPrefix(want, "past") || strings.HasPrefix(want, "upcoming")) {
					t.Errorf("%s: %d of %d events, want at least 2%%", want, mix[want], len(c.events))
				}
			}
			t.Logf("mix: %v", mix)
		})

		t.Run("the generated staff log in with the demo password", func(t *testing.T) {
			for _, u := range c.users {
				if u.PasswordHash != seeds.ScaleStaffHash {
					t.Fatalf("%s has another hash", u.Email)
				}
			}
		})
	})
}

func orZero(t *time.Time) *time.Time {
	if t == nil {
		return &time.Time{}
	}
	return t
}

func mustGrants(t *testing.T) []domain.Grant {
	t.Helper()
	g, err := seeds.Grants()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestScaleIsDeterministic seeds the same N into fresh databases: the same
// rows every time, on either engine.
func TestScaleIsDeterministic(t *testing.T) {
	const n = 120
	var (
		mu    sync.Mutex
		first []string
	)
	compare := func(t *testing.T, db *store.DB) {
		if err := db.SeedGrants(context.Background(), mustGrants(t)); err != nil {
			t.Fatal(err)
		}
		scaleSeed(t, db, n, 50)
		got := readCompany(t, db).dump()
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = got
			return
		}
		if !slices.Equal(first, got) {
			t.Errorf("a second seed of %d customers differs from the first:\n%s", n, firstDiff(first, got))
		}
	}
	t.Run("sqlite, twice", func(t *testing.T) {
		compare(t, storetest.SQLite(t))
		compare(t, storetest.SQLite(t))
	})
	t.Run("mysql, like sqlite", func(t *testing.T) {
		db := storetest.MySQL(t)
		if db == nil {
			t.Skip("MySQL tests skipped")
		}
		compare(t, db)
	})
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(a), len(b))
}

// TestScaleInterruptedKeepsWholeBatches cancels a seed between batches and in
// the middle of one: what stays is exactly the batches committed before, with
// all their children, as a shorter seed would have written them, and the
// indexes deferred for the load are back.
func TestScaleInterruptedKeepsWholeBatches(t *testing.T) {
	const batch, kept = 40, 2 // two whole batches survive
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.SeedGrants(ctx, mustGrants(t)); err != nil {
			t.Fatal(err)
		}
		ref := storetest.SQLite(t)
		if err := ref.SeedGrants(ctx, mustGrants(t)); err != nil {
			t.Fatal(err)
		}
		scaleSeed(t, ref, kept*batch, batch)
		want := readCompany(t, ref).dump()

		for _, tt := range []struct {
			name  string
			store func(cancel func()) seeds.ScaleStore
			opts  func(cancel func()) func(seeds.ScaleProgress)
		}{
			{"between two batches", func(func()) seeds.ScaleStore { return &scaleStore{db: db} },
				func(cancel func()) func(seeds.ScaleProgress) {
					return func(p seeds.ScaleProgress) {
						if p.Phase == "customers" && p.Customers == kept*batch {
							cancel()
						}
					}
				}},
			{"in the middle of a batch, after its customers and contracts", func(cancel func()) seeds.ScaleStore {
				writes := 0
				return &scaleStore{db: db, onInsert: func(table string) {
					if table == "events" {
						if writes++; writes == kept+1 {
							cancel()
						}
					}
				}}
			}, func(func()) func(seeds.ScaleProgress) { return nil }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := db.Reset(ctx); err != nil {
					t.Fatal(err)
				}
				if err := db.SeedGrants(ctx, mustGrants(t)); err != nil {
					t.Fatal(err)
				}
				indexes := indexNames(t, db)
				cctx, cancel := context.WithCancel(ctx)
				defer cancel()
				res, err := seeds.Scale(cctx, tt.store(cancel), seeds.ScaleOptions{Customers: 5 * batch, Batch: batch, Now: scaleNow, Progress: tt.opts(cancel)})
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("Scale = %+v, %v; want context.Canceled", res, err)
				}
				if res.Customers != kept*batch {
					t.Errorf("reported %d customers written, want %d", res.Customers, kept*batch)
				}
				if got := readCompany(t, db).dump(); !slices.Equal(got, want) {
					t.Errorf("after the interruption the database is not the first %d batches:\n%s", kept, firstDiff(want, got))
				}
				if got := indexNames(t, db); !slices.Equal(got, indexes) {
					t.Errorf("after the interruption the indexes are %v, want %v", got, indexes)
				}
				assertListsUseIndexes(t, db)
			})
		}
	})
}

// indexNames lists the indexes of db, by name.
func indexNames(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
	if db.Driver() == store.DriverMySQL {
		q = "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY index_name"
	}
	rows, err := db.SQL().QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// assertListsUseIndexes checks that the events list is read through its index
// again after a load that deferred it.
func assertListsUseIndexes(t *testing.T, db *store.DB) {
	t.Helper()
	ctx, count := store.CountQueries(context.Background())
	if _, err := db.ListEvents(ctx, domain.EventFilter{SupportContactID: 5}); err != nil {
		t.Fatal(err)
	}
	stmt, _ := count.Last()
	plan, err := db.Explain(context.Background(), stmt)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range plan {
		if strings.Contains(step.String(), "ix_events_support_start") {
			return
		}
	}
	t.Errorf("my events are not read through ix_events_support_start: %v", plan)
}
