package ui

import (
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/chzyer/readline"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/manifoldco/promptui"
	"github.com/manifoldco/promptui/list"
	"github.com/manifoldco/promptui/screenbuf"
)

// The run loops below are promptui v0.9.0's Select.Run and Prompt.Run, on the
// same readline, list, cursor and screen buffer, with one fix. In promptui,
// readline's goroutine calls the listener (which redraws) right after it hands
// the final key to Run, so the listener and Run's closing redraw use the
// screen buffer at the same time: a data race that garbles the screen
// (promptui issues #148 and #210; the fixes, #169 and #185, were never
// merged). Here both sides hold one lock, and once Run has its answer the
// listener draws nothing more.

// screen is the part of a prompt both goroutines touch.
type screen struct {
	mu   sync.Mutex
	sb   *screenbuf.ScreenBuf
	done bool // the prompt has its answer: the listener must not draw
}

// newReadline opens readline on the prompter's keys and output. The returned
// close function ends every goroutine readline started (promptui's Select
// leaves one behind on each call) and gives the keys readline did not take
// back to the keyboard, for the next prompt.
func (p *TerminalPrompter) newReadline(cfg *readline.Config) (*readline.Instance, func(), error) {
	keys := p.keys.open()
	cfg.Stdin = keys
	cfg.Stdout = p.out
	cfg.HistoryLimit = -1
	cfg.UniqueEditLine = true
	if !p.own {
		// readline puts the process's own standard input in raw mode
		// whatever it reads from; keys from elsewhere must leave it alone.
		cfg.FuncMakeRaw = func() error { return nil }
		cfg.FuncExitRaw = func() error { return nil }
	}
	if err := cfg.Init(); err != nil {
		_ = keys.Close()
		return nil, nil, err
	}
	// Init's wrapper, whose goroutine ends when it is closed. readline closes
	// its input before waiting for its reading goroutine: closing the keys
	// then ends a read under way, which would otherwise wait for a key.
	fillable := cfg.Stdin
	cfg.Stdin = &promptInput{Reader: fillable, closers: []io.Closer{keys, fillable}}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		_ = cfg.Stdin.Close()
		return nil, nil, err
	}
	return rl, func() {
		_ = rl.Close()
		_ = cfg.Stdin.Close()
	}, nil
}

// promptInput is what one readline reads: closing it closes every layer.
type promptInput struct {
	io.Reader
	closers []io.Closer
}

func (in *promptInput) Close() error {
	for _, c := range in.closers {
		_ = c.Close()
	}
	return nil
}

// selectRun is one Select, its lines already cut to the terminal's width.
type selectRun struct {
	label    string
	header   string // column titles, drawn right above the items
	items    []string
	size     int // items shown at once
	width    int
	searcher list.Searcher
}

func (p *TerminalPrompter) runSelect(s selectRun, cursor int) (int, error) {
	l, err := list.New(s.items, s.size)
	if err != nil {
		return 0, err
	}
	l.Searcher = s.searcher
	l.SetCursor(cursor)
	// promptui scrolls to the top after placing the cursor, leaving a cursor
	// beyond the first screen invisible and the list impossible to submit.
	l.SetStart(max(0, cursor-s.size+1))

	st := p.palette()
	scr := &screen{}
	search := promptui.NewCursor("", nil, false)
	searchMode := false
	canSearch := s.searcher != nil

	help := st.faint("↑↓ move · Enter choose")
	if canSearch {
		help += st.faint(" · / search")
	}
	help += st.faint(" · Ctrl+C back")

	draw := func(key rune) {
		switch {
		case key == promptui.KeyEnter:
			return
		case key == promptui.KeyNext || (key == 'j' && !searchMode):
			l.Next()
		case key == promptui.KeyPrev || (key == 'k' && !searchMode):
			l.Prev()
		case key == '/':
			if !canSearch {
				break
			}
			searchMode = !searchMode
			if !searchMode {
				search.Replace("")
				l.CancelSearch()
			}
		case key == promptui.KeyBackspace || key == promptui.KeyCtrlH:
			if !canSearch || !searchMode {
				break
			}
			search.Backspace()
			if len(search.Get()) > 0 {
				l.Search(search.Get())
			} else {
				l.CancelSearch()
			}
		case key == promptui.KeyBackward || (key == 'h' && !searchMode):
			l.PageUp()
		case key == promptui.KeyForward || (key == 'l' && !searchMode):
			l.PageDown()
		default:
			if canSearch && searchMode && key >= ' ' {
				search.Update(string(key))
				l.Search(search.Get())
			}
		}

		sb := scr.sb
		_, _ = sb.WriteString(st.blue("?") + " " + st.bold(s.label))
		if searchMode {
			_, _ = sb.WriteString(Truncate("Search: "+search.Format(), s.width-1))
		} else {
			_, _ = sb.WriteString(help)
		}
		if s.header != "" {
			_, _ = sb.WriteString(strings.Repeat(" ", ItemIndent) + st.faint(s.header))
		}
		items, idx := l.Items()
		last := len(items) - 1
		for i, item := range items {
			mark := " "
			switch {
			case i == 0 && l.CanPageUp():
				mark = "↑"
			case i == last && l.CanPageDown():
				mark = "↓"
			}
			line := mark + " "
			if i == idx {
				line += st.cyan("▸") + " " + st.bold(item)
			} else {
				line += "  " + item.(string)
			}
			_, _ = sb.WriteString(line)
		}
		if idx == list.NotFound {
			_, _ = sb.WriteString("")
			_, _ = sb.WriteString("No results")
		}
		_ = sb.Flush()
	}

	cfg := &readline.Config{}
	cfg.SetListener(func(_ []rune, _ int, key rune) ([]rune, int, bool) {
		scr.mu.Lock()
		defer scr.mu.Unlock()
		if !scr.done {
			draw(key)
		}
		return nil, 0, true
	})
	rl, closeRL, err := p.newReadline(cfg)
	if err != nil {
		return 0, err
	}
	defer closeRL()
	_, _ = rl.Write([]byte(hideCursor))
	scr.sb = screenbuf.New(rl)

	for {
		_, err = rl.Readline()
		scr.mu.Lock()
		idx := list.NotFound
		if err == nil {
			_, idx = l.Items()
		}
		if err == nil && idx == list.NotFound {
			// Enter on "No results": nothing to choose yet.
			scr.mu.Unlock()
			continue
		}
		scr.done = true
		scr.sb.Reset()
		if err != nil {
			// Gone back or quit: leave no trace of the question.
			_ = scr.sb.Clear()
		} else {
			items, i := l.Items()
			_, _ = scr.sb.WriteString(st.green("✔") + " " + st.faint(Truncate(answered(s.label, items[i].(string)), s.width-2)))
		}
		_ = scr.sb.Flush()
		scr.mu.Unlock()
		_, _ = rl.Write([]byte(showCursor))
		if err != nil {
			return 0, err
		}
		return l.Index(), nil
	}
}

// answered is what stays on the screen once a question has its answer.
func answered(label, answer string) string {
	if strings.HasSuffix(label, "?") || strings.HasSuffix(label, ":") {
		return label + " " + answer
	}
	return label + ": " + answer
}

// promptRun is one line of text to ask for.
type promptRun struct {
	label    string
	def      string
	mask     rune // 0: echo the text
	validate func(string) error
	width    int
}

func (p *TerminalPrompter) runPrompt(r promptRun) (string, error) {
	st := p.palette()
	scr := &screen{}
	// Any key but Enter replaces the default, Backspace clears it, and →
	// starts editing it: on an update form, Enter keeps the current value.
	cur := promptui.NewCursor(r.def, p.pointer, r.def != "")
	var inputErr error // the last refusal, shown until the next key

	width := r.width
	prefix := 2 + text.StringWidthWithoutEscSequences(r.label) + 2 // "✔ label: "
	echo := func() string {
		input := []rune(cur.Get())
		if r.mask != 0 {
			input = []rune(strings.Repeat(string(r.mask), len(input)))
		}
		return fitInput(input, cur.Position, width-prefix-1, p.pointer)
	}
	draw := func(line []rune, pos int, key rune) bool {
		_, _, keepOn := cur.Listen(line, pos, key)
		if key != 0 && key != promptui.KeyEnter {
			inputErr = nil
		}
		icon := st.green("✔")
		if r.validate(cur.Get()) != nil {
			icon = st.red("✗")
		}
		sb := scr.sb
		sb.Reset()
		_, _ = sb.WriteString(icon + " " + st.bold(r.label) + st.bold(":") + " " + echo())
		if inputErr != nil {
			_, _ = sb.WriteString(st.red(Truncate(">> "+clean(inputErr.Error()), width-1)))
		}
		_ = sb.Flush()
		return keepOn
	}

	cfg := &readline.Config{EnableMask: r.mask != 0, MaskRune: r.mask}
	cfg.SetListener(func(line []rune, pos int, key rune) ([]rune, int, bool) {
		scr.mu.Lock()
		defer scr.mu.Unlock()
		if scr.done {
			return nil, 0, false
		}
		return nil, 0, draw(line, pos, key)
	})
	rl, closeRL, err := p.newReadline(cfg)
	if err != nil {
		return "", err
	}
	defer closeRL()
	_, _ = rl.Write([]byte(hideCursor))
	scr.sb = screenbuf.New(rl)

	for {
		_, err = rl.Readline()
		scr.mu.Lock()
		value := cur.Get()
		if err == nil {
			if inputErr = r.validate(value); inputErr != nil {
				// Asked again: the next Readline redraws with the refusal.
				scr.mu.Unlock()
				continue
			}
		}
		scr.done = true
		scr.sb.Reset()
		if err != nil {
			_ = scr.sb.Clear()
		} else {
			shown := value
			if r.mask != 0 {
				shown = cur.GetMask(r.mask)
			}
			_, _ = scr.sb.WriteString(st.faint(r.label+":") + " " + Truncate(clean(shown), width-prefix-1))
		}
		_ = scr.sb.Flush()
		scr.mu.Unlock()
		_, _ = rl.Write([]byte(showCursor))
		return value, err
	}
}

// fitInput shows input with the cursor at pos in at most avail columns: a
// line longer than the terminal would wrap and break the redraw, so a long
// text (an event's notes) scrolls within the line, cut with "…" on either
// side, and the cursor always stays in view. Position len(input) is the end
// of the line.
func fitInput(input []rune, pos, avail int, pointer func([]rune) []rune) string {
	avail = max(avail, 5)
	n := len(input)
	start, end := 0, n // the runes shown
	left, right := false, false
	if n+1 > avail { // the cursor at the end needs a column too
		w := avail - 2 // room for an ellipsis on each side
		start = min(max(0, pos-w/2), n+1-w)
		end = min(n, start+w)
		left, right = start > 0, start+w < n+1
	}
	var b strings.Builder
	if left {
		b.WriteString(Ellipsis)
	}
	b.WriteString(string(input[start:min(pos, end)]))
	if pos < n {
		b.WriteString(string(pointer(input[pos : pos+1])))
		if pos+1 < end {
			b.WriteString(string(input[pos+1 : end]))
		}
	} else {
		b.WriteString(string(pointer(nil)))
	}
	if right {
		b.WriteString(Ellipsis)
	}
	return b.String()
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

// guardedValidator runs a validator on readline's goroutine, where a panic
// would kill the program with the terminal still raw and the cursor hidden.
// A panic makes the value unacceptable instead, so the user can only go back,
// and Input then reports it as an internal error.
type guardedValidator struct {
	fn       func(string) error
	mu       sync.Mutex
	panicked any
}

var errCannotCheck = errors.New("this value cannot be checked (internal error); press Ctrl+C")

func (g *guardedValidator) check(s string) (err error) {
	if g.fn == nil {
		return nil
	}
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

func (g *guardedValidator) panicValue() any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.panicked
}
