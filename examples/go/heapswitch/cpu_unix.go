//go:build unix

package heapswitch

import (
	"runtime"
	"syscall"
	"time"
)

// CPUUse measures this process's CPU time over d, as a share of all the
// CPUs it may use (0..1), or -1 when it cannot tell.
func CPUUse(d time.Duration) float64 {
	before, ok := cpuTime()
	if !ok {
		return -1
	}
	start := time.Now()
	time.Sleep(d)
	after, ok := cpuTime()
	wall := time.Since(start)
	if !ok || wall <= 0 {
		return -1
	}
	use := float64(after-before) / float64(wall) / float64(runtime.GOMAXPROCS(0))
	if use > 1 {
		use = 1
	}
	return use
}

func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
