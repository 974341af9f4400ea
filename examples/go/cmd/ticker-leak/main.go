// ticker-leak: every simulated connection starts a heartbeat with
// time.NewTicker that is never stopped; the goroutine's closure keeps a
// 32 KiB frame.  Neither ticker, goroutine nor frame is ever freed.
//
//	go run ./cmd/ticker-leak -dir /tmp/ticker -for 30s
//	leakatlas run nightly /tmp/ticker/heap-*.pb.gz
//
// The fix: keep the ticker and stop it (defer t.Stop()) when the session
// ends, and give the goroutine a way to return (a done channel or context).
package main

import (
	"encoding/binary"
	"flag"
	"log"
	"time"

	"leakatlas.example/go/heapsnap"
)

func main() {
	dir := flag.String("dir", "archive", "folder for heap-NNNN.pb.gz")
	every := flag.Duration("every", 3*time.Second, "time between snapshots")
	total := flag.Duration("for", 30*time.Second, "how long to run")
	rps := flag.Int("rps", 20, "connections per second")
	flag.Parse()

	go func() {
		for i := 0; ; i++ {
			connect(i)
			time.Sleep(time.Second / time.Duration(*rps))
		}
	}()
	w := &heapsnap.Writer{Dir: *dir, Every: *every, Goroutines: true}
	stop := make(chan struct{})
	time.AfterFunc(*total, func() { close(stop) })
	if err := w.Run(stop); err != nil {
		log.Fatal(err)
	}
}

func connect(client int) {
	startHeartbeat(client)
	// BUG: nothing ever stops the heartbeat of a connection that is gone.
}

var sink = make(chan []byte, 1)

// startHeartbeat is the leak site: the frame, the ticker and the goroutine.
func startHeartbeat(client int) {
	frame := make([]byte, 32<<10)
	binary.LittleEndian.PutUint64(frame, uint64(client))
	t := time.NewTicker(time.Second)
	go func() {
		for range t.C {
			select {
			case sink <- frame:
				<-sink
			default:
			}
		}
	}()
}
