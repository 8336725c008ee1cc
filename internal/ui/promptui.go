package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chzyer/readline"
	"github.com/manifoldco/promptui"
	"golang.org/x/term"
)

// ItemIndent is how far right of the screen's edge a Select draws its items
// (a scroll marker and the pointer): a table offered as items must be laid
// out in the width that remains, and a header aligned with them starts there.
const ItemIndent = 4

// Escape sequences that hide and show the text cursor.
const (
	hideCursor = "\x1b[?25l"
	showCursor = "\x1b[?25h"
)

// TerminalPrompter is the Prompter of a real terminal, built on promptui.
type TerminalPrompter struct {
	keys    *keyboard // every prompt's keys, from one reader of the input
	own     bool      // the input is the process's own terminal, made raw per prompt
	out     *bellFilter
	display Display
	saved   *term.State // the terminal as we found it, restored by Restore
	fd      int
	outFd   int // the output's descriptor when it is a terminal, else -1
}

var _ Prompter = (*TerminalPrompter)(nil)

// TerminalOption configures a TerminalPrompter.
type TerminalOption func(*TerminalPrompter)

// WithDisplay tells the prompter the terminal's size and whether to use colour.
func WithDisplay(d Display) TerminalOption {
	return func(p *TerminalPrompter) { p.display = d }
}

// NewTerminalPrompter asks its questions on stdout and reads keys from stdin.
// Pass a nil stdin (os.Stdin is treated the same) for the real terminal: it
// is put in raw mode only while a prompt is open. Other readers are for
// tests. Either way one reader serves every prompt, so keys typed ahead of a
// question reach it. A nil stdout means os.Stdout. The output never carries
// the terminal bell.
func NewTerminalPrompter(stdin io.ReadCloser, stdout io.WriteCloser, opts ...TerminalOption) *TerminalPrompter {
	own := stdin == nil
	if f, ok := stdin.(*os.File); ok && f == os.Stdin {
		own = true
	}
	var in io.Reader = stdin
	if own {
		in = os.Stdin
	}
	var w io.Writer = stdout
	if stdout == nil {
		w = os.Stdout
	}
	p := &TerminalPrompter{keys: newKeyboard(in), own: own, out: newBellFilter(w), fd: -1, outFd: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.outFd = int(f.Fd())
	}
	for _, opt := range opts {
		opt(p)
	}
	if own {
		fd := int(os.Stdin.Fd())
		if st, err := term.GetState(fd); err == nil {
			p.saved, p.fd = st, fd
		}
	}
	return p
}

// screenSize returns the terminal's size now (it may have been resized since
// the Display was detected), or the Display's when it cannot be read.
func (p *TerminalPrompter) screenSize() (cols, rows int) {
	if p.outFd >= 0 {
		if w, h, err := term.GetSize(p.outFd); err == nil && w > 0 && h > 0 {
			return w, h
		}
	}
	return p.display.Cols(), p.display.Rows()
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
	width, height := p.screenSize()
	// A line wider than the terminal wraps, and the redraw, which counts
	// lines, would then leave debris: every line is cut to fit.
	sel := selectRun{
		label: Truncate(clean(label), width-2),
		items: make([]string, len(items)),
		width: width,
	}
	for i, it := range items {
		sel.items[i] = Truncate(clean(it), width-ItemIndent)
	}
	// Besides the items: the label, the help line and the line the cursor
	// rests on under the list (and the header).
	reserved := 3
	if cfg.Header != "" {
		sel.header = Truncate(clean(cfg.Header), width-ItemIndent)
		reserved++
	}
	sel.size = min(len(items), max(3, height-reserved))
	if !cfg.NoSearch {
		lower := make([]string, len(sel.items))
		for i, it := range sel.items {
			lower[i] = strings.ToLower(it)
		}
		sel.searcher = func(input string, i int) bool {
			return strings.Contains(lower[i], strings.ToLower(strings.TrimSpace(input)))
		}
	}
	i, err := p.runSelect(sel, cfg.Cursor)
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
	width, _ := p.screenSize()
	s, err := p.runPrompt(promptRun{
		label:    Truncate(clean(label), width/2),
		width:    width,
		def:      def,
		mask:     mask,
		validate: v.check,
	})
	if r := v.panicValue(); r != nil {
		_, _ = p.out.Write([]byte(showCursor))
		return "", fmt.Errorf("prompt %q: validator panicked: %v", label, r)
	}
	if err != nil {
		return "", p.fail(err)
	}
	return s, nil
}

// fail maps readline's errors to the ui's and makes sure the cursor is
// visible again, whatever path the prompt ended on.
func (p *TerminalPrompter) fail(err error) error {
	_, _ = p.out.Write([]byte(showCursor))
	return mapPromptErr(err)
}

func mapPromptErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, readline.ErrInterrupt), errors.Is(err, promptui.ErrInterrupt), errors.Is(err, promptui.ErrAbort):
		return ErrBack
	case errors.Is(err, io.EOF), errors.Is(err, promptui.ErrEOF):
		return ErrQuit
	default:
		return fmt.Errorf("prompt: %w", err)
	}
}

// palette is how prompts are styled: promptui's colours, or, without
// colour (NO_COLOR, or not a colour terminal), plain text.
type palette struct {
	bold, faint, blue, green, red, cyan func(any) string
}

func (p *TerminalPrompter) palette() palette {
	if !p.display.Color {
		plain := func(v any) string { return fmt.Sprint(v) }
		return palette{plain, plain, plain, plain, plain, plain}
	}
	return palette{
		bold:  promptui.Styler(promptui.FGBold),
		faint: promptui.Styler(promptui.FGFaint),
		blue:  promptui.Styler(promptui.FGBlue),
		green: promptui.Styler(promptui.FGGreen),
		red:   promptui.Styler(promptui.FGRed),
		cyan:  promptui.Styler(promptui.FGCyan),
	}
}
