package ui_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epic-events/crm/internal/ui"
)

// Keys as a terminal sends them.
const (
	enter     = "\r"
	down      = "\x1b[B"
	ctrlC     = "\x03"
	ctrlD     = "\x04"
	backspace = "\x7f"
)

// screen collects what the prompter writes; readline writes from its own
// goroutine, so reads are locked too.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) Close() error { return nil }

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// keys returns a prompter that reads keys, all of them available at once.
func keys(keys ...string) (*ui.TerminalPrompter, *screen) {
	out := &screen{}
	in := io.NopCloser(strings.NewReader(strings.Join(keys, "")))
	return ui.NewTerminalPrompter(in, out, ui.WithDisplay(ui.Display{TTY: true, Width: 80, Height: 24})), out
}

var fruits = []string{"Apple", "Banana", "Cherry"}

func TestTerminalKeysTypedAhead(t *testing.T) {
	// Every answer is there before the first question: each prompt must
	// take its own keys and leave the rest to the next.
	p, _ := keys(down, enter, "Ada", enter, "Noël", enter, down, enter, ctrlC)
	fruit, err := p.Select("Fruit", fruits)
	if err != nil || fruit != 1 {
		t.Fatalf("Select = %d, %v; want 1", fruit, err)
	}
	for _, want := range []string{"Ada", "Noël"} {
		if got, err := p.Input("Name", "", nil); err != nil || got != want {
			t.Fatalf("Input = %q, %v; want %q", got, err, want)
		}
	}
	if yes, err := p.Confirm("Sure?"); err != nil || !yes {
		t.Fatalf("Confirm = %v, %v; want yes", yes, err)
	}
	if _, err := p.Input("Name", "", nil); !errors.Is(err, ui.ErrBack) {
		t.Fatalf("the Ctrl+C typed ahead gave %v, want ErrBack", err)
	}
	if _, err := p.Input("Name", "", nil); !errors.Is(err, ui.ErrQuit) {
		t.Fatalf("after the last key: %v, want ErrQuit", err)
	}
}

func TestTerminalSelect(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string
		want    int
		wantErr error
	}{
		{"enter chooses the first item", []string{enter}, 0, nil},
		{"down then enter chooses the second", []string{down, enter}, 1, nil},
		{"slash searches the items", []string{"/", "cher", enter}, 2, nil},
		{"ctrl+c goes back", []string{down, ctrlC}, 0, ui.ErrBack},
		{"ctrl+d quits", []string{ctrlD}, 0, ui.ErrQuit},
		{"the end of input quits", nil, 0, ui.ErrQuit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := keys(tt.keys...)
			got, err := p.Select("Fruit", fruits)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("Select = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	t.Run("the cursor can start on any item", func(t *testing.T) {
		many := make([]string, 40)
		for i := range many {
			many[i] = "item " + string(rune('A'+i))
		}
		p, _ := keys(enter)
		if got, err := p.Select("Items", many, ui.WithCursor(33)); err != nil || got != 33 {
			t.Fatalf("Select = %d, %v; want 33 (a cursor beyond the first screen must stay choosable)", got, err)
		}
	})
	t.Run("an empty list is refused before reading a key", func(t *testing.T) {
		p, out := keys(enter)
		if _, err := p.Select("Fruit", nil); !errors.Is(err, ui.ErrNoItems) {
			t.Fatalf("error = %v, want ErrNoItems", err)
		}
		if out.String() != "" {
			t.Fatalf("an empty list was drawn: %q", out.String())
		}
	})
	t.Run("a header is shown above the items and the label before it", func(t *testing.T) {
		p, out := keys(enter)
		if _, err := p.Select("Customers · page 1", fruits, ui.WithHeader("NAME")); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if li, hi := strings.Index(s, "Customers · page 1"), strings.Index(s, "    NAME"); li < 0 || hi < li {
			t.Fatalf("label at %d, header at %d in %q", li, hi, s)
		}
	})
}

func TestTerminalConfirm(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string
		want    bool
		wantErr error
	}{
		{"enter alone says no", []string{enter}, false, nil},
		{"down then enter says yes", []string{down, enter}, true, nil},
		{"ctrl+c goes back", []string{ctrlC}, false, ui.ErrBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := keys(tt.keys...)
			got, err := p.Confirm("Delete Ada?")
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("Confirm = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("full name: must not be empty")
	}
	return nil
}

func TestTerminalInput(t *testing.T) {
	tests := []struct {
		name     string
		def      string
		keys     []string
		want     string
		wantErr  error
		wantShow string // on screen
	}{
		{name: "typed text is returned", keys: []string{"Ada Lovelace", enter}, want: "Ada Lovelace"},
		{name: "enter keeps the default", def: "Ada", keys: []string{enter}, want: "Ada"},
		{name: "typing replaces the default", def: "Ada", keys: []string{"Grace", enter}, want: "Grace"},
		{
			name: "a refused value shows the rule and is asked again", keys: []string{enter, "Ada", enter},
			want: "Ada", wantShow: "full name: must not be empty",
		},
		{name: "ctrl+c goes back", keys: []string{"Ad", ctrlC}, wantErr: ui.ErrBack},
		{name: "ctrl+d on an empty line quits", keys: []string{ctrlD}, wantErr: ui.ErrQuit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out := keys(tt.keys...)
			got, err := p.Input("Full name", tt.def, required)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("Input = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			if !strings.Contains(out.String(), tt.wantShow) {
				t.Fatalf("the screen does not show %q: %q", tt.wantShow, out.String())
			}
		})
	}
	t.Run("a panicking validator is an error, not a crash", func(t *testing.T) {
		p, _ := keys("x", enter, ctrlC)
		_, err := p.Input("Full name", "", func(string) error { panic("bug") })
		if err == nil || errors.Is(err, ui.ErrBack) {
			t.Fatalf("error = %v, want an internal error", err)
		}
	})
}

func TestTerminalPassword(t *testing.T) {
	p, out := keys("hunter2-secret", enter)
	got, err := p.Password("Password", nil)
	if err != nil || got != "hunter2-secret" {
		t.Fatalf("Password = %q, %v", got, err)
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Fatalf("the password was echoed: %q", out.String())
	}
	if !strings.Contains(out.String(), "****") {
		t.Fatalf("the password is not masked with *: %q", out.String())
	}
}

func TestTerminalOutputHasNoBell(t *testing.T) {
	// readline rings on a backspace with nothing to delete, which a promptui
	// prompt always has (it keeps the text itself).
	p, out := keys(backspace, backspace, "A", enter)
	if _, err := p.Input("Full name", "", nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\a") {
		t.Fatalf("the output rings the bell: %q", out.String())
	}
}

func TestTerminalShowsTheCursorAfterEveryPrompt(t *testing.T) {
	for name, run := range map[string]func(p *ui.TerminalPrompter) error{
		"select": func(p *ui.TerminalPrompter) error { _, err := p.Select("Fruit", fruits); return err },
		"input":  func(p *ui.TerminalPrompter) error { _, err := p.Input("Name", "", nil); return err },
	} {
		for _, key := range []string{enter, ctrlC, ctrlD} {
			t.Run(name+" ended by "+strings.NewReplacer(enter, "enter", ctrlC, "ctrl+c", ctrlD, "ctrl+d").Replace(key), func(t *testing.T) {
				p, out := keys(key)
				_ = run(p)
				s := out.String()
				if hide, show := strings.LastIndex(s, "\x1b[?25l"), strings.LastIndex(s, "\x1b[?25h"); hide >= 0 && show < hide {
					t.Fatalf("the cursor is left hidden: %q", s)
				}
			})
		}
	}
}

func TestTerminalWithoutColour(t *testing.T) {
	p, out := keys(enter)
	if _, err := p.Select("Fruit", fruits); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b[3") || strings.Contains(out.String(), "\x1b[1m") {
		t.Fatalf("colour or bold without colour: %q", out.String())
	}
}

func TestTerminalPromptsLeaveNoGoroutineBehind(t *testing.T) {
	ask := func() {
		p, _ := keys(down, enter)
		_, _ = p.Select("Fruit", fruits)
		p, _ = keys("Ada", enter)
		_, _ = p.Input("Name", "", nil)
		p, _ = keys(ctrlC)
		_, _ = p.Confirm("Sure?")
	}
	ask() // readline starts one goroutine for good, on its first use
	before := runtime.NumGoroutine()
	for range 20 {
		ask()
	}
	// Goroutines end just after a prompt returns: give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines after 60 prompts, %d before: each prompt leaks", after, before)
	}
}
