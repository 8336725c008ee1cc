// Package config owns the program's settings: it reads the variables of
// PRODUCT.md's settings table from an environment lookup it is given (main
// passes os.Getenv after loading .env, which never overrides the real
// environment), applies the defaults, and refuses a bad setting with one line
// that names the variable and the rule and never repeats a secret.
package config
