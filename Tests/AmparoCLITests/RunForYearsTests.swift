import Foundation
import Ledger
import Projections
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 27: backup and restore under load, the read-only audit by another user.
@Suite("Run it for years", .serialized)
struct RunForYearsTests {
    /// A ledger with Mexico's case MX-2015-0001 and its personal data in the vault.
    func ledgerWithVault() throws -> CLILedger {
        let l = try CLILedger()
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft()).status == 0)
        try TestSupport.write(#"{"name":"Ana Prueba","passport":"X1234567"}"#, to: l.dir + "/person.json")
        let set = try l.amparo(["person", "set", "MX-2015-0001", "--from", l.dir + "/person.json", "--key", l.dir + "/mx.pem"])
        #expect(set.status == 0, "\(set.stderr)")
        return l
    }

    @Test("a backup made while four writers append for 20 s restores whole: verify clean, a prefix of the live log, the vault readable")
    func backupUnderLoad() throws {
        let l = try ledgerWithVault()
        let stop = Date().addingTimeInterval(20)
        let group = DispatchGroup()
        let appended = Mutex(0)
        for writer in 0..<4 {
            group.enter()
            Thread {
                var i = 0
                while Date() < stop {
                    let r = try? l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("oficina \(writer)-\(i)"))
                    if r?.status == 0 { appended.withLock { $0 += 1 } }
                    i += 1
                }
                group.leave()
            }.start()
        }
        Thread.sleep(forTimeInterval: 6)
        let backup = try l.amparo(["backup", "--out", l.dir + "/backup", "--key", "node", "--key", "master", "--keys-out", l.dir + "/keys"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("backed up to \(l.dir)/backup: tree size"))
        group.wait()
        #expect(appended.withLock { $0 } > 8, "the writers appended while the backup was made")

        // No private key in the backup; the keys apart, mode 0600.
        let listed = try FileManager.default.subpathsOfDirectory(atPath: l.dir + "/backup").sorted()
        #expect(listed == ["MANIFEST.json", "data.mdb", "vault", "vault/MX-2015-0001.vault", "words.dat"])
        var info = stat()
        #expect(stat(l.dir + "/keys/node.key", &info) == 0 && info.st_mode & 0o777 == 0o600)

        let restored = l.dir + "/restored"
        let r = try TestSupport.run(["restore", l.dir + "/backup", "--ledger", restored, "--keys", l.dir + "/keys"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TestSupport.run(["verify", "--ledger", restored]).status == 0)

        // The restored tree is a prefix of the live one: the live log proves consistency with it.
        let held = try TestSupport.run(["checkpoint", "--ledger", restored])
        try TestSupport.write(held.stdout, to: l.dir + "/restored.checkpoint")
        let restoredSize = UInt64(held.stdout.split(separator: "\n")[1])!
        let liveSize = UInt64(try l.amparo(["checkpoint"]).stdout.split(separator: "\n")[1])!
        #expect(restoredSize < liveSize, "appends went on after the backup's point")
        let prefix = try l.amparo(["verify", "--checkpoint", l.dir + "/restored.checkpoint"])
        #expect(prefix.status == 0, "\(prefix.stdout)\(prefix.stderr)")

        // The vault entry present at the backup's point, read with the master key.
        let shown = try TestSupport.run(["person", "show", "MX-2015-0001", "--ledger", restored, "--key", l.dir + "/mx.pem"])
        #expect(shown.status == 0 && shown.stdout.contains("Ana Prueba"), "\(shown.stderr)")

        // Signing is held: the live log holds a larger checkpoint, so resume refuses; the restored
        // one's own checkpoint lets it go on, and its next checkpoint extends the backup's.
        let append = try TestSupport.run(["append", "--key", l.dir + "/mx.pem", "--ledger", restored], stdin: focalPoint("después"))
        #expect(append.status == 2 && append.stderr.contains("amparo resume"), "\(append.stderr)")
        try TestSupport.write(try l.amparo(["checkpoint"]).stdout, to: l.dir + "/live.checkpoint")
        let refused = try TestSupport.run(["resume", "--ledger", restored, "--checkpoint", l.dir + "/live.checkpoint"])
        #expect(refused.status == 2 && refused.stderr.contains("larger than the \(restoredSize) entries restored"), "\(refused.stderr)")
        #expect(try TestSupport.run(["witness", "key", "--ledger", restored]).status == 0)
        let witness = try TestSupport.runExecutable(
            "/usr/bin/timeout", ["20", TestSupport.productsDirectory + "/amparo", "serve", "--ledger", restored, "--witness", "--listen", "127.0.0.1:0"])
        #expect(witness.status == 2 && oneLine(witness) && witness.stderr.contains("run `amparo resume` before serve --witness"), "\(witness.stderr)")
        let resumed = try TestSupport.run(["resume", "--ledger", restored, "--checkpoint", l.dir + "/restored.checkpoint"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try TestSupport.run(["append", "--key", l.dir + "/mx.pem", "--ledger", restored], stdin: focalPoint("después")).status == 0)
        #expect(try TestSupport.run(["verify", "--ledger", restored, "--checkpoint", l.dir + "/restored.checkpoint"]).status == 0)
    }

    @Test("a backup that fails its manifest is refused, and nothing is restored")
    func damagedBackupRefused() throws {
        let l = try ledgerWithVault()
        #expect(try l.amparo(["backup", "--out", l.dir + "/b"]).status == 0)
        let again = try l.amparo(["backup", "--out", l.dir + "/b"])
        #expect(again.status == 2 && oneLine(again) && again.stderr.contains("already exists"))

        func refused(_ damage: (String) throws -> Void, _ says: String) throws {
            let copy = try TestSupport.temporaryDirectory("damaged") + "/b"
            #expect(try shell("cp -a '\(l.dir)/b' '\(copy)'").status == 0)
            try damage(copy)
            let target = l.dir + "/r-\(UUID().uuidString.prefix(6))"
            let r = try TestSupport.run(["restore", copy, "--ledger", target])
            #expect(r.status == 2 && oneLine(r), "\(r.stderr)")
            #expect(r.stderr.contains(says), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try FileManager.default.contentsOfDirectory(atPath: l.dir).allSatisfy { !$0.contains(".restoring-") })
        }
        // One byte of data.mdb changed.
        try refused(
            { b in
                let fd = open(b + "/data.mdb", O_RDWR)
                var byte: UInt8 = 0
                pread(fd, &byte, 1, 9000)
                byte ^= 0x01
                pwrite(fd, &byte, 1, 9000)
                close(fd)
            }, "does not match the backup's manifest")
        try refused({ try FileManager.default.removeItem(atPath: $0 + "/vault/MX-2015-0001.vault") }, "is missing from the backup")
        try refused({ try TestSupport.write("x", to: $0 + "/extra.txt") }, "is not in the backup's manifest")
        try refused({ try TestSupport.write("{}", to: $0 + "/MANIFEST.json") }, "is not an amparo-backup 1 manifest")
        try refused({ try FileManager.default.removeItem(atPath: $0 + "/MANIFEST.json") }, "holds no MANIFEST.json")
        // A listed file replaced by a link (to a file of the same bytes): refused all the same.
        try refused(
            { b in
                try FileManager.default.moveItem(atPath: b + "/words.dat", toPath: b + "/../words.elsewhere")
                try FileManager.default.createSymbolicLink(atPath: b + "/words.dat", withDestinationPath: b + "/../words.elsewhere")
            }, "is not a regular file")
        // A manifest edited to match a changed file still fails the tree's own check.
        let over = try TestSupport.run(["restore", l.dir + "/b", "--ledger", l.ledger])
        #expect(over.status == 2 && over.stderr.contains("already exists"))
    }

    @Test("backup usage errors: a key without --keys-out, an unknown key, keys inside the backup")
    func backupUsage() throws {
        let l = try CLILedger()
        for args in [["--key", "node"], ["--key", "secretariat", "--keys-out", l.dir + "/k"], ["--key", "node", "--keys-out", l.dir + "/b/k"]] {
            let r = try l.amparo(["backup", "--out", l.dir + "/b"] + args)
            #expect(r.status == 2 && oneLine(r), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: l.dir + "/b"))
        }
        // A key named that is not there: no backup, no keys directory.
        let noWitness = try l.amparo(["backup", "--out", l.dir + "/b", "--key", "witness", "--keys-out", l.dir + "/k"])
        #expect(noWitness.status == 2 && oneLine(noWitness) && noWitness.stderr.contains("no witness key"), "\(noWitness.stderr)")
        #expect(!FileManager.default.fileExists(atPath: l.dir + "/b") && !FileManager.default.fileExists(atPath: l.dir + "/k"))
        let held = try l.amparo(["resume"])
        #expect(held.status == 2 && held.stderr.contains("holds no restore"))
    }

    @Test("verify, replay, log and a report as another user, on a directory it may only read: the owner's output, nothing written")
    func auditAsAnotherUser() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            print("skipped: running as another user needs root and setpriv (util-linux)")
            return
        }
        let dir = try TestSupport.temporaryDirectory("audit")
        let ledger = dir + "/ledger"
        #expect(try TestSupport.run(["demo", "--ledger", ledger, "--quiet"]).status == 0)
        // The binary where the other user may run it; the ledger 0755/0644.
        #expect(
            try shell(
                "cp '\(TestSupport.productsDirectory)/amparo' '\(dir)/amparo' && chmod 755 \"$(dirname '\(dir)')\" '\(dir)' '\(dir)/amparo' && find '\(ledger)' -type d -exec chmod 755 {} + && find '\(ledger)' -type f -exec chmod 644 {} +"
            ).status == 0)
        let commands: [[String]] = [
            ["verify"], ["verify", "--format", "json"], ["log"], ["replay", "BZ-2016-0001"], ["case", "show", "BZ-2016-0001"], ["cases"],
            ["workload"],
            ["report", "meeting", "2015-11-09-mexico-city"], ["prove", "inclusion", "3"],
        ]
        var owner: [TestSupport.Result] = []
        for c in commands { owner.append(try TestSupport.runExecutable(dir + "/amparo", c + ["--ledger", ledger])) }
        func state() throws -> [String] {
            try (shell("cd '\(ledger)' && find . -printf '%p %s %m %T@\\n' | sort && sha256sum $(find . -type f | sort)").stdout).split(separator: "\n").map(
                String.init)
        }
        let before = try state()
        for (c, mine) in zip(commands, owner) {
            let other = try TestSupport.runExecutable(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", dir + "/amparo"] + c + ["--ledger", ledger],
                environment: ["TMPDIR": "/tmp"])
            #expect(other.status == mine.status, "\(c): \(other.stderr)")
            #expect(other.stdout == mine.stdout, "\(c)")
            #expect(other.stderr.contains("reads a private copy"), "\(c): \(other.stderr)")
        }
        // No room for the copy: one line naming what to do, nothing written.
        let noRoom = try TestSupport.runExecutable(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", dir + "/amparo", "verify", "--ledger", ledger],
            environment: ["TMPDIR": dir + "/no-such-dir"])
        #expect(noRoom.status == 2 && oneLine(noRoom) && noRoom.stderr.contains("a private copy in $TMPDIR"), "\(noRoom.stderr)")
        #expect(try state() == before, "nothing in the ledger directory changed")
    }

    @Test("tools/amparo.service passes systemd-analyze verify, with no warning, and confines the node")
    func serviceUnit() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let unit = try String(contentsOfFile: root + "/tools/amparo.service", encoding: .utf8)
        for directive in [
            "User=amparo", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/amparo",
            "Restart=on-failure", "ExecStart=/usr/local/bin/amparo serve",
        ] {
            #expect(unit.split(separator: "\n").contains { $0.hasPrefix(directive) }, "\(directive)")
        }
        // The command line the unit runs parses: it gets as far as opening the ledger.
        let line = unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }!.dropFirst("ExecStart=/usr/local/bin/amparo ".count)
        let dir = try TestSupport.temporaryDirectory("unit")
        let parsed = try TestSupport.run(line.split(separator: " ").map(String.init) + ["--ledger", dir + "/none"])
        #expect(parsed.status == 2 && parsed.stderr.contains("no ledger at"), "\(parsed.stderr)")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            print("skipped: systemd-analyze is absent (Debian's systemd package), so the unit was not verified")
            return
        }
        // The unit as installed, with the binary where this build put it.
        try TestSupport.write(
            unit.replacingOccurrences(of: "/usr/local/bin/amparo", with: TestSupport.productsDirectory + "/amparo"), to: dir + "/amparo.service")
        let verified = try TestSupport.runExecutable("/usr/bin/systemd-analyze", ["verify", dir + "/amparo.service"])
        #expect(verified.status == 0 && verified.stderr.isEmpty && verified.stdout.isEmpty, "\(verified.stdout)\(verified.stderr)")
    }

    @Test(
        "disaster recovery: a peer prints the checkpoint it holds of the lost node; resume accepts it when the backup holds that tree, and refuses a larger one"
    )
    func resumeFromAPeer() throws {
        let n = try FederationTests.secretariat()
        let backup = try FederationTests.run(n, ["backup", "--ledger", "ledger", "--out", "b"])
        #expect(backup.status == 0, "\(backup.stderr)")
        try FederationTests.node(n, "peer", "peer.example/node")
        try FederationTests.export(n, "ledger", "RCM-TS", "ts.bundle")
        #expect(try FederationTests.importing(n, "peer", "ts.bundle").status == 0)
        let held = try FederationTests.run(n, ["peers", "--ledger", "peer", "--checkpoint", "rcm.example/ts"])
        #expect(held.status == 0 && held.stdout.hasPrefix("rcm.example/ts\n"), "\(held.stderr)")
        try TestSupport.write(held.stdout, to: n.dir + "/peer-held.checkpoint")
        let unknown = try FederationTests.run(n, ["peers", "--ledger", "peer", "--checkpoint", "nobody.example/x"])
        #expect(unknown.status == 2 && oneLine(unknown) && unknown.stderr.contains("holds no checkpoint of nobody.example/x"))

        // The node lost its disk after the export: the backup holds the tree the peer holds.
        #expect(try FederationTests.run(n, ["restore", "b", "--ledger", "restored"]).status == 0)
        #expect(try FederationTests.run(n, ["resume", "--ledger", "restored", "--checkpoint", "peer-held.checkpoint"]).status == 0)

        // Had it appended and exported after the backup, the peer's checkpoint is larger: held.
        #expect(try FederationTests.run(n, ["restore", "b", "--ledger", "restored2"]).status == 0)
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--acknowledgement", "TS-2", "--record-violations"])
        try FederationTests.export(n, "ledger", "RCM-TS", "ts2.bundle")
        #expect(try FederationTests.importing(n, "peer", "ts2.bundle").status == 0)
        try TestSupport.write(
            try FederationTests.run(n, ["peers", "--ledger", "peer", "--checkpoint", "rcm.example/ts"]).stdout, to: n.dir + "/later.checkpoint")
        let later = try FederationTests.run(n, ["resume", "--ledger", "restored2", "--checkpoint", "later.checkpoint"])
        #expect(later.status == 2 && oneLine(later) && later.stderr.contains("restore a newer backup"), "\(later.stderr)")
        // Another node's checkpoint is not this node's: refused, the hold stays.
        let foreign = try FederationTests.run(n, ["checkpoint", "--ledger", "peer"])
        try TestSupport.write(foreign.stdout, to: n.dir + "/foreign.checkpoint")
        let wrong = try FederationTests.run(n, ["resume", "--ledger", "restored2", "--checkpoint", "foreign.checkpoint"])
        #expect(wrong.status == 2 && oneLine(wrong), "\(wrong.stderr)")
        #expect(try FederationTests.run(n, ["checkpoint", "--ledger", "restored2"]).status == 0, "reading the held checkpoint still works")
    }

    @Test("officers appending at the same moment never leave the projections for the next act to rebuild")
    func concurrentAppendsNoRebuild() throws {
        let l = try CLILedger()
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft()).status == 0)
        let before = try ProjectionStore(log: try EventLog.open(path: l.ledger)).rebuildCount()
        let group = DispatchGroup()
        let failures = Mutex<[String]>([])
        for writer in 0..<4 {
            group.enter()
            Thread {
                for i in 0..<12 {
                    let id = String(format: "MX-2015-%04d", 100 + 20 * writer + i)
                    let r = try? l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft(caseID: id))
                    if r?.status != 0 { failures.withLock { $0.append("\(id): \(r?.stderr ?? "")") } }
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let log = try EventLog.open(path: l.ledger)
        let store = try ProjectionStore(log: log)
        #expect(try store.rebuildCount() == before, "a catch-up that lost a race to another process left the findings behind")
        // And what the racing catch-ups stored is what a rebuild from zero stores.
        let raced = try store.findingsRows()
        #expect(try TestSupport.run(["rebuild", "--ledger", l.ledger]).status == 0)
        #expect(try store.findingsRows() == raced)
        #expect(try store.rebuildCount() == before + 1)
        #expect(try TestSupport.run(["cases", "--ledger", l.ledger]).stdout.split(separator: "\n").count == 1 + 1 + 48)
    }
}
