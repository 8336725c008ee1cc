package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

// searchWorld holds searchRows customers (one signed contract each, unpaid
// every other one, each with one event, without support every third one) and
// as many sales collaborators, with a few rare words among their names.
type searchWorld struct {
	sales     domain.Collaborator
	customers map[domain.ID]domain.Customer
}

const searchRows = 30

// rareAt is the row (in name order, and in creation order) whose names carry
// the rare word: far enough into every list for several windows before it.
const rareAt = 23

func fillSearchWorld(t *testing.T, db *store.DB) searchWorld {
	t.Helper()
	w := searchWorld{customers: map[domain.ID]domain.Customer{}}
	w.sales = newUser(t, db.Repos, domain.RoleSales, "Search Sales")
	support := newUser(t, db.Repos, domain.RoleSupport, "Search Support")
	for i := range searchRows {
		name := fmt.Sprintf("Person %02d", i)
		if i == rareAt {
			name += " Zephyrine"
		}
		newUser(t, db.Repos, domain.RoleSales, "Staff "+name)
		c := newCustomer(t, db.Repos, w.sales, "Customer "+name, "Plain SA")
		w.customers[c.ID] = c
		due := domain.Money(0)
		if i%2 == 0 {
			due = 50_00
		}
		k := newContract(t, db.Repos, c, 100_00, due, domain.ContractSigned)
		var s *domain.Collaborator
		if i%3 != 0 {
			s = &support
		}
		newEvent(t, db.Repos, k, s, "Event "+name, t0.Add(time.Duration(i)*time.Hour), 2)
	}
	return w
}

// searchCase is one list with its filters, searched for a term.
type searchCase struct {
	name string
	// list reads one page of the list narrowed by the case's filters, and
	// searched for term ("" for none), as (id, text searched) pairs.
	list func(ctx context.Context, term string, p domain.Page) (domain.List[found], error)
}

// found is a row of a list: its id and the text its search looks in.
type found struct {
	ID   domain.ID
	Text string
}

func searchCases(db *store.DB, w searchWorld) []searchCase {
	customerText := func(c domain.Customer) string { return c.FullName + "|" + c.Email + "|" + c.CompanyName }
	users := func(f domain.UserFilter) func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
		return func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
			f.Search, f.Page = term, p
			l, err := db.ListUsers(ctx, f)
			return mapList(l, func(u domain.Collaborator) found {
				return found{u.ID, u.FullName + "|" + u.Email + "|" + u.EmployeeNumber}
			}), err
		}
	}
	customers := func(f domain.CustomerFilter) func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
		return func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
			f.Search, f.Page = term, p
			l, err := db.ListCustomers(ctx, f)
			return mapList(l, func(c domain.Customer) found { return found{c.ID, customerText(c)} }), err
		}
	}
	contracts := func(f domain.ContractFilter) func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
		return func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
			f.Search, f.Page = term, p
			l, err := db.ListContracts(ctx, f)
			return mapList(l, func(k domain.Contract) found { return found{k.ID, customerText(w.customers[k.CustomerID])} }), err
		}
	}
	events := func(f domain.EventFilter) func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
		return func(ctx context.Context, term string, p domain.Page) (domain.List[found], error) {
			f.Search, f.Page = term, p
			l, err := db.ListEvents(ctx, f)
			return mapList(l, func(e domain.Event) found { return found{e.ID, e.Name + "|" + e.Location + "|" + e.CustomerName} }), err
		}
	}
	from := t0.Add(5 * time.Hour)
	return []searchCase{
		{"collaborators", users(domain.UserFilter{})},
		{"collaborators of a role", users(domain.UserFilter{Role: domain.RoleSales})},
		{"customers", customers(domain.CustomerFilter{})},
		{"my customers", customers(domain.CustomerFilter{SalesContactID: w.sales.ID})},
		{"contracts", contracts(domain.ContractFilter{})},
		{"contracts not fully paid", contracts(domain.ContractFilter{Unpaid: true})},
		{"signed contracts", contracts(domain.ContractFilter{Status: domain.ContractSigned})},
		{"my customers' contracts", contracts(domain.ContractFilter{SalesContactID: w.sales.ID})},
		{"events", events(domain.EventFilter{})},
		{"events without support", events(domain.EventFilter{WithoutSupport: true})},
		{"upcoming events", events(domain.EventFilter{From: &from})},
	}
}

func mapList[T any](l domain.List[T], f func(T) found) domain.List[found] {
	out := domain.List[found]{Next: l.Next, Searched: l.Searched, Items: make([]found, len(l.Items))}
	for i, it := range l.Items {
		out.Items[i] = f(it)
	}
	return out
}

// wantPage is a page as the window makes it.
type wantPage struct {
	IDs      []domain.ID
	Next     bool
	Searched int
}

// windowPages is what a search for term must return, page after page, over a
// list whose rows (in order, with its filters) are rows: each page holds the
// matches among the next window rows after the previous page, at most size
// of them; a page that found more goes on after its last match, any other
// after its window, and the page whose window reaches the end of the list is
// the last.
func windowPages(rows []found, term string, window, size int) []wantPage {
	var pages []wantPage
	for pos := 0; ; {
		end := min(pos+window, len(rows))
		var p wantPage
		next := end
		for i := pos; i < end; i++ {
			if !contains(rows[i].Text, term) {
				continue
			}
			if len(p.IDs) == size {
				// More matches than the page holds: the next page goes on
				// after the last one shown.
				p.Next, next = true, slices.Index(ids(rows), p.IDs[size-1])+1
				break
			}
			p.IDs = append(p.IDs, rows[i].ID)
		}
		if !p.Next && end < len(rows) {
			p.Next = true
			if len(p.IDs) < size {
				p.Searched = window
			}
		}
		pages = append(pages, p)
		if !p.Next {
			return pages
		}
		pos = next
	}
}

func ids(rows []found) []domain.ID {
	out := make([]domain.ID, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// TestSearchPagesReadOneWindowEach searches every list, alone and narrowed by
// its filters, for a rare word far into it, a word found nowhere and a word
// found everywhere, with a window of a few rows: every page holds exactly the
// matches among the rows of its window (so a page never looks past it), a
// page left short by its window says so and goes on after the window, and the
// pages together are the unbounded search, in order.
func TestSearchPagesReadOneWindowEach(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		w := fillSearchWorld(t, db)
		const window = 4
		wctx := store.WithSearchWindow(ctx, window)
		for _, sc := range searchCases(db, w) {
			whole, err := sc.list(ctx, "", domain.Page{Limit: domain.MaxPageSize})
			mustNil(t, err)
			if whole.Next != "" {
				t.Fatalf("%s: more than a page of %d rows", sc.name, domain.MaxPageSize)
			}
			rows := whole.Items
			if len(rows) <= 2*window {
				t.Fatalf("%s: %d rows, want more than two windows", sc.name, len(rows))
			}
			for _, term := range []string{"zEPHYRINE", "Nowhere to be found", "person", "Person 1"} {
				for _, size := range []int{2, 3} {
					t.Run(fmt.Sprintf("%s, %q, pages of %d", sc.name, term, size), func(t *testing.T) {
						want := windowPages(rows, term, window, size)
						var got []wantPage
						var cursor domain.Cursor
						for range len(rows) + 2 {
							cctx, count := store.CountQueries(wctx)
							l, err := sc.list(cctx, term, domain.Page{After: cursor, Limit: size})
							mustNil(t, err)
							got = append(got, wantPage{IDs: ids(l.Items), Next: l.Next != "", Searched: l.Searched})
							if n := count.Count(); n != 2 {
								t.Errorf("page %d: %d statements, want 2 (the window's end, then the page)", len(got), n)
							}
							if cursor = l.Next; cursor == "" {
								break
							}
						}
						if fmt.Sprint(got) != fmt.Sprint(want) {
							t.Errorf("pages (ids, next, rows searched):\n got %v\nwant %v", got, want)
						}
						var unbounded, paged []domain.ID
						for _, r := range rows {
							if contains(r.Text, term) {
								unbounded = append(unbounded, r.ID)
							}
						}
						for _, p := range got {
							paged = append(paged, p.IDs...)
						}
						if !slices.Equal(paged, unbounded) {
							t.Errorf("pages put together: %v, want the unbounded search %v", paged, unbounded)
						}
					})
				}
			}
		}
	})
}

// TestSearchFindsARareWordFarIntoTheList follows the pages of a search for a
// word that only one row, far into the list, holds: the pages before its
// window are empty, each with a next page and the rows it looked through; the
// row comes on the page of its window.
func TestSearchFindsARareWordFarIntoTheList(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		fillSearchWorld(t, db)
		const window = 5
		wctx := store.WithSearchWindow(ctx, window)
		var cursor domain.Cursor
		var pages []string
		for range searchRows {
			l, err := db.ListCustomers(wctx, domain.CustomerFilter{Search: "zephyrine", Page: domain.Page{After: cursor}})
			mustNil(t, err)
			var names []string
			for _, c := range l.Items {
				names = append(names, c.FullName)
			}
			pages = append(pages, fmt.Sprintf("%v next=%t searched=%d", names, l.Next != "", l.Searched))
			if cursor = l.Next; cursor == "" {
				break
			}
		}
		empty := "[] next=true searched=5"
		want := []string{empty, empty, empty, empty, "[Customer Person 23 Zephyrine] next=true searched=5", "[] next=false searched=0"}
		if !slices.Equal(pages, want) {
			t.Errorf("pages:\n got %q\nwant %q", pages, want)
		}
	})
}

// TestSearchWindowIsTheDefault checks that a search page without a window of
// the tests' reads at most store.SearchWindow rows: the window's end is read
// at that offset.
func TestSearchWindowIsTheDefault(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		cctx, count := store.CountQueries(ctx)
		_, err := db.ListEvents(cctx, domain.EventFilter{Search: "x"})
		mustNil(t, err)
		stmts := count.Statements()
		if len(stmts) != 2 || !strings.Contains(stmts[0].SQL, "OFFSET") {
			t.Fatalf("statements %+v, want the window's end then the page", stmts)
		}
		if got := fmt.Sprint(stmts[0].Vars[len(stmts[0].Vars)-1]); got != strconv.Itoa(store.SearchWindow-1) {
			t.Errorf("window end read at offset %s, want %d", got, store.SearchWindow-1)
		}
	})
}

// TestSearchPageReadsAtMostItsWindow counts, on MariaDB, the index entries a
// search page walks (the server's Handler_read_next and _prev of the
// session): a word found nowhere costs two walks of the window (its end, then
// the page), not the table.
func TestSearchPageReadsAtMostItsWindow(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		if db.Driver() != store.DriverMySQL {
			t.Skip("the counters are MariaDB's")
		}
		fillSearchWorld(t, db)
		const window = 6
		read := func(r *store.Repos) int {
			n := 0
			for _, name := range []string{"Handler_read_next", "Handler_read_prev"} {
				v, err := r.SessionStatus(ctx, name)
				mustNil(t, err)
				i, err := strconv.Atoi(v)
				mustNil(t, err)
				n += i
			}
			return n
		}
		lists := map[string]func(ctx context.Context, r *store.Repos) (domain.List[domain.ID], error){
			"customers": func(ctx context.Context, r *store.Repos) (domain.List[domain.ID], error) {
				l, err := r.ListCustomers(ctx, domain.CustomerFilter{Search: "nowhere"})
				return domain.List[domain.ID]{Next: l.Next}, err
			},
			"contracts": func(ctx context.Context, r *store.Repos) (domain.List[domain.ID], error) {
				l, err := r.ListContracts(ctx, domain.ContractFilter{Search: "nowhere"})
				return domain.List[domain.ID]{Next: l.Next}, err
			},
			"events": func(ctx context.Context, r *store.Repos) (domain.List[domain.ID], error) {
				l, err := r.ListEvents(ctx, domain.EventFilter{Search: "nowhere"})
				return domain.List[domain.ID]{Next: l.Next}, err
			},
			"collaborators": func(ctx context.Context, r *store.Repos) (domain.List[domain.ID], error) {
				l, err := r.ListUsers(ctx, domain.UserFilter{Search: "nowhere"})
				return domain.List[domain.ID]{Next: l.Next}, err
			},
		}
		for name, list := range lists {
			t.Run(name, func(t *testing.T) {
				var walked int
				err := db.Tx(ctx, func(r *store.Repos) error {
					before := read(r)
					l, err := list(store.WithSearchWindow(ctx, window), r)
					if err == nil && l.Next == "" {
						err = fmt.Errorf("no next page after the first window")
					}
					walked = read(r) - before
					t.Logf("walked %d index entries", walked)
					return err
				})
				mustNil(t, err)
				// Each statement reads its window and one row more (the
				// window's end also looks for a row after it).
				if limit := 2 * (window + 1); walked > limit {
					t.Errorf("a page walked %d index entries, want at most %d (two walks of a window of %d)", walked, limit, window)
				}
			})
		}
	})
}
