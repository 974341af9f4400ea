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
	"time"

	"leakatlas.example/go/heapsnap"
)

func main() {
	heapsnap.Main(&heapsnap.Writer{Goroutines: true}, 20, connect)
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
