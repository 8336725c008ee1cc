package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// Services is every use case the menus call, wired once by the app.
type Services struct {
	Auth        *service.Auth
	Users       *service.Users
	Customers   *service.Customers
	Contracts   *service.Contracts
	Events      *service.Events
	Audit       *service.Audit
	Permissions *service.Permissions
}

// TokenStore keeps the session token between runs of the program (the app
// gives auth.SessionFile), so that a new launch resumes the last login.
type TokenStore interface {
	// Load returns the saved token, or an error when there is none.
	Load() (string, error)
	Save(token string) error
	Remove() error
}

// Config is what Run needs. Every field but Notice and Idle is required.
type Config struct {
	Services Services
	Tokens   TokenStore
	Prompter Prompter
	Out      io.Writer // where the menus print: headers, detail views, messages
	Display  Display
	Now      func() time.Time
	// Idle is how long without input makes the next action ask for the
	// password again (SESSION_IDLE); 0 never asks.
	Idle time.Duration
	// Notice is shown above the login prompt: the demo accounts, say.
	Notice string
	// OnInterrupt, when not nil, is how Ctrl+C pressed while no prompt is
	// open (a SIGINT) reaches the menus: Run calls it once with the function
	// that cancels the action under way, and calls the function it returns
	// when Run ends. Without it, only Ctrl+C at a prompt goes back.
	OnInterrupt func(interrupt func()) (stop func())
	// Acting, when not nil, is told whom the menus act for whenever that
	// changes: the collaborator at each login or check of the session, nil
	// once they logged out or were thrown out. The app keeps it so that a
	// panic is reported with their id and role, as a command's is.
	Acting func(c *domain.Collaborator)
}

// MaxLoginTries is how many wrong logins end the program (exit 4), at the
// start and when the password is asked again after a pause.
const MaxLoginTries = 3

// Run is the interactive program: it resumes the saved session or asks to log
// in, shows who is logged in and what needs their attention, then the main
// menu, until the user quits. It returns nil when the user quits (Quit,
// Ctrl+C at the main menu, Ctrl+D anywhere), an unauthenticated
// *domain.Error when they could not log in or were thrown out (a
// deactivated account, a session ended elsewhere), and any other error
// when the program cannot go on (the terminal failed, ctx was cancelled).
// An interrupt (Config.OnInterrupt) cancels only the action under way.
func Run(ctx context.Context, cfg Config) error {
	s := &session{Config: cfg, svc: cfg.Services, d: cfg.Display}
	if s.Now == nil {
		s.Now = time.Now
	}
	s.p = &watchedPrompter{inner: cfg.Prompter, s: s, ctx: ctx}
	if cfg.OnInterrupt != nil {
		if stop := cfg.OnInterrupt(s.running.interrupt); stop != nil {
			defer stop()
		}
	}
	err := s.run(ctx)
	switch {
	case ctx.Err() != nil:
		// Ended from outside (SIGTERM): whatever failed, it failed
		// because of that.
		return ctx.Err()
	case errors.Is(err, ErrQuit) || errors.Is(err, ErrBack):
		return nil
	}
	return err
}

// session is one run of the menus: who is logged in, with which token.
type session struct {
	Config
	svc Services
	d   Display
	p   *watchedPrompter // every question after login goes through it

	running actions // the actions under way, which an interrupt cancels

	token string
	email string        // the login, asked again after a pause
	actor service.Actor // as last authenticated
}

// errLoggedOut ends the main menu when the user logs out: the login comes next.
var errLoggedOut = errors.New("logged out")

func (s *session) run(ctx context.Context) error {
	if err := s.resume(ctx); err != nil {
		return err
	}
	for {
		s.header(ctx)
		err := s.mainMenu(ctx)
		if !errors.Is(err, errLoggedOut) {
			return err
		}
		s.setActor(service.Actor{})
		if err := s.login(ctx, ""); err != nil {
			return err
		}
	}
}

// resume reuses the saved session when it is still valid, and asks to log in
// otherwise.
func (s *session) resume(ctx context.Context) error {
	token, err := s.Tokens.Load()
	if err == nil {
		var actor service.Actor
		aerr := s.interruptible(ctx, func(ctx context.Context) (err error) {
			actor, err = s.svc.Auth.Authenticate(ctx, token)
			return err
		})
		if errors.Is(aerr, errInterrupted) {
			s.sayCancelled()
			return s.login(ctx, "")
		}
		if aerr == nil {
			s.token, s.email = token, actor.Email
			s.setActor(actor)
			s.p.touch()
			return s.newPasswordFirst(ctx, "")
		}
		if domain.ErrorCode(aerr) != domain.CodeUnauthenticated {
			return aerr
		}
		s.say("Your last session cannot be resumed: %s.", strings.TrimSuffix(domain.ErrorMessage(aerr), "."))
	}
	return s.login(ctx, "")
}

// login asks for an email and a password until they are right, at most
// MaxLoginTries times. Ctrl+C at the password goes back to the email;
// at the email, it leaves.
func (s *session) login(ctx context.Context, email string) error {
	if s.Notice != "" {
		s.say("%s", s.Notice)
	}
	s.say("Log in to Epic Events CRM.")
	for tries := 0; tries < MaxLoginTries; {
		addr, err := s.Prompter.Input("Email", email, check("Email", domain.ValidateEmail))
		if err != nil {
			return leave(err)
		}
		email = addr
		password, err := s.Prompter.Password("Password", required("Password"))
		if errors.Is(err, ErrBack) {
			continue
		}
		if err != nil {
			return leave(err)
		}
		token, actor, err := s.logIn(ctx, email, password)
		if errors.Is(err, errInterrupted) {
			s.sayCancelled()
			continue
		}
		if err == nil {
			s.loggedIn(token, actor)
			return s.newPasswordFirst(ctx, password)
		}
		if domain.ErrorCode(err) != domain.CodeUnauthenticated {
			return err
		}
		tries++
		s.sayLoginFailure(err)
	}
	return domain.Errorf(domain.CodeUnauthenticated, "%d failed logins: run epicevents again to try again", MaxLoginTries)
}

// newPasswordFirst asks a collaborator whose password a manager set (a new
// account, a reset) to choose their own before anything else: the services
// refuse every other action until then. current is the password just typed
// to log in, "" after a resumed session (it is asked). Ctrl+C logs out and
// leaves, Ctrl+D leaves: neither reaches the main menu.
func (s *session) newPasswordFirst(ctx context.Context, current string) error {
	if !s.actor.MustChangePassword {
		return nil
	}
	s.say("! Your password was set by a manager: choose your own now (Ctrl+C logs you out).")
	for {
		err := s.interruptible(ctx, func(ctx context.Context) error { return s.changePassword(ctx, s.email, current) })
		switch {
		case err == nil:
			_, err = s.who(ctx) // as they are now, for the header that follows
			return err
		case errors.Is(err, ErrBack):
			if err := s.logout(ctx); !errors.Is(err, errLoggedOut) {
				return err
			}
			s.setActor(service.Actor{})
			return ErrQuit
		}
		if err := s.outcome(ctx, err); err != nil {
			return err
		}
		current = "" // refused for a reason the form cannot tell: ask everything again
	}
}

// logIn calls Auth.Login as an interruptible action: Ctrl+C while the
// password is checked cancels that try (errInterrupted), which counts for
// nothing.
func (s *session) logIn(ctx context.Context, email, password string) (token string, actor service.Actor, err error) {
	err = s.interruptible(ctx, func(ctx context.Context) (err error) {
		token, actor, err = s.svc.Auth.Login(ctx, email, password)
		return err
	})
	return token, actor, err
}

// leave turns Ctrl+C at a question nothing comes before into quitting.
func leave(err error) error {
	if errors.Is(err, ErrBack) {
		return ErrQuit
	}
	return err
}

func (s *session) loggedIn(token string, actor service.Actor) {
	s.token, s.email = token, actor.Email
	s.setActor(actor)
	s.p.touch()
	if err := s.Tokens.Save(token); err != nil {
		// The menus work without it; only the next launch asks to log in again.
		s.say("! The session could not be saved, so the next launch will ask you to log in again.")
	}
}

func (s *session) sayLoginFailure(err error) {
	var locked *service.LockedError
	if errors.As(err, &locked) {
		s.say("✗ This account is locked after %d failed logins, until %s (your time); try again then, or ask a manager to reset the password.",
			service.MaxFailedLogins, s.d.Time(locked.Until))
		return
	}
	s.say("✗ %s.", upperFirst(domain.ErrorMessage(err)))
}

// who authenticates the session again, before every action: a role change
// takes effect at once, and a deactivated collaborator or a session ended
// elsewhere (logout, password reset) is thrown out.
func (s *session) who(ctx context.Context) (service.Actor, error) {
	a, err := s.svc.Auth.Authenticate(ctx, s.token)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnauthenticated {
			s.forget()
			s.setActor(service.Actor{})
			return service.Actor{}, &endedError{err: err}
		}
		return service.Actor{}, err
	}
	s.setActor(a)
	return a, nil
}

// setActor records whom the menus act for (the zero Actor: nobody) and
// tells Config.Acting.
func (s *session) setActor(a service.Actor) {
	s.actor = a
	if s.Acting == nil {
		return
	}
	if a.ID == 0 {
		s.Acting(nil)
		return
	}
	c := a.Collaborator
	s.Acting(&c)
}

// forget removes the saved session if it is still ours (another terminal
// may have logged in since).
func (s *session) forget() {
	if saved, err := s.Tokens.Load(); err == nil && saved == s.token {
		_ = s.Tokens.Remove()
	}
}

// endedError is a session that can no longer act: the program ends with
// its unauthenticated error (exit 4).
type endedError struct{ err error }

func (e *endedError) Error() string { return e.err.Error() }
func (e *endedError) Unwrap() error { return e.err }

// promptError is a prompt that failed for another reason than a key: the
// terminal is gone, and so is the program.
type promptError struct{ err error }

func (e *promptError) Error() string { return e.err.Error() }
func (e *promptError) Unwrap() error { return e.err }

// apology is what the user sees of an unexpected error (the details go to Sentry).
const apology = "Sorry, something unexpected went wrong and nothing more was done; please try again, and tell the developers if it happens again."

// outcome decides what an action's error means for the menu it ran from:
// nil (Ctrl+C included: back in this menu) to show the menu again, or the
// error when the program must leave the menu (quit, thrown out, terminal
// gone, interrupted). Errors for the user are shown on one line.
func (s *session) outcome(ctx context.Context, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrBack), errors.Is(err, ErrNoItems):
		return nil
	case leavesMenus(err):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errInterrupted):
		s.sayCancelled()
		return nil
	}
	s.sayError(err)
	return nil
}

// sayCancelled reports an action cancelled by Ctrl+C. What it had saved
// before stays saved; the step under way was rolled back. On a terminal the
// line starts over the "^C" the terminal echoed.
func (s *session) sayCancelled() {
	if s.d.TTY {
		fmt.Fprint(s.Out, "\r")
	}
	s.say("✗ Cancelled: nothing more was done.")
}

func (s *session) sayError(err error) {
	msg := domain.ErrorMessage(err)
	if msg == "" || domain.ErrorCode(err) == domain.CodeInternal {
		// The reference names the Sentry event, for the user to quote to the developers.
		if ref := domain.ReferenceOf(err); ref != "" {
			s.say("✗ %s (reference %s).", strings.TrimSuffix(apology, "."), ref)
			return
		}
		s.say("✗ %s", apology)
		return
	}
	s.say("✗ %s.", upperFirst(strings.TrimSuffix(msg, ".")))
}

// say prints a message. On a terminal each line is wrapped to its width,
// the continuation lines indented under the text (past a "✗ " or "! " mark).
func (s *session) say(format string, args ...any) {
	for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		if !s.d.TTY {
			fmt.Fprintln(s.Out, line)
			continue
		}
		for _, l := range hang(clean(line), s.d.Cols()) {
			fmt.Fprintln(s.Out, l)
		}
	}
}

// hang wraps line at its spaces within width, never inside an amount
// ("12 500.00 €"); continuation lines start under the text, past the line's
// indent and its mark ("✗ ", "! "). The line's own spacing is kept.
func hang(line string, width int) []string {
	rest := strings.TrimLeft(line, " ")
	prefix := line[:len(line)-len(rest)]
	for _, mark := range []string{"✗ ", "✓ ", "! "} {
		if strings.HasPrefix(rest, mark) {
			prefix += mark
			break
		}
	}
	pad := strings.Repeat(" ", text.StringWidthWithoutEscSequences(prefix))
	var out []string
	for text.StringWidthWithoutEscSequences(line) > width {
		cut := breakAt(line, width, len(prefix))
		if cut < 0 {
			break
		}
		out = append(out, strings.TrimRight(line[:cut], " "))
		line, prefix = pad+strings.TrimLeft(line[cut:], " "), pad
	}
	out = append(out, line)
	for i, l := range out {
		out[i] = Truncate(l, width) // a word longer than a line
	}
	return out
}

// breakAt returns the byte index of the last space of line, after its first
// from bytes, where the line may be broken so that what comes before fits
// width; -1 when there is none.
func breakAt(line string, width, from int) int {
	cut, w := -1, 0
	prev := ' '
	for i, r := range line {
		if w += text.RuneWidth(r); w > width {
			break
		}
		next := line[i+1:]
		inAmount := isDigit(prev) && (next != "" && isDigit(rune(next[0])) || strings.HasPrefix(next, "€"))
		if r == ' ' && i > from && !inAmount {
			cut = i
		}
		prev = r
	}
	return cut
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// choose offers the items of a menu and returns the one chosen.
func (s *session) choose(label string, items []string) (string, error) {
	i, err := s.p.Select(label, items)
	if err != nil {
		return "", err
	}
	return items[i], nil
}

// confirm asks a yes/no question (No first) before a destructive action.
func (s *session) confirm(question string) (bool, error) {
	ok, err := s.p.Confirm(question)
	if err != nil {
		return false, err
	}
	if !ok {
		s.say("Nothing was changed.")
	}
	return ok, nil
}
