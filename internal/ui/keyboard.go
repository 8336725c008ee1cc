package ui

import (
	"io"
	"sync"
)

// keyboard is the one reader of the terminal's input, shared by every prompt
// for the life of the prompter.
//
// Each prompt runs its own readline, and readline reads through a 4 KiB
// buffer of its own: what it had read beyond the key that ended the prompt
// (the answer to the next question, typed before that question was on the
// screen) used to be lost when it closed. So the keyboard keeps every byte it
// has read until a prompt takes it, and hands them out one byte per Read:
// readline then never holds a byte beyond the key it is working on, and the
// rest is there for the next prompt.
//
// The terminal is read only while a prompt wants a key. A prompt that closes
// while a read is under way stops waiting at once; what that read brings
// later is kept for the next prompt.
type keyboard struct {
	src io.Reader

	mu      sync.Mutex
	pending []byte        // read from src, not yet taken by a prompt
	err     error         // src's error once it has failed: every later read gets it
	reading bool          // a read of src is under way
	changed chan struct{} // closed (and replaced) when pending or err changes
}

func newKeyboard(src io.Reader) *keyboard {
	return &keyboard{src: src, changed: make(chan struct{})}
}

// open returns the keys of one prompt: a reader that Close ends, and that
// leaves the bytes it did not return to the prompt opened next.
func (k *keyboard) open() *keys {
	return &keys{k: k, done: make(chan struct{})}
}

// take returns the next byte, or src's error once everything read is taken;
// otherwise it starts a read of src (when none is under way) and returns a
// channel closed when there is something new.
func (k *keyboard) take(p []byte) (n int, err error, wait <-chan struct{}) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case len(k.pending) > 0:
		n = copy(p[:1], k.pending)
		k.pending = k.pending[n:]
		return n, nil, nil
	case k.err != nil:
		return 0, k.err, nil
	}
	if !k.reading {
		k.reading = true
		go k.fill()
	}
	return 0, nil, k.changed
}

// fill reads what the terminal has. It may outlive the prompt that asked for
// it (a read of a terminal cannot be called off): it belongs to the keyboard.
func (k *keyboard) fill() {
	buf := make([]byte, 256)
	n, err := k.src.Read(buf)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.pending = append(k.pending, buf[:n]...)
	if err != nil {
		k.err = err
	}
	k.reading = false
	close(k.changed)
	k.changed = make(chan struct{})
}

// keys is one prompt's view of the keyboard.
type keys struct {
	k    *keyboard
	done chan struct{}
	once sync.Once
}

// Read returns one byte, waiting for it, or io.EOF once the view is closed.
func (r *keys) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		select {
		case <-r.done:
			return 0, io.EOF
		default:
		}
		n, err, wait := r.k.take(p)
		if wait == nil {
			return n, err
		}
		select {
		case <-wait:
		case <-r.done:
			return 0, io.EOF
		}
	}
}

// Close ends the view: a Read waiting on it returns io.EOF, and the keys it
// did not return stay with the keyboard. It is safe to call more than once.
func (r *keys) Close() error {
	r.once.Do(func() { close(r.done) })
	return nil
}
