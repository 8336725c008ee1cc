// Command promptdemo asks questions through the ui's terminal prompter, so
// that tests can drive it in a real pseudo-terminal: a menu, a Select, an
// Input with a validator and a default, a masked Password, a paged table, and
// Ctrl+C (back) and Ctrl+D (quit); and two questions in a row, for keys typed
// ahead.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/ui"
)

type person struct {
	ID   int
	Name string
	Mail string
}

func main() {
	d := ui.DetectDisplay(os.Stdout, os.Getenv("NO_COLOR") == "", time.UTC)
	p := ui.NewTerminalPrompter(nil, os.Stdout, ui.WithDisplay(d))
	defer p.Restore()
	if err := run(p, d); err != nil {
		fmt.Println("error:", err)
		p.Restore()
		os.Exit(1)
	}
	fmt.Println("bye")
}

func run(p *ui.TerminalPrompter, d ui.Display) error {
	people := &ui.Pager[person]{
		Title: "People",
		Columns: []ui.Column[person]{
			{Title: "#", Value: func(x person) string { return strconv.Itoa(x.ID) }, Align: ui.AlignRight, Fixed: true},
			{Title: "Name", Value: func(x person) string { return x.Name }},
			{Title: "Email", Value: func(x person) string { return x.Mail }},
		},
		Fetch:   fetch,
		Display: d,
	}
	for {
		i, err := p.Select("Main menu", []string{"Order fruit", "Log in", "People", "Quit", "Sign up"})
		switch {
		case errors.Is(err, ui.ErrBack), errors.Is(err, ui.ErrQuit):
			return nil // Ctrl+C at the main menu quits, as Ctrl+D does
		case err != nil:
			return err
		}
		switch i {
		case 0:
			err = order(p)
		case 1:
			err = login(p)
		case 2:
			var who person
			if who, err = people.Run(context.Background(), p); err == nil {
				fmt.Printf("chose: %s\n", who.Name)
			}
		case 3:
			var yes bool
			if yes, err = p.Confirm("Really quit?"); err == nil && yes {
				return nil
			}
		case 4:
			err = signUp(p)
		}
		switch {
		case errors.Is(err, ui.ErrBack):
			fmt.Println("(back)")
		case errors.Is(err, ui.ErrQuit):
			return nil
		case err != nil:
			return err
		}
	}
}

func order(p ui.Prompter) error {
	fruits := []string{"Apple", "Banana", "Cherry"}
	i, err := p.Select("Fruit", fruits)
	if err != nil {
		return err
	}
	name, err := p.Input("Name", "Ada", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("name: must not be empty")
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("order: %s for %s\n", fruits[i], name)
	return nil
}

// signUp asks two questions in a row: what is typed before the second is on
// the screen must reach it.
func signUp(p ui.Prompter) error {
	first, err := p.Input("First name", "", nil)
	if err != nil {
		return err
	}
	last, err := p.Input("Last name", "", nil)
	if err != nil {
		return err
	}
	fmt.Printf("signed up: %s %s\n", first, last)
	return nil
}

func login(p ui.Prompter) error {
	pw, err := p.Password("Password", func(s string) error {
		if len(s) < 12 {
			return errors.New("password: at least 12 characters")
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("password: %d characters\n", len(pw))
	return nil
}

// fetch pages through 45 people, 20 at a time, the cursor being the last id.
func fetch(_ context.Context, c domain.Cursor) (domain.List[person], error) {
	after, _ := strconv.Atoi(string(c))
	var page []person
	for id := after + 1; id <= 45 && len(page) < domain.DefaultPageSize; id++ {
		page = append(page, person{ID: id, Name: fmt.Sprintf("Person %02d", id), Mail: fmt.Sprintf("person%02d.with-a-long-mailbox@a-rather-long-company-name.example.com", id)})
	}
	if len(page) == domain.DefaultPageSize && page[len(page)-1].ID < 45 {
		return domain.List[person]{Items: page, Next: domain.Cursor(strconv.Itoa(page[len(page)-1].ID))}, nil
	}
	return domain.List[person]{Items: page}, nil
}
