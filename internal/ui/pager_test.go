package ui_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
)

type person struct {
	ID   int
	Name string
}

var personColumns = []ui.Column[person]{
	{Title: "#", Value: func(p person) string { return strconv.Itoa(p.ID) }, Align: ui.AlignRight, Fixed: true},
	{Title: "Name", Value: func(p person) string { return p.Name }},
}

// source is a keyset list over people, 20 a page, whose cursor is the id of
// the last row seen. It records the cursors it was asked for. With a window,
// a search page looks through that many rows at most, as the store's does: a
// page short of matches then goes on after the last row it looked at.
type source struct {
	people []person
	asked  []domain.Cursor
	err    error
	window int
}

func newSource(n int) *source {
	s := &source{}
	for i := 1; i <= n; i++ {
		s.people = append(s.people, person{ID: i, Name: fmt.Sprintf("Person %02d", i)})
	}
	return s
}

func (s *source) fetch(filter string) ui.PageFunc[person] {
	return func(_ context.Context, cursor domain.Cursor) (domain.List[person], error) {
		s.asked = append(s.asked, cursor)
		if s.err != nil {
			return domain.List[person]{}, s.err
		}
		after := 0
		if cursor != "" {
			after, _ = strconv.Atoi(string(cursor))
		}
		var page []person
		read := 0
		for _, p := range s.people {
			if p.ID <= after {
				continue
			}
			if s.window > 0 && filter != "" && read == s.window {
				l := domain.List[person]{Items: page, Next: domain.Cursor(strconv.Itoa(p.ID - 1))}
				if len(page) < domain.DefaultPageSize {
					l.Searched = s.window
				}
				return l, nil
			}
			read++
			if strings.Contains(p.Name, filter) {
				if len(page) == domain.DefaultPageSize {
					return domain.List[person]{Items: page, Next: domain.Cursor(strconv.Itoa(page[len(page)-1].ID))}, nil
				}
				page = append(page, p)
			}
		}
		return domain.List[person]{Items: page}, nil
	}
}

func (s *source) pager() *ui.Pager[person] {
	return &ui.Pager[person]{
		Title:   "People",
		Columns: personColumns,
		Fetch:   s.fetch(""),
		Search:  s.fetch,
		Display: ui.Display{TTY: true, Width: 80},
	}
}

func TestPagerPages(t *testing.T) {
	t.Run("next and previous walk the pages and a row is returned", func(t *testing.T) {
		src := newSource(45)
		p := uitest.New(t,
			uitest.Select("People · page 1", ui.ActionNext).Offering(ui.ActionSearch, ui.ActionBack).NotOffering(ui.ActionPrevious),
			uitest.Select("People · page 2", ui.ActionNext).Offering(ui.ActionPrevious),
			uitest.Select("People · page 3", ui.ActionPrevious).NotOffering(ui.ActionNext),
			uitest.SelectRow("People · page 2", "Person 25"),
		)
		got, err := src.pager().Run(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != 25 {
			t.Fatalf("Run returned %+v, want person 25", got)
		}
		if want := []domain.Cursor{"", "20", "40", "20"}; !slices.Equal(src.asked, want) {
			t.Fatalf("cursors asked %q, want %q", src.asked, want)
		}
	})
	t.Run("a page shows 20 rows under the column titles, then the actions", func(t *testing.T) {
		src := newSource(45)
		p := uitest.New(t, uitest.Back("People"))
		_, _ = src.pager().Run(context.Background(), p)
		shown := p.Shown()[0]
		if n := len(shown.Items) - 3; n != 20 {
			t.Fatalf("%d rows shown, want 20: %q", n, shown.Items)
		}
		if !strings.Contains(shown.Header, "NAME") {
			t.Errorf("header = %q, want the column titles", shown.Header)
		}
		if want := []string{ui.ActionNext, ui.ActionSearch, ui.ActionBack}; !slices.Equal(shown.Items[20:], want) {
			t.Errorf("actions = %q, want %q", shown.Items[20:], want)
		}
		for _, it := range append(shown.Items, shown.Header) {
			if w := text.StringWidthWithoutEscSequences(it); w > 80-ui.ItemIndent {
				t.Errorf("item %q is %d wide: it would not fit beside the pointer", it, w)
			}
		}
	})
	t.Run("the last page offers no next page", func(t *testing.T) {
		src := newSource(3)
		p := uitest.New(t, uitest.Select("People · page 1", ui.ActionBack).NotOffering(ui.ActionNext, ui.ActionPrevious))
		if _, err := src.pager().Run(context.Background(), p); !errors.Is(err, ui.ErrBack) {
			t.Fatalf("error = %v, want ErrBack", err)
		}
	})
}

func TestPagerLeaving(t *testing.T) {
	tests := []struct {
		name string
		step uitest.Step
		want error
	}{
		{"back goes back", uitest.Select("People", ui.ActionBack), ui.ErrBack},
		{"ctrl+c goes back", uitest.Back("People"), ui.ErrBack},
		{"ctrl+d quits", uitest.Quit("People"), ui.ErrQuit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newSource(5).pager().Run(context.Background(), uitest.New(t, tt.step))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPagerSearch(t *testing.T) {
	t.Run("search narrows the list from its first page and clear search widens it", func(t *testing.T) {
		src := newSource(45)
		p := uitest.New(t,
			uitest.Select("People · page 1", ui.ActionNext),
			uitest.Select("People · page 2", ui.ActionSearch),
			uitest.Input("Search", "Person 3"),
			uitest.Select(`People matching "Person 3" · page 1`, ui.ActionClearSearch).
				Offering("34  Person 34").NotOffering("12  Person 12", ui.ActionNext, ui.ActionPrevious),
			uitest.SelectRow("People · page 1", "Person 12"),
		)
		got, err := src.pager().Run(context.Background(), p)
		if err != nil || got.ID != 12 {
			t.Fatalf("Run = %+v, %v; want person 12", got, err)
		}
	})
	t.Run("ctrl+c at the search prompt returns to the same page", func(t *testing.T) {
		src := newSource(45)
		p := uitest.New(t,
			uitest.Select("page 1", ui.ActionNext),
			uitest.Select("page 2", ui.ActionSearch),
			uitest.Back("Search"),
			uitest.Select("People · page 2", ui.ActionBack),
		)
		if _, err := src.pager().Run(context.Background(), p); !errors.Is(err, ui.ErrBack) {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("ctrl+d at the search prompt quits", func(t *testing.T) {
		p := uitest.New(t, uitest.Select("page 1", ui.ActionSearch), uitest.Quit("Search"))
		if _, err := newSource(5).pager().Run(context.Background(), p); !errors.Is(err, ui.ErrQuit) {
			t.Fatalf("error = %v, want ErrQuit", err)
		}
	})
	t.Run("without a search function there is no search action", func(t *testing.T) {
		pg := newSource(5).pager()
		pg.Search = nil
		p := uitest.New(t, uitest.Select("People", ui.ActionBack).NotOffering(ui.ActionSearch))
		_, _ = pg.Run(context.Background(), p)
	})
}

func TestPagerEmptyList(t *testing.T) {
	p := uitest.New(t, uitest.Select("People", ui.ActionBack))
	_, err := newSource(0).pager().Run(context.Background(), p)
	if !errors.Is(err, ui.ErrBack) {
		t.Fatalf("error = %v", err)
	}
	shown := p.Shown()[0]
	if shown.Header != ui.NothingToShow {
		t.Errorf("header = %q, want %q", shown.Header, ui.NothingToShow)
	}
	if want := []string{ui.ActionSearch, ui.ActionBack}; !slices.Equal(shown.Items, want) {
		t.Errorf("items = %q, want only the actions %q", shown.Items, want)
	}
}

func TestPagerReturnsFetchErrors(t *testing.T) {
	src := newSource(5)
	src.err = domain.Forbidden("list people")
	_, err := src.pager().Run(context.Background(), uitest.New(t))
	if domain.ErrorCode(err) != domain.CodeForbidden {
		t.Fatalf("error = %v, want the fetch's forbidden error", err)
	}
}

func TestPagerResumesWhereItWas(t *testing.T) {
	src := newSource(45)
	pg := src.pager()
	p := uitest.New(t,
		uitest.Select("page 1", ui.ActionNext),
		uitest.SelectRow("People · page 2", "Person 23"),
		// the menu shows person 23, then comes back to the list
		uitest.Select("People · page 2", ui.ActionBack),
	)
	if _, err := pg.Run(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Run(context.Background(), p); !errors.Is(err, ui.ErrBack) {
		t.Fatal(err)
	}
	t.Run("reset starts again from the first page", func(t *testing.T) {
		pg.Reset()
		p := uitest.New(t, uitest.Select("People · page 1", ui.ActionBack))
		_, _ = pg.Run(context.Background(), p)
	})
}

func TestPickList(t *testing.T) {
	src := newSource(45)
	pick := ui.PickList[person]{Title: "Choose a person", Columns: personColumns, Search: src.fetch, Display: ui.Display{TTY: true}}
	p := uitest.New(t,
		uitest.Select("Choose a person · page 1", ui.ActionSearch),
		uitest.Input("Search", "Person 4"),
		uitest.SelectRow("matching", "Person 42"),
	)
	got, err := pick.Run(context.Background(), p)
	if err != nil || got.ID != 42 {
		t.Fatalf("Run = %+v, %v; want person 42", got, err)
	}
	t.Run("giving up goes back", func(t *testing.T) {
		_, err := pick.Run(context.Background(), uitest.New(t, uitest.Back("Choose a person")))
		if !errors.Is(err, ui.ErrBack) {
			t.Fatalf("error = %v", err)
		}
	})
}

// TestPagerSearchWindow pages through a search whose pages each look through
// a window of rows: a page the window left short says so under its rows, an
// empty one in place of the column titles, and Next page (or that line)
// searches on; the last page, or a full one, says nothing of it.
func TestPagerSearchWindow(t *testing.T) {
	note := ui.SearchedNote(10)
	t.Run("short and empty pages say the window ended and next page searches further", func(t *testing.T) {
		src := newSource(45)
		src.window = 10
		src.people[3].Name += " Zephyr"
		src.people[36].Name += " Zephyr"
		pg := src.pager()
		p := uitest.New(t,
			uitest.Select("People · page 1", ui.ActionSearch),
			uitest.Input("Search", "Zephyr"),
			// rows 1 to 10: Person 04, then the note, which goes on as Next page
			uitest.Select(`People matching "Zephyr" · page 1`, note).Offering("4  Person 04 Zephyr", ui.ActionNext),
			// rows 11 to 20, 21 to 30: nothing
			uitest.Select(`People matching "Zephyr" · page 2`, ui.ActionNext).NotOffering(note),
			uitest.Select(`People matching "Zephyr" · page 3`, ui.ActionNext),
			// rows 31 to 40: Person 37; rows 41 to 45, the end: nothing
			uitest.Select(`People matching "Zephyr" · page 4`, ui.ActionNext).Offering("37  Person 37 Zephyr", note),
			uitest.Select(`People matching "Zephyr" · page 5`, ui.ActionPrevious).NotOffering(note, ui.ActionNext),
			uitest.SelectRow(`People matching "Zephyr" · page 4`, "Person 37"),
		)
		got, err := pg.Run(context.Background(), p)
		if err != nil || got.ID != 37 {
			t.Fatalf("Run = %+v, %v; want person 37", got, err)
		}
		shown := p.Shown()
		if got := shown[3].Header; got != note {
			t.Errorf("empty page's header = %q, want %q", got, note)
		}
		if got := shown[2].Items; !slices.Equal(got[1:], []string{note, ui.ActionNext, ui.ActionSearch, ui.ActionClearSearch, ui.ActionBack}) {
			t.Errorf("short page's items = %q, want its row, the note, then the actions", got)
		}
		if got := shown[6].Header; got != ui.NothingToShow {
			t.Errorf("last page's header = %q, want %q", got, ui.NothingToShow)
		}
		if want := []domain.Cursor{"", "", "10", "20", "30", "40", "30"}; !slices.Equal(src.asked, want) {
			t.Errorf("cursors asked %q, want %q", src.asked, want)
		}
	})
	t.Run("a search with no match at all pages on to the end, then says nothing to show", func(t *testing.T) {
		src := newSource(25)
		src.window = 10
		p := uitest.New(t,
			uitest.Select("People · page 1", ui.ActionSearch),
			uitest.Input("Search", "Nobody"),
			uitest.Select("page 1", ui.ActionNext),
			uitest.Select("page 2", ui.ActionNext),
			uitest.Select("page 3", ui.ActionBack).NotOffering(ui.ActionNext),
		)
		_, _ = src.pager().Run(context.Background(), p)
		var headers []string
		for _, pr := range p.Shown()[2:] {
			headers = append(headers, pr.Header)
		}
		if want := []string{note, note, ui.NothingToShow}; !slices.Equal(headers, want) {
			t.Errorf("headers %q, want %q", headers, want)
		}
	})
}
