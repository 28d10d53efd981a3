// Command sigap-load offers web chat messages to a sigap serve on this
// machine at a set rate and reports how many were answered and how fast:
// the load generator of issue 14's web chat figure. It refuses a server
// that is not on a loopback address, a rate above loadtest.MaxRate and a
// run longer than loadtest.MaxDuration.
//
//	sigap-load --url http://127.0.0.1:8080 --rate 3000 --duration 10s
//	sigap-load --url http://127.0.0.1:8080 --find --p99 200ms
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/pemkab-kebumen/sigap/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sigap-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c loadtest.Config
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8080", "base `URL` of the sigap serve to load; loopback only")
	fs.Float64Var(&c.Rate, "rate", 1000, "messages offered a `second`; with --find, the first rate tried")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "how long to offer messages; with --find, each step's run")
	fs.IntVar(&c.Conversations, "conversations", 0, "how many citizens write (`n`); 0: ten messages a minute each at most")
	find := fs.Bool("find", false, "search the highest rate whose POSTs stay within --p99 with none failing or held")
	p99 := fs.Duration("p99", 200*time.Millisecond, "with --find, the 99th percentile a rate must meet")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sigap-load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *find {
		best, rate, err := loadtest.FindRate(ctx, c, c.Rate, c.Duration, *p99)
		if err != nil {
			fmt.Fprintln(stderr, "sigap-load:", err)
			return 1
		}
		fmt.Fprintf(stdout, "highest rate with p99 within %v: %.0f msgs/s offered (%v)\n", *p99, rate, best)
		return 0
	}
	r, err := loadtest.Run(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, "sigap-load:", err)
		return 1
	}
	fmt.Fprintln(stdout, r)
	if r.Failed > 0 {
		return 1
	}
	return 0
}
