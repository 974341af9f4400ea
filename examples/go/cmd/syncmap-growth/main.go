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
	"fmt"
	"sync"
	"time"

	"leakatlas.example/go/heapsnap"
)

var sessions sync.Map

func main() {
	heapsnap.Main(&heapsnap.Writer{GC: true}, 200, func(i int) { remember(fmt.Sprintf("req-%d", i)) })
}

type entry struct {
	at   time.Time
	body []byte
}

// remember is the leak site: nothing ever deletes from sessions.
func remember(id string) {
	sessions.Store(id, &entry{at: time.Now(), body: make([]byte, 4<<10)})
}
