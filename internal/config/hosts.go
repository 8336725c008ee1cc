package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ParseHosts reads a DB_HOST value: one server or several, comma-separated,
// each "host", "host:port", "[ipv6]:port" or a bare IPv6 address; a server
// without a port takes defaultPort. It returns the servers as "host:port", in
// the order written (the order they are tried in), or an error that names the
// faulty entry and the rule it breaks.
func ParseHosts(list string, defaultPort int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, errors.New("must list servers as host or host:port separated by commas, with none empty")
		}
		host, port, err := splitHost(entry, defaultPort)
		if err != nil {
			return nil, err
		}
		addr := net.JoinHostPort(host, strconv.Itoa(port))
		if seen[addr] {
			return nil, fmt.Errorf("lists %s twice", addr)
		}
		seen[addr] = true
		out = append(out, addr)
	}
	return out, nil
}

func splitHost(entry string, defaultPort int) (string, int, error) {
	// A bare IPv6 address has colons but no port.
	if ip := net.ParseIP(entry); ip != nil {
		return entry, defaultPort, nil
	}
	host, portText := entry, ""
	if strings.Contains(entry, ":") {
		h, p, err := net.SplitHostPort(entry)
		if err != nil {
			return "", 0, fmt.Errorf("%q is not host or host:port (write an IPv6 address with a port as [address]:port)", entry)
		}
		host, portText = h, p
	}
	if !validHost(host) {
		return "", 0, fmt.Errorf("%q is not a host name or IP address", host)
	}
	if portText == "" {
		return host, defaultPort, nil
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("%q: the port must be a number from 1 to 65535", entry)
	}
	return host, port, nil
}

// validHost accepts an IP address or a DNS name (letters, digits, '-', '.', '_').
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
		default:
			return false
		}
	}
	return true
}

// Addrs lists the database servers of Host as "host:port", in the order they
// are tried; nil when Host is not a valid list (Load refuses it).
func (d DB) Addrs() []string {
	addrs, err := ParseHosts(d.Host, d.Port)
	if err != nil {
		return nil
	}
	return addrs
}
