package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
)

// runCmd wraps a scriptable command's code: it marks the command line as
// accepted (so its errors are not taken for usage errors), and with --json it
// also prints a failure as a JSON object on stdout. out may be nil.
func (r *root) runCmd(out *outputOptions, fn func(ctx context.Context, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		r.started = true
		err := fn(cmd.Context(), args)
		if err != nil && out != nil && out.json {
			writeJSONError(r.stdout, err)
		}
		return err
	}
}

// asActor opens the program and runs fn for the collaborator of the saved
// session, verified now (exit 4 when there is none or it has ended).
func (r *root) asActor(ctx context.Context, fn func(w *world, actor service.Actor) error) error {
	w, err := r.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.Close()
	actor, err := w.actor(ctx)
	if err != nil {
		return err
	}
	r.actingAs(actor.Collaborator)
	return fn(w, actor)
}

// parseID reads a record id typed on the command line.
func parseID(field, s string) (domain.ID, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Invalid(field, "must be a record number such as 12")
	}
	return id, nil
}

// parseMoney reads an amount with the domain's parser and names the field on failure.
func parseMoney(field, s string) (domain.Money, error) {
	m, err := domain.ParseMoney(s)
	if err != nil {
		return 0, domain.Invalid(field, err.Error())
	}
	return m, nil
}

// The forms a time may be typed in; those without a zone are local time.
var localLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

const timeRule = "must be a time such as 2026-12-01 14:00 (local time) or 2026-12-01T14:00:00+01:00 (RFC 3339)"

// parseTime reads "2026-12-01 14:00" in loc, or an RFC 3339 time.
func parseTime(field, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, domain.Invalid(field, timeRule)
}

// parseSince reads a time as parseTime does, or a date alone (its local midnight).
func parseSince(field, s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc); err == nil {
		return t.UTC(), nil
	}
	t, err := parseTime(field, s, loc)
	if err != nil {
		return time.Time{}, domain.Invalid(field, "must be a date such as 2026-12-01, or a time such as 2026-12-01 14:00 (local time) or RFC 3339")
	}
	return t, nil
}

// pageOptions are a list's --page and --limit. Lists are paged by keyset
// (each page continues after the last row of the one before, which stays
// fast however deep), so page N is reached by reading the N-1 pages before
// it: it costs N queries.
type pageOptions struct {
	page, limit int
}

func addPageFlags(cmd *cobra.Command, p *pageOptions) {
	cmd.Flags().IntVar(&p.page, "page", 1, "which page to print; page N costs N queries (each page continues after the one before)")
	cmd.Flags().IntVar(&p.limit, "limit", domain.DefaultPageSize, fmt.Sprintf("rows per page (1 to %d)", domain.MaxPageSize))
}

func (p pageOptions) check() error {
	fe := domain.FieldErrors{}
	if p.page < 1 {
		fe.Add("page", "must be 1 or more")
	}
	if p.limit < 1 || p.limit > domain.MaxPageSize {
		fe.Add("limit", fmt.Sprintf("must be between 1 and %d", domain.MaxPageSize))
	}
	return fe.Err()
}

// walkToPage reads page p.page of a list by following the cursors from the
// first page. A page past the end is empty.
func walkToPage[T any](p pageOptions, fetch func(domain.Page) (domain.List[T], error)) (domain.List[T], error) {
	var after domain.Cursor
	for n := 1; ; n++ {
		l, err := fetch(domain.Page{After: after, Limit: p.limit})
		if err != nil {
			return domain.List[T]{}, err
		}
		if n >= p.page {
			return l, nil
		}
		if l.Next == "" {
			return domain.List[T]{}, nil
		}
		after = l.Next
	}
}

// allPages reads every page of a list: for the few rows a detail view shows
// under its record (a customer's contracts, a contract's events).
func allPages[T any](fetch func(domain.Page) (domain.List[T], error)) ([]T, error) {
	var all []T
	page := domain.Page{Limit: domain.MaxPageSize}
	for {
		l, err := fetch(page)
		if err != nil {
			return nil, err
		}
		all = append(all, l.Items...)
		if l.Next == "" {
			return all, nil
		}
		page.After = l.Next
	}
}

// renameFields renames the fields of an invalid-input error from the
// service's names to the command's flags (full_name → name), so the message
// names what the user typed.
func renameFields(err error, names map[string]string) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid || len(de.Fields) == 0 {
		return err
	}
	fields := make(map[string]string, len(de.Fields))
	for field, rule := range de.Fields {
		if name, ok := names[field]; ok {
			field = name
		}
		fields[field] = rule
	}
	return &domain.Error{Code: de.Code, Message: de.Message, Fields: fields}
}

// stringFlag returns a pointer to the flag's value when it was given, nil otherwise:
// an update changes only what was given (an empty value included).
func stringFlag(cmd *cobra.Command, name, value string) *string {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	return &value
}

// needConfirmation refuses, before anything is read or written, an
// irreversible command that can neither ask nor was told --yes.
func (r *root) needConfirmation(yes bool, what string) error {
	if yes || r.isTerminal(r.stdin) {
		return nil
	}
	return &usageError{err: fmt.Errorf("%s cannot be undone and needs confirmation: run it on a terminal, or pass --yes; nothing was changed", what)}
}

// confirmed asks question unless --yes was given; a refusal is a usage error
// (exit 2) that says nothing was changed.
func (r *root) confirmed(ctx context.Context, a *asker, yes bool, question string) error {
	if yes {
		return nil
	}
	ok, err := a.confirm(ctx, question)
	if err != nil {
		return err
	}
	if !ok {
		return &usageError{err: errors.New("cancelled; nothing was changed")}
	}
	return nil
}

// fieldRule is the rule an invalid-input error gives for its one field, so
// that several flags' errors can be reported together; nil for nil.
func fieldRule(err error) error {
	var de *domain.Error
	if err == nil {
		return nil
	}
	if errors.As(err, &de) && len(de.Fields) == 1 {
		for _, rule := range de.Fields {
			return errors.New(rule)
		}
	}
	return err
}
