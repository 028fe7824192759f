// Command rtnode is the rtnode node agent and its CLI. main only wires: it
// builds the command tree, runs it, and exits non-zero on error (2 for bad
// input, 1 for failures).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rtnode/rtnode/cmd/rtnode/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.NewCommand().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtnode: "+err.Error())
		os.Exit(app.ExitCode(err))
	}
}
