// netrpc-load is a closed-loop load generator for Go's net/rpc, built like `loadgen`
// (which cannot speak gob): N connections, each with its own rpc.Client, each sending one
// call, waiting for the reply, checking it, recording the latency, and calling again.
// With -codec json it speaks JSON-RPC 1.0 through net/rpc/jsonrpc instead, so the same
// client can be compared with `loadgen jsonrpc1` against one server.
//
//	netrpc-load -addr 127.0.0.1:7202 -connections 32 -warmup 2s -duration 10s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sort"
	"sync"
	"time"
)

type result struct {
	latencies []time.Duration // replies measured inside the window
	answered  int             // right replies over the whole run, warm-up included
	errors    int
	firstErr  string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7202", "the server (loopback only)")
	connections := flag.Int("connections", 32, "connections, each a closed loop")
	codec := flag.String("codec", "gob", "gob (net/rpc) or json (net/rpc/jsonrpc)")
	pipeline := flag.Int("pipeline", 1, "goroutines calling on each connection's rpc.Client at once")
	warmup := flag.Duration("warmup", 2*time.Second, "run this long before measuring")
	duration := flag.Duration("duration", 10*time.Second, "measure this long (at most 5m with the warm-up)")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	flag.Parse()

	if *warmup+*duration > 5*time.Minute || *duration <= 0 {
		log.Fatalf("refusing a run of %v: at most 5m", *warmup+*duration)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatal(err)
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		log.Fatal(err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			log.Fatalf("refusing to send load to %s (%s): only 127.0.0.0/8 or ::1", *addr, ip)
		}
	}

	clients := make([]*rpc.Client, *connections)
	for i := range clients {
		conn, err := net.Dial("tcp", *addr)
		if err != nil {
			log.Fatalf("cannot connect to %s (is the server running?): %v", *addr, err)
		}
		if *codec == "json" {
			clients[i] = jsonrpc.NewClient(conn)
		} else {
			clients[i] = rpc.NewClient(conn)
		}
	}

	measureFrom := time.Now().Add(*warmup)
	stopAt := measureFrom.Add(*duration)
	results := make([]result, len(clients)**pipeline)
	var wg sync.WaitGroup
	for i := range results {
		client := clients[i / *pipeline]
		wg.Add(1)
		go func(i int, client *rpc.Client) {
			defer wg.Done()
			r := &results[i]
			for id := 0; ; id++ {
				sent := time.Now()
				if !sent.Before(stopAt) {
					return
				}
				name := fmt.Sprintf("w%d-%d", i, id)
				var reply string
				err := client.Call("hello.HelloWorld", name, &reply)
				received := time.Now()
				switch {
				case err != nil:
					r.errors++
					if r.firstErr == "" {
						r.firstErr = err.Error()
					}
					if err == rpc.ErrShutdown {
						return
					}
				case reply != name+" hello world":
					r.errors++
					if r.firstErr == "" {
						r.firstErr = fmt.Sprintf("expected %q, got %q", name+" hello world", reply)
					}
				case !sent.Before(measureFrom) && !received.After(stopAt):
					r.answered++
					r.latencies = append(r.latencies, received.Sub(sent))
				default:
					r.answered++
				}
			}
		}(i, client)
	}
	wg.Wait()

	var all []time.Duration
	errors, firstErr, answered := 0, "", 0
	for _, r := range results {
		all = append(all, r.latencies...)
		answered += r.answered
		errors += r.errors
		if firstErr == "" {
			firstErr = r.firstErr
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	quantile := func(q float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		i := int(q*float64(len(all))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(all) {
			i = len(all) - 1
		}
		return all[i]
	}
	rate := float64(len(all)) / duration.Seconds()
	micros := func(d time.Duration) float64 { return float64(d.Nanoseconds()/100) / 10 }
	if *asJSON {
		out, _ := json.Marshal(map[string]any{
			"protocol": "netrpc-" + *codec, "addr": *addr, "connections": *connections, "pipeline": *pipeline,
			"requests": len(all), "replies_total": answered, "requests_per_s": int(rate + 0.5), "errors": errors,
			"latency_us": map[string]float64{
				"p50": micros(quantile(0.5)), "p99": micros(quantile(0.99)),
				"p99_9": micros(quantile(0.999)), "max": micros(quantile(1)),
			},
		})
		fmt.Println(string(out))
	} else {
		fmt.Printf("netrpc-load %s → %s: %d connections × %d outstanding, warm-up %v, measured %v\n",
			*codec, *addr, *connections, *pipeline, *warmup, *duration)
		fmt.Printf("  requests  %d = %.0f req/s\n", len(all), rate)
		fmt.Printf("  latency   p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms\n",
			micros(quantile(0.5))/1000, micros(quantile(0.99))/1000, micros(quantile(0.999))/1000, micros(quantile(1))/1000)
		fmt.Printf("  errors    %d %s\n", errors, firstErr)
	}
	if errors > 0 {
		os.Exit(2)
	}
}
