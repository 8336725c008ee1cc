package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// The main menu's entries. Each is shown only to whom may use it.
const (
	MenuCustomers     = "Customers"
	MenuContracts     = "Contracts"
	MenuEvents        = "Events"
	MenuCollaborators = "Collaborators"
	MenuAudit         = "Audit log"
	MenuAccount       = "My account"
	MenuLogout        = "Log out"
	MenuQuit          = "Quit"
)

// Back is the last entry of every menu below the main one (Ctrl+C does the same).
const Back = "Back"

// mainMenuItems builds the main menu from the actor's permissions, the same
// grants the services enforce.
func (s *session) mainMenuItems(a service.Actor) []string {
	perms := s.svc.Permissions
	var items []string
	if perms.CanRead(a) {
		items = append(items, MenuCustomers, MenuContracts, MenuEvents)
	}
	if perms.CanManageUsers(a) {
		items = append(items, MenuCollaborators)
	}
	if perms.CanReadAudit(a) {
		items = append(items, MenuAudit)
	}
	return append(items, MenuAccount, MenuLogout, MenuQuit)
}

// mainMenu runs until the user quits (ErrQuit: Quit, Ctrl+C or Ctrl+D) or
// logs out (errLoggedOut).
func (s *session) mainMenu(ctx context.Context) error {
	for {
		var a service.Actor
		err := s.interruptible(ctx, func(ctx context.Context) (err error) {
			a, err = s.who(ctx)
			return err
		})
		if errors.Is(err, errInterrupted) {
			s.sayCancelled()
			continue
		}
		if err != nil {
			return err
		}
		choice, err := s.choose(fmt.Sprintf("Main menu · %s (%s)", a.FullName, a.Role), s.mainMenuItems(a))
		if errors.Is(err, ErrBack) {
			return ErrQuit // Ctrl+C at the main menu quits
		}
		if err != nil {
			return err
		}
		if choice == MenuQuit {
			return ErrQuit
		}
		err = s.act(ctx, func(ctx context.Context) error {
			switch choice {
			case MenuCustomers:
				return s.customersMenu(ctx)
			case MenuContracts:
				return s.contractsMenu(ctx)
			case MenuEvents:
				return s.eventsMenu(ctx)
			case MenuCollaborators:
				return s.usersMenu(ctx)
			case MenuAudit:
				return s.auditMenu(ctx)
			case MenuAccount:
				return s.accountMenu(ctx)
			case MenuLogout:
				return s.logout(ctx)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// logout ends the session here and everywhere its token was copied; the
// login comes next.
func (s *session) logout(ctx context.Context) error {
	if err := s.svc.Auth.Logout(ctx, s.token); err != nil && domain.ErrorCode(err) != domain.CodeUnauthenticated {
		return err
	}
	s.forget()
	s.say("Logged out.")
	s.token, s.actor = "", service.Actor{}
	return errLoggedOut
}

// header says who is logged in, then what needs their attention. Ctrl+C
// while that is read cancels the reading, not the session.
func (s *session) header(ctx context.Context) {
	_ = s.interruptible(ctx, func(ctx context.Context) error {
		s.showHeader(ctx)
		return nil
	})
}

func (s *session) showHeader(ctx context.Context) {
	a := s.actor
	s.say("")
	s.say("Logged in as %s · %s · %s", a.FullName, a.Role, a.Email)
	for _, line := range s.attention(ctx, a) {
		s.say("  %s", line)
	}
	s.say("")
}

// The windows of the attention lines, and how many records each line names.
const (
	attentionUnassignedDays = 14
	attentionSupportDays    = 7
	attentionNamed          = 3
	attentionPage           = 20
)

// attention returns the lines under the header: what the actor should look
// at first, from one page of an indexed, filtered list each (no count over
// a whole table: "20+" when there are more).
func (s *session) attention(ctx context.Context, a service.Actor) []string {
	var lines []string
	now := s.Now()
	cancelled := false
	add := func(line string, err error) {
		switch {
		case err != nil && ctx.Err() != nil:
			cancelled = true
		case err != nil && domain.ErrorMessage(err) != "" && domain.ErrorCode(err) != domain.CodeInternal:
			lines = append(lines, "✗ "+domain.ErrorMessage(err))
		case err != nil:
			lines = append(lines, "✗ What needs your attention cannot be shown right now.")
		case line != "":
			lines = append(lines, line)
		}
	}
	if a.Holds(domain.PermEventAssign) {
		to := now.AddDate(0, 0, attentionUnassignedDays)
		l, err := s.svc.Events.List(ctx, a, domain.EventFilter{WithoutSupport: true, From: &now, To: &to, Page: domain.Page{Limit: attentionPage}})
		add(s.eventsLine(l, fmt.Sprintf("in the next %d days without support", attentionUnassignedDays),
			fmt.Sprintf("✓ Every event of the next %d days has support.", attentionUnassignedDays)), err)
	}
	if looksAfterCustomers(a) {
		l, err := s.svc.Contracts.List(ctx, a, domain.ContractFilter{SalesContactID: a.ID, Status: domain.ContractDraft, Page: domain.Page{Limit: attentionPage}})
		add(contractsLine(l, "of your customers unsigned", false), err)
		l, err = s.svc.Contracts.List(ctx, a, domain.ContractFilter{SalesContactID: a.ID, Status: domain.ContractSigned, Unpaid: true, Page: domain.Page{Limit: attentionPage}})
		add(contractsLine(l, "of your customers signed, not fully paid", true), err)
	}
	if assignedEvents(a) {
		to := now.AddDate(0, 0, attentionSupportDays)
		l, err := s.svc.Events.List(ctx, a, domain.EventFilter{SupportContactID: a.ID, From: &now, To: &to, Page: domain.Page{Limit: attentionPage}})
		add(s.eventsLine(l, fmt.Sprintf("of yours in the next %d days", attentionSupportDays),
			fmt.Sprintf("✓ None of your events is in the next %d days.", attentionSupportDays)), err)
	}
	if cancelled {
		lines = append(lines, "✗ Cancelled: what needs your attention is not all shown.")
	}
	return lines
}

// count says how many a page holds, "20+" when more follow.
func count[T any](l domain.List[T]) string {
	n := fmt.Sprint(len(l.Items))
	if l.Next != "" {
		n += "+"
	}
	return n
}

func (s *session) eventsLine(l domain.List[domain.Event], what, none string) string {
	if len(l.Items) == 0 {
		return none
	}
	var names []string
	for _, e := range l.Items[:min(len(l.Items), attentionNamed)] {
		names = append(names, fmt.Sprintf("%s (%s)", e.Name, s.d.Time(e.StartAt)))
	}
	return fmt.Sprintf("! %s event%s %s: %s", count(l), plural(len(l.Items)), what, strings.Join(names, ", ")+more(l))
}

func contractsLine(l domain.List[domain.Contract], what string, due bool) string {
	if len(l.Items) == 0 {
		return ""
	}
	var names []string
	for _, c := range l.Items[:min(len(l.Items), attentionNamed)] {
		name := fmt.Sprintf("#%d %s", c.ID, c.CustomerName)
		if due {
			name += fmt.Sprintf(" (%s due)", c.AmountDue)
		}
		names = append(names, name)
	}
	return fmt.Sprintf("! %s contract%s %s: %s", count(l), plural(len(l.Items)), what, strings.Join(names, ", ")+more(l))
}

func more[T any](l domain.List[T]) string {
	if len(l.Items) > attentionNamed || l.Next != "" {
		return ", …"
	}
	return ""
}

// looksAfterCustomers reports whether the actor's role has customers of its
// own (sales): their "my customers" lists and attention lines apply.
func looksAfterCustomers(a service.Actor) bool { return a.Holds(domain.PermCustomerCreate) }

// assignedEvents reports whether the actor's role works on the events
// assigned to it (support): "my events".
func assignedEvents(a service.Actor) bool {
	return a.Holds(domain.PermEventUpdate) && a.Grants[domain.PermEventUpdate] == domain.ScopeAssigned
}

// ownScope reports whether the actor holds p over their own customers' records only.
func ownScope(a service.Actor, p domain.Permission) bool {
	return a.Holds(p) && a.Grants[p] == domain.ScopeOwn
}

// upcoming returns [now, now+days) for an event filter.
func upcoming(now time.Time, days int) (*time.Time, *time.Time) {
	to := now.AddDate(0, 0, days)
	return &now, &to
}
