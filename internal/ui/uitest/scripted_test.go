package uitest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/epic-events/crm/internal/ui"
	"github.com/epic-events/crm/internal/ui/uitest"
)

// fakeT records the failures a ScriptedPrompter reports, so that a test can
// check that a wrong prompt does fail a test.
type fakeT struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

var menu = []string{"Customers", "Contracts", "Events", "Quit"}

func notEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

func TestScriptedPrompterAnswers(t *testing.T) {
	t.Run("select returns the index of the scripted item", func(t *testing.T) {
		p := uitest.New(t, uitest.Select("Main menu", "Events"))
		i, err := p.Select("Main menu", menu)
		if err != nil || i != 2 {
			t.Fatalf("Select = %d, %v; want 2, nil", i, err)
		}
	})
	t.Run("select row chooses the one item containing the text", func(t *testing.T) {
		p := uitest.New(t, uitest.SelectRow("Customers", "Lovelace"))
		i, err := p.Select("Customers · page 1", []string{"Ada Lovelace  ada@example.com", "Alan Turing  alan@example.com"})
		if err != nil || i != 0 {
			t.Fatalf("Select = %d, %v; want 0, nil", i, err)
		}
	})
	t.Run("offering and not offering pass when the menu matches", func(t *testing.T) {
		p := uitest.New(t, uitest.Select("Main menu", "Quit").Offering("Customers", "Events").NotOffering("Collaborators"))
		if _, err := p.Select("Main menu", menu); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("input returns the typed text and records the default", func(t *testing.T) {
		p := uitest.New(t, uitest.Input("Full name", "Ada Lovelace"))
		got, err := p.Input("Full name", "Ada", notEmpty)
		if err != nil || got != "Ada Lovelace" {
			t.Fatalf("Input = %q, %v", got, err)
		}
		if shown := p.Shown(); len(shown) != 1 || shown[0].Default != "Ada" || shown[0].Kind != uitest.KindInput {
			t.Fatalf("Shown = %+v", shown)
		}
	})
	t.Run("keep default returns the default", func(t *testing.T) {
		p := uitest.New(t, uitest.KeepDefault("Phone", "+33 1 23 45 67 89"))
		got, err := p.Input("Phone", "+33 1 23 45 67 89", nil)
		if err != nil || got != "+33 1 23 45 67 89" {
			t.Fatalf("Input = %q, %v", got, err)
		}
	})
	t.Run("a rejected input is asked again and answered by the next step", func(t *testing.T) {
		p := uitest.New(t,
			uitest.InputRejected("Full name", "  ", "must not be empty"),
			uitest.Input("Full name", "Ada"),
		)
		got, err := p.Input("Full name", "", notEmpty)
		if err != nil || got != "Ada" {
			t.Fatalf("Input = %q, %v", got, err)
		}
		if n := len(p.Shown()); n != 2 {
			t.Fatalf("the prompt was shown %d times, want 2 (asked again)", n)
		}
	})
	t.Run("password is recorded masked", func(t *testing.T) {
		p := uitest.New(t, uitest.Password("Password", "epicevents-demo"))
		got, err := p.Password("Password", nil)
		if err != nil || got != "epicevents-demo" {
			t.Fatalf("Password = %q, %v", got, err)
		}
		if strings.Contains(p.Transcript(), "epicevents-demo") {
			t.Fatalf("the transcript shows the password:\n%s", p.Transcript())
		}
	})
	t.Run("confirm answers yes or no", func(t *testing.T) {
		p := uitest.New(t, uitest.Confirm("Sign", true), uitest.Confirm("Delete", false))
		if yes, err := p.Confirm("Sign contract 12?"); err != nil || !yes {
			t.Fatalf("Confirm = %v, %v; want true", yes, err)
		}
		if yes, err := p.Confirm("Delete Ada?"); err != nil || yes {
			t.Fatalf("Confirm = %v, %v; want false", yes, err)
		}
	})
	t.Run("back and quit return the sentinel errors at any kind of prompt", func(t *testing.T) {
		p := uitest.New(t, uitest.Back("Full name"), uitest.Quit("Main menu"))
		if _, err := p.Input("Full name", "", nil); !errors.Is(err, ui.ErrBack) {
			t.Fatalf("Input error = %v, want ErrBack", err)
		}
		if _, err := p.Select("Main menu", menu); !errors.Is(err, ui.ErrQuit) {
			t.Fatalf("Select error = %v, want ErrQuit", err)
		}
	})
	t.Run("an empty select returns ErrNoItems without playing a step", func(t *testing.T) {
		p := uitest.New(t, uitest.Back(""))
		if _, err := p.Select("Customers", nil); !errors.Is(err, ui.ErrNoItems) {
			t.Fatalf("error = %v, want ErrNoItems", err)
		}
		if _, err := p.Input("x", "", nil); !errors.Is(err, ui.ErrBack) {
			t.Fatalf("the step was not kept for the next prompt: %v", err)
		}
	})
	t.Run("the header of a select is recorded", func(t *testing.T) {
		p := uitest.New(t, uitest.Select("Customers", "Back"))
		if _, err := p.Select("Customers", []string{"Back"}, ui.WithHeader("NAME  EMAIL")); err != nil {
			t.Fatal(err)
		}
		if h := p.Shown()[0].Header; h != "NAME  EMAIL" {
			t.Fatalf("Header = %q", h)
		}
	})
}

func TestScriptedPrompterFailsTheTest(t *testing.T) {
	tests := []struct {
		name    string
		steps   []uitest.Step
		ask     func(p *uitest.ScriptedPrompter) error
		wantErr string // in the failure reported
	}{
		{
			name:    "an item that is not offered",
			steps:   []uitest.Step{uitest.Select("Main menu", "Collaborators")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Select("Main menu", menu); return err },
			wantErr: `"Collaborators": no such item`,
		},
		{
			name:    "an offered item the step says must not be",
			steps:   []uitest.Step{uitest.Select("Main menu", "Quit").NotOffering("Events")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Select("Main menu", menu); return err },
			wantErr: `"Events" is offered but must not be`,
		},
		{
			name:    "an item required but missing",
			steps:   []uitest.Step{uitest.Select("Main menu", "Quit").Offering("Audit log")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Select("Main menu", menu); return err },
			wantErr: `"Audit log" is not offered`,
		},
		{
			name:    "a different label",
			steps:   []uitest.Step{uitest.Select("Main menu", "Quit")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Select("Customers", menu); return err },
			wantErr: `the label is "Customers"`,
		},
		{
			name:    "a different kind of prompt",
			steps:   []uitest.Step{uitest.Input("Email", "ada@example.com")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Password("Email", nil); return err },
			wantErr: "got a password prompt",
		},
		{
			name:    "a prompt after the last step",
			steps:   nil,
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Confirm("Sure?"); return err },
			wantErr: "no more steps",
		},
		{
			name:    "a text the validator refuses",
			steps:   []uitest.Step{uitest.Input("Full name", "")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Input("Full name", "", notEmpty); return err },
			wantErr: `refused with "must not be empty"`,
		},
		{
			name:    "a bad input the validator accepts",
			steps:   []uitest.Step{uitest.InputRejected("Full name", "Ada", "empty")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Input("Full name", "", notEmpty); return err },
			wantErr: "it was accepted",
		},
		{
			name:    "a default that is not the one expected",
			steps:   []uitest.Step{uitest.KeepDefault("Phone", "0102")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Input("Phone", "0999", nil); return err },
			wantErr: `the default is "0999"`,
		},
		{
			name:  "a row text found in two items",
			steps: []uitest.Step{uitest.SelectRow("Customers", "Ada")},
			ask: func(p *uitest.ScriptedPrompter) error {
				_, err := p.Select("Customers", []string{"Ada A", "Ada B"})
				return err
			},
			wantErr: "more than one item",
		},
		{
			name:    "steps left when the test ends",
			steps:   []uitest.Step{uitest.Select("Main menu", "Quit"), uitest.Quit("Main menu")},
			ask:     func(p *uitest.ScriptedPrompter) error { _, err := p.Select("Main menu", menu); return err },
			wantErr: "not played to the end",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeT{TB: t}
			p := uitest.New(ft, tt.steps...)
			err := tt.ask(p)
			ft.finish()
			if len(ft.errs) == 0 {
				t.Fatalf("no failure reported (error %v)", err)
			}
			if !strings.Contains(ft.errs[0], tt.wantErr) {
				t.Fatalf("failure = %q, want it to contain %q", ft.errs[0], tt.wantErr)
			}
			if tt.name != "steps left when the test ends" && !errors.Is(err, ui.ErrQuit) {
				t.Fatalf("error = %v, want ErrQuit so that menu loops unwind", err)
			}
		})
	}

	t.Run("after a failure every prompt quits without another failure", func(t *testing.T) {
		ft := &fakeT{TB: t}
		p := uitest.New(ft, uitest.Select("Main menu", "Nope"), uitest.Select("Main menu", "Quit"))
		_, _ = p.Select("Main menu", menu)
		if _, err := p.Select("Main menu", menu); !errors.Is(err, ui.ErrQuit) {
			t.Fatalf("error = %v, want ErrQuit", err)
		}
		ft.finish()
		if len(ft.errs) != 1 {
			t.Fatalf("failures = %q, want exactly one", ft.errs)
		}
	})
}
