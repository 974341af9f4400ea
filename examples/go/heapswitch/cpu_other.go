//go:build !unix

package heapswitch

import "time"

// CPUUse cannot measure here: -1 (unknown), and the policy picks its
// normal rate.
func CPUUse(d time.Duration) float64 { return -1 }
