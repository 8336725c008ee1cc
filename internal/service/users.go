package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/epic-events/crm/internal/domain"
)

// Users manages the collaborators: management creates, updates, deactivates,
// reactivates and deletes them and resets their passwords (permission user.manage).
//
// Reading is wider, by design: collaborators are not in PRODUCT.md's matrix, but
// every screen shows who looks after a customer or supports an event, and the
// pick lists (reassign a customer, assign support) need names. So any logged-in
// collaborator who may read the CRM sees the ACTIVE collaborators' name, email,
// employee number and role; only management sees deactivated collaborators and
// the login state (failed logins, lock). No one ever gets a password hash back.
type Users struct {
	base
	hasher PasswordHasher
}

// NewUsers returns the Users service; hasher hashes the passwords it sets.
func NewUsers(d Deps, hasher PasswordHasher) *Users {
	return &Users{base: newBase(d), hasher: hasher}
}

// NewUser is what creating a collaborator takes.
type NewUser struct {
	FullName       string
	Email          string
	Role           domain.Role
	EmployeeNumber string // empty: the next free one, e.g. "EE-0008"
	Password       string // the initial password, under the password policy
}

// UserChanges is an update of a collaborator: a field left empty keeps its value
// (none of them may be empty). Version is the one the caller read: the update is
// refused with a conflict when someone changed the collaborator since.
type UserChanges struct {
	FullName string
	Email    string
	Role     domain.Role
	Version  int64
}

// Create adds a collaborator, active, and returns them. The manager chose
// their password: they must choose their own at their first login.
func (s *Users) Create(ctx context.Context, actor Actor, in NewUser) (domain.Collaborator, error) {
	if err := s.authorizeManage(actor, "create collaborators"); err != nil {
		return domain.Collaborator{}, err
	}
	return s.create(ctx, actor, in, chosenByManager, nil)
}

// CreateFirstManager creates the first collaborator of a new company's database,
// a manager, with no one logged in: it is refused as soon as any collaborator
// exists (checked in the same transaction), so it can make no one else. It is how
// a production database, where no demo data is seeded, gets its first login.
// They chose the password themselves: they need not change it.
func (s *Users) CreateFirstManager(ctx context.Context, in NewUser) (domain.Collaborator, error) {
	in.Role = domain.RoleManagement
	return s.create(ctx, Actor{}, in, chosenByOwner, func(r Repos) error {
		existing, err := r.ListUsers(ctx, domain.UserFilter{IncludeInactive: true, Page: domain.Page{Limit: 1}})
		if err != nil {
			return fmt.Errorf("create first manager: %w", err)
		}
		if len(existing.Items) > 0 {
			return domain.Errorf(domain.CodeConflict, "the database already has collaborators: a manager logs in and creates the others")
		}
		return nil
	})
}

// Who chose a password: a manager's choice must be replaced by its owner's.
const (
	chosenByOwner   = false
	chosenByManager = true
)

// create validates, hashes and stores a new collaborator; guard, when given,
// runs first in the same transaction and may refuse. byManager says whether
// the password was chosen by a manager (chosenByManager).
func (s *Users) create(ctx context.Context, actor Actor, in NewUser, byManager bool, guard func(Repos) error) (domain.Collaborator, error) {
	u := domain.Collaborator{
		EmployeeNumber:     strings.TrimSpace(in.EmployeeNumber),
		FullName:           strings.TrimSpace(in.FullName),
		Email:              domain.NormalizeEmail(in.Email),
		Role:               in.Role,
		Active:             true,
		MustChangePassword: byManager,
	}
	fe := domain.FieldErrors{}
	fe.Check("full_name", domain.ValidateName(u.FullName))
	fe.Check("email", domain.ValidateEmail(u.Email))
	fe.Check("role", validateRole(u.Role))
	if u.EmployeeNumber != "" {
		fe.Check("employee_number", domain.ValidateEmployeeNumber(u.EmployeeNumber))
	}
	fe.Check("password", domain.ValidatePassword(in.Password, u.Email))
	if err := fe.Err(); err != nil {
		return domain.Collaborator{}, err
	}
	// Hash before the transaction: argon2id is slow on purpose, and a transaction
	// held open meanwhile would block every other writer on SQLite.
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return domain.Collaborator{}, fmt.Errorf("create user: hash password: %w", s.reportInternal(ctx, actor, err))
	}
	u.PasswordHash = hash
	given := u
	var created domain.Collaborator
	// Two managers creating collaborators at once may be proposed the same next
	// employee number; the unique key refuses the second, which tries the next one.
	for attempt := 1; ; attempt++ {
		err = s.tx(ctx, actor, func(r Repos) error {
			if guard != nil {
				if err := guard(r); err != nil {
					return err
				}
			}
			// A fresh copy each run: a run the server rolled back must not leave its
			// employee number or timestamps to the next (see store.DB.Tx).
			u := given
			if u.EmployeeNumber == "" {
				n, err := r.NextEmployeeNumber(ctx)
				if err != nil {
					return fmt.Errorf("create user: employee number: %w", err)
				}
				u.EmployeeNumber = n
			}
			if err := r.CreateUser(ctx, &u); err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			var c changeSet
			c.add("employee_number", "", u.EmployeeNumber)
			c.add("full_name", "", u.FullName)
			c.add("email", "", u.Email)
			c.add("role", "", string(u.Role))
			c.add("active", "", "true")
			if err := s.audit(ctx, r, actor, "user.create", "user", u.ID, c); err != nil {
				return err
			}
			created = u
			return nil
		})
		if err == nil || given.EmployeeNumber != "" || attempt == maxNumberAttempts || !fieldConflict(err, "employee_number") {
			break
		}
	}
	if err != nil {
		return domain.Collaborator{}, err
	}
	s.report.Event(ctx, "user.create", actor.user(), userEventData(created))
	return public(created), nil
}

// maxNumberAttempts bounds the retries of a generated employee number taken meanwhile.
const maxNumberAttempts = 5

// fieldConflict reports whether err is a conflict on field (a unique key).
func fieldConflict(err error, field string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == domain.CodeConflict && de.Fields[field] != ""
}

// Update changes a collaborator's name, email or role. A manager may not take
// their own management role away (another manager must), and a collaborator who
// still looks after customers (sales) or supports events (support) keeps their
// role until those are reassigned: their records would be left with a contact of
// the wrong department otherwise.
func (s *Users) Update(ctx context.Context, actor Actor, id domain.ID, in UserChanges) (domain.Collaborator, error) {
	if err := s.authorizeManage(actor, "update collaborators"); err != nil {
		return domain.Collaborator{}, err
	}
	fe := domain.FieldErrors{}
	name, email := strings.TrimSpace(in.FullName), domain.NormalizeEmail(in.Email)
	if in.FullName != "" {
		fe.Check("full_name", domain.ValidateName(name))
	}
	if in.Email != "" {
		fe.Check("email", domain.ValidateEmail(email))
	}
	if in.Role != "" {
		fe.Check("role", validateRole(in.Role))
		if id == actor.ID && in.Role != actor.Role && actor.Role == domain.RoleManagement {
			fe.Add("role", "you may not remove your own management role: ask another manager")
		}
	}
	if err := fe.Err(); err != nil {
		return domain.Collaborator{}, err
	}
	var updated domain.Collaborator
	var changed changeSet
	err := s.tx(ctx, actor, func(r Repos) error {
		// Everything starts afresh in each run (see store.DB.Tx); the results are
		// handed out only once a run has succeeded.
		u, err := r.GetUser(ctx, id)
		if err != nil {
			return fmt.Errorf("update user %d: %w", id, err)
		}
		var changes changeSet
		if u.Version != in.Version {
			return domain.ErrStale
		}
		was := u
		if name != "" {
			changes.add("full_name", u.FullName, name)
			u.FullName = name
		}
		if email != "" {
			changes.add("email", u.Email, email)
			u.Email = email
		}
		if in.Role != "" && in.Role != u.Role {
			if err := roleChangeAllowed(ctx, r, u); err != nil {
				return err
			}
			changes.add("role", string(u.Role), string(in.Role))
			u.Role = in.Role
		}
		if len(changes) > 0 {
			if err := r.UpdateUserFrom(ctx, was, &u); err != nil {
				return fmt.Errorf("update user %d: %w", id, err)
			}
			if err := s.audit(ctx, r, actor, "user.update", "user", u.ID, changes); err != nil {
				return err
			}
		}
		updated, changed = u, changes
		return nil
	})
	if err != nil {
		return domain.Collaborator{}, err
	}
	if len(changed) > 0 {
		data := userEventData(updated)
		data["fields"] = changedFields(changed)
		s.report.Event(ctx, "user.update", actor.user(), data)
	}
	return s.visible(actor, updated), nil
}

// Deactivate stops a collaborator from logging in and ends their open sessions
// at once. What they look after stays theirs until reassigned. A manager may not
// deactivate themselves. Deactivating an inactive collaborator changes nothing.
func (s *Users) Deactivate(ctx context.Context, actor Actor, id domain.ID) (domain.Collaborator, error) {
	return s.setActive(ctx, actor, id, false)
}

// Reactivate lets a deactivated collaborator log in again.
func (s *Users) Reactivate(ctx context.Context, actor Actor, id domain.ID) (domain.Collaborator, error) {
	return s.setActive(ctx, actor, id, true)
}

func (s *Users) setActive(ctx context.Context, actor Actor, id domain.ID, active bool) (domain.Collaborator, error) {
	action, what := "user.reactivate", "reactivate collaborators"
	if !active {
		action, what = "user.deactivate", "deactivate collaborators"
	}
	if err := s.authorizeManage(actor, what); err != nil {
		return domain.Collaborator{}, err
	}
	if !active && id == actor.ID {
		return domain.Collaborator{}, domain.Errorf(domain.CodeForbidden, "you may not deactivate yourself: ask another manager")
	}
	var out domain.Collaborator
	var changed bool
	err := s.tx(ctx, actor, func(r Repos) error {
		// A run starts from what it reads: an earlier run rolled back may have seen
		// the collaborator in the other state (see store.DB.Tx).
		changed = false
		u, err := r.GetUser(ctx, id)
		if err != nil {
			return fmt.Errorf("%s %d: %w", action, id, err)
		}
		if u.Active == active {
			out = u
			return nil
		}
		was := u
		u.Active = active
		if err := r.UpdateUserFrom(ctx, was, &u); err != nil {
			return fmt.Errorf("%s %d: %w", action, id, err)
		}
		if !active {
			if err := r.RevokeUserSessions(ctx, id, "", s.now()); err != nil {
				return fmt.Errorf("%s %d: revoke sessions: %w", action, id, err)
			}
		}
		c := changeSet{}
		c.add("active", strconv.FormatBool(!active), strconv.FormatBool(active))
		if err := s.audit(ctx, r, actor, action, "user", id, c); err != nil {
			return err
		}
		out, changed = u, true
		return nil
	})
	if err != nil {
		return domain.Collaborator{}, err
	}
	if changed {
		s.report.Event(ctx, action, actor.user(), userEventData(out))
	}
	return public(out), nil
}

// Delete removes a collaborator who holds nothing. While they still look after
// customers or support events it is refused with the list, so that nothing is
// lost: reassign first, or deactivate instead. A manager may not delete themselves.
func (s *Users) Delete(ctx context.Context, actor Actor, id domain.ID) error {
	if err := s.authorizeManage(actor, "delete collaborators"); err != nil {
		return err
	}
	if id == actor.ID {
		return domain.Errorf(domain.CodeForbidden, "you may not delete yourself: ask another manager")
	}
	var deleted domain.Collaborator
	err := s.tx(ctx, actor, func(r Repos) error {
		u, err := r.GetUser(ctx, id)
		if err != nil {
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		h, err := r.UserHoldings(ctx, id)
		if err != nil {
			return fmt.Errorf("delete user %d: holdings: %w", id, err)
		}
		if !h.Empty() {
			return holdingsConflict(u, h)
		}
		if err := r.DeleteUser(ctx, id); err != nil {
			if domain.ErrorCode(err) == domain.CodeConflict {
				// Holding nothing, what still names them is history that must keep
				// its author, such as the payments they recorded.
				return domain.Errorf(domain.CodeConflict,
					"%s is the author of records that must keep their name (payments they recorded); deactivate them instead", u.FullName)
			}
			return fmt.Errorf("delete user %d: %w", id, err)
		}
		// The trail keeps who they were, since the row is gone.
		var c changeSet
		c.add("employee_number", u.EmployeeNumber, "")
		c.add("full_name", u.FullName, "")
		c.add("email", u.Email, "")
		c.add("role", string(u.Role), "")
		if err := s.audit(ctx, r, actor, "user.delete", "user", id, c); err != nil {
			return err
		}
		deleted = u
		return nil
	})
	if err != nil {
		return err
	}
	s.report.Event(ctx, "user.delete", actor.user(), userEventData(deleted))
	return nil
}

// ResetPassword sets a new password for a collaborator who forgot theirs. It also
// lifts a login lock and ends their open sessions: whoever held them no longer knows
// the password. The manager chose it: its owner must choose their own at their
// next login.
func (s *Users) ResetPassword(ctx context.Context, actor Actor, id domain.ID, password string) error {
	if err := s.authorizeManage(actor, "reset passwords"); err != nil {
		return err
	}
	var read domain.Collaborator
	err := s.read(ctx, actor, func(r Repos) error {
		var err error
		if read, err = r.GetUser(ctx, id); err != nil {
			return fmt.Errorf("reset password of user %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The version the password policy was checked against (the email); each run of
	// the transaction compares with it, never with a version an earlier run bumped.
	wantVersion := read.Version
	if err := checkNewPassword("password", password, read.Email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return fmt.Errorf("reset password of user %d: hash: %w", id, s.reportInternal(ctx, actor, err))
	}
	var reset domain.Collaborator
	err = s.tx(ctx, actor, func(r Repos) error {
		cur, err := r.GetUser(ctx, id)
		if err != nil {
			return fmt.Errorf("reset password of user %d: %w", id, err)
		}
		// The policy was checked against the email read before hashing.
		if cur.Version != wantVersion {
			return domain.ErrStale
		}
		next := cur
		next.PasswordHash, next.MustChangePassword = hash, chosenByManager
		if err := r.UpdateUserFrom(ctx, cur, &next); err != nil {
			return fmt.Errorf("reset password of user %d: %w", id, err)
		}
		if err := r.SetLoginState(ctx, id, 0, nil); err != nil {
			return fmt.Errorf("reset password of user %d: unlock: %w", id, err)
		}
		if err := r.RevokeUserSessions(ctx, id, "", s.now()); err != nil {
			return fmt.Errorf("reset password of user %d: revoke sessions: %w", id, err)
		}
		if err := s.audit(ctx, r, actor, "user.password_reset", "user", id, nil); err != nil {
			return err
		}
		reset = next
		return nil
	})
	if err != nil {
		return err
	}
	s.report.Event(ctx, "user.password_reset", actor.user(), userEventData(reset))
	return nil
}

func (s *Users) authorizeManage(actor Actor, what string) error {
	return authorize(actor, domain.PermUserManage, domain.Subject{}, what)
}

func validateRole(r domain.Role) error {
	if !r.Valid() {
		return fmt.Errorf("must be one of management, sales, support")
	}
	return nil
}

// userEventData is what Sentry learns of a collaborator: ids and role, never the
// email (the scrubber would remove it anyway; it is not sent in the first place).
func userEventData(u domain.Collaborator) map[string]string {
	return map[string]string{
		"user_id": strconv.FormatInt(u.ID, 10),
		"role":    string(u.Role),
	}
}

func changedFields(c changeSet) string {
	names := make([]string, len(c))
	for i, ch := range c {
		names[i] = ch.Field
	}
	return strings.Join(names, ",")
}
