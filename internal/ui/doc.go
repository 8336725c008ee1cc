// Package ui owns the interactive terminal: the Prompter interface the menus
// ask their questions through, its promptui implementation, tables that fit
// the terminal, and the pager and pick-list every list is shown with.
//
// promptui (unmaintained since 2021) and its readline stay inside this
// package, behind Prompter, so the menus are tested with the scripted fake in
// ui/uitest and only the end-to-end tests need a real pseudo-terminal.
// Control flow at a prompt is two sentinel errors: ErrBack (Ctrl+C: go back one
// menu) and ErrQuit (Ctrl+D or end of input: leave the program).
//
// The ui reads nothing from the environment and keeps no global state: what it
// knows about the terminal (size, colour, time zone) is a Display given to it.
package ui
