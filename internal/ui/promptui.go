package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/template"

	"github.com/manifoldco/promptui"
	"golang.org/x/term"
)

// ItemIndent is how far right of the screen's edge a Select draws its items
// (a scroll marker and the pointer): a table offered as items must be laid
// out in the width that remains, and a header aligned with them starts there.
const ItemIndent = 4

// Escape sequences promptui hides and shows the cursor with.
const (
	showCursor = "\x1b[?25h"
)

// TerminalPrompter is the Prompter of a real terminal, built on promptui.
type TerminalPrompter struct {
	stdin   io.ReadCloser
	out     *bellFilter
	display Display
	saved   *term.State // the terminal as we found it, restored by Restore
	fd      int
}

var _ Prompter = (*TerminalPrompter)(nil)

// TerminalOption configures a TerminalPrompter.
type TerminalOption func(*TerminalPrompter)

// WithDisplay tells the prompter the terminal's size and whether to use colour.
func WithDisplay(d Display) TerminalOption {
	return func(p *TerminalPrompter) { p.display = d }
}

// NewTerminalPrompter asks its questions on stdout and reads keys from stdin.
// Pass a nil stdin (or os.Stdin, which is treated the same) for the real
// terminal: readline then reads it through a cancellable reader, and a prompt
// ended by Ctrl+D does not leave a read pending that would swallow the next
// key. Other readers are for tests. A nil stdout means os.Stdout. The output
// never carries the terminal bell.
func NewTerminalPrompter(stdin io.ReadCloser, stdout io.WriteCloser, opts ...TerminalOption) *TerminalPrompter {
	if f, ok := stdin.(*os.File); ok && f == os.Stdin {
		stdin = nil
	}
	var w io.Writer = stdout
	if stdout == nil {
		w = os.Stdout
	}
	p := &TerminalPrompter{stdin: stdin, out: newBellFilter(w), fd: -1}
	for _, opt := range opts {
		opt(p)
	}
	if stdin == nil {
		fd := int(os.Stdin.Fd())
		if st, err := term.GetState(fd); err == nil {
			p.saved, p.fd = st, fd
		}
	}
	return p
}

// Restore leaves the terminal as the program found it: cursor shown, raw mode
// off. Call it before reporting a panic and on every exit path; it is safe to
// call at any time.
func (p *TerminalPrompter) Restore() {
	_, _ = p.out.Write([]byte(showCursor))
	if p.saved != nil {
		_ = term.Restore(p.fd, p.saved)
	}
}

// Select implements Prompter.
func (p *TerminalPrompter) Select(label string, items []string, opts ...SelectOption) (int, error) {
	if len(items) == 0 {
		return 0, ErrNoItems
	}
	cfg := ApplySelectOptions(len(items), opts...)
	width := p.display.Cols()
	label = Truncate(clean(label), width-2)
	// A line wider than the terminal wraps, and promptui's redraw, which
	// counts lines, would then leave debris: every line is cut to fit.
	shown := make([]string, len(items))
	for i, it := range items {
		shown[i] = Truncate(clean(it), width-ItemIndent)
	}

	reserved := 4 // help line, label line, the line the cursor rests on, one spare
	labelTpl := `{{ "?" | blue }} {{ . | bold }}`
	var promptLabel any = label
	if cfg.Header != "" {
		// The header takes the label's place right above the items; the
		// label goes on the line before it, outside promptui's redraw.
		fmt.Fprintf(p.out, "%s %s\n", p.style("blue", "?"), p.style("bold", label))
		labelTpl = strings.Repeat(" ", ItemIndent) + `{{ . | faint }}`
		promptLabel = Truncate(clean(cfg.Header), width-ItemIndent)
		reserved++
	}
	size := min(len(items), max(3, p.display.Rows()-reserved))

	s := promptui.Select{
		Label: promptLabel,
		Items: shown,
		Size:  size,
		Templates: &promptui.SelectTemplates{
			Label:    labelTpl,
			Active:   `{{ "▸" | cyan }} {{ . | bold }}`,
			Inactive: `  {{ . }}`,
			Selected: `{{ "✔" | green }} {{ . | faint }}`,
			Help: `{{ "↑↓ move · Enter choose" | faint }}` +
				`{{ if .Search }}{{ " · / search" | faint }}{{ end }}{{ " · Ctrl+C back" | faint }}`,
			FuncMap: p.funcs(),
		},
		Stdin:  p.stdin,
		Stdout: p.out,
	}
	if !cfg.NoSearch {
		lower := make([]string, len(shown))
		for i, it := range shown {
			lower[i] = strings.ToLower(it)
		}
		s.Searcher = func(input string, i int) bool {
			return strings.Contains(lower[i], strings.ToLower(strings.TrimSpace(input)))
		}
	}
	// promptui scrolls to the top after placing the cursor; scroll so the
	// cursor is visible, or the list could not be submitted.
	i, _, err := s.RunCursorAt(cfg.Cursor, max(0, cfg.Cursor-size+1))
	if err != nil {
		return 0, p.fail(err)
	}
	return i, nil
}

// Input implements Prompter. The default is kept on Enter; typing replaces
// it, Backspace clears it, and → starts editing it.
func (p *TerminalPrompter) Input(label, def string, validate func(string) error) (string, error) {
	return p.prompt(label, def, 0, validate)
}

// Password implements Prompter: every character shows as '*'.
func (p *TerminalPrompter) Password(label string, validate func(string) error) (string, error) {
	return p.prompt(label, "", '*', validate)
}

// Confirm implements Prompter with a Yes/No Select (promptui's IsConfirm
// treats every answer but "y" as an error and has no Ctrl+C semantics).
func (p *TerminalPrompter) Confirm(label string) (bool, error) {
	i, err := p.Select(label, []string{No, Yes}, WithoutSearch())
	if err != nil {
		return false, err
	}
	return i == 1, nil
}

func (p *TerminalPrompter) prompt(label, def string, mask rune, validate func(string) error) (string, error) {
	v := &guardedValidator{fn: validate}
	label = Truncate(clean(label), p.display.Cols()/2)
	pr := promptui.Prompt{
		Label:   label,
		Default: def,
		Mask:    mask,
		Pointer: p.pointer,
		Templates: &promptui.PromptTemplates{
			Prompt:          `{{ "?" | blue }} {{ . | bold }}: `,
			Valid:           `{{ "✔" | green }} {{ . | bold }}: `,
			Invalid:         `{{ "✗" | red }} {{ . | bold }}: `,
			Success:         `{{ . | faint }}: `,
			ValidationError: `{{ ">>" | red }} {{ . | red }}`,
			FuncMap:         p.funcs(),
		},
		Stdin:  p.stdin,
		Stdout: p.out,
	}
	if validate != nil {
		pr.Validate = v.check
	}
	s, err := pr.Run()
	if err != nil {
		return "", p.fail(err)
	}
	if r := v.panicValue(); r != nil {
		return "", fmt.Errorf("prompt %q: validator panicked: %v", label, r)
	}
	return s, nil
}

// guardedValidator runs a validator on readline's goroutine, where a panic
// would kill the program with the terminal still raw and the cursor hidden.
// A panic makes the value unacceptable instead, so the user can only go back,
// and Input then reports it as an internal error.
type guardedValidator struct {
	fn       func(string) error
	mu       sync.Mutex
	panicked any
}

func (g *guardedValidator) panicValue() any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.panicked
}

var errCannotCheck = errors.New("this value cannot be checked right now (internal error); press Ctrl+C")

func (g *guardedValidator) check(s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			g.mu.Lock()
			g.panicked = r
			g.mu.Unlock()
			err = errCannotCheck
		}
	}()
	return g.fn(s)
}

// fail maps promptui's errors to the ui's and makes sure the cursor promptui
// hid is visible again, whatever path the prompt ended on.
func (p *TerminalPrompter) fail(err error) error {
	_, _ = p.out.Write([]byte(showCursor))
	return mapPromptErr(err)
}

func mapPromptErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, promptui.ErrInterrupt), errors.Is(err, promptui.ErrAbort):
		return ErrBack
	case errors.Is(err, promptui.ErrEOF), errors.Is(err, io.EOF):
		return ErrQuit
	default:
		return fmt.Errorf("prompt: %w", err)
	}
}

// pointer draws the text cursor: the character under it in reverse video, or
// a block at the end of the line. (promptui's BlockCursor prints a literal
// "\e", and its default block hides the character under it.)
func (p *TerminalPrompter) pointer(under []rune) []rune {
	if len(under) == 0 {
		return []rune("█")
	}
	return []rune("\x1b[7m" + string(under) + "\x1b[27m")
}

// funcs returns the template functions: promptui's colours, or, without
// colour, the same names doing nothing.
func (p *TerminalPrompter) funcs() template.FuncMap {
	if p.display.Color {
		return promptui.FuncMap
	}
	plain := template.FuncMap{}
	for name := range promptui.FuncMap {
		plain[name] = func(v any) string { return fmt.Sprint(v) }
	}
	return plain
}

// style applies one of promptui's template styles outside a template.
func (p *TerminalPrompter) style(name, s string) string {
	f, ok := p.funcs()[name].(func(any) string)
	if !ok {
		return s
	}
	return f(s)
}
