package ui

import (
	"context"
	"errors"
	"sync"
)

// Ctrl+C is a key while a prompt is open (the terminal is in raw mode), and
// goes back one menu. Pressed while no prompt is open (during a slow call to
// the database, or a page being fetched) it is a SIGINT, which must do the
// same and never end the session: each action chosen in a menu runs with a
// context of its own, and the interrupt cancels the innermost one under way.
// The action fails, "cancelled" is shown, and the menu it was chosen in goes
// on. The store rolls a cancelled transaction back, so nothing is half done.

// errInterrupted is an action's failure when it was cancelled by Ctrl+C.
var errInterrupted = errors.New("interrupted")

// actions is the stack of the actions under way, the innermost last.
type actions struct {
	mu    sync.Mutex
	stack []*runningAction
}

type runningAction struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// interrupt cancels the innermost action under way. Between two actions
// (the main menu being drawn) there is nothing to cancel, and it does nothing.
func (as *actions) interrupt() {
	as.mu.Lock()
	defer as.mu.Unlock()
	if n := len(as.stack); n > 0 {
		as.stack[n-1].cancel(errInterrupted)
	}
}

// interrupted reports whether the innermost action under way was
// interrupted: it must ask no more questions.
func (as *actions) interrupted() bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	n := len(as.stack)
	return n > 0 && errors.Is(context.Cause(as.stack[n-1].ctx), errInterrupted)
}

func (as *actions) push(a *runningAction) {
	as.mu.Lock()
	as.stack = append(as.stack, a)
	as.mu.Unlock()
}

func (as *actions) pop(a *runningAction) {
	as.mu.Lock()
	defer as.mu.Unlock()
	for i := len(as.stack) - 1; i >= 0; i-- {
		if as.stack[i] == a {
			as.stack = append(as.stack[:i], as.stack[i+1:]...)
			return
		}
	}
}

// interruptible runs fn as an action of its own, on a context that an
// interrupt cancels. It returns fn's error, or errInterrupted when fn failed
// after an interrupt: whatever failed, it failed because of that. An error
// that leaves the menus (quit, log out, thrown out, terminal gone) is kept.
func (s *session) interruptible(ctx context.Context, fn func(context.Context) error) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	a := &runningAction{ctx: actx, cancel: cancel}
	s.running.push(a)
	err := fn(actx)
	s.running.pop(a)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errInterrupted) && !leavesMenus(err) {
		return errInterrupted
	}
	return err
}

// act runs one action chosen in a menu (interruptible) and returns what
// outcome decides for that menu: nil to show it again, or the error that
// leaves it.
func (s *session) act(ctx context.Context, fn func(context.Context) error) error {
	return s.outcome(ctx, s.interruptible(ctx, fn))
}

// leavesMenus reports whether err ends every menu up to the main one or the
// program: an interrupt does not turn it into "cancelled".
func leavesMenus(err error) bool {
	var ended *endedError
	var failed *promptError
	return errors.Is(err, ErrQuit) || errors.Is(err, errLoggedOut) || errors.As(err, &ended) || errors.As(err, &failed)
}
