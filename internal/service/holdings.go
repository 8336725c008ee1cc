package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// The refusals that name what a collaborator still holds: a role change out of
// the department of their records, and a deletion.

// roleChangeAllowed refuses to move a collaborator out of the department whose
// records they still hold.
func roleChangeAllowed(ctx context.Context, r Repos, u domain.Collaborator) error {
	h, err := r.UserHoldings(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("holdings of user %d: %w", u.ID, err)
	}
	// Only the records of their current department tie them to it: a sales
	// collaborator's customers, a support collaborator's events.
	var tied domain.Holdings
	switch u.Role {
	case domain.RoleSales:
		tied.Customers = h.Customers
	case domain.RoleSupport:
		tied.Events = h.Events
	}
	if tied.Empty() {
		return nil
	}
	return domain.Errorf(domain.CodeConflict, "%s %s; reassign them before changing the role",
		u.FullName, holdingsParts(tied))
}

// holdingsConflict refuses to delete a collaborator who still holds h.
func holdingsConflict(u domain.Collaborator, h domain.Holdings) error {
	return domain.Errorf(domain.CodeConflict, "%s %s; reassign them first or deactivate instead",
		u.FullName, holdingsParts(h))
}

// holdingsParts says what h holds: "still looks after 2 customers: A, B; still
// supports 1 event: C".
func holdingsParts(h domain.Holdings) string {
	var parts []string
	if len(h.Customers) > 0 {
		parts = append(parts, "still looks after "+listRefs(h.Customers, "customer"))
	}
	if len(h.Events) > 0 {
		parts = append(parts, "still supports "+listRefs(h.Events, "event"))
	}
	return strings.Join(parts, "; ")
}

// maxListed caps how many records a refusal names; the count is always complete.
const maxListed = 10

// listRefs says "3 customers: A, B, C" (at most maxListed names, then "and N more").
func listRefs(refs []domain.Ref, noun string) string {
	if len(refs) != 1 {
		noun += "s"
	}
	names := make([]string, 0, maxListed)
	for i, r := range refs {
		if i == maxListed {
			names = append(names, fmt.Sprintf("and %d more", len(refs)-maxListed))
			break
		}
		names = append(names, r.Name)
	}
	return fmt.Sprintf("%d %s: %s", len(refs), noun, strings.Join(names, ", "))
}
