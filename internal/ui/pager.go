package ui

import (
	"context"
	"errors"
	"fmt"

	"github.com/epic-events/crm/internal/domain"
)

// PageFunc fetches the page of rows after cursor (the empty cursor is the
// first page), with the cursor of the page after them, empty when there is
// none. Services' keyset lists fit it with a closure over their filter.
type PageFunc[T any] func(ctx context.Context, cursor domain.Cursor) (domain.List[T], error)

// The actions a Pager offers under its rows.
const (
	ActionNext        = "Next page"
	ActionPrevious    = "Previous page"
	ActionSearch      = "Search"
	ActionClearSearch = "Clear search"
	ActionBack        = "Back"
)

// Pager shows a keyset-paged list as a table, one page at a time, with the
// actions Next page, Previous page (it keeps the cursors it came through),
// Search and Back under the rows. Choosing a row returns it.
//
// A Pager remembers where it was, so a menu that shows the chosen row and
// comes back reopens the same page and search with the cursor on that row.
// Use it through a pointer.
type Pager[T any] struct {
	Title   string      // the list's name: "Customers", "My events"
	Columns []Column[T] // how a row is shown
	Fetch   PageFunc[T] // the whole list
	// Search, when not nil, returns the list narrowed to a term (as typed by
	// the user); the Search action is offered only then.
	Search  func(term string) PageFunc[T]
	Display Display

	term    string          // the search in force, "" for none
	cursors []domain.Cursor // the cursor of every page from the first to the current one
	last    int             // the item chosen last time, for the cursor
}

// Run shows the current page and returns the row the user chooses. It
// returns ErrBack when the user chooses Back or presses Ctrl+C, ErrQuit on
// Ctrl+D, and the fetch's error (wrapped) when a page cannot be read.
func (pg *Pager[T]) Run(ctx context.Context, p Prompter) (T, error) {
	var zero T
	if pg.Fetch == nil {
		return zero, errors.New("pager: no Fetch")
	}
	if len(pg.cursors) == 0 {
		pg.cursors = []domain.Cursor{""}
	}
	for {
		page, err := pg.source()(ctx, pg.cursors[len(pg.cursors)-1])
		if err != nil {
			return zero, fmt.Errorf("list %s: %w", pg.Title, err)
		}
		rows, next := page.Items, page.Next
		header, lines := Table[T]{Columns: pg.Columns, Rows: rows}.Lines(pg.Display.Cols() - ItemIndent)
		// A search page that stopped at its window before it was full says so,
		// so that a short or empty page is not taken for the end: in place of
		// the column titles when it is empty, under its rows otherwise (that
		// line, chosen, goes on as Next page does).
		actions, note := pg.actions(next), ""
		if page.Searched > 0 && next != "" {
			note = SearchedNote(page.Searched)
		}
		switch {
		case note != "" && len(rows) == 0:
			header = note
		case note != "":
			actions = append([]string{note}, actions...)
		case len(rows) == 0:
			header = NothingToShow
		}
		items := append(lines, actions...)
		i, err := p.Select(pg.label(), items, WithHeader(header), WithCursor(pg.last))
		if err != nil {
			return zero, err
		}
		pg.last = i
		if i < len(rows) {
			return rows[i], nil
		}
		switch actions[i-len(rows)] {
		case ActionNext, note:
			pg.cursors = append(pg.cursors, next)
			pg.last = 0
		case ActionPrevious:
			pg.cursors = pg.cursors[:len(pg.cursors)-1]
			pg.last = 0
		case ActionSearch:
			term, err := p.Input("Search (empty for all)", pg.term, nil)
			switch {
			case errors.Is(err, ErrBack):
				continue // back to the page the search started from
			case err != nil:
				return zero, err
			}
			pg.setTerm(term)
		case ActionClearSearch:
			pg.setTerm("")
		case ActionBack:
			return zero, ErrBack
		}
	}
}

// SearchedNote is what a search page says when it stopped, short of a full
// page, after looking through rows rows of the list: the next page searches
// on from there.
func SearchedNote(rows int) string {
	return fmt.Sprintf("No more matches in the next %d rows; Next page searches further.", rows)
}

// Reset forgets the page, the search and the cursor: the next Run starts on
// the first page of the whole list.
func (pg *Pager[T]) Reset() { pg.setTerm("") }

func (pg *Pager[T]) setTerm(term string) {
	pg.term = term
	pg.cursors = []domain.Cursor{""}
	pg.last = 0
}

func (pg *Pager[T]) source() PageFunc[T] {
	if pg.term != "" && pg.Search != nil {
		return pg.Search(pg.term)
	}
	return pg.Fetch
}

func (pg *Pager[T]) actions(next domain.Cursor) []string {
	var a []string
	if next != "" {
		a = append(a, ActionNext)
	}
	if len(pg.cursors) > 1 {
		a = append(a, ActionPrevious)
	}
	if pg.Search != nil {
		a = append(a, ActionSearch)
		if pg.term != "" {
			a = append(a, ActionClearSearch)
		}
	}
	return append(a, ActionBack)
}

func (pg *Pager[T]) label() string {
	l := pg.Title
	if pg.term != "" {
		l += fmt.Sprintf(" matching %q", pg.term)
	}
	return l + fmt.Sprintf(" · page %d", len(pg.cursors))
}

// PickList lets the user pick a related record (the customer of a contract,
// the signed contract of an event, a support collaborator) from a searchable,
// paged list, never by typing an id from memory. It is a Pager whose whole
// list is the search for nothing.
type PickList[T any] struct {
	Title   string // what to pick: "Choose a customer"
	Columns []Column[T]
	// Search returns the candidates matching a term; "" means all of them.
	Search  func(term string) PageFunc[T]
	Display Display
}

// Run returns the picked record, or ErrBack when the user gives up.
func (pl PickList[T]) Run(ctx context.Context, p Prompter) (T, error) {
	if pl.Search == nil {
		var zero T
		return zero, errors.New("pick list: no Search")
	}
	pg := Pager[T]{Title: pl.Title, Columns: pl.Columns, Fetch: pl.Search(""), Search: pl.Search, Display: pl.Display}
	return pg.Run(ctx, p)
}
