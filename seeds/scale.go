package seeds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// The scale generator: a large, deterministic company for measuring the CRM
// (`epicevents db seed --scale N`). N customers, about 5N contracts and 10N
// events, looked after by N/500 sales and as many support collaborators (at
// least 2 each) and 3 managers. It streams: customers are made and written a
// batch at a time, each batch with all its contracts, payments and events in
// one transaction, so memory does not grow with N and an interruption leaves
// whole batches, parents with their children, and nothing half-written.

// ScaleSeed seeds the generator's random source: the same N gives the same rows.
const ScaleSeed uint64 = 20260301

// ScaleStaffHash is the password hash every generated collaborator shares:
// argon2id of DemoPassword at the production cost (auth.RecommendedParams),
// computed once and written here. They are fake staff; hashing a password per
// collaborator would cost 0.1 s each and tell nothing more.
const ScaleStaffHash = "$argon2id$v=19$m=65536,t=2,p=1$cgVtXIRCJkGJRaDQEMuuuQ$EOCwZyMHTnik8JaEzd5SPP/MB6Ee6fffQkoiJ9/lc94"

// ScaleIDs are the highest ids in use before a scale seed: the generated rows
// are numbered after them, so that children point at parents without reading
// ids back.
type ScaleIDs struct {
	Users, Customers, Contracts, Payments, Events int64
}

// BulkWriter writes rows whose ids are already set, many per statement.
type BulkWriter interface {
	InsertUsers(ctx context.Context, us []domain.Collaborator) error
	InsertCustomers(ctx context.Context, cs []domain.Customer) error
	InsertContracts(ctx context.Context, ks []domain.Contract) error
	InsertPayments(ctx context.Context, ps []domain.Payment) error
	InsertEvents(ctx context.Context, es []domain.Event) error
	NextEmployeeNumber(ctx context.Context) (string, error)
}

// ScaleStore is what the scale generator needs from storage.
type ScaleStore interface {
	// LastIDs returns the highest id of each table the generator writes.
	LastIDs(ctx context.Context) (ScaleIDs, error)
	// Tx runs fn in one transaction: committed when fn returns nil.
	Tx(ctx context.Context, fn func(BulkWriter) error) error
	// Prepare readies the database for a bulk load (e.g. defers index builds)
	// and returns what must run after it, whatever happened (also when err is
	// not nil, if finish is); finish gets a context that is not cancelled.
	// It runs once, after LastIDs and before any Tx.
	Prepare(ctx context.Context) (finish func(context.Context) error, err error)
}

// ScaleOptions tells Scale what to make.
type ScaleOptions struct {
	Customers int       // N
	Now       time.Time // dates are spread around it; rows depend on its day only
	Batch     int       // customers per transaction; 0 means 500
	// Progress, when set, is called after the staff and after each batch, and
	// once in the "indexes" phase before finish runs.
	Progress func(ScaleProgress)
}

// ScaleProgress says how far a scale seed has gone.
type ScaleProgress struct {
	Phase     string // "staff", "customers" or "indexes"
	Customers int    // customers written so far
	Total     int    // customers to write (N)
	Rows      int64  // rows written so far, every table
	Elapsed   time.Duration
}

// ScaleResult counts what Scale wrote.
type ScaleResult struct {
	Users, Customers, Contracts, Payments, Events int64
	Elapsed                                       time.Duration
}

// Rows is the number of rows written.
func (r ScaleResult) Rows() int64 {
	return r.Users + r.Customers + r.Contracts + r.Payments + r.Events
}

// ScaleStaff returns how many sales, support and management collaborators a
// company of n customers gets.
func ScaleStaff(n int) (sales, support, managers int) {
	return max(2, n/500), max(2, n/500), 3
}

// Scale writes the generated company. On a cancelled ctx it stops between
// batches (a batch in flight is rolled back) and returns an error that
// errors.Is ctx.Err(); what was committed is whole.
func Scale(ctx context.Context, s ScaleStore, opts ScaleOptions) (ScaleResult, error) {
	if opts.Customers <= 0 {
		return ScaleResult{}, domain.Invalid("scale", "must be a number of customers above 0")
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	began := time.Now()
	g, err := newGenerator(ctx, s, opts)
	if err != nil {
		return ScaleResult{}, err
	}
	finish, err := s.Prepare(ctx)
	if err != nil {
		err = fmt.Errorf("scale seed: prepare: %w", err)
		if finish != nil {
			err = errors.Join(err, finish(context.WithoutCancel(ctx)))
		}
		return ScaleResult{}, err
	}
	loadErr := g.load(ctx, s, began)
	if opts.Progress != nil {
		opts.Progress(ScaleProgress{Phase: "indexes", Customers: g.done, Total: opts.Customers, Rows: g.res.Rows(), Elapsed: time.Since(began)})
	}
	finishErr := finish(context.WithoutCancel(ctx))
	g.res.Elapsed = time.Since(began)
	if err := errors.Join(loadErr, finishErr); err != nil {
		return g.res, err
	}
	return g.res, nil
}

// generator holds what the batches share: the random source, the staff's ids
// and the next id of each table.
type generator struct {
	f                        *faker
	opts                     ScaleOptions
	now                      time.Time
	next                     ScaleIDs // the last id given, per table
	staff                    []domain.Collaborator
	sales, support, managers []domain.ID
	res                      ScaleResult
	done                     int
}

func newGenerator(ctx context.Context, s ScaleStore, opts ScaleOptions) (*generator, error) {
	base, err := s.LastIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("scale seed: last ids: %w", err)
	}
	now := opts.Now.UTC().Truncate(24 * time.Hour)
	if opts.Now.IsZero() {
		now = time.Now().UTC().Truncate(24 * time.Hour)
	}
	return &generator{
		f:    newFaker(ScaleSeed),
		opts: opts,
		now:  now,
		next: base,
	}, nil
}

func (g *generator) load(ctx context.Context, s ScaleStore, began time.Time) error {
	report := func(phase string) {
		if g.opts.Progress != nil {
			g.opts.Progress(ScaleProgress{Phase: phase, Customers: g.done, Total: g.opts.Customers, Rows: g.res.Rows(), Elapsed: time.Since(began)})
		}
	}
	if err := s.Tx(ctx, g.writeStaff(ctx)); err != nil {
		return fmt.Errorf("scale seed: staff: %w", err)
	}
	g.res.Users = int64(len(g.staff))
	report("staff")
	b := &batch{}
	for g.done < g.opts.Customers {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("scale seed: stopped after %d of %d customers: %w", g.done, g.opts.Customers, err)
		}
		n := min(g.opts.Batch, g.opts.Customers-g.done)
		before := g.next
		b.reset()
		g.makeBatch(b, n)
		err := s.Tx(ctx, func(w BulkWriter) error { return b.write(ctx, w) })
		if err != nil {
			g.next = before
			if ctx.Err() != nil {
				return fmt.Errorf("scale seed: stopped after %d of %d customers: %w", g.done, g.opts.Customers, errors.Join(ctx.Err(), err))
			}
			return fmt.Errorf("scale seed: customers %d to %d: %w", g.done+1, g.done+n, err)
		}
		g.done += n
		g.res.Customers += int64(len(b.customers))
		g.res.Contracts += int64(len(b.contracts))
		g.res.Payments += int64(len(b.payments))
		g.res.Events += int64(len(b.events))
		report("customers")
	}
	return nil
}

// writeStaff makes the sales, support and management collaborators.
func (g *generator) writeStaff(ctx context.Context) func(BulkWriter) error {
	// The store runs this again after a deadlock: each run starts from the state
	// the generator had before the first, so the pick lists hold only committed ids.
	users := g.next.Users
	managers, sales, support := len(g.managers), len(g.sales), len(g.support)
	return func(w BulkWriter) error {
		g.next.Users = users
		g.managers, g.sales, g.support = g.managers[:managers], g.sales[:sales], g.support[:support]
		first, err := w.NextEmployeeNumber(ctx)
		if err != nil {
			return err
		}
		number, err := strconv.Atoi(strings.TrimPrefix(first, "EE-"))
		if err != nil {
			return fmt.Errorf("employee number %q: %w", first, err)
		}
		nSales, nSupport, nManagers := ScaleStaff(g.opts.Customers)
		joined := g.now.AddDate(-6, 0, 0)
		g.staff = g.staff[:0]
		add := func(role domain.Role, count int, into *[]domain.ID) {
			for range count {
				g.next.Users++
				firstName, lastName := g.f.FirstName(), g.f.LastName()
				at := joined.Add(time.Duration(g.f.IntN(365*24)) * time.Hour)
				g.staff = append(g.staff, domain.Collaborator{
					ID:             g.next.Users,
					EmployeeNumber: fmt.Sprintf("EE-%04d", number),
					FullName:       firstName + " " + lastName,
					Email:          fmt.Sprintf("%s.%s.%d@staff.example.com", asciiLower(firstName), asciiLower(lastName), g.next.Users),
					PasswordHash:   ScaleStaffHash,
					Role:           role,
					Active:         true,
					CreatedAt:      at,
					UpdatedAt:      at,
				})
				*into = append(*into, g.next.Users)
				number++
			}
		}
		add(domain.RoleManagement, nManagers, &g.managers)
		add(domain.RoleSales, nSales, &g.sales)
		add(domain.RoleSupport, nSupport, &g.support)
		return w.InsertUsers(ctx, g.staff)
	}
}

// batch is one transaction's rows; its slices are reused from batch to batch.
type batch struct {
	customers []domain.Customer
	contracts []domain.Contract
	payments  []domain.Payment
	events    []domain.Event
}

func (b *batch) reset() {
	b.customers, b.contracts, b.payments, b.events = b.customers[:0], b.contracts[:0], b.payments[:0], b.events[:0]
}

// write inserts the batch, parents before children.
func (b *batch) write(ctx context.Context, w BulkWriter) error {
	if err := w.InsertCustomers(ctx, b.customers); err != nil {
		return err
	}
	if err := w.InsertContracts(ctx, b.contracts); err != nil {
		return err
	}
	if err := w.InsertPayments(ctx, b.payments); err != nil {
		return err
	}
	return w.InsertEvents(ctx, b.events)
}

// makeBatch generates n customers with their contracts, payments and events.
func (g *generator) makeBatch(b *batch, n int) {
	f := g.f
	for range n {
		g.next.Customers++
		firstName, lastName := f.FirstName(), f.LastName()
		created := g.now.Add(-time.Duration(f.IntN(5*365*24*60)) * time.Minute)
		contact := created.Add(time.Duration(f.Float64() * float64(g.now.Sub(created))))
		cust := domain.Customer{
			ID:             g.next.Customers,
			FullName:       firstName + " " + lastName,
			Email:          fmt.Sprintf("%s.%s.%d@example.com", asciiLower(firstName), asciiLower(lastName), g.next.Customers),
			Phone:          "+33 " + f.Phone(),
			CompanyName:    f.Company(),
			SalesContactID: g.sales[f.IntN(len(g.sales))],
			Version:        1,
			CreatedAt:      created,
			UpdatedAt:      contact,
		}
		b.customers = append(b.customers, cust)

		for range 1 + f.IntN(9) { // 1 to 9 contracts, 5 on average
			g.next.Contracts++
			kCreated := created.Add(time.Duration(f.Float64() * float64(g.now.Sub(created))))
			total := domain.Money(int64(5+f.IntN(496)) * 100_00) // 500.00 to 50 000.00
			k := domain.Contract{
				ID: g.next.Contracts, CustomerID: cust.ID, TotalAmount: total, AmountDue: total,
				Status: domain.ContractDraft, Version: 1, CreatedAt: kCreated, UpdatedAt: kCreated,
			}
			switch roll := f.IntN(100); {
			case roll < 60:
				k.Status = domain.ContractSigned
			case roll < 70:
				k.Status = domain.ContractCancelled
			}
			if k.Status == domain.ContractSigned {
				signed := minTime(kCreated.Add(time.Duration(f.IntN(30*24*60))*time.Minute), g.now)
				k.SignedAt = &signed
				k.UpdatedAt = signed
				k.AmountDue = g.makePayments(b, k, cust.SalesContactID, signed)
				g.makeEvents(b, k, signed)
			}
			b.contracts = append(b.contracts, k)
		}
	}
}

// makePayments records what was received on a signed contract (all of it,
// part of it, or nothing) and returns the amount still due.
func (g *generator) makePayments(b *batch, k domain.Contract, sales domain.ID, signed time.Time) domain.Money {
	f := g.f
	var paid domain.Money
	switch roll := f.IntN(100); {
	case roll < 45:
		paid = k.TotalAmount
	case roll < 75:
		paid = domain.Money(int64(10+f.IntN(80)) * k.TotalAmount.Cents() / 100 / 100 * 100)
	}
	if paid <= 0 {
		return k.TotalAmount
	}
	parts := 1 + f.IntN(3)
	left := paid
	for i := range parts {
		amount := left
		if i < parts-1 {
			amount = left / domain.Money(parts-i) / 100 * 100
			if amount <= 0 {
				continue
			}
		}
		left -= amount
		g.next.Payments++
		span := g.now.Sub(signed)
		at := signed.Add(time.Duration(f.Float64() * float64(span)))
		by := sales
		if f.IntN(4) == 0 {
			by = g.managers[f.IntN(len(g.managers))]
		}
		b.payments = append(b.payments, domain.Payment{
			ID: g.next.Payments, ContractID: k.ID, Amount: amount, ReceivedAt: at, RecordedByID: by, CreatedAt: at,
		})
	}
	return k.TotalAmount - paid
}

// makeEvents plans 1 to 6 events on a signed contract: from three years ago to
// a year ahead, never before the signature; most past ones had support, fewer
// of the upcoming ones have it yet.
func (g *generator) makeEvents(b *batch, k domain.Contract, signed time.Time) {
	f := g.f
	for range 1 + f.IntN(6) {
		g.next.Events++
		start := g.now.Add(time.Duration(f.IntN(4*365*24)-3*365*24) * time.Hour)
		if start.Before(signed) {
			start = signed.Add(time.Duration(1+f.IntN(60*24)) * time.Hour)
		}
		start = start.Truncate(15 * time.Minute)
		e := domain.Event{
			ID:         g.next.Events,
			ContractID: k.ID,
			Name:       f.EventName(),
			StartAt:    start,
			EndAt:      start.Add(time.Duration(2+f.IntN(11)) * time.Hour),
			Location:   f.City(),
			Attendees:  10 + f.IntN(1990),
			Version:    1,
			CreatedAt:  signed,
			UpdatedAt:  signed,
		}
		if f.IntN(5) == 0 {
			e.Notes = f.Note()
		}
		assigned := 90
		if start.After(g.now) {
			assigned = 55
		}
		if f.IntN(100) < assigned {
			id := g.support[f.IntN(len(g.support))]
			e.SupportContactID = &id
		}
		b.events = append(b.events, e)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// asciiLower keeps the letters and digits of a name that an email's local
// part takes without quoting.
func asciiLower(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		}
	}
	if sb.Len() == 0 {
		return "x"
	}
	return sb.String()
}
