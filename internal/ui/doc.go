// Package ui owns the interactive terminal: the Prompter interface the menus
// ask their questions through, its terminal implementation, tables that fit
// the terminal, the pager and pick-list every list is shown with, and the
// menus themselves (Run).
//
// Run is the program staff use all day: login (or the saved session), a
// header with what needs attention, and a main menu built from the actor's
// permissions, with one file per area (customers_menu.go, contracts_menu.go,
// events_menu.go, users_menu.go, audit_menu.go, account_menu.go). The menus
// decide what to offer from service.Permissions; the services decide what is
// allowed. The session is authenticated again before every action, and after
// a pause longer than Config.Idle the password is asked again (idle.go).
//
// Prompter is small on purpose (Select, Input, Password, Confirm): the menus
// are tested with the scripted fake in ui/uitest, and only end-to-end tests
// need a real pseudo-terminal (internal/ptytest). Control flow at a prompt is
// two sentinel errors: ErrBack (Ctrl+C: go back one menu) and ErrQuit
// (Ctrl+D or the end of input: leave the program). Ctrl+C pressed while no
// prompt is open is a SIGINT, which the app hands to Run (Config.OnInterrupt):
// it cancels the action under way, which runs on a context of its own, and
// the menu goes on (interrupt.go).
//
// The terminal implementation is built on promptui (its list, cursor, screen
// buffer and styles) and readline, which stay inside this package. It runs
// promptui's prompt loops itself, because promptui's own redraw races with
// readline's goroutine (see promptui_run.go), and it takes care of the traps
// the library leaves: no terminal bell, a Yes/No Select instead of IsConfirm,
// no empty Select, every line cut to the terminal's width, the cursor shown
// again however a prompt ends, a panicking validator reported rather than
// crashing with the terminal raw, and one reader of the terminal for every
// prompt, so that keys typed ahead of a question reach it (keyboard.go).
//
// The ui reads nothing from the environment and keeps no global state: what it
// knows about the terminal (size, colour, time zone) is a Display given to it.
package ui
