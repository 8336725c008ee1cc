package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/epic-events/crm/internal/domain"
)

// watchedPrompter is the Prompter of a logged-in session. It notices a pause
// longer than the session's Idle between two answers: the answer that ends
// the pause is held back until the password has been given again, so nothing
// the user chose runs on the word of someone who walked up to an unattended
// terminal. (The Prompter reports answers, not single keys: a pause is
// measured from one answer to the next.)
//
// Any other failure of the terminal becomes a *promptError, which ends the
// program: a menu must not loop on a terminal that is gone.
type watchedPrompter struct {
	inner Prompter
	s     *session
	ctx   context.Context

	mu   sync.Mutex
	last time.Time // when the last answer came
}

var _ Prompter = (*watchedPrompter)(nil)

// touch starts a new period of activity: at login, and after each answer.
func (w *watchedPrompter) touch() {
	w.mu.Lock()
	w.last = w.s.Now()
	w.mu.Unlock()
}

// Each question first checks that the action asking it was not
// interrupted: Ctrl+C pressed just before the question was on the screen
// (a SIGINT) goes back as the key would have.

func (w *watchedPrompter) Select(label string, items []string, opts ...SelectOption) (int, error) {
	if w.s.running.interrupted() {
		return 0, ErrBack
	}
	i, err := w.inner.Select(label, items, opts...)
	return i, w.answered(err)
}

func (w *watchedPrompter) Input(label, def string, validate func(string) error) (string, error) {
	if w.s.running.interrupted() {
		return "", ErrBack
	}
	v, err := w.inner.Input(label, def, validate)
	return v, w.answered(err)
}

func (w *watchedPrompter) Password(label string, validate func(string) error) (string, error) {
	if w.s.running.interrupted() {
		return "", ErrBack
	}
	v, err := w.inner.Password(label, validate)
	return v, w.answered(err)
}

func (w *watchedPrompter) Confirm(label string) (bool, error) {
	if w.s.running.interrupted() {
		return false, ErrBack
	}
	ok, err := w.inner.Confirm(label)
	return ok, w.answered(err)
}

// answered checks the pause before an answer (a choice, a text, Ctrl+C) is
// acted on; quitting needs no password.
func (w *watchedPrompter) answered(err error) error {
	switch {
	case errors.Is(err, ErrQuit), errors.Is(err, ErrNoItems):
		return err
	case err != nil && !errors.Is(err, ErrBack):
		return &promptError{err: err}
	}
	w.mu.Lock()
	idle := w.s.Idle > 0 && w.s.Now().Sub(w.last) >= w.s.Idle
	w.mu.Unlock()
	if idle {
		if rerr := w.s.reauthenticate(w.ctx); rerr != nil {
			return rerr
		}
	}
	w.touch()
	return err
}

// reauthenticate asks the logged-in collaborator's password again after a
// pause, through Auth.Login: a new session replaces the old one, which is
// ended. Three wrong passwords end the program; Ctrl+C or Ctrl+D leave it.
func (s *session) reauthenticate(ctx context.Context) error {
	s.say("You have been away for %s or more: enter the password of %s to go on.", humanDuration(s.Idle), s.email)
	for tries := 0; tries < MaxLoginTries; {
		password, err := s.Prompter.Password("Password", required("Password"))
		if err != nil {
			if errors.Is(err, ErrBack) || errors.Is(err, ErrQuit) {
				return ErrQuit
			}
			return &promptError{err: err}
		}
		token, actor, err := s.logIn(ctx, s.email, password)
		if errors.Is(err, errInterrupted) {
			s.sayCancelled()
			continue
		}
		if err == nil {
			old := s.token
			s.loggedIn(token, actor)
			_ = s.svc.Auth.Logout(ctx, old)
			return nil
		}
		if domain.ErrorCode(err) != domain.CodeUnauthenticated {
			return err
		}
		tries++
		s.sayLoginFailure(err)
	}
	s.forget()
	return &endedError{err: domain.Errorf(domain.CodeUnauthenticated,
		"%d wrong passwords after a pause: you have been logged out", MaxLoginTries)}
}

// humanDuration says a setting such as 30m as "30 minutes".
func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hour%s", d/time.Hour, plural(int(d/time.Hour)))
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minute%s", d/time.Minute, plural(int(d/time.Minute)))
	default:
		return d.String()
	}
}
