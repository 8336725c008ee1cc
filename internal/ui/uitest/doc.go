// Package uitest provides ScriptedPrompter, the ui.Prompter that menu tests
// drive instead of a terminal: it answers each prompt from a script of steps
// (choose this item, type that, press Ctrl+C), fails the test on any prompt
// the script did not expect (wrong kind, label, or an item that is not
// offered), and records everything it was shown.
//
// Menu tests import it from package ui_test (an internal test of package ui
// cannot import it: uitest imports ui).
package uitest
