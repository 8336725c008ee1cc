package app

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/epic-events/crm/internal/domain"
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/ui"
)

func (r *root) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read the audit log (management)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return &usageError{err: errors.New("audit needs a command: list"), showHelp: true}
		},
	}
	cmd.AddCommand(r.auditList())
	return cmd
}

func (r *root) auditList() *cobra.Command {
	var (
		out                  outputOptions
		page                 pageOptions
		entity, actor, since string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List what was changed, by whom and when, newest first (management)",
		Example: `  epicevents audit list --entity contract
  epicevents audit list --actor sales1@epicevents.test --since 2026-11-01 --json`,
		Args: cobra.NoArgs,
		RunE: r.runCmd(&out, func(ctx context.Context, _ []string) error {
			if err := page.check(); err != nil {
				return err
			}
			f := domain.AuditFilter{Entity: entity}
			if since != "" {
				t, err := parseSince("since", since, r.localZone())
				if err != nil {
					return err
				}
				f.Since = &t
			}
			return r.asActor(ctx, func(w *world, a service.Actor) error {
				if actor != "" {
					u, err := collaboratorByEmail(ctx, w, a, "actor", actor)
					if err != nil {
						return err
					}
					f.ActorID = u.ID
				}
				l, err := walkToPage(page, func(p domain.Page) (domain.List[domain.AuditEntry], error) {
					f.Page = p
					return w.audit.List(ctx, a, f)
				})
				if err != nil {
					return err
				}
				return printList(r, out, l, page.page+1, auditRecordOf, auditCSV, auditColumns)
			})
		}),
	}
	cmd.Flags().StringVar(&entity, "entity", "", "only this kind of record: user, customer, contract, event")
	cmd.Flags().StringVar(&actor, "actor", "", "only what this collaborator (email) did")
	cmd.Flags().StringVar(&since, "since", "", "only from this date or time on, such as 2026-11-01 (local time)")
	addPageFlags(cmd, &page)
	addOutputFlags(cmd, &out, true)
	return cmd
}

func auditColumns(d ui.Display) []ui.Column[domain.AuditEntry] {
	return []ui.Column[domain.AuditEntry]{
		{Title: "When", Value: func(e domain.AuditEntry) string { return d.Time(e.At) }, Fixed: true},
		{Title: "Who", Value: func(e domain.AuditEntry) string {
			if e.ActorEmail == "" {
				return "(system)"
			}
			return e.ActorEmail
		}},
		{Title: "Action", Value: func(e domain.AuditEntry) string { return e.Action }},
		{Title: "Record", Value: func(e domain.AuditEntry) string { return e.Entity + " " + itoa(e.EntityID) }},
		{Title: "Changes", Value: func(e domain.AuditEntry) string { return changesText(e.Changes) }},
	}
}
