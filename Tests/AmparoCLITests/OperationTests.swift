import Foundation
import LMDB
import Ledger
import TestSupport
import Testing
import Zstd

/// Runs a shell command line (for redirections such as `< /dev/zero`) with the products on PATH.
func shell(_ script: String) throws -> TestSupport.Result {
    try TestSupport.runExecutable(
        "/bin/bash", ["-c", script],
        environment: ["PATH": TestSupport.productsDirectory + ":/usr/bin:/bin:/usr/sbin:/sbin"])
}

/// True when this process may mount a small tmpfs (root on Linux): the disk-full and read-only
/// media tests need one.
let canMount: Bool = {
    let dir = NSTemporaryDirectory() + "mount-probe-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    guard let r = try? shell("mount -t tmpfs -o size=64k tmpfs '\(dir)' && umount '\(dir)'") else { return false }
    return r.status == 0
}()

/// A tmpfs of `kilobytes` at a new directory; unmounted by `unmount()`.
struct SmallDisk {
    let path: String
    init(kilobytes: Int) throws {
        path = try TestSupport.temporaryDirectory("disk")
        let r = try shell("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)'")
        #expect(r.status == 0, "\(r.stderr)")
    }
    /// Fills the disk but `free` bytes.
    func fill(leaving free: Int) throws {
        _ = try shell("head -c $(( $(df --output=avail -B1 '\(path)' | tail -1) - \(free) )) /dev/zero > '\(path)/filler' 2>/dev/null; sync")
    }
    func unmount() { _ = try? shell("umount -l '\(path)'; rmdir '\(path)'") }
}

/// Runs `body` again and again while another thread appends `count` focal-point designations to
/// `l` one by one through the binary; returns how many times `body` ran.
func whileAppending(_ l: CLILedger, _ count: Int, _ body: () throws -> Void) throws -> Int {
    let done = DispatchSemaphore(value: 0)
    Thread {
        for i in 0..<count {
            _ = try? l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("office \(i)"))
        }
        done.signal()
    }.start()
    var runs = 0
    repeat {
        try body()
        runs += 1
    } while done.wait(timeout: .now()) == .timedOut
    return runs
}

/// Every line on stderr: exactly one, and it starts with "amparo:".
func oneLine(_ r: TestSupport.Result) -> Bool {
    r.stderrLines.count == 1 && r.stderr.hasPrefix("amparo:")
}

@Suite("Trust in operation (issue 8)", .serialized)
struct OperationTests {
    // MARK: 1, 2: one snapshot per reader

    @Test("1. verify during appends reports no tampering: it checks one snapshot and says its size")
    func verifyDuringAppends() throws {
        let l = try CLILedger()
        let runs = try whileAppending(l, 40) {
            let r = try l.amparo(["verify"])
            #expect(r.status == 0, "verify during appends: \(r.stdout) \(r.stderr)")
            #expect(r.stdout.contains("(as of size "), "\(r.stdout)")
            #expect(!r.stdout.contains("INTEGRITY"))
        }
        #expect(runs >= 2)
        let final = try l.amparo(["verify"])
        #expect(final.status == 0)
        #expect(final.stdout.contains("\(CLILedger.setupEvents + 40) events (as of size \(CLILedger.setupEvents + 40))"))
    }

    @Test("1. a snapshot held across appends verifies as of its own size, clean")
    func snapshotVerify() throws {
        let f = try LedgerFixture()
        let log = f.log
        let events = (0..<10).map { i in
            f.event("MX", "state.focal_point_designated", caseID: nil, payload: ["office": .string("o\(i)"), "email": "a@b", "telephone": "1"])
        }
        let before = try f.log.size()
        let report = try f.log.snapshot {
            // Another thread appends while this snapshot is open.
            let done = DispatchSemaphore(value: 0)
            Thread {
                for e in events { _ = try? log.append([e]) }
                done.signal()
            }.start()
            done.wait()
            return try LedgerVerifier.verify(log)
        }
        #expect(report.events == before)
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
        #expect(try f.log.size() == before + 10)
    }

    @Test("2. reports beside an appender never fail and never advise rebuild")
    func reportsDuringAppends() throws {
        let l = try CLILedger()
        let runs = try whileAppending(l, 30) {
            for command in [["cases"], ["workload"]] {
                let r = try l.amparo(command)
                #expect(r.status == 0, "\(command): \(r.stderr)")
                #expect(!r.stderr.contains("rebuild"))
            }
        }
        #expect(runs >= 2)
    }

    // MARK: 3: killed readers

    @Test("3. 130 readers killed inside their transactions while another reader stays: every command still works")
    func killedReaders() throws {
        let l = try CLILedger()
        func holder() throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestSupport.productsDirectory + "/amparo-crash-appender")
            p.arguments = ["hold-read", l.ledger]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let line = out.fileHandleForReading.availableData
            #expect(String(decoding: line, as: UTF8.self).hasPrefix("ready"))
            return p
        }
        let longLived = try holder()
        defer {
            kill(longLived.processIdentifier, SIGKILL)
            longLived.waitUntilExit()
        }
        for _ in 0..<130 {
            let p = try holder()
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let append = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("after the kills"))
        #expect(append.status == 0, "\(append.stderr)")
        #expect(try l.amparo(["verify"]).status == 0)
        #expect(try l.amparo(["cases"]).status == 0)
    }

    // MARK: 4: full disks

    @Test(
        "4. a full disk: append refused or acknowledged, never lost; a lost catch-up warns and the next report catches up",
        .enabled(if: canMount))
    func nearlyFullDisk() throws {
        // The demo ledger with its projections emptied: the next catch-up folds the whole history
        // (many pages), while one appended event needs few.
        let dir = try TestSupport.temporaryDirectory("fulldisk")
        #expect(try TestSupport.run(["demo", "--ledger", dir + "/demo"]).status == 0)
        let env = try Environment.open(path: dir + "/demo")
        let dbs = try ["proj.meta", "proj.cases.0", "proj.cases.1", "proj.workload.0", "proj.workload.1", "proj.meetings.0", "proj.meetings.1"]
            .compactMap { try? env.database(named: $0, create: false) }  // an inactive generation is made by its first rebuild
        try env.write { txn in
            for db in dbs { try txn.clear(db) }
        }
        // A compacting copy drops the freed pages, so the catch-up must grow the file.
        try FileManager.default.createDirectory(atPath: dir + "/compact", withIntermediateDirectories: true)
        let copy = try shell("mdb_copy -c '\(dir)/demo' '\(dir)/compact' && cp -a '\(dir)/demo/node.key' '\(dir)/demo/test-keys' '\(dir)/compact/'")
        #expect(copy.status == 0, "\(copy.stderr)")
        var sawWarning = false
        var sawRefusal = false
        for free in stride(from: 0, through: 480 << 10, by: 16 << 10) {
            let disk = try SmallDisk(kilobytes: 8192)
            defer { disk.unmount() }
            _ = try shell("cp -a '\(dir)/compact' '\(disk.path)/ledger'")
            try disk.fill(leaving: free)
            let ledger = disk.path + "/ledger"
            let before = try TestSupport.run(["log", "--format", "json", "--ledger", ledger]).stdout
            let r = try TestSupport.run(
                ["append", "--key", ledger + "/test-keys/MX.pem", "--ledger", ledger],
                stdin: focalPoint("disk", occurred: "2016-01-01T00:00:00Z"))
            let after = try TestSupport.run(["log", "--format", "json", "--ledger", ledger]).stdout
            if r.status == 0 {
                #expect(after != before, "acknowledged but not recorded")
                if r.stderr.contains("could not catch up") {
                    sawWarning = true
                    #expect(r.stderr.contains("warning: the events are recorded"))
                    // Issue 26: the warning does not say "nothing was written" of what was recorded.
                    #expect(!r.stderr.contains("nothing was written"), "\(r.stderr)")
                    #expect(r.stderr.contains("the disk is full or failing"), "\(r.stderr)")
                    let behind = try TestSupport.run(["cases", "--ledger", ledger])
                    #expect(behind.status == 0, "\(behind.stderr)")
                    #expect(behind.stderr.contains("projections are at sequence"), "\(behind.stderr)")
                    _ = try shell("rm -f '\(disk.path)/filler'")
                    let caught = try TestSupport.run(["cases", "--ledger", ledger])
                    #expect(caught.status == 0 && caught.stderr.isEmpty, "\(caught.stderr)")
                }
            } else {
                sawRefusal = true
                #expect(r.status == 2)
                #expect(oneLine(r), "\(r.stderr)")
                #expect(r.stderr.contains("disk is full"), "\(r.stderr)")
                #expect(after == before)
            }
        }
        #expect(sawRefusal)
        #expect(sawWarning, "no free-space level made the catch-up fail after a durable append")
    }

    @Test("4. export, rebuild, init and demo on a full disk: one line, exit 2, nothing left behind", .enabled(if: canMount))
    func fullDiskCommands() throws {
        let l = try CLILedger()
        let disk = try SmallDisk(kilobytes: 256)
        defer { disk.unmount() }
        try disk.fill(leaving: 0)
        let export = try l.amparo(["bundle", "export", "--key", l.dir + "/ts.pem", "--out", disk.path + "/b.bundle"])
        #expect(export.status == 2)
        #expect(oneLine(export), "\(export.stderr)")
        #expect(export.stderr.contains("disk is full"))
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.path)
        #expect(left == ["filler"], "\(left)")
        let initR = try TestSupport.run(["init", "--ledger", disk.path + "/new", "--name", "x.example/y", "--secretariat-key", l.dir + "/ts.pem"])
        #expect(initR.status == 2 && oneLine(initR), "\(initR.stderr)")
        let demo = try TestSupport.run(["demo", "--ledger", disk.path + "/demo"])
        #expect(demo.status == 2 && oneLine(demo), "\(demo.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["filler"])

        // rebuild on a full disk: the sentence, not LMDB's text.
        let disk2 = try SmallDisk(kilobytes: 2048)
        defer { disk2.unmount() }
        // A compacting copy has no free pages inside: the rebuild's new generation must grow the file.
        let copy = try shell(
            "mkdir '\(disk2.path)/ledger' && mdb_copy -c '\(l.ledger)' '\(disk2.path)/ledger' && cp '\(l.ledger)/node.key' '\(disk2.path)/ledger/'")
        #expect(copy.status == 0, "\(copy.stderr)")
        try disk2.fill(leaving: 0)
        let before = try TestSupport.run(["cases", "--ledger", disk2.path + "/ledger"]).stdout
        let rebuild = try TestSupport.run(["rebuild", "--quiet", "--ledger", disk2.path + "/ledger"])
        #expect(rebuild.status == 2)
        #expect(oneLine(rebuild) && rebuild.stderr.contains("disk is full"), "\(rebuild.stderr)")
        #expect(!rebuild.stderr.contains("mdb_"), "\(rebuild.stderr)")
        #expect(try TestSupport.run(["cases", "--ledger", disk2.path + "/ledger"]).stdout == before)
    }

    // MARK: 7: unbounded input

    @Test("7. append < /dev/zero is refused at the input bound, no crash; no try! in the sources")
    func devZero() throws {
        let l = try CLILedger()
        let before = try l.snapshot()
        let r = try shell("amparo append --key '\(l.dir)/mx.pem' --ledger '\(l.ledger)' < /dev/zero")
        #expect(r.status == 2)
        #expect(oneLine(r), "\(r.stderr)")
        #expect(r.stderr.contains("standard input is larger than 64 MiB"))
        #expect(try l.snapshot() == before)

        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let grep = try shell("grep -rn 'try!' '\(root)/Sources' || true")
        #expect(grep.stdout.isEmpty, "try! outside tests: \(grep.stdout)")
    }

    // MARK: 8: terminal injection

    @Test("8. text from a bundle is escaped before it reaches the terminal")
    func terminalInjection() throws {
        let dir = try TestSupport.temporaryDirectory("inject")
        for (name, text) in [("esc", "\u{1B}[2J\u{1B}[32mgreen\n"), ("crlf", "amparo-bundle/v1\r\n{}\r\n"), ("bidi", "a\u{202E}b\u{2066}\n")] {
            let path = dir + "/" + name
            try Data(try ZstdCompressor.compress(Array(text.utf8))).write(to: URL(fileURLWithPath: path))
            let r = try TestSupport.run(["bundle", "inspect", path])
            #expect(r.status == 2)
            #expect(oneLine(r), "\(r.stderr)")
            #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x202E || $0.value == 0x2066 })
        }
        let esc = try TestSupport.run(["bundle", "inspect", dir + "/esc"])
        #expect(esc.stderr.contains("\\u001b[2J"))
    }

    // MARK: 9: evidence, not usage errors

    @Test("9. a held checkpoint after the node key was replaced and every checkpoint re-signed is a finding (exit 1)")
    func replacedNodeKey() throws {
        let l = try CLILedger()
        let held = try l.amparo(["checkpoint"]).stdout
        try TestSupport.write(held, to: l.dir + "/held")
        let size = try #require(held.split(separator: "\n").dropFirst().first.map(String.init))
        // A proof made before the replacement, with the checkpoint the old key signed.
        try TestSupport.write(try l.amparo(["prove", "inclusion", "1"]).stdout, to: l.dir + "/old-proof")
        // The attacker replaces the node key and re-signs every checkpoint with it.
        let newKey = try SigningKey(generatingFor: "rcm.example/ts")
        let env = try Environment.open(path: l.ledger)
        let meta = try env.database(named: "meta", create: false)
        let checkpoints = try env.database(named: "checkpoints", create: false)
        try env.write { txn in
            try txn.put(meta, key: Array("node-key".utf8), value: Array(newKey.verifierKey.description.utf8))
            var notes: [([UInt8], String)] = []
            try txn.withCursor(checkpoints) { c in
                var e = try c.first()
                while let x = e {
                    notes.append((x.key, String(decoding: x.value, as: UTF8.self)))
                    e = try c.next()
                }
            }
            for (key, note) in notes {
                let cp = try Checkpoint(text: try SignedNote(parsing: note).text)
                try txn.put(checkpoints, key: key, value: Array(try cp.signed(by: newKey).serialized.utf8))
            }
        }
        let r = try l.amparo(["verify", "--checkpoint", l.dir + "/held"])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("INTEGRITY") && r.stdout.contains("node key was replaced"), "\(r.stdout)")
        // Issue 26: the proof route reports the same finding, not a usage error: a proof made now
        // against the held checkpoint, and a proof kept from before.
        try TestSupport.write(try l.amparo(["prove", "consistency", "--from", size]).stdout, to: l.dir + "/new-proof")
        for args in [["--proof", l.dir + "/new-proof", "--checkpoint", l.dir + "/held"], ["--proof", l.dir + "/old-proof"]] {
            let p = try l.amparo(["verify"] + args)
            #expect(p.status == 1, "\(args): \(p.stdout) \(p.stderr)")
            #expect(p.stdout.contains("INTEGRITY") && p.stdout.contains("node key was replaced"), "\(args): \(p.stdout)")
        }
        // A checkpoint of another log is checked with that log's key: without it, a usage error naming the flag.
        try TestSupport.write(held.replacingOccurrences(of: "rcm.example/ts", with: "other.example/log"), to: l.dir + "/other")
        let other = try l.amparo(["verify", "--checkpoint", l.dir + "/other"])
        #expect(other.status == 2 && other.stderr.contains("the checkpoint is of log other.example/log (this ledger is rcm.example/ts"), "\(other.stderr)")
        #expect(other.stderr.contains("--origin-key"), "\(other.stderr)")
    }

    @Test("9. verify --proof recomputes from the bytes: a rewritten event is found; a proof with an extra line is read")
    func proofFromBytes() throws {
        let l = try CLILedger()
        for i in 0..<6 {
            #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("office-marker-\(i)")).status == 0)
        }
        let proof = try l.amparo(["prove", "inclusion", "2"]).stdout
        try TestSupport.write(proof, to: l.dir + "/p2")
        let consistency = try l.amparo(["prove", "consistency", "--from", "4"]).stdout
        try TestSupport.write(consistency, to: l.dir + "/c4")
        #expect(try l.amparo(["verify", "--proof", l.dir + "/p2"]).status == 0)
        // C2SP tlog-proof's optional extra line.
        let extra = proof.replacingOccurrences(of: "c2sp.org/tlog-proof@v1\n", with: "c2sp.org/tlog-proof@v1\nextra aGVsbG8=\n")
        try TestSupport.write(extra, to: l.dir + "/pextra")
        let withExtra = try l.amparo(["verify", "--proof", l.dir + "/pextra"])
        #expect(withExtra.status == 0, "\(withExtra.stderr)")
        // Rewrite event 9 in place (same length: one letter of its office), tree untouched.
        let data = l.ledger + "/data.mdb"
        var bytes = try #require(TestSupport.contents(data))
        let marker = Array("office-marker-2".utf8)
        var flipped = 0
        var i = 0
        while i + marker.count <= bytes.count {
            if Array(bytes[i..<(i + marker.count)]) == marker {
                bytes[i] = UInt8(ascii: "O")
                flipped += 1
            }
            i += 1
        }
        #expect(flipped > 0)
        try Data(bytes).write(to: URL(fileURLWithPath: data))
        for p in ["p2", "c4"] {
            let r = try l.amparo(["verify", "--proof", l.dir + "/" + p])
            #expect(r.status == 1, "\(p): \(r.stdout) \(r.stderr)")
            #expect(r.stdout.contains("INTEGRITY"))
        }
    }

    // MARK: 10: movable, read-only

    @Test("10. a ledger moved elsewhere still appends: the node key path is relative")
    func movedLedger() throws {
        let l = try CLILedger()
        let moved = l.dir + "/moved"
        try FileManager.default.moveItem(atPath: l.ledger, toPath: moved)
        let r = try TestSupport.run(["append", "--key", l.dir + "/mx.pem", "--ledger", moved], stdin: focalPoint("after the move"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TestSupport.run(["verify", "--ledger", moved]).status == 0)
        // --node-key names a key elsewhere.
        try FileManager.default.moveItem(atPath: moved + "/node.key", toPath: l.dir + "/node.key")
        let missing = try TestSupport.run(["append", "--key", l.dir + "/mx.pem", "--ledger", moved], stdin: focalPoint("no key"))
        #expect(missing.status == 2 && oneLine(missing) && missing.stderr.contains("--node-key"), "\(missing.stderr)")
        let given = try TestSupport.run(
            ["append", "--key", l.dir + "/mx.pem", "--ledger", moved, "--node-key", l.dir + "/node.key"],
            stdin: focalPoint("key given"))
        #expect(given.status == 0, "\(given.stderr)")
    }

    @Test("10. on read-only media every reading command works and a writing one says why", .enabled(if: canMount))
    func readOnlyMedia() throws {
        let dir = try TestSupport.temporaryDirectory("ro")
        let demo = try TestSupport.run(["demo", "--ledger", dir + "/demo"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let disk = try SmallDisk(kilobytes: 65536)
        defer { disk.unmount() }
        _ = try shell("cp -a '\(dir)/demo' '\(disk.path)/ledger' && mount -o remount,ro '\(disk.path)'")
        let ro = disk.path + "/ledger"
        let caseID = "BZ-2016-0001"
        for args in [
            ["verify"], ["log"], ["case", "show", caseID], ["replay", "--case", caseID], ["prove", "inclusion", "1"],
            ["checkpoint"], ["cases"], ["workload"], ["report", "meeting", "2015-11-09-mexico-city"],
        ] {
            let r = try TestSupport.run(args + ["--ledger", ro])
            #expect(r.status == 0 || (args == ["verify"] && r.status == 1), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("permission denied") && !r.stderr.contains("read-only"), "\(args): \(r.stderr)")
            #expect(!r.stdout.isEmpty, "\(args)")
        }
        let append = try TestSupport.run(["append", "--key", ro + "/test-keys/MX.pem", "--ledger", ro], stdin: focalPoint("ro"))
        #expect(append.status == 2 && oneLine(append) && append.stderr.contains("read-only"), "\(append.stderr)")
    }

    // MARK: 11: clear messages

    @Test(
        "11. unclear messages made clear",
        arguments: [
            (["bundle", "import", "DIR"], "is a directory"),
            (["append", "--key", "DIR"], "is a directory"),
            (["append", "--key", "/dev/zero"], "larger than 64 KiB"),
            (["log", "--from", "-5"], "'-5' is invalid"),
        ])
    func messages(args: [String], expected: String) throws {
        let l = try CLILedger()
        let resolved = args.map { $0 == "DIR" ? l.dir : $0 }
        let r = try l.amparo(resolved, stdin: focalPoint("x"))
        #expect(r.status == 2)
        #expect(oneLine(r), "\(r.stderr)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("Missing value"))
    }

    @Test("11. a number for occurred says it must be a string, not that it is missing")
    func occurredNumber() throws {
        let l = try CLILedger()
        let r = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: #"{"type":"state.focal_point_designated","occurred":1234567890,"payload":{}}"#)
        #expect(r.status == 2 && oneLine(r))
        #expect(r.stderr.contains("\"occurred\" must be a string"), "\(r.stderr)")
    }

    // MARK: 12: accepted but wrong

    @Test("12. a PEM holding two keys is refused, not signed with the first")
    func twoKeys() throws {
        let l = try CLILedger()
        let pem = try String(contentsOfFile: l.dir + "/mx.pem", encoding: .utf8) + (try String(contentsOfFile: l.dir + "/ts.pem", encoding: .utf8))
        try TestSupport.write(pem, to: l.dir + "/two.pem")
        let before = try l.snapshot()
        let r = try l.amparo(["append", "--key", l.dir + "/two.pem"], stdin: focalPoint("two"))
        #expect(r.status == 2 && oneLine(r) && r.stderr.contains("2 PEM blocks"), "\(r.stderr)")
        #expect(try l.snapshot() == before)
    }

    @Test("12. a case numbered in one year with its request dated another is refused")
    func caseYear() throws {
        let l = try CLILedger()
        let before = try l.snapshot()
        let r = try l.amparo(
            ["append", "--key", l.dir + "/mx.pem"],
            stdin: draft(caseID: "MX-2011-0001", occurred: "2019-04-01T10:00:00Z"))
        #expect(r.status == 2 && oneLine(r) && r.stderr.contains("numbered in 2011"), "\(r.stderr)")
        #expect(try l.snapshot() == before)
        // The same year is accepted (the boundary).
        let ok = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft(caseID: "MX-2015-0001", occurred: "2015-12-31T23:59:59Z"))
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("12. the nil UUID is refused as an event id")
    func nilUUID() throws {
        let l = try CLILedger()
        let before = try l.snapshot()
        let r = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("nil", id: "00000000-0000-0000-0000-000000000000"))
        #expect(r.status == 2 && oneLine(r) && r.stderr.contains("nil UUID"), "\(r.stderr)")
        #expect(try l.snapshot() == before)
    }

    @Test(
        "12. a ledger name with a Unicode space is refused (C2SP signed-note)",
        arguments: ["a\u{00A0}b", "a\u{2003}b", "a\u{3000}b", "a\u{0085}b", "a\u{2028}b", "a b", "a+b", ""])
    func unicodeSpaceNames(name: String) throws {
        let l = try CLILedger()
        let path = l.dir + "/named"
        let r = try TestSupport.run(["init", "--ledger", path, "--name", name, "--secretariat-key", l.dir + "/ts.pem"])
        #expect(r.status == 2 && oneLine(r) && r.stderr.contains("not a valid key name"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
