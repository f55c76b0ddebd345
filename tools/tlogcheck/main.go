// tlogcheck reads a log served as C2SP tlog-tiles (c2sp.org/tlog-tiles) with Go's
// golang.org/x/mod/sumdb/tlog and sumdb/note, as a standard monitor or witness would, and checks:
// the checkpoint's signature, the tree hash recomputed from tiles, proofs of inclusion of entries
// (from the entry bundles) and proofs of consistency (from tiles alone) against the checkpoint.
//
// Usage: tlogcheck URL VERIFIER-KEY [OLD-CHECKPOINT-FILE]
//
// With OLD-CHECKPOINT-FILE (a signed note kept earlier), the tree it names must be a prefix of the
// current one. Exit status 0 when every check holds, 1 when one fails, 2 on a usage error. Built
// by Tests/ConsoleTests (GOPATH mode, Debian's golang-golang-x-mod-dev); used only by tests.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

func get(url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	if resp.StatusCode != 200 {
		fail("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	return body
}

// c2spPath turns Go's tile/8/L/N[.p/W] (tile/8/data/... for entries) into C2SP's
// tile/L/N[.p/W] (tile/entries/...).
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	p = strings.Replace(p, "data/", "entries/", 1)
	return "tile/" + p
}

type reader struct{ base string }

func (r reader) Height() int { return 8 }
func (r reader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		out[i] = get(r.base + "/" + c2spPath(t))
	}
	return out, nil
}
func (r reader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// checkpoint verifies a signed note and returns its tree.
func checkpoint(msg []byte, verifier note.Verifier) tlog.Tree {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint does not verify: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size %q: %v", lines[1], err)
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint root %q is not base64 of 32 bytes", lines[2])
	}
	var h tlog.Hash
	copy(h[:], raw)
	return tlog.Tree{N: size, Hash: h}
}

// entry returns the bytes of entry i from its entry bundle.
func entry(base string, size, i int64) []byte {
	t := tlog.TileForIndex(8, tlog.StoredHashIndex(0, i))
	t.L = -1
	// The bundle as wide as the tree allows: full, or the partial one of this tree.
	if (t.N+1)*256 <= size {
		t.W = 256
	} else {
		t.W = int(size - t.N*256)
	}
	data := get(base + "/" + c2spPath(t))
	var k int64
	for len(data) >= 2 {
		n := int(data[0])<<8 | int(data[1])
		if len(data) < 2+n {
			fail("entry bundle %s is truncated", c2spPath(t))
		}
		if t.N*256+k == i {
			return data[2 : 2+n]
		}
		data = data[2+n:]
		k++
	}
	fail("entry bundle %s holds no entry %d", c2spPath(t), i)
	return nil
}

func main() {
	if len(os.Args) < 3 || len(os.Args) > 4 {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck URL VERIFIER-KEY [OLD-CHECKPOINT-FILE]")
		os.Exit(2)
	}
	base := strings.TrimSuffix(os.Args[1], "/")
	verifier, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlogcheck: verifier key: %v\n", err)
		os.Exit(2)
	}
	tree := checkpoint(get(base+"/checkpoint"), verifier)
	if tree.N == 0 {
		fail("the checkpoint is of an empty tree")
	}
	thr := tlog.TileHashReader(tree, reader{base})
	h, err := tlog.TreeHash(tree.N, thr)
	if err != nil || h != tree.Hash {
		fail("tree hash from tiles %v does not match the checkpoint (%v)", h, err)
	}
	// Inclusion: the first, the middle and the last entry, and one per full entry bundle edge.
	indexes := []int64{0, tree.N / 2, tree.N - 1}
	if tree.N > 256 {
		indexes = append(indexes, 255, 256)
	}
	for _, i := range indexes {
		data := entry(base, tree.N, i)
		p, err := tlog.ProveRecord(tree.N, i, thr)
		if err != nil {
			fail("inclusion proof of entry %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, tree.N, tree.Hash, i, tlog.RecordHash(data)); err != nil {
			fail("entry %d is not in the tree: %v", i, err)
		}
	}
	// Consistency from older sizes, their hashes from tiles alone.
	olds := []int64{1, tree.N / 2, tree.N - 1}
	var kept *tlog.Tree
	if len(os.Args) == 4 {
		msg, err := os.ReadFile(os.Args[3])
		if err != nil {
			fmt.Fprintf(os.Stderr, "tlogcheck: %v\n", err)
			os.Exit(2)
		}
		old := checkpoint(bytes.TrimLeft(msg, "\n"), verifier)
		kept = &old
		olds = append(olds, old.N)
	}
	for _, old := range olds {
		if old < 1 || old > tree.N {
			continue
		}
		oldHash, err := tlog.TreeHash(old, thr)
		if err != nil {
			fail("tree hash of size %d: %v", old, err)
		}
		if kept != nil && old == kept.N && oldHash != kept.Hash {
			fail("the kept checkpoint of size %d is not a prefix of the current tree", old)
		}
		p, err := tlog.ProveTree(tree.N, old, thr)
		if err != nil {
			fail("consistency proof from %d: %v", old, err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, old, oldHash); err != nil {
			fail("tree of size %d is not a prefix: %v", old, err)
		}
	}
	fmt.Printf("ok: checkpoint of %d entries verified; %d inclusion and %d consistency proofs from tiles checked\n", tree.N, len(indexes), len(olds))
}
