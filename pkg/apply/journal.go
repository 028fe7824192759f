package apply

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// JournalFile is the name of the journal in the state directory.
const JournalFile = "journal.jsonl"

// Journal operations.
const (
	// OpOriginal records a file's content before rtnode first changed it.
	OpOriginal = "orig"
	// OpCreated records a directory (cgroup) rtnode is about to create.
	OpCreated = "mkdir"
	// OpAffinity records a thread's CPU affinity before rtnode changed it.
	OpAffinity = "affinity"
	// OpRestored records that a path was given back its original value
	// because a later profile no longer changes it.
	OpRestored = "restored"
)

// Entry is one journal record. Paths are host paths ("/proc/sys/...")
// below the host root.
type Entry struct {
	Op   string `json:"op"`
	Path string `json:"path,omitempty"`
	// Raw is the original content; Restore is what to write to give it
	// back (the selected word of a choice file, a trimmed value).
	Raw     string `json:"raw,omitempty"`
	Restore string `json:"restore,omitempty"`
	// Choice marks a choice file ("always [madvise] never"), which reads
	// back its selected word, not what was written.
	Choice bool   `json:"choice,omitempty"`
	PID    int    `json:"pid,omitempty"`
	CPUs   string `json:"cpus,omitempty"`
	// Kthread marks the affinity of a kernel thread, restored first (new
	// kernel threads inherit kthreadd's), unlike a task's, restored after
	// its cgroup move.
	Kthread bool `json:"kthread,omitempty"`
}

// Journal is the write-ahead log of original values: every record is
// synced to disk before the change it describes is made, so after a crash
// at any point revert knows every value that may have changed.
type Journal struct {
	path    string
	f       *os.File
	entries []Entry
	known   map[string]bool
}

// OpenJournal opens (creating it and the state directory if needed) the
// journal in dir and reads the records already there.
func OpenJournal(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	j := &Journal{path: filepath.Join(dir, JournalFile), known: map[string]bool{}}
	if err := j.load(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	j.f = f
	return j, nil
}

// ReadJournal reads the records in dir without opening it for writing; a
// missing journal has no records.
func ReadJournal(dir string) ([]Entry, error) {
	j := &Journal{path: filepath.Join(dir, JournalFile), known: map[string]bool{}}
	return j.entries, j.load()
}

func (j *Journal) load() error {
	f, err := os.Open(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// A crash can cut the last record short: it was never
			// synced, so its change was never made.
			if !sc.Scan() {
				break
			}
			return fmt.Errorf("journal %s line %d is corrupt: %v", j.path, n, err)
		}
		j.remember(e)
	}
	return sc.Err()
}

func (j *Journal) remember(e Entry) {
	j.entries = append(j.entries, e)
	switch e.Op {
	case OpOriginal, OpCreated:
		j.known[e.Op+":"+e.Path] = true
	case OpAffinity:
		j.known[fmt.Sprintf("%s:%d", e.Op, e.PID)] = true
	case OpRestored:
		delete(j.known, OpOriginal+":"+e.Path)
	}
}

// Has reports whether an original value of path (or a created directory)
// is journaled.
func (j *Journal) Has(op, path string) bool { return j.known[op+":"+path] }

// HasAffinity reports whether a thread's original affinity is journaled.
func (j *Journal) HasAffinity(pid int) bool { return j.known[fmt.Sprintf("%s:%d", OpAffinity, pid)] }

// Entries returns the records in the order they were written.
func (j *Journal) Entries() []Entry { return j.entries }

// Record appends e and syncs it to disk before returning.
func (j *Journal) Record(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.remember(e)
	return nil
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.f.Close() }

// Remove deletes the journal after a complete revert.
func (j *Journal) Remove() error {
	j.f.Close()
	if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove journal: %w", err)
	}
	return nil
}
