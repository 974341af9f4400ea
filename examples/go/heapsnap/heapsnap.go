// Package heapsnap writes the archive leakatlas reads: every interval, a
// heap profile (and optionally a goroutine profile) into a folder, named so
// that a glob lists them in time order (heap-0001.pb.gz, heap-0002.pb.gz,
// ...).  Each file is written to a temporary name and renamed, so a reader
// never sees half a profile.
//
// In a service you may rather let cron fetch /debug/pprof/heap?gc=1 (see
// examples/cron); this writer is for programs without an HTTP server, and
// for the example leak programs next to it.
package heapsnap

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

// Writer takes snapshots into Dir.
type Writer struct {
	Dir        string        // the archive folder, made if missing
	Every      time.Duration // time between snapshots
	GC         bool          // run a GC first, like ?gc=1: the in-use numbers are then current
	Goroutines bool          // also write goroutine-NNNN.pb.gz
	Keep       int           // keep at most this many snapshots of each kind (0: all)

	paused atomic.Bool
	n      int
	mu     sync.Mutex
	next   string // a folder to move to before the next snapshot
}

// MoveTo makes the next snapshot the first of a new archive in dir (after
// a change of sampling rate: snapshots taken at different rates must not be
// compared).  Safe to call from any goroutine.
func (w *Writer) MoveTo(dir string) {
	w.mu.Lock()
	w.next = dir
	w.mu.Unlock()
}

// Pause stops writing snapshots until Resume; the heapswitch handler uses it.
func (w *Writer) Pause()       { w.paused.Store(true) }
func (w *Writer) Resume()      { w.paused.Store(false) }
func (w *Writer) Paused() bool { return w.paused.Load() }

// Run writes a snapshot now and then every w.Every until stop is closed.
func (w *Writer) Run(stop <-chan struct{}) error {
	t := time.NewTicker(w.Every)
	defer t.Stop() // a ticker that is not stopped is one of the leaks we look for
	for {
		if !w.paused.Load() {
			if err := w.Snapshot(); err != nil {
				return err
			}
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

// Snapshot writes the next heap (and goroutine) profile.
func (w *Writer) Snapshot() error {
	w.mu.Lock()
	if w.next != "" {
		w.Dir, w.next, w.n = w.next, "", 0
	}
	w.mu.Unlock()
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return err
	}
	w.n++
	if w.GC {
		runtime.GC()
	}
	if err := w.write("heap", w.n); err != nil {
		return err
	}
	if w.Goroutines {
		if err := w.write("goroutine", w.n); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) write(profile string, n int) error {
	name := filepath.Join(w.Dir, fmt.Sprintf("%s-%04d.pb.gz", profile, n))
	f, err := os.CreateTemp(w.Dir, "."+profile+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	// debug=0: gzipped profile.proto, with the time it was taken (time_nanos).
	err = pprof.Lookup(profile).WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if w.Keep > 0 && n > w.Keep {
		os.Remove(filepath.Join(w.Dir, fmt.Sprintf("%s-%04d.pb.gz", profile, n-w.Keep)))
	}
	return nil
}

// Main is the main of the example leak programs: it reads the flags -dir,
// -every, -for and -rps, calls request(i) rps times a second in the
// background, and writes snapshots with w (whose Dir and Every the flags
// set) until the time is up.
func Main(w *Writer, rps int, request func(i int)) {
	flag.StringVar(&w.Dir, "dir", "archive", "folder for the snapshots")
	flag.DurationVar(&w.Every, "every", 3*time.Second, "time between snapshots")
	total := flag.Duration("for", 30*time.Second, "how long to run")
	flag.IntVar(&rps, "rps", rps, "requests per second")
	flag.Parse()

	go func() {
		for i := 0; ; i++ {
			request(i)
			time.Sleep(time.Second / time.Duration(rps))
		}
	}()
	stop := make(chan struct{})
	time.AfterFunc(*total, func() { close(stop) })
	if err := w.Run(stop); err != nil {
		log.Fatal(err)
	}
}
