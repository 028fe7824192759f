// Package benchmarks holds rtnode's performance benchmarks (go test -bench)
// and the scripts that measure whole commands. The figures, how they were
// measured and on which machine are in README.md beside this file.
package benchmarks
