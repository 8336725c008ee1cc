package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// asker asks a command's questions: the question on stderr (so that stdout
// stays clean for --json), the answer read from stdin through one buffer for
// the whole command, so two questions in a row each get their own line.
type asker struct {
	in  io.Reader
	br  *bufio.Reader
	out io.Writer
}

func (r *root) newAsker() *asker {
	return &asker{in: r.stdin, br: bufio.NewReader(r.stdin), out: r.stderr}
}

// errNoAnswer is the input ending before the answer: nothing more can be asked.
var errNoAnswer = errors.New("no answer: the input ended")

type lineRead struct {
	text string
	err  error
}

// line asks for one line of text and returns it without its line ending.
// Ctrl+C (the context cancelled) stops the wait.
func (a *asker) line(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(a.out, prompt)
	ch := make(chan lineRead, 1)
	go func() {
		s, err := a.br.ReadString('\n')
		ch <- lineRead{s, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.out)
		return "", ctx.Err()
	case ans := <-ch:
		if ans.err != nil && ans.text == "" {
			fmt.Fprintln(a.out)
			if errors.Is(ans.err, io.EOF) {
				return "", &usageError{err: errNoAnswer}
			}
			return "", fmt.Errorf("read answer: %w", ans.err)
		}
		return strings.TrimRight(ans.text, "\r\n"), nil
	}
}

// secret asks for a password. On a real terminal nothing is echoed; the
// terminal's state is restored even when Ctrl+C interrupts the wait.
func (a *asker) secret(ctx context.Context, prompt string) (string, error) {
	f, ok := a.in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return a.line(ctx, prompt)
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprint(a.out, prompt)
	ch := make(chan lineRead, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- lineRead{string(b), err}
	}()
	select {
	case <-ctx.Done():
		// ReadPassword is still waiting and would restore echo only when it
		// returns: restore it now, since the program is about to exit.
		_ = term.Restore(fd, state)
		fmt.Fprintln(a.out)
		return "", ctx.Err()
	case ans := <-ch:
		fmt.Fprintln(a.out)
		if ans.err != nil {
			if errors.Is(ans.err, io.EOF) {
				return "", &usageError{err: errNoAnswer}
			}
			return "", fmt.Errorf("read password: %w", ans.err)
		}
		return ans.text, nil
	}
}

// confirm asks a yes/no question; anything but y or yes (the end of the input
// included) is no.
func (a *asker) confirm(ctx context.Context, question string) (bool, error) {
	s, err := a.line(ctx, question+" [y/N] ")
	var usage *usageError
	if errors.As(err, &usage) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes":
		return true, nil
	default:
		return false, nil
	}
}

// maxSecretInput bounds what --password-stdin reads: passwords are at most
// 128 characters, so anything longer is not one.
const maxSecretInput = 4096

// readStdinSecret reads what --password-stdin gives: all of stdin, less one
// trailing line ending (a password may itself end in spaces).
func readStdinSecret(in io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(in, maxSecretInput+1))
	if err != nil {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	if len(b) > maxSecretInput {
		return "", &usageError{err: fmt.Errorf("--password-stdin: the input is longer than any password (%d bytes at most)", maxSecretInput)}
	}
	s := string(b)
	if strings.HasSuffix(s, "\n") {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	return s, nil
}
