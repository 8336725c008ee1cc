package report

import (
	"regexp"
	"strings"
	"sync"

	"github.com/getsentry/sentry-go"
)

// Scrub is the BeforeSend hook: it removes from an event what Sentry must never
// hold. It drops the server name, every user field but the id, the request and
// attachments; removes every tag, context or breadcrumb field whose key names a
// secret (password, hash, token, secret, jwt, authorization, dsn, ...); and in
// every remaining text (message, exception values, tags, contexts, breadcrumbs)
// replaces hashes, tokens, credentials in URLs and DSNs, email addresses,
// phone-number-like digit runs and the values quoted by duplicate-key errors.
func Scrub(event *sentry.Event, _ *sentry.EventHint) *sentry.Event {
	if event == nil {
		return nil
	}
	event.ServerName = ""
	event.User = sentry.User{ID: redactEmails(event.User.ID)}
	event.Request = nil
	event.Attachments = nil
	event.Message = redact(event.Message)
	event.Transaction = redact(event.Transaction)
	for i, f := range event.Fingerprint {
		event.Fingerprint[i] = redact(f)
	}
	for i := range event.Exception {
		event.Exception[i].Value = redact(event.Exception[i].Value)
		scrubFrames(event.Exception[i].Stacktrace)
	}
	for i := range event.Threads {
		scrubFrames(event.Threads[i].Stacktrace)
	}
	event.Tags = scrubTags(event.Tags)
	event.Contexts = scrubContexts(event.Contexts)
	crumbs := event.Breadcrumbs[:0]
	for _, b := range event.Breadcrumbs {
		if b == nil {
			continue
		}
		b.Message = redact(b.Message)
		b.Data = scrubMap(b.Data)
		crumbs = append(crumbs, b)
	}
	event.Breadcrumbs = crumbs
	return event
}

// scrubFrames drops local variables, which the SDK does not collect for Go but a
// future integration might.
func scrubFrames(st *sentry.Stacktrace) {
	if st == nil {
		return
	}
	for i := range st.Frames {
		st.Frames[i].Vars = nil
	}
}

var secretKeyWords = []string{
	"password", "passwd", "passphrase", "hash", "token", "secret", "jwt",
	"authorization", "dsn", "cookie", "apikey", "api_key", "api-key", "credential", "private_key",
}

// sensitiveKey reports whether a key names something secret, in any letter case
// and as part of a longer name (password_hash, X-Auth-Token, JWT_SECRET).
func sensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

func scrubTags(tags map[string]string) map[string]string {
	for k, v := range tags {
		if sensitiveKey(k) {
			delete(tags, k)
			continue
		}
		tags[k] = redact(v)
	}
	return tags
}

// sdkContexts are filled by the SDK itself with runtime facts (and trace ids that
// must stay intact); only their keys are checked.
var sdkContexts = map[string]bool{"device": true, "os": true, "runtime": true, "trace": true}

func scrubContexts(contexts map[string]sentry.Context) map[string]sentry.Context {
	for name, c := range contexts {
		if sensitiveKey(name) {
			delete(contexts, name)
			continue
		}
		if sdkContexts[name] {
			for k := range c {
				if sensitiveKey(k) {
					delete(c, k)
				}
			}
			continue
		}
		contexts[name] = scrubMap(c)
	}
	return contexts
}

func scrubMap(m map[string]any) map[string]any {
	for k, v := range m {
		if sensitiveKey(k) {
			delete(m, k)
			continue
		}
		m[k] = scrubValue(v)
	}
	return m
}

// scrubValue redacts strings and walks containers. A value of any other type is
// replaced, since its printed form could hold anything (a whole Collaborator, say).
func scrubValue(v any) any {
	switch v := v.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return v
	case string:
		return redact(v)
	case []string:
		for i := range v {
			v[i] = redact(v[i])
		}
		return v
	case map[string]string:
		return scrubTags(v)
	case map[string]any:
		return scrubMap(v)
	case []any:
		for i := range v {
			v[i] = scrubValue(v[i])
		}
		return v
	default:
		return "[removed]"
	}
}

// scrubPatterns are what redact applies, in order: the specific ones first,
// so that an email inside a duplicate-key error or a DSN is replaced as a
// whole. They are compiled at the first redaction, not at start-up: most runs
// report nothing, and compiling them cost every command's start about 1 ms
// and a thousand allocations (BENCHMARKS.md, start-up).
var scrubPatterns = sync.OnceValue(func() *patterns {
	// key=value and "key": "value" where the key names a secret.
	const secretKV = `(?i)([a-z0-9_.-]*(?:password|passwd|passphrase|secret|token|jwt|hash|authorization|dsn|api[_-]?key|credential)[a-z0-9_.-]*)`
	return &patterns{
		// MySQL/MariaDB: Duplicate entry 'ann@example.com' for key 'users.email'.
		duplicateEntry: regexp.MustCompile(`(?i)(duplicate entry\s*)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")`),
		// PostgreSQL-style detail: Key (email)=(ann@example.com) already exists.
		keyDetail: regexp.MustCompile(`(?i)(key \([^)]*\)=\()[^)]*\)`),
		argon2:    regexp.MustCompile(`\$argon2(?:id|i|d)\$[A-Za-z0-9$=,+/.]*`),
		bcrypt:    regexp.MustCompile(`\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}`),
		// A JWT: its header is base64url JSON, so it starts with "eyJ".
		jwt:          regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}`),
		bearer:       regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`),
		secretAssign: regexp.MustCompile(secretKV + `(["']?\s*=\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)`),
		secretQuoted: regexp.MustCompile(secretKV + `(["']?\s*:\s*)("[^"]*"|'[^']*')`),
		secretColon:  regexp.MustCompile(secretKV + `(["']?:)([^\s,;&"']+)`),
		// Credentials in a URL (https://user:pass@host) or a MySQL DSN (user:pass@tcp(host)).
		urlUser:  regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://)[^/\s@]+@`),
		mysqlDSN: regexp.MustCompile(`[^\s:/@'"]+:[^\s@'"]*@((?:tcp|unix)\()`),
		email:    regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*`),
		// Kept out of the phone search: dates and times (2026-11-03 has 8 digits),
		// MySQL's error numbers with their SQLSTATE ("Error 1062 (23000)"), and
		// dotted numbers that are IPv4 addresses (checked in keepSpan).
		notPhone: regexp.MustCompile(`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|(?i:error) \d+ \([0-9A-Z]{5}\)|\d{1,3}(?:\.\d{1,3})+`),
		// A phone number starts with +, ( or a digit and ends with a digit.
		phone: regexp.MustCompile(`[+(]?\d[\d .()-]*\d`),
		// An amount such as 12500.00 or 1 000 000.00 is not a phone number.
		amount: regexp.MustCompile(`^\d{1,3}(?: \d{3})*\.\d{2}$|^\d+\.\d{2}$`),
	}
})

type patterns struct {
	duplicateEntry, keyDetail, argon2, bcrypt, jwt, bearer     *regexp.Regexp
	secretAssign, secretQuoted, secretColon, urlUser, mysqlDSN *regexp.Regexp
	email, notPhone, phone, amount                             *regexp.Regexp
}

// redact replaces every secret and every piece of personal data it recognises in s.
func redact(s string) string {
	if s == "" {
		return s
	}
	p := scrubPatterns()
	s = p.duplicateEntry.ReplaceAllString(s, "${1}'[redacted]'")
	s = p.keyDetail.ReplaceAllString(s, "${1}[redacted])")
	s = p.argon2.ReplaceAllString(s, "[hash]")
	s = p.bcrypt.ReplaceAllString(s, "[hash]")
	s = p.jwt.ReplaceAllString(s, "[token]")
	s = p.bearer.ReplaceAllString(s, "${1} [token]")
	s = p.secretAssign.ReplaceAllString(s, "${1}${2}[redacted]")
	s = p.secretQuoted.ReplaceAllString(s, `${1}${2}"[redacted]"`)
	s = p.secretColon.ReplaceAllString(s, "${1}${2}[redacted]")
	s = p.urlUser.ReplaceAllString(s, "${1}[redacted]@")
	s = p.mysqlDSN.ReplaceAllString(s, "[redacted]@${1}")
	s = redactEmails(s)
	return redactPhones(s)
}

func redactEmails(s string) string { return scrubPatterns().email.ReplaceAllString(s, "[email]") }

// redactPhones replaces digit runs that could be phone numbers: 7 digits or more,
// or 6 (the shortest phone the CRM accepts) when written with + or parentheses.
func redactPhones(s string) string {
	var b strings.Builder
	last := 0
	for _, span := range scrubPatterns().notPhone.FindAllStringIndex(s, -1) {
		if !keepSpan(s, span) {
			continue
		}
		b.WriteString(redactPhoneRuns(s[last:span[0]]))
		b.WriteString(s[span[0]:span[1]])
		last = span[1]
	}
	b.WriteString(redactPhoneRuns(s[last:]))
	return b.String()
}

// keepSpan tells a real exception from a phone number in disguise: a run of
// dotted numbers is kept only when it has exactly four parts, like an IPv4
// address (01.23.45.67.89 is a phone number).
func keepSpan(s string, span []int) bool {
	m := s[span[0]:span[1]]
	if strings.Contains(m, "-") || strings.Contains(m, "(") {
		return true // a date or an error number
	}
	if strings.Count(m, ".") != 3 {
		return false
	}
	// Not part of a longer number on either side.
	digitOrDot := func(c byte) bool { return c == '.' || (c >= '0' && c <= '9') }
	return (span[0] == 0 || !digitOrDot(s[span[0]-1])) && (span[1] == len(s) || !digitOrDot(s[span[1]]))
}

func redactPhoneRuns(s string) string {
	p := scrubPatterns()
	return p.phone.ReplaceAllStringFunc(s, func(run string) string {
		digits := 0
		for i := 0; i < len(run); i++ {
			if run[i] >= '0' && run[i] <= '9' {
				digits++
			}
		}
		marked := strings.HasPrefix(run, "+") || strings.ContainsAny(run, "()")
		if digits >= 7 || (digits >= 6 && marked) {
			if p.amount.MatchString(run) {
				return run
			}
			return "[phone]"
		}
		return run
	})
}
