package store_test

import (
	"github.com/epic-events/crm/internal/service"
	"github.com/epic-events/crm/internal/store"
)

// The store is the services' storage: this fails to compile when a method of
// the contract is missing or has drifted.
var _ service.Repos = (*store.Repos)(nil)
