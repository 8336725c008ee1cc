package store

import (
	"encoding/base64"
	"encoding/json"
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
