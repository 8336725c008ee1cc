package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

// eventFields names the service's fields by the flags that set them.
var eventFields = map[string]string{"start_at": "start", "end_at": "end", "support_contact": "support"}

// maxUpcomingDays bounds --upcoming: ten years ahead is all there is.
const maxUpcomingDays = 3650

func (r *root) eventCommand() *cobra.Command {
	return nounCommand(&cobra.Command{
		Use:   "event",
		Short: "List, show, create, update events and assign their support",
	}, r.eventList(), r.eventShow(), r.eventCreate(), r.eventUpdate(), r.eventAssign())
}

func (r *root) eventList() *cobra.Command {
	var (
		mine, unassigned bool
		upcoming         int
		contract, search string
		f                domain.EventFilter
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List events, by start time",
		Example: `  epicevents event list --unassigned
  epicevents event list --mine --upcoming 30
  epicevents event list --contract 5 --json`,
	}
	cmd.Flags().BoolVar(&mine, "mine", false, "only the events you support")
	cmd.Flags().BoolVar(&unassigned, "unassigned", false, "only the events without a support contact")
	cmd.Flags().IntVar(&upcoming, "upcoming", 0, "only the events starting within this many days from now")
	cmd.Flags().StringVar(&contract, "contract", "", "only the events of this contract (ID)")
	cmd.Flags().StringVar(&search, "search", "", "only events whose name, location or customer's name contains this text")
	return listCommand(r, cmd, listSpec[domain.Event, eventRecord]{
		columns: eventColumns, record: eventRecordOf, csv: eventCSV,
		check: func() error {
			fe := domain.FieldErrors{}
			f = domain.EventFilter{WithoutSupport: unassigned, Search: search}
			if contract != "" {
				id, err := parseID("contract", contract)
				fe.Check("contract", fieldRule(err))
				f.ContractID = id
			}
			if cmd.Flags().Changed("upcoming") {
				if upcoming < 1 || upcoming > maxUpcomingDays {
					fe.Add("upcoming", fmt.Sprintf("must be a number of days between 1 and %d", maxUpcomingDays))
				}
				from := r.now().UTC()
				to := from.AddDate(0, 0, upcoming)
				f.From, f.To = &from, &to
			}
			return fe.Err()
		},
		query: func(ctx context.Context, w *world, a service.Actor) (pager[domain.Event], error) {
			if mine {
				f.SupportContactID = a.ID
			}
			return func(p domain.Page) (domain.List[domain.Event], error) {
				f.Page = p
				return w.events.List(ctx, a, f)
			}, nil
		},
	})
}

func eventColumns(d ui.Display) []ui.Column[domain.Event] {
	return []ui.Column[domain.Event]{
		{Title: "ID", Value: func(e domain.Event) string { return itoa(e.ID) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Name", Value: func(e domain.Event) string { return e.Name }},
		{Title: "Customer", Value: func(e domain.Event) string { return e.CustomerName }},
		{Title: "Start", Value: func(e domain.Event) string { return d.Time(e.StartAt) }, Fixed: true},
		{Title: "Location", Value: func(e domain.Event) string { return e.Location }},
		{Title: "Guests", Value: func(e domain.Event) string { return strconv.Itoa(e.Attendees) }, Align: ui.AlignRight, Fixed: true},
		{Title: "Support", Value: supportName},
	}
}

func supportName(e domain.Event) string {
	if e.SupportContactID == nil {
		return "(none)"
	}
	return e.SupportContactName
}

func (r *root) eventShow() *cobra.Command {
	return showCommand(r, &cobra.Command{
		Use:     "show ID",
		Short:   "Show an event with its customer's contact details and its support contact",
		Example: "  epicevents event show 4\n  epicevents event show 4 --json",
	}, showSpec[domain.ID, domain.Event]{
		key: idArg,
		get: func(ctx context.Context, w *world, a service.Actor, id domain.ID) (domain.Event, error) {
			return w.events.Get(ctx, a, id)
		},
		json:    func(e domain.Event) any { return eventRecordOf(e) },
		details: func(d ui.Display, e domain.Event) error { return ui.RenderDetails(r.stdout, d, eventFieldsOf(d, e)) },
	})
}

func eventFieldsOf(d ui.Display, e domain.Event) []ui.Field {
	return []ui.Field{
		{Label: "Event", Value: itoa(e.ID)},
		{Label: "Name", Value: e.Name},
		{Label: "Contract", Value: itoa(e.ContractID)},
		{Label: "Customer", Value: e.CustomerName},
		{Label: "Customer email", Value: e.CustomerEmail},
		{Label: "Customer phone", Value: e.CustomerPhone},
		{Label: "Start", Value: d.Time(e.StartAt)},
		{Label: "End", Value: d.Time(e.EndAt)},
		{Label: "Location", Value: e.Location},
		{Label: "Attendees", Value: strconv.Itoa(e.Attendees)},
		{Label: "Support contact", Value: supportName(e)},
		{Label: "Notes", Value: e.Notes},
	}
}

// eventResult is the --json of the commands that change an event: the event,
// and the warnings (overlaps with the support collaborator's other events).
type eventResult struct {
	eventRecord
	Warnings []string `json:"warnings"`
}

func (r *root) eventCreate() *cobra.Command {
	var (
		out                                  outputOptions
		contract, name, start, end, location string
		notes                                string
		attendees                            int
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Plan an event for a signed contract of one of your customers (sales)",
		Long: `Plan an event for a signed contract of one of your customers. Times are local
("2026-12-01 14:00") or RFC 3339; the end must come after the start.`,
		Example: `  epicevents event create --contract 5 --name "Launch party" --start "2026-12-01 18:00" \
    --end "2026-12-01 23:30" --location "Lyon, Halle Tony Garnier" --attendees 250 --notes "DJ at 21:00"`,
		Args: cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			loc := r.localZone()
			fe := domain.FieldErrors{}
			id, err := parseID("contract", contract)
			fe.Check("contract", fieldRule(err))
			startAt, err := parseTime("start", start, loc)
			fe.Check("start", fieldRule(err))
			endAt, err := parseTime("end", end, loc)
			fe.Check("end", fieldRule(err))
			if err := fe.Err(); err != nil {
				return err
			}
			in := service.EventInput{Name: name, StartAt: startAt, EndAt: endAt, Location: location, Attendees: attendees, Notes: notes}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				e, err := w.events.Create(ctx, a, id, in)
				if err != nil {
					return renameFields(err, eventFields)
				}
				return r.printEvent(out, e, nil, "Created event %d: %s, %s.\n", e.ID, e.Name, r.localTime(e.StartAt))
			})
		}),
	}
	cmd.Flags().StringVar(&contract, "contract", "", "the signed contract's ID (required)")
	cmd.Flags().StringVar(&name, "name", "", "the event's name (required)")
	cmd.Flags().StringVar(&start, "start", "", "when it starts, such as \"2026-12-01 18:00\" (required)")
	cmd.Flags().StringVar(&end, "end", "", "when it ends (required)")
	cmd.Flags().StringVar(&location, "location", "", "where it takes place (required)")
	cmd.Flags().IntVar(&attendees, "attendees", 0, "how many guests are expected (required)")
	cmd.Flags().StringVar(&notes, "notes", "", "anything support should know")
	for _, f := range []string{"contract", "name", "start", "end", "location", "attendees"} {
		_ = cmd.MarkFlagRequired(f)
	}
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) eventUpdate() *cobra.Command {
	var (
		out                               outputOptions
		name, start, end, location, notes string
		attendees                         int
	)
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change an event (management, or its support contact)",
		Long: `Change the fields given and keep the others. The event is read first and the
change applies to what was read: if someone changed it in between, nothing is
written (exit 6). New dates that overlap another event of the same support
contact are kept, with a warning.`,
		Example: `  epicevents event update 4 --attendees 180 --notes "Vegetarian menu for 20"
  epicevents event update 4 --start "2026-12-02 18:00" --end "2026-12-02 23:00"`,
		Args: cobra.ExactArgs(1),
	}
	cmd.RunE = r.runCmd(&out, func(ctx context.Context, args []string) error {
		loc := r.localZone()
		fe := domain.FieldErrors{}
		id, err := parseID("id", args[0])
		fe.Check("id", fieldRule(err))
		var p service.EventPatch
		p.Name = stringFlag(cmd, "name", name)
		p.Location = stringFlag(cmd, "location", location)
		p.Notes = stringFlag(cmd, "notes", notes)
		if cmd.Flags().Changed("attendees") {
			p.Attendees = &attendees
		}
		for _, t := range []struct {
			flag, value string
			into        **time.Time
		}{{"start", start, &p.StartAt}, {"end", end, &p.EndAt}} {
			if cmd.Flags().Changed(t.flag) {
				at, err := parseTime(t.flag, t.value, loc)
				fe.Check(t.flag, fieldRule(err))
				*t.into = &at
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if p == (service.EventPatch{}) {
			return &usageError{err: errors.New("nothing to change: give at least one of --name, --start, --end, --location, --attendees, --notes"), showHelp: true}
		}
		return r.asActor(ctx, func(w *world, a service.Actor) error {
			cur, err := w.events.Get(ctx, a, id)
			if err != nil {
				return err
			}
			e, warnings, err := w.events.Update(ctx, a, id, cur.Version, p)
			if err != nil {
				return renameFields(err, eventFields)
			}
			return r.printEvent(out, e, warnings, "Updated event %d: %s.\n", e.ID, e.Name)
		})
	})
	cmd.Flags().StringVar(&name, "name", "", "the event's name")
	cmd.Flags().StringVar(&start, "start", "", "when it starts")
	cmd.Flags().StringVar(&end, "end", "", "when it ends")
	cmd.Flags().StringVar(&location, "location", "", "where it takes place")
	cmd.Flags().IntVar(&attendees, "attendees", 0, "how many guests are expected")
	cmd.Flags().StringVar(&notes, "notes", "", `anything support should know ("" removes the notes)`)
	addOutputFlags(cmd, &out, false)
	return cmd
}

func (r *root) eventAssign() *cobra.Command {
	var (
		out     outputOptions
		support string
	)
	cmd := &cobra.Command{
		Use:   "assign ID --support EMAIL",
		Short: "Choose an event's support contact (management)",
		Long: `Make an active support collaborator the event's support contact. When it
overlaps another of their events, the assignment is kept, with a warning.`,
		Example: "  epicevents event assign 4 --support support1@epicevents.test",
		Args:    cobra.ExactArgs(1),
		RunE: r.runCmd(&out, func(ctx context.Context, args []string) error {
			id, err := parseID("id", args[0])
			if err != nil {
				return err
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				u, err := collaboratorByEmail(ctx, w, a, "support", support)
				if err != nil {
					return err
				}
				e, warnings, err := w.events.Assign(ctx, a, id, u.ID)
				if err != nil {
					return renameFields(err, eventFields)
				}
				return r.printEvent(out, e, warnings, "Event %d (%s) is now supported by %s.\n", e.ID, e.Name, e.SupportContactName)
			})
		}),
	}
	cmd.Flags().StringVar(&support, "support", "", "email of the support collaborator (required)")
	_ = cmd.MarkFlagRequired("support")
	addOutputFlags(cmd, &out, false)
	return cmd
}

// printEvent prints an event that a command changed, and its warnings: with
// --json in the record (and on stderr), otherwise after the sentence.
func (r *root) printEvent(out outputOptions, e domain.Event, warnings []string, format string, args ...any) error {
	for _, w := range warnings {
		fmt.Fprintf(r.stderr, "warning: %s\n", w)
	}
	return r.printDone(out, eventResult{eventRecord: eventRecordOf(e), Warnings: jsonList(warnings)}, format, args...)
}
