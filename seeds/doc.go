// Package seeds owns the data the CRM starts from, embedded in the binary: the
// roles and the whole permission matrix of PRODUCT.md (Grants), which every
// database needs, and the demo company (staff, customers, contracts with their
// payments, events) that developers get on an empty database (Demo).
//
// The data lives in data/*.json; times in it are relative ("days ago", "in
// days") so that a freshly seeded database always has past and upcoming
// events around the moment it was seeded.
package seeds
