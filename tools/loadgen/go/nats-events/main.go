// nats-events is the Go baseline of `loadgen events --broker nats`: one program that
// subscribes to a topic and publishes N messages on it through a NATS server, with the Go
// client go-micro's NATS broker is built on (github.com/nats-io/nats.go), and reports
// publish → deliver latency and delivered messages per second.
//
// Each message is written as go-micro's NATS broker writes it (broker/nats/nats.go at
// v2.9.1, Publish: the JSON codec's encoding of broker.Message, then conn.Publish): a JSON
// object with a Header and a base64 Body. The body carries the message's number and the
// moment it was published, as loadgen's do. go-micro's broker returns as soon as the client
// has buffered the message; with -confirm each publish also waits until the server has it
// (a PING answered), as lesson 12's broker does, so the two can be set side by side.
//
//	nats-events -addr nats://127.0.0.1:4222 -messages 100000 -concurrency 32 [-confirm]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

// message is go-micro's broker.Message, as its JSON codec writes it.
type message struct {
	Header map[string]string
	Body   []byte
}

// tally is what the subscriber saw: how often each message arrived, and how late.
type tally struct {
	mu          sync.Mutex
	seen        []uint8
	measureFrom uint64
	latencies   []time.Duration
	distinct    uint64
	target      uint64 // reached is closed once distinct reaches it
	reached     chan struct{}
	last        time.Time
	strangers   int
}

func (t *tally) delivered(clock time.Time, data []byte) {
	now := time.Since(clock)
	var m message
	var number, nanos uint64
	ok := json.Unmarshal(data, &m) == nil
	if ok {
		n, sent, found := strings.Cut(string(m.Body), " ")
		var err1, err2 error
		number, err1 = strconv.ParseUint(n, 10, 64)
		nanos, err2 = strconv.ParseUint(sent, 10, 64)
		ok = found && err1 == nil && err2 == nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !ok || number >= uint64(len(t.seen)) {
		t.strangers++
		return
	}
	if t.seen[number] < 255 {
		t.seen[number]++
	}
	if t.seen[number] > 1 {
		return
	}
	if number >= t.measureFrom {
		t.latencies = append(t.latencies, now-time.Duration(nanos))
	}
	t.distinct++
	t.last = time.Now()
	if t.distinct == t.target {
		close(t.reached)
	}
}

// waitFor waits until count distinct messages have arrived, or 2 s have passed.
func (t *tally) waitFor(count uint64) {
	t.mu.Lock()
	if t.distinct >= count {
		t.mu.Unlock()
		return
	}
	t.target, t.reached = count, make(chan struct{})
	reached := t.reached
	t.mu.Unlock()
	select {
	case <-reached:
	case <-time.After(2 * time.Second):
	}
}

func main() {
	addr := flag.String("addr", "nats://127.0.0.1:4222", "the NATS server (loopback only)")
	messages := flag.Uint64("messages", 100000, "messages measured")
	warmup := flag.Uint64("warmup", 1000, "messages published and delivered before the measured ones")
	concurrency := flag.Int("concurrency", 32, "publishes in flight at once")
	confirm := flag.Bool("confirm", false, "wait after each publish until the server has it")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	flag.Parse()

	if *messages < 1 || *messages+*warmup > 10000000 || *concurrency < 1 || *concurrency > 4096 {
		log.Fatal("-messages 1 to 10000000 (with -warmup), -concurrency 1 to 4096")
	}
	u, err := url.Parse(*addr)
	if err != nil {
		log.Fatal(err)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		log.Fatal(err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			log.Fatalf("refusing to send load to %s (%s): only 127.0.0.0/8 or ::1", *addr, ip)
		}
	}
	// Two connections: the subscribing service and the publishing one.
	sub, err := nats.Connect(*addr)
	if err != nil {
		log.Fatalf("cannot connect to %s (is the server running?): %v", *addr, err)
	}
	pub, err := nats.Connect(*addr)
	if err != nil {
		log.Fatal(err)
	}
	topic := fmt.Sprintf("nats-events.%d.%d", os.Getpid(), time.Now().UnixNano())
	total := *warmup + *messages
	clock := time.Now()
	t := &tally{seen: make([]uint8, total), measureFrom: *warmup}
	if _, err := sub.Subscribe(topic, func(m *nats.Msg) { t.delivered(clock, m.Data) }); err != nil {
		log.Fatal(err)
	}
	if err := sub.Flush(); err != nil { // the server has the subscription
		log.Fatal(err)
	}

	var refused atomic.Int64
	var firstRefusal atomic.Value
	publish := func(from, to uint64) {
		next := from
		var wg sync.WaitGroup
		for i := 0; i < *concurrency; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					number := atomic.AddUint64(&next, 1) - 1
					if number >= to {
						return
					}
					body := fmt.Sprintf("%d %d", number, time.Since(clock).Nanoseconds())
					data, _ := json.Marshal(message{Header: map[string]string{}, Body: []byte(body)})
					err := pub.Publish(topic, data)
					if err == nil && *confirm {
						err = pub.FlushTimeout(10 * time.Second)
					}
					if err != nil {
						refused.Add(1)
						firstRefusal.CompareAndSwap(nil, err.Error())
					}
				}
			}()
		}
		wg.Wait()
		pub.Flush()
	}
	warmupStarted := time.Now()
	publish(0, *warmup)
	t.waitFor(*warmup)
	warmupTook := time.Since(warmupStarted)
	started := time.Now()
	publish(*warmup, total)
	t.waitFor(total)

	t.mu.Lock()
	ended := t.last
	if ended.Before(started) {
		ended = time.Now()
	}
	var delivered, lost, doubled uint64
	for _, n := range t.seen {
		switch {
		case n == 0:
			lost++
		default:
			delivered++
			doubled += uint64(n - 1)
		}
	}
	all := t.latencies
	strangers := t.strangers
	t.mu.Unlock()
	pub.Close()
	sub.Close()

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
	measured := ended.Sub(started)
	rate := float64(len(all)) / measured.Seconds()
	notPublished := int(refused.Load())
	errors := int(lost+doubled) + notPublished + strangers
	micros := func(d time.Duration) float64 { return float64(d.Nanoseconds()/100) / 10 }
	if *asJSON {
		out, _ := json.Marshal(map[string]any{
			"protocol": "events", "addr": "nats " + *addr, "connections": 1, "pipeline": *concurrency,
			"warmup_s": warmupTook.Seconds(), "duration_s": measured.Seconds(),
			"requests": len(all), "replies_total": delivered, "requests_per_s": int(rate + 0.5),
			"errors": errors, "messages": total, "delivered": delivered, "lost": lost,
			"doubled": doubled, "not_published": notPublished,
			"latency_us": map[string]float64{
				"p50": micros(quantile(0.5)), "p99": micros(quantile(0.99)),
				"p99_9": micros(quantile(0.999)), "max": micros(quantile(1)),
			},
		})
		fmt.Println(string(out))
	} else {
		fmt.Printf("nats-events → %s: 1 connections × %d outstanding, confirm %v, warm-up %v, measured %v\n",
			*addr, *concurrency, *confirm, warmupTook, measured)
		fmt.Printf("  delivered %d = %.0f msg/s\n", len(all), rate)
		fmt.Printf("  latency   p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms\n",
			micros(quantile(0.5))/1000, micros(quantile(0.99))/1000, micros(quantile(0.999))/1000, micros(quantile(1))/1000)
		example := ""
		if first := firstRefusal.Load(); first != nil {
			example = first.(string)
		}
		fmt.Printf("  errors    %d %s\n", errors, example)
		fmt.Printf("  messages  %d published: %d delivered, %d lost, %d doubled; %d publishes refused\n",
			total, delivered, lost, doubled, notPublished)
	}
	if errors > 0 {
		os.Exit(2)
	}
}
