package ui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/epic-events/crm/internal/ptytest"
)

// wait bounds every wait for the screen; it is never a measure of speed.
const wait = 10 * time.Second

func startDemo(t *testing.T, opts ptytest.Options) *ptytest.Term {
	t.Helper()
	if testing.Short() {
		t.Skip("pseudo-terminal test")
	}
	opts.Env = append(opts.Env, "NO_COLOR=1")
	term := ptytest.Start(t, promptDemo(t), opts)
	term.WaitFor(t, "? Main menu", wait)
	return term
}

func TestTerminalInAPseudoTerminal(t *testing.T) {
	t.Parallel()
	t.Run("select then input with its default replaced", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.Down, ptytest.Enter)
		term.WaitFor(t, "Name: Ada", wait)
		term.Type("Grace")
		term.WaitFor(t, "Name: Grace", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "order: Banana for Grace", wait)
		term.WaitFor(t, "? Main menu", wait)
	})
	t.Run("enter keeps the default", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "Name: Ada", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "order: Apple for Ada", wait)
	})
	t.Run("a refused input shows the rule and is asked again", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "Name: Ada", wait)
		term.Press(ptytest.Backspace) // clears the default
		term.WaitForGone(t, "Name: Ada", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, ">> name: must not be empty", wait)
		term.Type("Lin")
		term.WaitForGone(t, "must not be empty", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "order: Apple for Lin", wait)
	})
	t.Run("slash searches a select", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Type("/")
		term.WaitFor(t, "Search:", wait)
		term.Type("cher")
		term.WaitForGone(t, "Banana", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "Name:", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "order: Cherry for Ada", wait)
	})
	t.Run("the password is masked", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Down, ptytest.Enter)
		term.WaitFor(t, "Password:", wait)
		term.Type("hunter2-secret")
		term.WaitFor(t, "Password: **************", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "password: 14 characters", wait)
		if strings.Contains(term.Output(), "hunter2") {
			t.Fatalf("the password reached the terminal:\n%s", term.Screen())
		}
	})
	t.Run("ctrl+c at a prompt goes back one menu", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.CtrlC)
		term.WaitFor(t, "(back)", wait)
		term.WaitForGone(t, "Cherry", wait)
		term.WaitFor(t, "? Main menu", wait)
		// And from an input, two levels down.
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "Name: Ada", wait)
		term.Press(ptytest.CtrlC)
		term.WaitForGone(t, "Name: Ada", wait)
		term.WaitFor(t, "? Main menu", wait)
		// The menu still works after going back.
		term.Press(ptytest.Down, ptytest.Down, ptytest.Down, ptytest.Enter)
		term.WaitFor(t, "? Really quit?", wait)
		term.Press(ptytest.Down, ptytest.Enter)
		if code := term.Wait(t, wait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
		if !term.CursorVisible() {
			t.Fatal("the program left the cursor hidden")
		}
	})
	t.Run("ctrl+c at the main menu quits cleanly", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.CtrlC)
		term.WaitFor(t, "bye", wait)
		if code := term.Wait(t, wait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
		if !term.CursorVisible() {
			t.Fatal("the program left the cursor hidden")
		}
	})
	t.Run("ctrl+d quits from any prompt", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.CtrlD)
		term.WaitFor(t, "bye", wait)
		if code := term.Wait(t, wait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
		if !term.CursorVisible() {
			t.Fatal("the program left the cursor hidden")
		}
	})
	t.Run("no bell and no colour with NO_COLOR", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Press(ptytest.Enter)
		term.WaitFor(t, "? Fruit", wait)
		term.Press(ptytest.Enter)
		term.WaitFor(t, "Name: Ada", wait)
		term.Press(ptytest.Backspace, ptytest.Backspace, ptytest.Backspace, ptytest.Tab)
		term.WaitForGone(t, "Name: Ada", wait)
		term.Press(ptytest.CtrlD)
		term.Wait(t, wait)
		out := term.Output()
		if strings.Contains(out, "\a") {
			t.Error("the terminal bell rang")
		}
		if strings.Contains(out, "\x1b[3") || strings.Contains(out, "\x1b[1m") {
			t.Error("colour or bold despite NO_COLOR")
		}
	})
}

func TestPagerInAPseudoTerminal(t *testing.T) {
	t.Parallel()
	for _, size := range []struct{ cols, rows int }{{80, 30}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.cols, size.rows), func(t *testing.T) {
			t.Parallel()
			term := startDemo(t, ptytest.Options{Cols: size.cols, Rows: size.rows})
			term.Press(ptytest.Down, ptytest.Down, ptytest.Enter)
			term.WaitFor(t, "People · page 1", wait)
			term.WaitFor(t, "Person 01", wait)
			screen := term.Screen()
			if n := strings.Count(screen, "NAME"); n != 1 {
				t.Fatalf("the header is shown %d times:\n%s", n, screen)
			}
			if !strings.Contains(screen, "…") {
				t.Fatalf("long emails are not cut to fit:\n%s", screen)
			}
			for _, l := range strings.Split(screen, "\n") {
				if w := text.StringWidthWithoutEscSequences(l); w > size.cols {
					t.Fatalf("a line is %d wide:\n%s", w, screen)
				}
			}
			// The actions are under the rows: reach Next page by searching.
			term.Type("/")
			term.WaitFor(t, "Search:", wait)
			term.Type("next")
			term.WaitForGone(t, "Person 01", wait)
			term.Press(ptytest.Enter)
			term.WaitFor(t, "People · page 2", wait)
			term.WaitFor(t, "Person 21", wait)
			term.Type("/")
			term.WaitFor(t, "Search:", wait)
			term.Type("Person 23")
			term.WaitForGone(t, "Person 22", wait)
			term.Press(ptytest.Enter)
			term.WaitFor(t, "chose: Person 23", wait)
			term.WaitFor(t, "? Main menu", wait)
		})
	}
}

func TestKeysTypedAheadInAPseudoTerminal(t *testing.T) {
	t.Parallel()
	signUp := strings.Repeat(ptytest.Down, 4) + ptytest.Enter // the menu's fifth entry
	t.Run("the answers to two questions typed in one go both arrive", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Type(signUp)
		term.WaitFor(t, "First name:", wait)
		term.Type("Ada\rLovelace\r")
		term.WaitFor(t, "signed up: Ada Lovelace", wait)
		term.WaitFor(t, "? Main menu", wait)
	})
	t.Run("a menu choice and the answers after it typed in one go all arrive", func(t *testing.T) {
		t.Parallel()
		term := startDemo(t, ptytest.Options{})
		term.Type(signUp + "Grace\rHopper\r" + ptytest.CtrlC)
		term.WaitFor(t, "signed up: Grace Hopper", wait)
		// The Ctrl+C typed ahead reached the main menu, and quit.
		term.WaitFor(t, "bye", wait)
		if code := term.Wait(t, wait); code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
	})
}
