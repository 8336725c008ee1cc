// Command lineecho is the program the ptytest harness is tested against: it
// shows its environment, arguments and terminal size, echoes every line it
// reads, prints a long run of multi-byte characters on request, and exits
// with a chosen code.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

func main() {
	w, h, _ := term.GetSize(int(os.Stdout.Fd()))
	fmt.Printf("ready %s %q %dx%d tty=%v\n", os.Getenv("GREETING"), os.Args[1:], w, h, term.IsTerminal(int(os.Stdin.Fd())))
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := in.Text()
		switch {
		case line == "accents":
			// One write, long enough to be read in pieces that split characters.
			fmt.Print("x" + strings.Repeat("é", 2100) + "\nend of accents\n")
		case strings.HasPrefix(line, "exit "):
			code, _ := strconv.Atoi(strings.TrimPrefix(line, "exit "))
			fmt.Println("exiting")
			os.Exit(code)
		default:
			fmt.Printf("you typed: %s\n", line)
		}
	}
	fmt.Println("end of input")
	os.Exit(3)
}
