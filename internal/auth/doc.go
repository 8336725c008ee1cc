// Package auth owns the secrets of a login: argon2id password hashing (with
// fixed parameters, capped parameters when reading a stored hash, and a dummy
// comparison for unknown accounts), the signed session token (a JWT whose jti
// names a row of the sessions table), and the session file that keeps that
// token between commands.
//
// It knows nothing of storage: whether a session is still open, or a
// collaborator still active, is the service's question. It imports only
// domain and its libraries.
package auth
