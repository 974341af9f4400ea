// service: how to wire leakatlas's collection into a production service.
//
//   - At the start of main, before the service allocates much, heapswitch.Init
//     sets runtime.MemProfileRate ONCE, from -memprofilerate or, when 0, from
//     the CPU use (heapswitch.DefaultPolicy).
//
//   - /debug/pprof/ serves the profiles (keep it on a private port); cron
//     can fetch /debug/pprof/heap?gc=1 (examples/cron/collect-heap.sh).
//
//   - /debug/pprof/heap/enabled is the switch: GET the state, POST
//     ?enable=false to stop collecting, ?enable=true to start again.
//
//   - With -archive, the service also writes its own snapshots there,
//     paused and resumed by the switch; a forced rate change starts a new
//     folder (epoch-N), so one archive never mixes sampling rates.
//
//     go run ./cmd/service -listen 127.0.0.1:6060 -archive /var/lib/heap
//     curl -s 127.0.0.1:6060/debug/pprof/heap/enabled
//     curl -s -XPOST '127.0.0.1:6060/debug/pprof/heap/enabled?enable=false'
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"time"

	"leakatlas.example/go/heapsnap"
	"leakatlas.example/go/heapswitch"
)

func main() {
	rate := flag.Int("memprofilerate", 0, "bytes per heap sample; 0: from the CPU use")
	listen := flag.String("listen", "127.0.0.1:6060", "private address for /debug/pprof")
	archive := flag.String("archive", "", "write heap snapshots here too")
	every := flag.Duration("every", 10*time.Minute, "time between snapshots")
	flag.Parse()

	sw := &heapswitch.Switch{Policy: heapswitch.DefaultPolicy}
	got := heapswitch.Init(sw, *rate, 200*time.Millisecond) // once, first thing
	log.Printf("heap profiling: MemProfileRate=%d", got)

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/debug/pprof/heap", sw.Guard(pprof.Handler("heap")))
	mux.Handle("/debug/pprof/heap/enabled", sw)

	if *archive != "" {
		w := &heapsnap.Writer{Dir: filepath.Join(*archive, "epoch-0"), Every: *every, GC: true}
		sw.OnEnable = func(on bool) {
			if on {
				w.Resume()
			} else {
				w.Pause()
			}
		}
		sw.OnEpoch = func(epoch, rate int) {
			w.MoveTo(filepath.Join(*archive, fmt.Sprintf("epoch-%d", epoch)))
		}
		go func() {
			if err := w.Run(nil); err != nil {
				log.Printf("heap snapshots: %v", err)
			}
		}()
	}
	log.Fatal(http.ListenAndServe(*listen, mux))
}
