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
	"flag"
	"log"
	"time"

	"leakatlas.example/go/heapsnap"
)

func main() {
	dir := flag.String("dir", "archive", "folder for the snapshots")
	every := flag.Duration("every", 3*time.Second, "time between snapshots")
	total := flag.Duration("for", 30*time.Second, "how long to run")
	rps := flag.Int("rps", 20, "requests per second")
	flag.Parse()

	go func() {
		for i := 0; ; i++ {
			search(i)
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
