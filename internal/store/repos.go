package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"gorm.io/gorm"
)

// Repos implements every repository of service.Repos, either on the pool
// (DB embeds one) or inside one transaction (the one DB.Tx hands to fn).
type Repos struct {
	db     *gorm.DB
	driver string
	now    func() time.Time
}

// q starts a statement bound to ctx.
func (r *Repos) q(ctx context.Context) *gorm.DB { return r.db.WithContext(ctx) }

func (r *Repos) mysql() bool { return r.driver == DriverMySQL }

// joined prepares a SELECT over a join whose first table drives the order of a
// list. MariaDB otherwise starts from the smallest joined table (users), then
// sorts the whole join to find the first page: STRAIGHT_JOIN keeps the written
// order, so the list walks its (key, id) index and stops after one page.
// SQLite already starts from the first table when its index serves the ORDER BY.
func (r *Repos) joined(query string) string {
	if r.mysql() {
		return "SELECT STRAIGHT_JOIN " + strings.TrimPrefix(query, "SELECT ")
	}
	return query
}

// stamp is the form every time takes before it is written: UTC (so SQLite's
// text comparisons order it) at MySQL's microsecond precision (so both engines
// give back what was written).
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func stampPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := stamp(*t)
	return &s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// clock returns now, or t when the caller set it (seeds date their rows).
func (r *Repos) clock(t time.Time) time.Time {
	if t.IsZero() {
		return stamp(r.now())
	}
	return stamp(t)
}

// exists reports whether table has a row with that id.
func (r *Repos) exists(ctx context.Context, table string, id any) (bool, error) {
	var found []int
	err := r.q(ctx).Raw("SELECT 1 FROM "+table+" WHERE id = ? LIMIT 1", id).Scan(&found).Error
	if err != nil {
		return false, err
	}
	return len(found) > 0, nil
}

// updateResult explains an UPDATE ... WHERE id = ? AND version = ? that touched
// no row: the row is gone (not found) or someone saved it first (stale).
func (r *Repos) updateResult(ctx context.Context, op, table, entity string, id domain.ID, res *gorm.DB) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	found, err := r.exists(ctx, table, id)
	if err != nil {
		return translate(op, err)
	}
	if !found {
		return domain.NotFound(entity, id)
	}
	return domain.ErrStale
}

// column is one column a version-checked update may write, with the value it
// holds in its stored form (normalised, stamped, in cents): two values compare
// equal exactly when writing one over the other would change nothing.
type column struct {
	name string // a column name of the store's own, never user input
	val  any    // nil for NULL; never a pointer, so that == compares values
}

// optional is a nullable value as a column holds it: nil or the value itself.
func optional[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// sameValue reports whether two column values are equal; times compare as instants.
func sameValue(a, b any) bool {
	if at, ok := a.(time.Time); ok {
		bt, ok := b.(time.Time)
		return ok && at.Equal(bt)
	}
	return a == b
}

// versioned is one version-checked update of a row: its columns as they were read
// (the row readID at readVersion) and as they are to be (the row id, at version),
// in the same order.
type versioned struct {
	op, table, entity    string
	id, readID           domain.ID
	version, readVersion int64
	was, next            []column
	refs                 []ref // the foreign keys next points through, for missingRef
}

// updateChanged writes the columns whose value differs between u.was and u.next,
// bumps the version and sets updated_at, where the row is still at u.version; it
// returns the updated_at written. Unchanged columns stay out of the SET list, so
// the engine leaves their index entries alone (SQLite rewrites the entries of
// every index on a column the statement sets, whatever the value). With nothing
// changed only the version and updated_at are written, as every save bumps them.
func (r *Repos) updateChanged(ctx context.Context, u versioned) (time.Time, error) {
	if u.readID != u.id || u.readVersion != u.version {
		return time.Time{}, fmt.Errorf("%s: the row read is %d at version %d, the row written %d at version %d",
			u.op, u.readID, u.readVersion, u.id, u.version)
	}
	if len(u.was) != len(u.next) {
		return time.Time{}, fmt.Errorf("%s: %d columns read, %d to write", u.op, len(u.was), len(u.next))
	}
	now := stamp(r.now())
	var set strings.Builder
	args := make([]any, 0, len(u.next)+3)
	for i, c := range u.next {
		if u.was[i].name != c.name {
			return time.Time{}, fmt.Errorf("%s: column %s read where %s is written", u.op, u.was[i].name, c.name)
		}
		if sameValue(u.was[i].val, c.val) {
			continue
		}
		set.WriteString(c.name + " = ?, ")
		args = append(args, c.val)
	}
	args = append(args, now, u.id, u.version)
	res := r.q(ctx).Exec("UPDATE "+u.table+" SET "+set.String()+"version = version + 1, updated_at = ? WHERE id = ? AND version = ?", args...)
	if err := r.updateResult(ctx, u.op, u.table, u.entity, u.id, res); err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return time.Time{}, r.missingRef(ctx, u.op, err, u.refs...)
		}
		return time.Time{}, translate(u.op, err)
	}
	return now, nil
}

// updateLatest ends an Update for a caller that kept no read: given the read the
// store just made (its error and version), a version other than the caller's is
// stale, and otherwise update runs from that read.
func updateLatest(readErr error, read, want int64, update func() error) error {
	if readErr != nil {
		return readErr
	}
	if read != want {
		return domain.ErrStale
	}
	return update()
}

// ref is a foreign key a row points through: when an insert or update fails on
// a foreign key, the first ref whose target is missing is named.
type ref struct {
	field  string // the domain's name for it, e.g. "sales_contact_id"
	table  string // the table it points to
	entity string // how people call a row of it
	id     any    // the value written; nil or 0 means not set
}

// missingRef explains a foreign key failure on a write.
func (r *Repos) missingRef(ctx context.Context, op string, cause error, refs ...ref) error {
	for _, f := range refs {
		if f.id == nil {
			continue
		}
		key := "id"
		if f.table == "roles" {
			key = "name"
		}
		var found []int
		if err := r.q(ctx).Raw("SELECT 1 FROM "+f.table+" WHERE "+key+" = ? LIMIT 1", f.id).Scan(&found).Error; err != nil {
			return translate(op, err)
		}
		if len(found) == 0 {
			return &domain.Error{
				Code:    domain.CodeNotFound,
				Message: fmt.Sprintf("%s %v not found", f.entity, f.id),
				Fields:  map[string]string{f.field: fmt.Sprintf("no %s has this id", f.entity)},
			}
		}
	}
	return translate(op, cause)
}

// child is a table whose rows point at a parent through column; a delete of a
// parent still pointed at is refused with the list of such tables.
type child struct{ table, column, what string }

// deleteRow deletes one row by id: not found when absent, a conflict naming
// what still points at it when a foreign key refuses.
func (r *Repos) deleteRow(ctx context.Context, op, table, entity string, id domain.ID, children ...child) error {
	res := r.q(ctx).Exec("DELETE FROM "+table+" WHERE id = ?", id)
	if res.Error != nil {
		if !errors.Is(res.Error, gorm.ErrForeignKeyViolated) {
			return translate(op, res.Error)
		}
		var held []string
		for _, c := range children {
			var found []int
			if err := r.q(ctx).Raw("SELECT 1 FROM "+c.table+" WHERE "+c.column+" = ? LIMIT 1", id).Scan(&found).Error; err != nil {
				return translate(op, err)
			}
			if len(found) > 0 {
				held = append(held, c.what)
			}
		}
		if len(held) == 0 {
			held = []string{"other records"}
		}
		return domain.Errorf(domain.CodeConflict, "%s %d is still referenced by %s; remove or reassign them first", entity, id, strings.Join(held, ", "))
	}
	if res.RowsAffected == 0 {
		return domain.NotFound(entity, id)
	}
	return nil
}

// pageOf makes one page of a list from its rows, fetched one beyond size: the
// extra row says, without a COUNT, that a next page exists, and the next page
// continues after the key of the last row kept.
func pageOf[R, T any](rows []R, size int, item func(R) T, key func(R) cursorKey) domain.List[T] {
	next := len(rows) > size
	if next {
		rows = rows[:size]
	}
	out := domain.List[T]{Items: make([]T, len(rows))}
	for i, row := range rows {
		out.Items[i] = item(row)
	}
	if next {
		out.Next = encodeCursor(key(rows[len(rows)-1]))
	}
	return out
}
