package ptytest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

// Keys as a terminal sends them, for Press.
const (
	Enter     = "\r"
	Up        = "\x1b[A"
	Down      = "\x1b[B"
	Right     = "\x1b[C"
	Left      = "\x1b[D"
	Backspace = "\x7f"
	Tab       = "\t"
	Esc       = "\x1b"
	CtrlC     = "\x03"
	CtrlD     = "\x04"
)

// The default screen: wide enough for the program's 80 columns, tall enough
// for a 20-row page with its header and actions.
const (
	DefaultCols = 80
	DefaultRows = 30
)

// Build compiles the main package pkg (an import path, or a directory
// relative to the test's working directory) into dir and returns the path of
// the binary. Call it once per test binary, from TestMain, and share the
// result: a build takes seconds, a start milliseconds.
func Build(dir, pkg string) (string, error) {
	bin := filepath.Join(dir, filepath.Base(strings.TrimSuffix(pkg, "/")))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out.String())
	}
	return bin, nil
}

// Options says how to start the program.
type Options struct {
	Args []string
	// Env is added to a small, fixed environment (PATH, HOME in a temporary
	// directory, TERM=xterm, LANG=C.UTF-8); it never inherits the test's
	// own, so a developer's settings cannot change a test. Later entries win.
	Env        []string
	Dir        string // working directory; empty means the test's
	Cols, Rows int    // terminal size; 0 means DefaultCols × DefaultRows
}

// Term is a program running in a pseudo-terminal.
type Term struct {
	cmd  *exec.Cmd
	pty  *os.File
	vt   vt10x.Terminal
	cols int

	mu     sync.Mutex
	raw    bytes.Buffer // everything the program wrote
	carry  []byte       // the start of a character split between two reads
	exited chan struct{}
	read   chan struct{} // closed when the reader has stopped
	code   int
}

// Start runs bin in a new pseudo-terminal. The program is killed and the
// terminal closed when the test ends.
func Start(t testing.TB, bin string, opts Options) *Term {
	t.Helper()
	cols, rows := opts.Cols, opts.Rows
	if cols <= 0 {
		cols = DefaultCols
	}
	if rows <= 0 {
		rows = DefaultRows
	}
	cmd := exec.Command(bin, opts.Args...)
	cmd.Dir = opts.Dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TERM=xterm",
		"LANG=C.UTF-8",
	}, opts.Env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		t.Fatalf("start %s in a pty: %v", bin, err)
	}
	term := &Term{
		cmd:    cmd,
		pty:    f,
		cols:   cols,
		exited: make(chan struct{}),
		read:   make(chan struct{}),
	}
	// The emulator answers the program's queries (cursor position) on the pty.
	term.vt = vt10x.New(vt10x.WithSize(cols, rows), vt10x.WithWriter(f))
	go term.readLoop()
	go func() {
		_ = cmd.Wait()
		term.mu.Lock()
		term.code = cmd.ProcessState.ExitCode()
		term.mu.Unlock()
		close(term.exited)
	}()
	t.Cleanup(term.close)
	return term
}

// readLoop feeds the emulator with what the program writes, whole
// characters at a time (the emulator drops a character split across writes).
func (t *Term) readLoop() {
	defer close(t.read)
	buf := make([]byte, 4096)
	for {
		n, err := t.pty.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.raw.Write(buf[:n])
			data := append(t.carry, buf[:n]...)
			cut := len(data)
			if i := lastStart(data); !utf8.FullRune(data[i:]) {
				cut = i // keep the incomplete character for the next read
			}
			t.carry = append([]byte(nil), data[cut:]...)
			t.mu.Unlock()
			_, _ = t.vt.Write(data[:cut])
		}
		if err != nil {
			return // EIO once the program has exited and closed the terminal
		}
	}
}

// lastStart returns the index of the first byte of the last character of b,
// or len(b) when its last bytes start no character (invalid UTF-8).
func lastStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b)
}

func (t *Term) close() {
	select {
	case <-t.exited:
	default:
		_ = t.cmd.Process.Kill()
		<-t.exited
	}
	_ = t.pty.Close()
	<-t.read
}

// Type sends text as if typed.
func (t *Term) Type(text string) {
	_, _ = io.WriteString(t.pty, text)
}

// Press sends keys (Enter, Down, CtrlC, …) one after the other.
func (t *Term) Press(keys ...string) {
	for _, k := range keys {
		t.Type(k)
	}
}

// Screen returns the text on the screen, one line per row, without trailing
// blanks or blank rows at the bottom.
func (t *Term) Screen() string {
	lines := strings.Split(strings.ReplaceAll(t.vt.String(), "\x00", " "), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// Output returns every byte the program wrote so far, escape sequences included.
func (t *Term) Output() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.raw.String()
}

// CursorVisible reports whether the program left the text cursor shown.
func (t *Term) CursorVisible() bool {
	t.vt.Lock()
	defer t.vt.Unlock()
	return t.vt.CursorVisible()
}

// pollEvery is how often the screen is read while waiting.
const pollEvery = 10 * time.Millisecond

// WaitFor waits until text appears on the screen and fails the test, showing
// the screen, if it has not within timeout. The timeout bounds the wait
// only; how long the program took is never asserted.
func (t *Term) WaitFor(tb testing.TB, text string, timeout time.Duration) {
	tb.Helper()
	if err := t.poll(timeout, func(s string) bool { return strings.Contains(s, text) }); err != nil {
		tb.Fatalf("waiting for %q on the screen: %v\n%s", text, err, t.frame())
	}
}

// WaitForGone waits until text is no longer on the screen, as WaitFor.
func (t *Term) WaitForGone(tb testing.TB, text string, timeout time.Duration) {
	tb.Helper()
	if err := t.poll(timeout, func(s string) bool { return !strings.Contains(s, text) }); err != nil {
		tb.Fatalf("waiting for %q to leave the screen: %v\n%s", text, err, t.frame())
	}
}

var errTimeout = errors.New("timed out")

func (t *Term) poll(timeout time.Duration, ok func(string) bool) error {
	deadline := time.Now().Add(timeout)
	for {
		if ok(t.Screen()) {
			return nil
		}
		if time.Now().After(deadline) {
			return errTimeout
		}
		select {
		case <-t.read:
			// The program is gone: one last look at what it left.
			if ok(t.Screen()) {
				return nil
			}
			return errors.New("the program exited")
		case <-time.After(pollEvery):
		}
	}
}

// Wait waits for the program to exit and returns its exit code (-1 when a
// signal ended it); it fails the test if the program is still running after
// timeout.
func (t *Term) Wait(tb testing.TB, timeout time.Duration) int {
	tb.Helper()
	select {
	case <-t.exited:
	case <-time.After(timeout):
		tb.Fatalf("the program did not exit\n%s", t.frame())
	}
	// Let the reader drain what the program wrote before it exited.
	select {
	case <-t.read:
	case <-time.After(timeout):
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.code
}

// frame draws the screen in a box for failure messages.
func (t *Term) frame() string {
	rule := "+" + strings.Repeat("-", t.cols) + "+"
	var b strings.Builder
	b.WriteString(rule + "\n")
	for _, l := range strings.Split(t.Screen(), "\n") {
		b.WriteString("|" + l + "\n")
	}
	b.WriteString(rule)
	return b.String()
}
