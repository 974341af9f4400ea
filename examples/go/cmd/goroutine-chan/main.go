// goroutine-chan: a request starts a backend query in a goroutine and, on
// its fast path, returns without receiving the result from the unbuffered
// channel: the goroutine blocks on its send forever, with its 64 KiB
// buffer.  The goroutine profiles show the count growing at that send.
//
//	go run ./cmd/goroutine-chan -dir /tmp/gchan -for 30s
//	leakatlas run goroutines /tmp/gchan/goroutine-*.pb.gz
//
// The fix: a buffered channel of one (the send never blocks), or a context
// the goroutine selects on next to its send.
package main

import (
	"leakatlas.example/go/heapsnap"
)

func main() {
	heapsnap.Main(&heapsnap.Writer{Goroutines: true}, 20, func(i int) { search(i) })
}

type result struct{ payload []byte }

func search(n int) int {
	ch := make(chan *result) // unbuffered, no context
	go backendQuery(ch)
	if n%4 != 0 {
		return 0 // BUG: fast path; nobody receives from ch
	}
	return len((<-ch).payload)
}

// backendQuery is the leak site: blocked on the send, holding buf.
func backendQuery(ch chan<- *result) {
	buf := make([]byte, 64<<10)
	ch <- &result{payload: buf}
}
