package uitest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/epic-events/crm/internal/ui"
)

// Kind is the kind of a prompt.
type Kind string

const (
	KindSelect   Kind = "select"
	KindInput    Kind = "input"
	KindPassword Kind = "password"
	KindConfirm  Kind = "confirm"
	kindAny      Kind = "any prompt"
)

// Prompt is one question the code under test asked, as it was shown.
type Prompt struct {
	Kind    Kind
	Label   string
	Items   []string // Select: the items offered; Confirm: No, Yes
	Header  string   // Select: the header line above the items, if any
	Default string   // Input: the default value
	Answer  string   // what the script answered: an item, a text, "Ctrl+C", …
}

func (p Prompt) String() string {
	s := fmt.Sprintf("%s %q", p.Kind, p.Label)
	if p.Default != "" {
		s += fmt.Sprintf(" (default %q)", p.Default)
	}
	if len(p.Items) > 0 {
		s += fmt.Sprintf(" offering %q", p.Items)
	}
	if p.Answer != "" {
		s += " → " + p.Answer
	}
	return s
}

// Step is one scripted answer. Build it with Select, SelectRow, Input,
// InputRejected, KeepDefault, Password, Confirm, Back or Quit, and refine a
// Select step with Offering and NotOffering.
type Step struct {
	kind     Kind
	label    string // the prompt's label must contain it ("" matches any)
	text     string // the item to choose, the text to type
	contains bool   // Select: choose the one item containing text
	keep     bool   // Input: press Enter on the default, which must equal text
	reject   string // Input: the validator must refuse text with a message containing this
	yes      bool   // Confirm
	key      string // "Ctrl+C" or "Ctrl+D"
	offering []string
	missing  []string
}

// Select chooses item (exactly) in a Select whose label contains label.
func Select(label, item string) Step { return Step{kind: KindSelect, label: label, text: item} }

// SelectRow chooses the one item containing text: a table row, found by a
// name in it.
func SelectRow(label, text string) Step {
	return Step{kind: KindSelect, label: label, text: text, contains: true}
}

// Input types text and presses Enter; the prompt's validator must accept it.
func Input(label, text string) Step { return Step{kind: KindInput, label: label, text: text} }

// InputRejected types text, which the prompt's validator must refuse with a
// message containing wantErr. As on a terminal, the same prompt is asked
// again: the next step answers it.
func InputRejected(label, text, wantErr string) Step {
	return Step{kind: KindInput, label: label, text: text, reject: wantErr}
}

// KeepDefault presses Enter on an Input whose default must be want.
func KeepDefault(label, want string) Step {
	return Step{kind: KindInput, label: label, text: want, keep: true}
}

// Password types secret at a Password prompt.
func Password(label, secret string) Step { return Step{kind: KindPassword, label: label, text: secret} }

// Confirm answers Yes (true) or No to a Confirm.
func Confirm(label string, yes bool) Step { return Step{kind: KindConfirm, label: label, yes: yes} }

// Back presses Ctrl+C at the next prompt, whatever its kind: go back.
func Back(label string) Step { return Step{kind: kindAny, label: label, key: "Ctrl+C"} }

// Quit presses Ctrl+D at the next prompt, whatever its kind: leave.
func Quit(label string) Step { return Step{kind: kindAny, label: label, key: "Ctrl+D"} }

// Offering requires the Select to offer each of items (exactly).
func (s Step) Offering(items ...string) Step {
	s.offering = append(slices.Clone(s.offering), items...)
	return s
}

// NotOffering requires the Select to offer none of items: what a role may
// not do is not shown.
func (s Step) NotOffering(items ...string) Step {
	s.missing = append(slices.Clone(s.missing), items...)
	return s
}

func (s Step) String() string {
	switch {
	case s.key != "":
		return fmt.Sprintf("%s at %q", s.key, s.label)
	case s.kind == KindSelect && s.contains:
		return fmt.Sprintf("select %q: the row containing %q", s.label, s.text)
	case s.kind == KindConfirm:
		return fmt.Sprintf("confirm %q: %v", s.label, s.yes)
	case s.kind == KindPassword:
		return fmt.Sprintf("password %q", s.label)
	case s.keep:
		return fmt.Sprintf("input %q: keep default %q", s.label, s.text)
	case s.reject != "":
		return fmt.Sprintf("input %q: %q refused with %q", s.label, s.text, s.reject)
	default:
		return fmt.Sprintf("%s %q: %q", s.kind, s.label, s.text)
	}
}

// ScriptedPrompter is a ui.Prompter that answers from a script. When a prompt
// does not match the next step, or comes after the last one, it fails the
// test and returns ui.ErrQuit, so that every menu loop unwinds; from then on
// every prompt returns ui.ErrQuit. When the test ends, steps left unused fail
// it too.
type ScriptedPrompter struct {
	t      testing.TB
	mu     sync.Mutex
	steps  []Step
	next   int // the step to play next
	played int // the step being played, for failure messages
	shown  []Prompt
	failed bool
}

var _ ui.Prompter = (*ScriptedPrompter)(nil)

// New returns a prompter that plays steps, in order, for the test t.
func New(t testing.TB, steps ...Step) *ScriptedPrompter {
	t.Helper()
	p := &ScriptedPrompter{t: t, steps: steps}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.failed && p.next < len(p.steps) {
			t.Errorf("the script was not played to the end: next step %s\n%s", p.steps[p.next], p.transcript())
		}
	})
	return p
}

// Shown returns every prompt asked so far, in order.
func (p *ScriptedPrompter) Shown() []Prompt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.shown)
}

// Transcript returns the prompts asked so far, one a line, for failure messages.
func (p *ScriptedPrompter) Transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.transcript()
}

func (p *ScriptedPrompter) transcript() string {
	var b strings.Builder
	b.WriteString("prompts so far:\n")
	for i, s := range p.shown {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
	}
	return b.String()
}

// Select implements ui.Prompter.
func (p *ScriptedPrompter) Select(label string, items []string, opts ...ui.SelectOption) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cfg := ui.ApplySelectOptions(len(items), opts...)
	pr := Prompt{Kind: KindSelect, Label: label, Items: slices.Clone(items), Header: cfg.Header}
	if len(items) == 0 {
		// As on a terminal: an empty list cannot be answered, and the
		// caller gets the error (not a step).
		pr.Answer = ui.ErrNoItems.Error()
		p.shown = append(p.shown, pr)
		return 0, ui.ErrNoItems
	}
	step, err := p.take(&pr)
	if err != nil {
		return 0, err
	}
	for _, want := range step.offering {
		if !slices.Contains(items, want) {
			return 0, p.fail(pr, "%s: %q is not offered", step, want)
		}
	}
	for _, unwanted := range step.missing {
		if slices.Contains(items, unwanted) {
			return 0, p.fail(pr, "%s: %q is offered but must not be", step, unwanted)
		}
	}
	i := slices.Index(items, step.text)
	if step.contains {
		i = -1
		for j, it := range items {
			if strings.Contains(it, step.text) {
				if i >= 0 {
					return 0, p.fail(pr, "%s: more than one item contains it", step)
				}
				i = j
			}
		}
	}
	if i < 0 {
		return 0, p.fail(pr, "%s: no such item", step)
	}
	p.answer(pr, items[i])
	return i, nil
}

// Input implements ui.Prompter.
func (p *ScriptedPrompter) Input(label, def string, validate func(string) error) (string, error) {
	return p.text(Prompt{Kind: KindInput, Label: label, Default: def}, validate)
}

// Password implements ui.Prompter.
func (p *ScriptedPrompter) Password(label string, validate func(string) error) (string, error) {
	return p.text(Prompt{Kind: KindPassword, Label: label}, validate)
}

// Confirm implements ui.Prompter.
func (p *ScriptedPrompter) Confirm(label string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr := Prompt{Kind: KindConfirm, Label: label, Items: []string{ui.No, ui.Yes}}
	step, err := p.take(&pr)
	if err != nil {
		return false, err
	}
	p.answer(pr, map[bool]string{true: ui.Yes, false: ui.No}[step.yes])
	return step.yes, nil
}

func (p *ScriptedPrompter) text(pr Prompt, validate func(string) error) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		step, err := p.take(&pr)
		if err != nil {
			return "", err
		}
		value := step.text
		if step.keep {
			if pr.Default != step.text {
				return "", p.fail(pr, "%s: the default is %q", step, pr.Default)
			}
			value = pr.Default
		}
		var verr error
		if validate != nil {
			verr = validate(value)
		}
		shown := value
		if pr.Kind == KindPassword {
			shown = strings.Repeat("*", len([]rune(value)))
		}
		if step.reject != "" {
			if verr == nil {
				return "", p.fail(pr, "%s: it was accepted", step)
			}
			if !strings.Contains(verr.Error(), step.reject) {
				return "", p.fail(pr, "%s: refused with %q instead", step, verr.Error())
			}
			// As on a terminal, the message is shown and the same
			// question is asked again.
			p.answer(pr, fmt.Sprintf("%q, refused: %v", shown, verr))
			continue
		}
		if verr != nil {
			return "", p.fail(pr, "%s: refused with %q", step, verr.Error())
		}
		p.answer(pr, fmt.Sprintf("%q", shown))
		return value, nil
	}
}

// take returns the step that answers pr, or the error the caller must return
// (ErrBack or ErrQuit for a scripted key, ErrQuit after a failure).
func (p *ScriptedPrompter) take(pr *Prompt) (Step, error) {
	p.t.Helper()
	if p.failed {
		pr.Answer = "(script failed: quit)"
		p.shown = append(p.shown, *pr)
		return Step{}, ui.ErrQuit
	}
	p.played = p.next
	if p.next >= len(p.steps) {
		return Step{}, p.fail(*pr, "unexpected prompt: the script has no more steps")
	}
	step := p.steps[p.next]
	if step.label != "" && !strings.Contains(pr.Label, step.label) {
		return Step{}, p.fail(*pr, "expected %s, but the label is %q", step, pr.Label)
	}
	if step.kind != kindAny && step.kind != pr.Kind {
		return Step{}, p.fail(*pr, "expected %s, but got a %s prompt", step, pr.Kind)
	}
	p.next++
	switch step.key {
	case "Ctrl+C":
		p.answer(*pr, "Ctrl+C")
		return Step{}, ui.ErrBack
	case "Ctrl+D":
		p.answer(*pr, "Ctrl+D")
		return Step{}, ui.ErrQuit
	}
	return step, nil
}

func (p *ScriptedPrompter) answer(pr Prompt, answer string) {
	pr.Answer = answer
	p.shown = append(p.shown, pr)
}

func (p *ScriptedPrompter) fail(pr Prompt, format string, args ...any) error {
	p.t.Helper()
	pr.Answer = "(unexpected)"
	p.shown = append(p.shown, pr)
	p.failed = true
	p.t.Errorf("step %d: %s\n%s", p.played+1, fmt.Sprintf(format, args...), p.transcript())
	return ui.ErrQuit
}
