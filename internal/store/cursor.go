package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// cursorKey is what a page cursor carries: which list it belongs to, the last
// row's sort key (a name, or a time) and its id. It is opaque to callers.
type cursorKey struct {
	List string    `json:"l"`
	Text string    `json:"s,omitempty"`
	Time time.Time `json:"t,omitzero"`
	ID   int64     `json:"i"`
}

func encodeCursor(k cursorKey) domain.Cursor {
	b, _ := json.Marshal(k) // a struct of strings, a time and an int always marshals
	return domain.Cursor(base64.RawURLEncoding.EncodeToString(b))
}

var errBadCursor = domain.Invalid("page", "is not a page of this list; start again from the first page")

// decodeCursor reads a cursor of list; ok is false for the first page.
func decodeCursor(c domain.Cursor, list string) (k cursorKey, ok bool, err error) {
	if c == "" {
		return cursorKey{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(string(c))
	if err != nil {
		return cursorKey{}, false, errBadCursor
	}
	if err := json.Unmarshal(b, &k); err != nil || k.List != list || k.ID <= 0 {
		return cursorKey{}, false, errBadCursor
	}
	k.Time = k.Time.UTC()
	return k, true, nil
}

// where accumulates a WHERE clause and its arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// after adds the keyset predicate "rows after (key, id)" in the order given.
// The form k >= ? AND (k > ? OR id > ?) is the one both engines answer from the
// (k, id) index; the row-value form and the plain OR form each make one of them scan.
func (w *where) after(keyCol, idCol string, key any, id int64, desc bool) {
	if desc {
		w.add(keyCol+" <= ? AND ("+keyCol+" < ? OR "+idCol+" < ?)", key, key, id)
		return
	}
	w.add(keyCol+" >= ? AND ("+keyCol+" > ? OR "+idCol+" > ?)", key, key, id)
}

// until adds the keyset predicate "rows up to (key, id), that row included" in
// the order given: the end of a search window, in the form of after.
func (w *where) until(keyCol, idCol string, key any, id int64, desc bool) {
	if desc {
		w.add(keyCol+" >= ? AND ("+keyCol+" > ? OR "+idCol+" >= ?)", key, key, id)
		return
	}
	w.add(keyCol+" <= ? AND ("+keyCol+" < ? OR "+idCol+" <= ?)", key, key, id)
}

// search adds "one of cols contains text", case-insensitively, with the
// wildcards of LIKE taken literally.
func (w *where) search(r *Repos, text string, cols ...string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	pattern := "%" + likeEscaper.Replace(text) + "%"
	// MySQL reads a backslash in a string literal as an escape, SQLite does not:
	// the same one-character escape is spelled differently.
	escape := `'\'`
	if r.mysql() {
		escape = `'\\'`
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " LIKE ? ESCAPE " + escape
		w.args = append(w.args, pattern)
	}
	w.conds = append(w.conds, "("+strings.Join(parts, " OR ")+")")
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// searchWindow is how many rows of a list one search page reads at most.
// LIKE '%text%' cannot use an index (and FULLTEXT or FTS5 would tie the schema
// to engines that Vitess or TiDB do not follow), so a search walks its list's
// own index and tests every row: unbounded, a term that matches rarely or never
// read the whole table (24 s on SQLite and 3 min 34 s on MariaDB at 1 000 000
// events). A search page therefore stops after the window, full or not, and the
// next page goes on from the window's last row.
//
// Why 5 000: a window costs linearly in its rows, and the events' most, as
// each event joins its contract and customer for the customer's name.
// BenchmarkSearchWindow (search_window_bench_test.go: 25 000 customers, 50 000
// events, a term found nowhere, cached data, this 2-core machine at load 3 to
// 5) measured per row: events 12 µs on SQLite and 4.7 µs on MariaDB, customers
// 2.7 and 1.4 µs; a page of events thus costs 26 ms on SQLite at 2 000 rows,
// 62 ms at 5 000, 119 ms at 10 000 and 288 ms at 20 000. 5 000 is the largest
// round window that keeps the slowest list's page under 100 ms, the most a
// person waits without noticing; a smaller window would only add pages to a
// long search (a million events: 200 pages of 5 000 rows), each with its two
// statements and a key to press. BENCHMARKS.md ("How text search grows") has
// the figures at 100 000 customers, where MariaDB reads from disk.
const searchWindow = 5000

// windowKey carries, on a context, a window other than searchWindow: only the
// tests set one (export_test.go), to see a window end in a few rows.
type windowKey struct{}

// windowRows is the window of a search page run with ctx.
func windowRows(ctx context.Context) int {
	if n, ok := ctx.Value(windowKey{}).(int); ok && n > 0 {
		return n
	}
	return searchWindow
}

// keyOrder is how a list is ordered: by a key column, then the id, both
// ascending or both descending; the key is a name (text) or a time.
type keyOrder struct {
	list          string // the cursor's list name
	keyCol, idCol string
	timeKey       bool
	desc          bool
}

func (o keyOrder) orderBy() string {
	if o.desc {
		return " ORDER BY " + o.keyCol + " DESC, " + o.idCol + " DESC"
	}
	return " ORDER BY " + o.keyCol + ", " + o.idCol
}

func (o keyOrder) after(w *where, k cursorKey) {
	w.after(o.keyCol, o.idCol, o.key(k), k.ID, o.desc)
}

func (o keyOrder) key(k cursorKey) any {
	if o.timeKey {
		return k.Time
	}
	return k.Text
}

// windowEnd is where a search page's window ends: the cursor of its last row,
// and how many rows it holds; ok is false when the list ends within it.
type windowEnd struct {
	ok   bool
	at   cursorKey
	rows int
}

// boundSearch bounds a search page to its window: the next windowRows rows of
// the list after the cursor, with the list's own filters (w, before the search
// is added), in the list's order. It reads the window's last row, and the one
// after it if any, with a walk of those rows on the list's index (from is the
// FROM clause, with the index hints the list's page uses), and adds "up to that
// row" to w. When no row follows the window, w is left as it is: what remains
// of the list is the window, and the page is the last.
func (r *Repos) boundSearch(ctx context.Context, w *where, from string, o keyOrder) (windowEnd, error) {
	n := windowRows(ctx)
	end := windowEnd{rows: n, at: cursorKey{List: o.list}}
	var key any = &end.at.Text
	if o.timeKey {
		key = &end.at.Time
	}
	query := "SELECT " + o.keyCol + ", " + o.idCol + " " + from + w.sql() + o.orderBy() + " LIMIT 2 OFFSET ?"
	args := append(slices.Clip(w.args), n-1)
	if !r.mysql() {
		// SQLite plans a query with an OFFSET as if it read every row, and then
		// prefers to sort them (or to range on another index) over walking the
		// list's index; with a plain LIMIT it walks the index, and it reads the
		// subquery's rows in their order, sorting nothing. MariaDB walks the
		// index for the OFFSET, and would sort the subquery's rows again.
		walk := "SELECT " + o.keyCol + " AS wkey, " + o.idCol + " AS wid " + from + w.sql() + o.orderBy() + " LIMIT ?"
		inner := keyOrder{keyCol: "wkey", idCol: "wid", desc: o.desc}
		query = "SELECT wkey, wid FROM (" + walk + ") win" + inner.orderBy() + " LIMIT 2 OFFSET ?"
		args = append(slices.Clip(w.args), n+1, n-1)
	}
	rows, err := r.q(ctx).Raw(query, args...).Rows()
	if err != nil {
		return windowEnd{}, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(key, &end.at.ID); err != nil {
			return windowEnd{}, err
		}
		end.ok = rows.Next() // a row after the window: the list goes on
	}
	if err := rows.Err(); err != nil || !end.ok {
		return windowEnd{}, err
	}
	if o.timeKey {
		end.at.Time = end.at.Time.UTC()
	}
	w.until(o.keyCol, o.idCol, o.key(end.at), end.at.ID, o.desc)
	return end, nil
}

// searchWithin narrows w, a list's filters and cursor, to the rows whose cols
// contain text among the rows of its search window (boundSearch). A blank text
// adds nothing and reads nothing: the list is not searched.
func (r *Repos) searchWithin(ctx context.Context, w *where, from string, o keyOrder, text string, cols ...string) (windowEnd, error) {
	if strings.TrimSpace(text) == "" {
		return windowEnd{}, nil
	}
	end, err := r.boundSearch(ctx, w, from, o)
	if err != nil {
		return windowEnd{}, err
	}
	w.search(r, text, cols...)
	return end, nil
}

// within ends a search page l (of size rows at most) at its window: when the
// window ends before the list does and the matches in it did not fill the page
// beyond size, the next page starts after the window, not after the last match,
// and a page left short says how many rows it looked through.
func within[T any](l domain.List[T], end windowEnd, size int) domain.List[T] {
	if l.Next != "" || !end.ok {
		return l
	}
	l.Next = encodeCursor(end.at)
	if len(l.Items) < size {
		l.Searched = end.rows
	}
	return l
}
