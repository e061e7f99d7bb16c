// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

// cilium-peer loads BPF ELF objects with cilium/ebpf exactly as an
// application would (LoadCollectionSpec, then NewCollectionWithOptions)
// and prints one JSON document per object: the parsed spec, then either
// the load error or what the kernel holds (program types and tags, map
// attributes). Run it in a private mount namespace with a fresh bpffs.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/cilium/ebpf"
)

type progOut struct {
	Name    string `json:"name"`
	Section string `json:"section"`
	Type    uint32 `json:"type"`
	Attach  uint32 `json:"attach"`
	Tag     string `json:"tag,omitempty"`
	Loaded  bool   `json:"loaded"`
}

type mapOut struct {
	Name       string `json:"name"`
	Type       uint32 `json:"type"`
	KeySize    uint32 `json:"key_size"`
	ValueSize  uint32 `json:"value_size"`
	MaxEntries uint32 `json:"max_entries"`
	Flags      uint32 `json:"flags"`
	Loaded     bool   `json:"loaded"`
}

type result struct {
	Object    string    `json:"object"`
	SpecError string    `json:"spec_error,omitempty"`
	LoadError string    `json:"load_error,omitempty"`
	Loaded    bool      `json:"loaded"`
	Programs  []progOut `json:"programs"`
	Maps      []mapOut  `json:"maps"`
}

func load(path, pinPath string) result {
	res := result{Object: path, Programs: []progOut{}, Maps: []mapOut{}}

	spec, err := ebpf.LoadCollectionSpec(path)
	if err != nil {
		res.SpecError = err.Error()
		return res
	}
	for name, ps := range spec.Programs {
		res.Programs = append(res.Programs, progOut{Name: name,
			Section: ps.SectionName, Type: uint32(ps.Type),
			Attach: uint32(ps.AttachType)})
	}
	for name, ms := range spec.Maps {
		res.Maps = append(res.Maps, mapOut{Name: name,
			Type: uint32(ms.Type), KeySize: ms.KeySize,
			ValueSize: ms.ValueSize, MaxEntries: ms.MaxEntries,
			Flags: ms.Flags})
	}
	sort.Slice(res.Programs, func(i, j int) bool {
		return res.Programs[i].Name < res.Programs[j].Name
	})
	sort.Slice(res.Maps, func(i, j int) bool {
		return res.Maps[i].Name < res.Maps[j].Name
	})

	opts := ebpf.CollectionOptions{
		Maps:     ebpf.MapOptions{PinPath: pinPath},
		Programs: ebpf.ProgramOptions{LogSize: 1 << 20},
	}
	coll, err := ebpf.NewCollectionWithOptions(spec, opts)
	if err != nil {
		res.LoadError = err.Error()
		return res
	}
	defer coll.Close()
	res.Loaded = true

	for i := range res.Programs {
		p := coll.Programs[res.Programs[i].Name]
		if p == nil {
			continue
		}
		info, err := p.Info()
		if err != nil {
			res.LoadError = fmt.Sprintf("program %s: info: %v",
				res.Programs[i].Name, err)
			continue
		}
		res.Programs[i].Loaded = true
		res.Programs[i].Type = uint32(info.Type)
		res.Programs[i].Tag = info.Tag
	}
	for i := range res.Maps {
		m := coll.Maps[res.Maps[i].Name]
		if m == nil {
			continue
		}
		res.Maps[i].Loaded = true
		res.Maps[i].Type = uint32(m.Type())
		res.Maps[i].KeySize = m.KeySize()
		res.Maps[i].ValueSize = m.ValueSize()
		res.Maps[i].MaxEntries = m.MaxEntries()
		res.Maps[i].Flags = m.Flags()
	}
	return res
}

func main() {
	pinPath := flag.String("pin-path", "", "MapOptions.PinPath")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: cilium-peer [-pin-path DIR] OBJ...")
		os.Exit(2)
	}
	out := []result{}
	for _, path := range flag.Args() {
		out = append(out, load(path, *pinPath))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
