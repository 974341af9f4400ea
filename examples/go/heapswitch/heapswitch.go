// Package heapswitch is the run-time switch for heap profiling in a
// production service, with a sampling rate chosen from the CPU load.
//
// What it can and cannot do, honestly (runtime.MemProfileRate's
// documentation: "Programs that change the memory profiling rate should do
// so just once, as early as possible in the execution of the program"):
//
//   - The rate is set ONCE, at the start of main, by Init (from the CPU
//     load at start or from a flag or GODEBUG=memprofilerate=N).  Changing
//     it later affects only allocations made afterwards, while the runtime
//     scales every sample in a profile with the rate in force when the
//     profile is written: a profile that mixes rates is mis-scaled.  So the
//     handler refuses a new rate unless asked with force=1, and a forced
//     change starts a new epoch: snapshots after it go to a new folder, and
//     leakatlas never compares snapshots taken at different rates.
//   - "Off" stops collecting (no snapshots are written, and
//     /debug/pprof/heap answers 503); it does not set the rate to 0.  Rate 0
//     stops sampling new allocations, yet objects sampled before stay in the
//     profile, and a profile written at rate 0 is not scaled at all, so its
//     numbers would not compare with the ones before.
//   - Sampling costs CPU and memory in proportion to how often it samples:
//     the policy samples finely when the machine is idle, and coarsely
//     (cheaply) when it is busy.
//
// Endpoints (mount under /debug/pprof/heap/enabled, or anywhere private):
//
//	GET                         {"enabled":true,"rate":524288,"epoch":0,...}
//	POST ?enable=true|false     start or stop collecting
//	POST ?rate=N&force=1        set MemProfileRate to N (see above); rate=auto: from the CPU load
package heapswitch

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Policy maps the process's CPU use (0..1 of all CPUs) to a sampling rate
// in bytes: one sample per that many bytes allocated, on average.
type Policy struct {
	Low, High          float64 // CPU use thresholds: below Low is idle, above High is busy
	Idle, Normal, Busy int     // the rates for each band
}

// DefaultPolicy: Go's default rate (512 KiB) in the middle band, eight
// times finer when idle, eight times coarser when busy.  (The article we
// started from proposes 512 / 4096 / 32768 bytes; those are 1000 to 16
// times finer than Go's default and cost far more than the default does,
// so they are not what a busy service should run.)
var DefaultPolicy = Policy{Low: 0.30, High: 0.70, Idle: 64 << 10, Normal: 512 << 10, Busy: 4 << 20}

// Rate is the policy's rate for a CPU use; a negative use (unknown) gets
// the normal rate.
func (p Policy) Rate(cpu float64) int {
	switch {
	case cpu < 0:
		return p.Normal
	case cpu < p.Low:
		return p.Idle
	case cpu > p.High:
		return p.Busy
	default:
		return p.Normal
	}
}

// Switch is the state behind the handler.
type Switch struct {
	Policy Policy
	// OnEnable is called with true or false when collecting starts or stops
	// (heapsnap.Writer's Resume and Pause), and OnEpoch after a forced rate
	// change, to start a new archive folder.
	OnEnable func(bool)
	OnEpoch  func(epoch int, rate int)

	mu      sync.Mutex
	enabled atomic.Bool
	epoch   int
	since   time.Time
}

// Init sets runtime.MemProfileRate once, early in main, before the program
// allocates much: rate > 0 as given, rate == 0 from the policy and the CPU
// use measured over sample (e.g. 200ms).  Collecting starts enabled.
func Init(s *Switch, rate int, sample time.Duration) int {
	if rate <= 0 {
		rate = s.Policy.Rate(CPUUse(sample))
	}
	runtime.MemProfileRate = rate
	s.enabled.Store(true)
	s.since = time.Now()
	return rate
}

// Enabled says whether snapshots should be taken now.
func (s *Switch) Enabled() bool { return s.enabled.Load() }

type status struct {
	Enabled bool    `json:"enabled"`
	Rate    int     `json:"rate"`
	Epoch   int     `json:"epoch"`
	Since   string  `json:"since"`
	CPU     float64 `json:"cpu"`
	Advice  int     `json:"advised_rate"`
	Note    string  `json:"note,omitempty"`
}

func (s *Switch) status(note string) status {
	cpu := CPUUse(100 * time.Millisecond)
	return status{Enabled: s.enabled.Load(), Rate: runtime.MemProfileRate,
		Epoch: s.epoch, Since: s.since.UTC().Format(time.RFC3339),
		CPU: cpu, Advice: s.Policy.Rate(cpu), Note: note}
}

// ServeHTTP answers GET with the state and changes it on POST.
func (s *Switch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	note := ""
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		q := r.URL.Query()
		if v := q.Get("enable"); v != "" {
			on, err := strconv.ParseBool(v)
			if err != nil {
				http.Error(w, "enable: expected true or false", http.StatusBadRequest)
				return
			}
			s.enabled.Store(on)
			if s.OnEnable != nil {
				s.OnEnable(on)
			}
		}
		if v := q.Get("rate"); v != "" {
			rate := 0
			if v == "auto" {
				rate = s.Policy.Rate(CPUUse(200 * time.Millisecond))
			} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
				rate = n
			} else {
				http.Error(w, "rate: expected a positive number of bytes or auto", http.StatusBadRequest)
				return
			}
			switch {
			case rate == runtime.MemProfileRate:
				note = "rate unchanged"
			case q.Get("force") != "1":
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusConflict)
				json.NewEncoder(w).Encode(s.status("MemProfileRate is meant to be set once, early; " +
					"a change mis-scales samples taken before it. Add force=1 to start a new epoch."))
				return
			default:
				runtime.MemProfileRate = rate
				s.epoch++
				s.since = time.Now()
				if s.OnEpoch != nil {
					s.OnEpoch(s.epoch, rate)
				}
				note = "new epoch: compare only snapshots taken after this change"
			}
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.status(note))
}

// Guard wraps the /debug/pprof/heap handler: 503 while collecting is off.
func (s *Switch) Guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enabled.Load() {
			http.Error(w, "heap profiling is switched off", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}
