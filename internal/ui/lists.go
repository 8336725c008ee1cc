package ui

import (
	"context"
	"errors"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// listing adapts a service's keyset list to the pager: filter builds the
// service's filter for a search term ("" for none) and a page. The session
// is authenticated again before each page.
func listing[T, F any](s *session, list func(context.Context, service.Actor, F) (domain.List[T], error), filter func(term string, p domain.Page) F) func(string) PageFunc[T] {
	return func(term string) PageFunc[T] {
		return func(ctx context.Context, cursor domain.Cursor) (domain.List[T], error) {
			a, err := s.who(ctx)
			if err != nil {
				return domain.List[T]{}, err
			}
			return list(ctx, a, filter(term, domain.Page{After: cursor, Limit: domain.DefaultPageSize}))
		}
	}
}

// browse shows a list and opens the row chosen, as an action of its own,
// coming back to the same page afterwards, until the user goes back.
func browse[T any](ctx context.Context, s *session, pg *Pager[T], open func(context.Context, T) error) error {
	for {
		row, err := pg.Run(ctx, s.p)
		if errors.Is(err, ErrBack) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.act(ctx, func(ctx context.Context) error { return open(ctx, row) }); err != nil {
			return err
		}
	}
}

// pick lets the user choose a related record from a searchable list.
func pick[T any](ctx context.Context, s *session, title string, columns []Column[T], search func(string) PageFunc[T]) (T, error) {
	return PickList[T]{Title: title, Columns: columns, Search: search, Display: s.d}.Run(ctx, s.p)
}

// firstPage reads one page of a list for a detail view, saying "first N" when
// there is more.
func firstPage[T any](l domain.List[T]) (rows []T, more bool) { return l.Items, l.Next != "" }

// section prints a titled table inside a detail view.
func section[T any](s *session, title string, rows []T, more bool, columns []Column[T]) {
	s.say("")
	switch {
	case len(rows) == 0:
		s.say("%s: none", title)
		return
	case more:
		s.say("%s (the first %d):", title, len(rows))
	default:
		s.say("%s (%d):", title, len(rows))
	}
	_ = Table[T]{Columns: columns, Rows: rows}.Render(s.Out, s.d)
}
