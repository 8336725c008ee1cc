package ui

import (
	"errors"
	"io"
	"testing"
)

// readAll reads r one Read at a time until it fails.
func readAll(r io.Reader) (string, error) {
	var got []byte
	b := make([]byte, 64)
	for {
		n, err := r.Read(b)
		got = append(got, b[:n]...)
		if err != nil {
			return string(got), err
		}
	}
}

func TestKeyboard(t *testing.T) {
	t.Run("a prompt takes one byte per read, and what it leaves goes to the next", func(t *testing.T) {
		k := newKeyboard(&chunks{parts: []string{"Ada\rLovelace\r"}})
		first := k.open()
		b := make([]byte, 64)
		var got []byte
		for len(got) < 4 {
			n, err := first.Read(b)
			if err != nil || n != 1 {
				t.Fatalf("Read = %d, %v; want one byte", n, err)
			}
			got = append(got, b[0])
		}
		_ = first.Close()
		if string(got) != "Ada\r" {
			t.Fatalf("the first prompt read %q", got)
		}
		if _, err := first.Read(b); !errors.Is(err, io.EOF) {
			t.Fatalf("a closed prompt read %v, want io.EOF", err)
		}
		rest, err := readAll(k.open())
		if rest != "Lovelace\r" || !errors.Is(err, io.EOF) {
			t.Fatalf("the next prompt read %q, %v; want the rest then io.EOF", rest, err)
		}
	})
	t.Run("a prompt closed while waiting for a key leaves that key to the next", func(t *testing.T) {
		src := &gated{started: make(chan struct{}), release: make(chan struct{}), data: "x"}
		k := newKeyboard(src)
		first := k.open()
		done := make(chan error)
		go func() {
			_, err := first.Read(make([]byte, 8))
			done <- err
		}()
		<-src.started // the terminal is being read for the first prompt
		_ = first.Close()
		if err := <-done; !errors.Is(err, io.EOF) {
			t.Fatalf("the closed prompt's read returned %v, want io.EOF", err)
		}
		close(src.release) // the key comes now
		b := make([]byte, 8)
		n, err := k.open().Read(b)
		if err != nil || string(b[:n]) != "x" {
			t.Fatalf("the next prompt read %q, %v; want the key", b[:n], err)
		}
	})
	t.Run("the input's error reaches every prompt after its bytes", func(t *testing.T) {
		k := newKeyboard(&chunks{parts: []string{"a"}})
		if got, err := readAll(k.open()); got != "a" || !errors.Is(err, io.EOF) {
			t.Fatalf("read %q, %v", got, err)
		}
		if got, err := readAll(k.open()); got != "" || !errors.Is(err, io.EOF) {
			t.Fatalf("after the end: %q, %v", got, err)
		}
	})
}

// chunks returns its parts one per Read, then io.EOF.
type chunks struct{ parts []string }

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.parts[0])
	c.parts = c.parts[1:]
	return n, nil
}

// gated is a terminal read once: started is closed when the read begins,
// and its one key arrives when release is closed.
type gated struct {
	started, release chan struct{}
	data             string
}

func (g *gated) Read(p []byte) (int, error) {
	close(g.started)
	<-g.release
	return copy(p, g.data), nil
}
