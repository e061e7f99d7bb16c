// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

// gobpf-peer loads one object with gobpf's elf package, the reference
// loader of the gobpf convention, and reports the file descriptors of what
// it created, so the caller can read the kernel's view of each through
// /proc/<pid>/fdinfo while this process keeps them open.
//
// Usage: gobpf-peer OBJ [MAP=PINPATH ...]
//
// Each MAP=PINPATH becomes SectionParams{"maps/MAP": {PinPath: PINPATH}}.
// On success one JSON line {"progs": {SECTION: FD}, "maps": {NAME: FD}}
// is printed; the objects stay loaded until stdin reaches EOF. On failure
// {"error": MESSAGE} is printed and the exit status is 1.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iovisor/gobpf/elf"
)

type report struct {
	Progs map[string]int `json:"progs,omitempty"`
	Maps  map[string]int `json:"maps,omitempty"`
	Error string         `json:"error,omitempty"`
}

func emit(r report) {
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

func fail(format string, args ...interface{}) {
	emit(report{Error: fmt.Sprintf(format, args...)})
	os.Exit(1)
}

func params(args []string) map[string]elf.SectionParams {
	p := make(map[string]elf.SectionParams)
	for _, a := range args {
		kv := strings.SplitN(a, "=", 2)
		if len(kv) != 2 || kv[0] == "" {
			fail("bad pin path argument %q, expected MAP=PATH", a)
		}
		p["maps/"+kv[0]] = elf.SectionParams{PinPath: kv[1]}
	}
	return p
}

func collect(m *elf.Module) report {
	r := report{Progs: map[string]int{}, Maps: map[string]int{}}
	for p := range m.IterKprobes() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterUprobes() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterCgroupProgram() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterSocketFilter() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterTracepointProgram() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterSchedProgram() {
		r.Progs[p.Name] = p.Fd()
	}
	for p := range m.IterXDPProgram() {
		r.Progs[p.Name] = p.Fd()
	}
	for mp := range m.IterMaps() {
		r.Maps[mp.Name] = mp.Fd()
	}
	return r
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gobpf-peer OBJ [MAP=PINPATH ...]")
		os.Exit(2)
	}
	p := params(os.Args[2:])
	m := elf.NewModule(os.Args[1])
	if err := m.Load(p); err != nil {
		fail("%v", err)
	}
	emit(collect(m))
	// Hold every fd until the caller has looked at the kernel state.
	io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	// Close() clears kprobe events through debugfs and fails where there
	// is none; the process exit releases the fds either way.
}
