package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/store"
)

func TestCustomers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		other := newUser(t, db.Repos, domain.RoleSales, "Olga Other")

		t.Run("create then get joins the sales contact's name", func(t *testing.T) {
			c := domain.Customer{FullName: "Kevin Casey", Email: " Kevin@StartUp.io ", Phone: "+678 123 456 78",
				CompanyName: "Cool Startup LLC", SalesContactID: sales.ID}
			mustNil(t, db.CreateCustomer(ctx, &c))
			if c.ID == 0 || c.Version != 1 || c.Email != "kevin@startup.io" || c.CreatedAt.IsZero() {
				t.Fatalf("after create: %+v", c)
			}
			got, err := db.GetCustomer(ctx, c.ID)
			mustNil(t, err)
			if got.FullName != "Kevin Casey" || got.Email != "kevin@startup.io" || got.Phone != c.Phone ||
				got.CompanyName != c.CompanyName || got.SalesContactID != sales.ID || got.SalesContactName != "Sam Sales" ||
				!got.UpdatedAt.Equal(c.UpdatedAt) {
				t.Fatalf("GetCustomer = %+v", got)
			}
		})

		t.Run("a seeded last contact date is kept", func(t *testing.T) {
			last := time.Date(2025, 11, 2, 15, 0, 0, 0, time.UTC)
			c := domain.Customer{FullName: "Dated", Email: "dated@example.com", Phone: "0123456789", SalesContactID: sales.ID,
				CreatedAt: last.Add(-24 * time.Hour), UpdatedAt: last}
			mustNil(t, db.CreateCustomer(ctx, &c))
			got, err := db.GetCustomer(ctx, c.ID)
			mustNil(t, err)
			if !got.UpdatedAt.Equal(last) || !got.CreatedAt.Equal(last.Add(-24*time.Hour)) {
				t.Fatalf("times = %v / %v", got.CreatedAt, got.UpdatedAt)
			}
		})

		t.Run("a customer email used in another letter case is a conflict naming email", func(t *testing.T) {
			c := domain.Customer{FullName: "Kevin Twin", Email: "KEVIN@startup.IO", Phone: "0123456789", SalesContactID: other.ID}
			err := db.CreateCustomer(ctx, &c)
			wantField(t, err, domain.CodeConflict, "email")
			if contains(err.Error(), "kevin@") {
				t.Fatalf("message %q repeats the duplicate value", err)
			}
		})

		t.Run("a customer may share an email with a collaborator", func(t *testing.T) {
			c := domain.Customer{FullName: "Sam Private", Email: sales.Email, Phone: "0123456789", SalesContactID: other.ID}
			mustNil(t, db.CreateCustomer(ctx, &c))
		})

		t.Run("a sales contact that does not exist is not found, naming sales_contact_id", func(t *testing.T) {
			c := domain.Customer{FullName: "Orphan", Email: "orphan@example.com", Phone: "0123456789", SalesContactID: 999999}
			wantField(t, db.CreateCustomer(ctx, &c), domain.CodeNotFound, "sales_contact_id")
		})

		t.Run("update writes the fields and the new sales contact's name; the old version is stale", func(t *testing.T) {
			c := newCustomer(t, db.Repos, sales, "Reassign Me", "Moving Co")
			read := c
			c.SalesContactID = other.ID
			c.Phone = "+33 6 00 00 00 00"
			c.Email = "New.Address@Moving.co"
			mustNil(t, db.UpdateCustomer(ctx, &c))
			if c.Version != 2 || c.SalesContactName != "Olga Other" || c.Email != "new.address@moving.co" || !c.UpdatedAt.After(read.UpdatedAt) {
				t.Fatalf("after update: %+v", c)
			}
			got, err := db.GetCustomer(ctx, c.ID)
			mustNil(t, err)
			if got.SalesContactID != other.ID || got.Phone != c.Phone || got.Email != c.Email || got.Version != 2 {
				t.Fatalf("stored: %+v", got)
			}
			if err := db.UpdateCustomer(ctx, &read); err != domain.ErrStale {
				t.Fatalf("stale update: %v, want domain.ErrStale", err)
			}
		})

		t.Run("update from a read writes only what changed: a change made beside it stays, and the contact's name is not read again", func(t *testing.T) {
			was, err := db.GetCustomer(ctx, newCustomer(t, db.Repos, sales, "Beside Me", "Beside Co").ID)
			mustNil(t, err)
			// Another program fixes the company by hand, without a version: a column the
			// update does not change must not be written back as it was read.
			_, err = db.SQL().ExecContext(ctx, "UPDATE customers SET company_name = ? WHERE id = ?", "Fixed By Hand", was.ID)
			mustNil(t, err)
			next := was
			next.Phone, next.SalesContactName = "+33 6 11 11 11 11", ""
			counted, count := store.CountQueries(ctx)
			mustNil(t, db.UpdateCustomerFrom(counted, was, &next))
			if n := count.Count(); n != 1 {
				t.Errorf("%d statements, want the UPDATE alone: %+v", n, count.Statements())
			}
			if last, _ := count.Last(); !contains(last.SQL, "SET phone = ?, version = version + 1, updated_at = ? WHERE") {
				t.Errorf("UPDATE = %q, want the phone alone set", last.SQL)
			}
			if next.Version != 2 || next.SalesContactName != "Sam Sales" {
				t.Fatalf("after update: %+v", next)
			}
			got, err := db.GetCustomer(ctx, was.ID)
			mustNil(t, err)
			if got.Phone != next.Phone || got.CompanyName != "Fixed By Hand" || got.Version != 2 {
				t.Fatalf("stored: %+v", got)
			}
		})

		t.Run("an update that changes nothing bumps the version alone; a read of another row is refused", func(t *testing.T) {
			was := newCustomer(t, db.Repos, sales, "Same Again", "")
			next := was
			mustNil(t, db.UpdateCustomerFrom(ctx, was, &next))
			got, err := db.GetCustomer(ctx, was.ID)
			mustNil(t, err)
			if got.Version != 2 || got.FullName != was.FullName || got.Email != was.Email || got.Phone != was.Phone {
				t.Fatalf("stored: %+v", got)
			}
			other := newCustomer(t, db.Repos, sales, "Someone Else", "")
			wantCode(t, db.UpdateCustomerFrom(ctx, other, &got), domain.CodeInternal)
		})

		t.Run("update to another customer's email is a conflict naming email", func(t *testing.T) {
			a := newCustomer(t, db.Repos, sales, "First Owner", "")
			b := newCustomer(t, db.Repos, sales, "Second Owner", "")
			b.Email = a.Email
			wantField(t, db.UpdateCustomer(ctx, &b), domain.CodeConflict, "email")
		})

		t.Run("update to a missing sales contact is not found, naming sales_contact_id", func(t *testing.T) {
			c := newCustomer(t, db.Repos, sales, "Lost Contact", "")
			c.SalesContactID = 999999
			wantField(t, db.UpdateCustomer(ctx, &c), domain.CodeNotFound, "sales_contact_id")
		})

		t.Run("a missing customer is not found on get, update and delete", func(t *testing.T) {
			_, err := db.GetCustomer(ctx, 999999)
			wantCode(t, err, domain.CodeNotFound)
			c := domain.Customer{ID: 999999, FullName: "x", Email: "x@example.com", Phone: "0123456789", SalesContactID: sales.ID, Version: 1}
			wantCode(t, db.UpdateCustomer(ctx, &c), domain.CodeNotFound)
			wantCode(t, db.DeleteCustomer(ctx, 999999), domain.CodeNotFound)
		})

		t.Run("deleting a customer with contracts is refused, naming contracts", func(t *testing.T) {
			c := newCustomer(t, db.Repos, sales, "Has Contracts", "")
			newContract(t, db.Repos, c, 1000, 1000, domain.ContractDraft)
			de := wantCode(t, db.DeleteCustomer(ctx, c.ID), domain.CodeConflict)
			if !contains(de.Message, "contracts") {
				t.Fatalf("message %q does not name contracts", de.Message)
			}
		})

		t.Run("a customer without contracts is deleted", func(t *testing.T) {
			c := newCustomer(t, db.Repos, sales, "Short Lived", "")
			mustNil(t, db.DeleteCustomer(ctx, c.ID))
			_, err := db.GetCustomer(ctx, c.ID)
			wantCode(t, err, domain.CodeNotFound)
		})
	})
}

func TestListCustomers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db.Repos, domain.RoleSales, "Sam Sales")
		olga := newUser(t, db.Repos, domain.RoleSales, "Olga Other")
		mk := func(sales domain.Collaborator, name, email, company string) domain.Customer {
			c := domain.Customer{FullName: name, Email: email, Phone: "0123456789", CompanyName: company, SalesContactID: sales.ID}
			mustNil(t, db.CreateCustomer(ctx, &c))
			return c
		}
		zoe := mk(sam, "zoé Zimmer", "zoe@acme.test", "ACME Corp")
		bea := mk(olga, "Béa Bauer", "bea@globex.test", "Globex")
		al := mk(sam, "Al Alpha", "al@initech.test", "Initech 100%")
		under := mk(olga, "Under Score", "under_score@x.test", "Back\\slash Ltd")
		plain := mk(olga, "Plain Name", "underxscore@x.test", "Backslash Ltd")

		ids := func(f domain.CustomerFilter) []domain.ID {
			l, err := db.ListCustomers(ctx, f)
			mustNil(t, err)
			var out []domain.ID
			for _, c := range l.Items {
				out = append(out, c.ID)
				if c.SalesContactName == "" {
					t.Fatalf("customer %d listed without its sales contact's name", c.ID)
				}
			}
			return out
		}
		tests := []struct {
			name string
			f    domain.CustomerFilter
			want []domain.ID
		}{
			{"everyone's, by name regardless of case", domain.CustomerFilter{}, []domain.ID{al.ID, bea.ID, plain.ID, under.ID, zoe.ID}},
			{"my customers", domain.CustomerFilter{SalesContactID: sam.ID}, []domain.ID{al.ID, zoe.ID}},
			{"search in the name, any case", domain.CustomerFilter{Search: "ZIMMER"}, []domain.ID{zoe.ID}},
			{"search in the email", domain.CustomerFilter{Search: "globex.test"}, []domain.ID{bea.ID}},
			{"search in the company", domain.CustomerFilter{Search: "acme"}, []domain.ID{zoe.ID}},
			{"search with the owner", domain.CustomerFilter{SalesContactID: olga.ID, Search: "ltd"}, []domain.ID{plain.ID, under.ID}},
			{"a % in the search is literal", domain.CustomerFilter{Search: "100%"}, []domain.ID{al.ID}},
			{"a lone % matches only a %", domain.CustomerFilter{Search: "%"}, []domain.ID{al.ID}},
			{"an _ in the search is literal", domain.CustomerFilter{Search: "under_score"}, []domain.ID{under.ID}},
			{"a backslash in the search is literal", domain.CustomerFilter{Search: `back\slash`}, []domain.ID{under.ID}},
			{"blank search is no filter", domain.CustomerFilter{Search: "  "}, []domain.ID{al.ID, bea.ID, plain.ID, under.ID, zoe.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := ids(tt.f); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("pages follow the cursor, also under a filter", func(t *testing.T) {
			for size := 1; size <= 4; size++ {
				got := allPages(t, size, func(p domain.Page) (domain.List[domain.Customer], error) {
					return db.ListCustomers(ctx, domain.CustomerFilter{Page: p})
				}, func(c domain.Customer) domain.ID { return c.ID })
				if want := []domain.ID{al.ID, bea.ID, plain.ID, under.ID, zoe.ID}; !slices.Equal(got, want) {
					t.Fatalf("size %d: %v, want %v", size, got, want)
				}
				got = allPages(t, size, func(p domain.Page) (domain.List[domain.Customer], error) {
					return db.ListCustomers(ctx, domain.CustomerFilter{SalesContactID: olga.ID, Page: p})
				}, func(c domain.Customer) domain.ID { return c.ID })
				if want := []domain.ID{bea.ID, plain.ID, under.ID}; !slices.Equal(got, want) {
					t.Fatalf("size %d, olga's: %v, want %v", size, got, want)
				}
			}
		})
		t.Run("a garbled cursor is invalid input", func(t *testing.T) {
			_, err := db.ListCustomers(ctx, domain.CustomerFilter{Page: domain.Page{After: "%%%"}})
			wantField(t, err, domain.CodeInvalid, "page")
		})
	})
}
