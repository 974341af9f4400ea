// syncmap-growth: a sync.Map used as a cache keyed by request id, with no
// eviction: every entry stays.  Unlike a bounded cache (which fills, then
// plateaus), its in-use bytes grow for as long as the program runs.
//
//	go run ./cmd/syncmap-growth -dir /tmp/syncmap -for 30s
//	leakatlas run nightly /tmp/syncmap/heap-*.pb.gz
//
// The fix: a bounded cache (size or age limit), or Delete when the entry's
// request is done.
package main

import (
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	"leakatlas.example/go/heapsnap"
)

var sessions sync.Map

func main() {
	dir := flag.String("dir", "archive", "folder for heap-NNNN.pb.gz")
	every := flag.Duration("every", 3*time.Second, "time between snapshots")
	total := flag.Duration("for", 30*time.Second, "how long to run")
	rps := flag.Int("rps", 200, "requests per second")
	flag.Parse()

	go func() {
		for i := 0; ; i++ {
			remember(fmt.Sprintf("req-%d", i))
			time.Sleep(time.Second / time.Duration(*rps))
		}
	}()
	w := &heapsnap.Writer{Dir: *dir, Every: *every, GC: true}
	stop := make(chan struct{})
	time.AfterFunc(*total, func() { close(stop) })
	if err := w.Run(stop); err != nil {
		log.Fatal(err)
	}
}

type entry struct {
	at   time.Time
	body []byte
}

// remember is the leak site: nothing ever deletes from sessions.
func remember(id string) {
	sessions.Store(id, &entry{at: time.Now(), body: make([]byte, 4<<10)})
}
