import Foundation
import Ledger
import TestSupport
import Testing

/// Issue 21: several nodes exchanging bundles, each through the built binary. The Secretariat's
/// node is `VerdictTests.network()` (keys of RCM-TS, MX, US, CR, IOM; a lawful network); the
/// others are ministries' nodes that trust the Secretariat's key.
@Suite("One key, one node, one truth (issue 21)", .serialized)
struct FederationTests {
    typealias Node = EventCommandTests.Node

    /// The Secretariat's node with case MX-2015-0001 filed, notified and the United States selected.
    static func secretariat() throws -> Node {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--state", "US"])
        return n
    }

    /// Runs `amparo` in the Secretariat's node's folder (ledgers are named by folder).
    static func run(_ n: Node, _ args: [String]) throws -> TestSupport.Result { try TestSupport.run(args, directory: n.dir) }

    /// A new ministry node `dir` (named `origin`) trusting the Secretariat's key.
    static func node(_ n: Node, _ dir: String, _ origin: String) throws {
        let vkey = try run(n, ["keys", "show", "--key", "RCM-TS.pem", "--actor", "RCM-TS"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try run(n, ["init", "--ledger", dir, "--name", origin, "--secretariat-key", vkey])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A new ministry node that has imported everything the Secretariat's node holds, and Mexico's
    /// formal request note to the United States recorded on the Secretariat's node afterwards (so
    /// the new node does not hold it yet).
    static func behindByOneNote(_ n: Node, _ dir: String, _ origin: String) throws {
        try Self.node(n, dir, origin)
        try Self.export(n, "ledger", "RCM-TS", "ts-1.bundle")
        #expect(try Self.importing(n, dir, "ts-1.bundle").status == 0)
        try n.act(
            "MX", ["case", "request", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "Embassy"])
    }

    /// Exports `ledger` to `out`, signed with `actor`'s key.
    static func export(_ n: Node, _ ledger: String, _ actor: String, _ out: String) throws {
        let r = try run(n, ["bundle", "export", "--ledger", ledger, "--key", "\(actor).pem", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func importing(_ n: Node, _ ledger: String, _ bundle: String) throws -> TestSupport.Result {
        try run(n, ["bundle", "import", "--ledger", ledger, bundle, "--quiet"])
    }

    static func caseJSON(_ n: Node, _ ledger: String, _ id: String) throws -> JSONValue {
        try JSONParser.parse(try run(n, ["case", "show", id, "--ledger", ledger, "--format", "json"]).stdout)
    }

    // MARK: Reproduction 1

    @Test("1. one State's key selecting the assisting State of another State's case: refused with and without --record-violations, never suggesting it")
    func authorityOnTheWritePath() throws {
        let n = try Self.secretariat()
        let before = try n.run(["checkpoint"]).stdout
        for flags in [[], ["--record-violations"]] {
            let r = try n.run(
                ["case", "select", "--case", "MX-2015-0001", "--state", "CR", "--occurred", "2015-04-04", "--key", n.dir + "/US.pem"] + flags)
            #expect(r.status == 1, "\(flags): \(r.stderr)")
            #expect(r.stderrLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("amparo: refused: AUTHORITY: "), "\(r.stderr)")
            #expect(!r.stderr.contains("use --record-violations"), "\(r.stderr)")
            #expect(r.stderr.contains("never recorded, with or without --record-violations"), "\(r.stderr)")
            #expect(try n.run(["checkpoint"]).stdout == before, "something was written")
        }
        // A breach of the Agreement's words by the right actor is still recordable with the flag:
        // Mexico selecting a State that is not a Party (ART7.2-PARTY).
        let notParty = ["case", "select", "--case", "MX-2015-0001", "--state", "PA", "--occurred", "2015-04-04", "--key", n.dir + "/MX.pem"]
        let refused = try n.run(notParty)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("use --record-violations to record historic acts anyway"), "\(refused.stderr)")
        #expect(try n.run(notParty + ["--record-violations"]).status == 0)
    }

    @Test("1. the same act arriving in a bundle is kept as evidence, changes no case on the receiving node, and verify reports it (exit 1)")
    func authorityByBundle() throws {
        let n = try Self.secretariat()
        // A lying node: it appends the United States' selection of Costa Rica in Mexico's case
        // straight to its log (its write path would refuse it), then exports.
        try Self.node(n, "liar", "liar.example/node")
        try Self.export(n, "ledger", "RCM-TS", "ts.bundle")
        #expect(try Self.importing(n, "liar", "ts.bundle").status == 0)
        let forged = try Draft(
            type: "case.assisting_state_selected", caseID: "MX-2015-0001", occurred: Timestamp(parsing: "2015-04-04")!, payload: ["state": "CR"]
        ).envelope(actor: "US").signed(by: SigningKey.load(path: n.dir + "/US.pem", name: "US"))
        do {
            let liar = try EventLog.open(path: n.dir + "/liar")
            _ = try liar.append([forged])
        }
        try Self.export(n, "liar", "US", "liar.bundle")
        let imported = try Self.importing(n, "ledger", "liar.bundle")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("added 1 event"), "\(imported.stdout)")
        // The case is as Mexico made it: the United States assists.
        let shown = try Self.caseJSON(n, "ledger", "MX-2015-0001")
        #expect(shown["assisting"]?.stringValue == "US", "\(shown)")
        let verify = try n.run(["verify", "--format", "json"])
        #expect(verify.status == 1)
        let breaches = try JSONParser.parse(verify.stdout)["breaches"]?.arrayValue ?? []
        #expect(breaches.contains { $0["rule"]?.stringValue == "AUTHORITY" && $0["event"]?.stringValue == forged.id.description }, "\(verify.stdout)")
        // Replay shows the act, its AUTHORITY finding, and the state after it unchanged.
        let steps = try JSONParser.parse(try n.run(["replay", "MX-2015-0001", "--format", "json"]).stdout).arrayValue ?? []
        let at = try #require(steps.firstIndex { $0["id"]?.stringValue == forged.id.description })
        #expect(steps[at]["breaches"]?.arrayValue?.first?["rule"]?.stringValue == "AUTHORITY")
        #expect(steps[at]["status_after"] == steps[at - 1]["status_after"], "\(steps[at])")
        // The projections fold it as absent too (the case list reads them).
        let cases = try n.run(["cases", "--format", "json"]).stdout
        #expect(!cases.contains("\"assisting\":\"CR\""), "\(cases)")
    }

    // MARK: Reproduction 2

    /// Mexico's node shows one history to Canada's node and another to Guatemala's: its ledger
    /// directory is copied, and each copy appends different acts. Returns the Secretariat's node.
    static func equivocation() throws -> Node {
        let n = try Self.secretariat()
        try Self.export(n, "ledger", "RCM-TS", "ts.bundle")
        try Self.node(n, "mx", "mx.example/sre")
        #expect(try Self.importing(n, "mx", "ts.bundle").status == 0)
        try FileManager.default.copyItem(atPath: n.dir + "/mx", toPath: n.dir + "/mx-b")
        let file = [
            "case", "file", "--case", "MX-2015-0002", "--subject", "p-0a0b0c", "--location-country", "BS", "--category", "other",
            "--perpetrator", "civilian", "--channel", "consular_directorate", "--protection-required", "visit", "--key", "MX.pem",
        ]
        #expect(try Self.run(n, file + ["--ledger", "mx", "--occurred", "2015-05-01", "--location-city", "Nassau"]).status == 0)
        #expect(try Self.run(n, file + ["--ledger", "mx-b", "--occurred", "2015-05-02", "--location-city", "Freeport"]).status == 0)
        #expect(
            try Self.run(
                n,
                [
                    "network", "focal-point", "--ledger", "mx-b", "--occurred", "2015-05-03", "--office", "other", "--email", "o@example.org",
                    "--telephone", "1", "--key", "MX.pem",
                ]
            ).status == 0)
        try Self.export(n, "mx", "MX", "mx-a.bundle")
        try Self.export(n, "mx-b", "MX", "mx-b.bundle")
        for (node, name) in [("ca", "ca.example/sre"), ("gt", "gt.example/minrex"), ("pa", "pa.example/mire")] { try Self.node(n, node, name) }
        #expect(try Self.importing(n, "ca", "mx-a.bundle").status == 0)
        #expect(try Self.importing(n, "gt", "mx-b.bundle").status == 0)
        return n
    }

    static func filings(_ n: Node, _ ledger: String, _ id: String) throws -> Int {
        let log = try JSONParser.parse(try run(n, ["log", "--ledger", ledger, "--case", id, "--format", "json"]).stdout).arrayValue ?? []
        return log.filter { $0["type"]?.stringValue == "case.request_filed" }.count
    }

    @Test("2. a fork relayed through a third node is refused as FORK for Mexico's origin: nothing of the other branch admitted, evidence kept")
    func relayedFork() throws {
        let n = try Self.equivocation()
        // Canada sees Mexico's second history directly: FORK, evidence kept, nothing admitted.
        let sizeBefore = try Self.run(n, ["checkpoint", "--ledger", "ca"]).stdout
        let direct = try Self.importing(n, "ca", "mx-b.bundle")
        #expect(direct.status == 1, "\(direct.stderr)")
        #expect(direct.stderr.hasPrefix("amparo: FORK: mx-b.bundle: mx.example/sre presents a log"), "\(direct.stderr)")
        #expect(direct.stderrLines.count == 1)
        #expect(try Self.run(n, ["checkpoint", "--ledger", "ca"]).stdout == sizeBefore)
        // Guatemala relays the other history: refused for Mexico's origin, nothing of it admitted.
        try Self.export(n, "gt", "CR", "gt.bundle")
        let relayed = try Self.importing(n, "ca", "gt.bundle")
        #expect(relayed.status == 1, "\(relayed.stderr)")
        #expect(relayed.stderr.hasPrefix("amparo: FORK: gt.bundle: mx.example/sre presents a log"), "\(relayed.stderr)")
        #expect(relayed.stderr.contains("2 events of the other branch not admitted"), "\(relayed.stderr)")
        #expect(try Self.filings(n, "ca", "MX-2015-0002") == 1)
        #expect(try Self.caseJSON(n, "ca", "MX-2015-0002")["location_city"]?.stringValue == "Nassau")
        #expect(try Self.run(n, ["checkpoint", "--ledger", "ca"]).stdout == sizeBefore)
        // Canada's verify and peers name Mexico's origin.
        let verify = try Self.run(n, ["verify", "--ledger", "ca"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("FORK: mx.example/sre signed two histories"), "\(verify.stdout)")
        let json = try JSONParser.parse(try Self.run(n, ["verify", "--ledger", "ca", "--format", "json"]).stdout)
        #expect(json["ok"] == false)
        #expect(json["forks"]?.arrayValue?.first?["origin"]?.stringValue == "mx.example/sre")
        let peers = try Self.run(n, ["peers", "--ledger", "ca"])
        #expect(peers.status == 1)
        #expect(peers.stdout.contains("FORK of mx.example/sre"), "\(peers.stdout)")
        #expect(peers.stdout.contains("the trees differ at leaf"), "\(peers.stdout)")

        // The evidence reaches Guatemala by file: it checks it with Mexico's key and stores it.
        #expect(try Self.run(n, ["evidence", "export", "--ledger", "ca", "--out", "fork.evidence"]).status == 0)
        let checked = try Self.run(n, ["evidence", "verify", "--ledger", "gt", "fork.evidence"])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("mx.example/sre signed two histories"), "\(checked.stdout)")
        #expect(try Self.run(n, ["verify", "--ledger", "gt"]).status == 0, "before the evidence, Guatemala saw one history")
        let stored = try Self.run(n, ["evidence", "import", "--ledger", "gt", "fork.evidence"])
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(stored.stdout.contains("1 new stored"), "\(stored.stdout)")
        let gtVerify = try Self.run(n, ["verify", "--ledger", "gt"])
        #expect(gtVerify.status == 1)
        #expect(gtVerify.stdout.contains("FORK: mx.example/sre signed two histories"), "\(gtVerify.stdout)")
        #expect(try Self.run(n, ["peers", "--ledger", "gt"]).stdout.contains("FORK of mx.example/sre"))

        // And in bundles: Panama's node, which never saw Mexico's node, learns it from Canada's bundle.
        try Self.export(n, "ca", "US", "ca.bundle")
        let pa = try Self.importing(n, "pa", "ca.bundle")
        #expect(pa.status == 0, "\(pa.stderr)")
        #expect(pa.stderr.contains("stored 1 fork evidence"), "\(pa.stderr)")
        let paVerify = try Self.run(n, ["verify", "--ledger", "pa"])
        #expect(paVerify.status == 1)
        #expect(paVerify.stdout.contains("FORK: mx.example/sre"), "\(paVerify.stdout)")
    }

    @Test("2. fork evidence tampered with in transit (a note's signature, a proof hash, a leaf) is refused and stores nothing")
    func tamperedEvidence() throws {
        let n = try Self.equivocation()
        #expect(try Self.importing(n, "ca", "mx-b.bundle").status == 1)
        #expect(try Self.run(n, ["evidence", "export", "--ledger", "ca", "--out", "fork.evidence"]).status == 0)
        let good = try String(contentsOfFile: n.dir + "/fork.evidence", encoding: .utf8)
        let evidence = try JSONParser.parse(Array(good.utf8))
        let notes = evidence["checkpoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let proof = evidence["proofs"]?.arrayValue?.first?.arrayValue?.first?.stringValue ?? ""
        let leaf = evidence["leaves"]?.arrayValue?.first?.stringValue ?? ""
        #expect(notes.count == 2 && !proof.isEmpty && !leaf.isEmpty, "\(good)")
        func flipped(_ base64: String) -> String {
            var bytes = [UInt8](base64: base64)!
            bytes[bytes.count / 2] ^= 1
            return bytes.base64
        }
        // The last signature line of the first note, its signature bytes changed.
        let sigLine = notes[0].split(separator: "\n").last.map(String.init) ?? ""
        let sigParts = sigLine.split(separator: " ")
        let badSig = sigParts.dropLast().joined(separator: " ") + " " + flipped(String(sigParts.last!))
        let tampered = [
            ("a note's signature", good.replacingOccurrences(of: sigLine, with: badSig)),
            ("a proof hash", good.replacingOccurrences(of: proof, with: flipped(proof))),
            ("a leaf", good.replacingOccurrences(of: leaf, with: flipped(leaf))),
        ]
        let peersBefore = try Self.run(n, ["peers", "--ledger", "gt"]).stdout
        for (what, text) in tampered {
            #expect(text != good, "\(what) was not changed")
            try TestSupport.write(text, to: n.dir + "/bad.evidence")
            let r = try Self.run(n, ["evidence", "import", "--ledger", "gt", "bad.evidence"])
            #expect(r.status == 2, "\(what): \(r.stderr)")
            #expect(r.stderrLines.count == 1, "\(what): \(r.stderr)")
            #expect(r.stderr.contains("nothing was stored"), "\(what): \(r.stderr)")
            #expect(try Self.run(n, ["evidence", "verify", "--ledger", "gt", "bad.evidence"]).status == 2, "\(what)")
            #expect(try Self.run(n, ["peers", "--ledger", "gt"]).stdout == peersBefore, "\(what): something was stored")
            #expect(try Self.run(n, ["verify", "--ledger", "gt"]).status == 0, "\(what)")
        }
    }

    @Test("bad evidence input: none to export, --out taken, not evidence, empty, missing, past the bound: one line, exit 2, nothing stored")
    func badEvidenceInput() throws {
        let n = try Self.equivocation()
        #expect(try Self.importing(n, "ca", "mx-b.bundle").status == 1)
        #expect(try Self.run(n, ["evidence", "export", "--ledger", "ca", "--out", "fork.evidence"]).status == 0)
        try TestSupport.write("{}\n", to: n.dir + "/shape.evidence")
        try TestSupport.write("not json\n", to: n.dir + "/text.evidence")
        try TestSupport.write("", to: n.dir + "/empty.evidence")
        let peersBefore = try Self.run(n, ["peers", "--ledger", "gt"]).stdout
        let cases: [([String], String)] = [
            (["evidence", "export", "--ledger", "gt", "--out", "none.evidence"], "this ledger holds no fork evidence"),
            (["evidence", "export", "--ledger", "ca", "--out", "fork.evidence"], "fork.evidence already exists"),
            (["evidence", "export", "--ledger", "ca", "--out", "other.evidence", "--origin", "rcm.example/ts"], "no fork evidence about rcm.example/ts"),
            (["evidence", "import", "--ledger", "gt", "shape.evidence"], "shape.evidence line 1: fork evidence: format is not amparo-fork-evidence/v1"),
            (["evidence", "import", "--ledger", "gt", "text.evidence"], "text.evidence line 1: fork evidence: not JSON"),
            (["evidence", "import", "--ledger", "gt", "empty.evidence"], "empty.evidence holds no fork evidence"),
            (["evidence", "import", "--ledger", "gt", "missing.evidence"], "missing.evidence"),
            (["evidence", "import", "--ledger", "gt", "/dev/zero"], "larger than 64 MiB"),
            (["evidence", "verify", "--origin-key", "not-a-key", "fork.evidence"], "--origin-key"),
        ]
        for (args, expect) in cases {
            let r = try Self.run(n, args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderrLines.count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(expect), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: n.dir + "/none.evidence"))
        #expect(try Self.run(n, ["peers", "--ledger", "gt"]).stdout == peersBefore)
        // Another origin's key given for the evidence: refused, whatever the evidence says.
        let wrong = try Self.run(n, ["keys", "show", "--node", "--ledger", "ca"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let mismatch = try Self.run(n, ["evidence", "verify", "--origin-key", wrong, "fork.evidence"])
        #expect(mismatch.status == 2, "\(mismatch.stderr)")
    }

    @Test("the witness key: created once (mode 0600), printed as a type-0x04 verifier key, never the node key; serve --witness needs it")
    func witnessKey() throws {
        let n = try Self.secretariat()
        let first = try n.run(["witness", "key"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("created"), "\(first.stderr)")
        let vkey = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = vkey.split(separator: "+", maxSplits: 2)
        #expect(parts.count == 3 && parts[0] == "rcm.example/ts/witness", "\(vkey)")
        #expect([UInt8](base64: String(parts.last ?? ""))?.first == 0x04, "\(vkey)")
        let again = try n.run(["witness", "key"])
        #expect(again.stdout == first.stdout && again.stderr.isEmpty, "\(again.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: n.dir + "/ledger/witness.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let node = try n.run(["keys", "show", "--node"]).stdout
        #expect(!node.contains(String(parts.last!)), "the witness key is the node key")
        #expect(try n.run(["witness", "list"]).stdout.hasPrefix("no checkpoint cosigned yet"))
        // Another ledger without a witness key: serve --witness says how to make one.
        try Self.node(n, "cr", "cr.example/sre")
        let serve = try TestSupport.runExecutable(
            "/usr/bin/timeout", ["20", TestSupport.productsDirectory + "/amparo", "serve", "--ledger", n.dir + "/cr", "--witness", "--listen", "127.0.0.1:0"])
        #expect(serve.status == 2, "\(serve.stderr)")
        #expect(serve.stderr.contains("has no witness key; create it with `amparo witness key"), "\(serve.stderr)")
    }

    /// The arguments of `amparo serve --witness` for `ledger` on a free loopback port.
    static func witnessArguments(_ ledger: String) -> [String] { ["serve", "--ledger", ledger, "--witness", "--listen", "127.0.0.1:0"] }

    /// Processes a test started, each stopped (SIGTERM) and waited for by `stop()`, in a defer.
    final class Servers {
        private var processes: [Process] = []

        /// Starts `amparo` with `arguments` (a serve on port 0); its URL.
        func start(_ arguments: [String]) throws -> String {
            let (process, url) = try FederationTests.server(arguments)
            processes.append(process)
            return url
        }

        func adopt(_ process: Process) { processes.append(process) }

        func stop() {
            for p in processes {
                p.terminate()
                p.waitUntilExit()
            }
        }
    }

    /// `n`'s ledger served on a free loopback port: the servers (stop them in a defer), the URL and
    /// the node key.
    static func serving(_ n: Node) throws -> (servers: Servers, url: String, node: String) {
        let servers = Servers()
        let url = try servers.start(["serve", "--ledger", n.dir + "/ledger", "--listen", "127.0.0.1:0"])
        return (servers, url, try n.run(["keys", "show", "--node"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Starts `amparo` with `arguments` (a serve on port 0) and returns it with the URL it says.
    static func server(_ arguments: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.productsDirectory + "/amparo")
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: #"https?://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            process.terminate()
            throw LedgerError(.io, "the witness did not start: \(text)")
        }
        // The server logs a line a request on stderr: read it to the end, or a full pipe stops it.
        let drain = err.fileHandleForReading
        Thread { while !drain.availableData.isEmpty {} }.start()
        return (process, String(text[range]))
    }

    @Test(
        "a node's checkpoint collects its policy's cosignatures (a stale witness answers 409, then cosigns); a receiver with a policy imports only when the quorum is met, naming the witnesses"
    )
    func cosignaturesAndPolicy() throws {
        let n = try Self.secretariat()
        try Self.export(n, "ledger", "RCM-TS", "ts-0.bundle")
        let servers = Servers()
        defer { servers.stop() }
        var lines: [String] = []
        for w in ["w1", "w2", "w3"] {
            try Self.node(n, w, "\(w).example/node")
            #expect(try Self.importing(n, w, "ts-0.bundle").status == 0)
            let vkey = try Self.run(n, ["witness", "key", "--ledger", w]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if w == "w3" {
                lines.append("witness W3 \(vkey)")  // never started: it cannot cosign
            } else {
                let url = try servers.start(Self.witnessArguments(n.dir + "/" + w))
                lines.append("witness \(w.uppercased()) \(vkey) \(url)")
            }
        }
        let node = try n.run(["keys", "show", "--node"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let twoOfThree = (["log \(node)"] + lines + ["group G 2 W1 W2 W3", "quorum G"]).joined(separator: "\n") + "\n"
        let allThree = (["log \(node)"] + lines + ["group G all W1 W2 W3", "quorum G"]).joined(separator: "\n") + "\n"
        try TestSupport.write(twoOfThree, to: n.dir + "/two.policy")
        try TestSupport.write(allThree, to: n.dir + "/three.policy")
        #expect(try n.run(["policy", "set", n.dir + "/two.policy"]).stdout.hasPrefix("policy set: 1 log, 3 witnesses, 1 group"))
        let collected = try n.run(["checkpoint", "--collect"])
        #expect(collected.status == 0, "\(collected.stderr)")
        #expect(collected.stderr.contains("witness W1: cosigned") && collected.stderr.contains("witness W2: cosigned"), "\(collected.stderr)")
        #expect(collected.stdout.contains("— w1.example/node/witness ") && collected.stdout.contains("— w2.example/node/witness "), "\(collected.stdout)")
        #expect(try n.run(["checkpoint"]).stdout == collected.stdout, "the cosignatures are kept")
        // The log grows: the witnesses hold the older size, answer 409 to old 0, then cosign.
        try n.act("MX", ["case", "request", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "m"])
        let again = try n.run(["checkpoint", "--collect"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.components(separatedBy: "/witness ").count == 3, "\(again.stdout)")
        // Receivers with a policy.
        try Self.export(n, "ledger", "RCM-TS", "ts-1.bundle")
        for (node, policy) in [("ok", "two.policy"), ("strict", "three.policy")] {
            try Self.node(n, node, "\(node).example/node")
            #expect(try Self.run(n, ["policy", "set", "--ledger", node, policy]).status == 0)
        }
        let accepted = try Self.importing(n, "ok", "ts-1.bundle")
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("checkpoint cosigned by W1, W2 (the trust policy's quorum is met)"), "\(accepted.stdout)")
        let before = try Self.run(n, ["checkpoint", "--ledger", "strict"]).stdout
        let refused = try Self.importing(n, "strict", "ts-1.bundle")
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderr.contains("is cosigned by W1, W2: the trust policy's quorum is not met"), "\(refused.stderr)")
        #expect(try Self.run(n, ["checkpoint", "--ledger", "strict"]).stdout == before)
        // verify --checkpoint of the Secretariat's cosigned checkpoint: accepted under the two-of-three
        // policy, naming the witnesses; refused under the all-three one.
        try TestSupport.write(try n.run(["checkpoint"]).stdout, to: n.dir + "/ts.checkpoint")
        let audited = try Self.run(n, ["verify", "--ledger", "ok", "--checkpoint", "ts.checkpoint"])
        #expect(audited.status == 0, "\(audited.stderr)")
        #expect(audited.stdout.contains("cosigned by W1, W2 (the trust policy's quorum is met)"), "\(audited.stdout)")
        let strictAudit = try Self.run(n, ["verify", "--ledger", "strict", "--checkpoint", "ts.checkpoint", "--origin-key", node])
        #expect(strictAudit.status == 2, "\(strictAudit.stdout)")
        #expect(strictAudit.stderr.contains("cosigned by W1, W2: the trust policy's quorum is not met"), "\(strictAudit.stderr)")
        // A policy that does not list the bundle's log refuses it too.
        try Self.node(n, "other", "other.example/node")
        try TestSupport.write((lines + ["quorum none"]).joined(separator: "\n") + "\n", to: n.dir + "/nolog.policy")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "other", "nolog.policy"]).status == 0)
        let unlisted = try Self.importing(n, "other", "ts-1.bundle")
        #expect(unlisted.status == 2 && unlisted.stderr.contains("the trust policy does not list the log rcm.example/ts"), "\(unlisted.stderr)")
        // A policy file that does not parse: one line, exit 2, nothing stored.
        try TestSupport.write("quorum nobody\n", to: n.dir + "/bad.policy")
        let bad = try Self.run(n, ["policy", "set", "--ledger", "other", "bad.policy"])
        #expect(bad.status == 2 && bad.stderr.contains("bad.policy line 1: nobody is not a witness or group defined on an earlier line"), "\(bad.stderr)")
        #expect(try Self.run(n, ["policy", "show", "--ledger", "other"]).stdout.contains("quorum none"))
    }

    @Test(
        "sync pulls a peer from what it serves: all, then what is new, then nothing; an unreachable peer is one line while the others go on; killed at random moments, nothing lost or doubled; a forked peer is a FORK with its evidence kept"
    )
    func sync() throws {
        let n = try Self.secretariat()
        let (servers, url, node) = try Self.serving(n)
        defer { servers.stop() }
        try Self.node(n, "nowhere", "nowhere.example/node")
        let stranger = try Self.run(n, ["keys", "show", "--node", "--ledger", "nowhere"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try TestSupport.write("log \(node) \(url)\nlog \(stranger) http://127.0.0.1:1\nquorum none\n", to: n.dir + "/peers.policy")
        try Self.node(n, "m", "m.example/node")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "peers.policy"]).status == 0)
        // On a terminal, a bar while the peer is fetched and imported (ProgressTests' pseudo-terminal).
        try TestSupport.write("log \(node) \(url)\nquorum none\n", to: n.dir + "/peer.policy")
        try Self.node(n, "t", "t.example/node")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "t", "peer.policy"]).status == 0)
        let command = [TestSupport.productsDirectory + "/amparo", "sync", "--ledger", n.dir + "/t"].map { "'\($0)'" }.joined(separator: " ")
        let quiet = try TestSupport.runExecutable("/usr/bin/script", ["-qc", command + " --quiet", "/dev/null"]).stdout
        #expect(!quiet.contains("[") && quiet.contains("rcm.example/ts: 0 → "), "\(quiet)")
        try FileManager.default.removeItem(atPath: n.dir + "/t")
        try Self.node(n, "t", "t.example/node")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "t", "peer.policy"]).status == 0)
        let terminal = try TestSupport.runExecutable("/usr/bin/script", ["-qc", command, "/dev/null"]).stdout
        let total = try Checkpoint(text: SignedNote(parsing: try n.run(["checkpoint"]).stdout).text).size
        #expect(terminal.contains("syncing rcm.example/ts [==============================] \(total)/\(total) events"), "\(terminal)")
        // Killed at random moments: each sync is one transaction a peer.
        for delay in [0.05, 0.1, 0.15, 0.2, 0.3] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestSupport.productsDirectory + "/amparo")
            p.arguments = ["sync", "--ledger", n.dir + "/m"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let size = try Checkpoint(text: SignedNote(parsing: try n.run(["checkpoint"]).stdout).text).size
        let first = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(first.status == 2, "the unreachable peer: \(first.stderr)")
        #expect(!first.stderr.contains("["), "no bar but on a terminal: \(first.stderr)")
        #expect(first.stderrLines.count == 1 && first.stderr.contains("nowhere.example/node: not synced"), "\(first.stderr)")
        #expect(first.stdout.contains("rcm.example/ts: "), "\(first.stdout)")
        let log = try JSONParser.parse(try Self.run(n, ["log", "--ledger", "m", "--format", "json"]).stdout).arrayValue ?? []
        #expect(UInt64(log.count) == size, "every event once")
        #expect(Set(log.compactMap { $0["id"]?.stringValue }).count == log.count)
        #expect(try Self.run(n, ["verify", "--ledger", "m"]).status == 0)
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "peer.policy"]).status == 0)
        #expect(try Self.run(n, ["sync", "--ledger", "m"]).stdout == "rcm.example/ts: up to date at \(size) events\n")
        // The peer grows: only what is new.
        try FileManager.default.copyItem(atPath: n.dir + "/ledger", toPath: n.dir + "/fork")
        try n.act("MX", ["case", "request", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "m"])
        let grown = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(grown.status == 0, "\(grown.stderr)")
        #expect(grown.stdout.contains("\(size) → \(size + 1) events, 1 imported"), "\(grown.stdout)")
        // The same node key serving another history: FORK, evidence kept, nothing of it imported.
        let other = try Self.run(
            n,
            [
                "case", "request", "--ledger", "fork", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--to", "US", "--note", "NV-2", "--mission", "m",
                "--key", "MX.pem",
            ])
        #expect(other.status == 0, "\(other.stderr)")
        let forkURL = try servers.start(["serve", "--ledger", n.dir + "/fork", "--listen", "127.0.0.1:0"])
        try TestSupport.write("log \(node) \(forkURL)\nquorum none\n", to: n.dir + "/fork.policy")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "fork.policy"]).status == 0)
        let before = try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout
        let fork = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(fork.status == 1, "\(fork.stderr)")
        #expect(fork.stderr.contains("rcm.example/ts: FORK: \(forkURL): rcm.example/ts presents a log"), "\(fork.stderr)")
        #expect(try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout == before)
        let verify = try Self.run(n, ["verify", "--ledger", "m"])
        #expect(verify.status == 1 && verify.stdout.contains("FORK: rcm.example/ts signed two histories"), "\(verify.stdout)")
    }

    @Test(
        "sync submits the peer's checkpoint to the policy's witnesses with a proof from its mirror; a witness shown another tree of that size refuses it, keeps the conflict, and sync says so without failing the peer"
    )
    func syncWitnessesThePeer() throws {
        let n = try Self.secretariat()
        try Self.export(n, "ledger", "RCM-TS", "ts-0.bundle")
        try FileManager.default.copyItem(atPath: n.dir + "/ledger", toPath: n.dir + "/fork")
        let (servers, url, node) = try Self.serving(n)
        defer { servers.stop() }
        var witnesses: [String] = []
        for w in ["w1", "w2"] {
            try Self.node(n, w, "\(w).example/node")
            #expect(try Self.importing(n, w, "ts-0.bundle").status == 0)
            let vkey = try Self.run(n, ["witness", "key", "--ledger", w]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let witnessURL = try servers.start(Self.witnessArguments(n.dir + "/" + w))
            witnesses.append("witness \(w.uppercased()) \(vkey) \(witnessURL)")
        }
        try TestSupport.write((["log \(node) \(url)"] + witnesses + ["quorum none"]).joined(separator: "\n") + "\n", to: n.dir + "/p.policy")
        try Self.node(n, "m", "m.example/node")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "p.policy"]).status == 0)
        let size = try Checkpoint(text: SignedNote(parsing: try n.run(["checkpoint"]).stdout).text).size
        let first = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(first.status == 0 && first.stderr.isEmpty, "\(first.stderr)")
        #expect(first.stdout == "rcm.example/ts: 0 → \(size) events, \(size) imported, 0 already held; witnessed by W1, W2\n", "\(first.stdout)")
        #expect(try Self.run(n, ["witness", "list", "--ledger", "w1"]).stdout.hasPrefix("rcm.example/ts: cosigned \(size) events"))
        // The log grows by one: the witnesses hold the older size and take the proof from m's mirror.
        try n.act("MX", ["case", "request", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "m"])
        let grown = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(grown.stdout.contains("\(size) → \(size + 1) events, 1 imported"), "\(grown.stdout)")
        #expect(grown.stdout.hasSuffix(" already held; witnessed by W1, W2\n"), "\(grown.stdout)")
        #expect(grown.stderr.isEmpty, "\(grown.stderr)")
        #expect(try Self.run(n, ["witness", "list", "--ledger", "w2"]).stdout.hasPrefix("rcm.example/ts: cosigned \(size + 1) events"))
        // W3 was shown another tree of that size (the same key's other history) by someone else.
        try Self.node(n, "w3", "w3.example/node")
        #expect(try Self.importing(n, "w3", "ts-0.bundle").status == 0)
        let w3key = try Self.run(n, ["witness", "key", "--ledger", "w3"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let w3URL = try servers.start(Self.witnessArguments(n.dir + "/w3"))
        let other = try Self.run(
            n,
            [
                "case", "request", "--ledger", "fork", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--to", "US", "--note", "NV-2", "--mission", "m",
                "--key", "MX.pem",
            ])
        #expect(other.status == 0, "\(other.stderr)")
        try TestSupport.write("log \(node)\nwitness W3 \(w3key) \(w3URL)\nquorum none\n", to: n.dir + "/w3.policy")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "fork", "w3.policy"]).status == 0)
        #expect(try Self.run(n, ["checkpoint", "--ledger", "fork", "--collect"]).status == 0)
        try TestSupport.write(
            (["log \(node) \(url)"] + witnesses + ["witness W3 \(w3key) \(w3URL)", "quorum none"]).joined(separator: "\n") + "\n", to: n.dir + "/p3.policy")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "p3.policy"]).status == 0)
        let refused = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(refused.status == 0, "the peer synced: \(refused.stderr)")
        #expect(refused.stdout == "rcm.example/ts: up to date at \(size + 1) events; witnessed by W1, W2\n", "\(refused.stdout)")
        #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "amparo: rcm.example/ts: witness W3 did not cosign its checkpoint: \(w3URL) refused the checkpoint of \(size + 1) events of rcm.example/ts: it cosigned another tree of that size"
            ), "\(refused.stderr)")
        #expect(try Self.run(n, ["witness", "list", "--ledger", "w3"]).stdout.contains("1 contradicting checkpoint kept"))
        // A policy whose quorum the peer's checkpoint does not meet (it never collected): one line
        // naming the peer, exit 2, nothing changed; the other peers would go on.
        try TestSupport.write(
            (["log \(node) \(url)"] + witnesses + ["group G all W1 W2", "quorum G"]).joined(separator: "\n") + "\n", to: n.dir + "/q.policy")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "q.policy"]).status == 0)
        try n.act(
            "MX", ["network", "focal-point", "--occurred", "2015-06-01", "--office", "Consular Directorate", "--email", "fp@example.org", "--telephone", "1"])
        let before = try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout
        let quorum = try Self.run(n, ["sync", "--ledger", "m"])
        #expect(quorum.status == 2 && quorum.stdout.isEmpty, "\(quorum.stdout)")
        #expect(quorum.stderrLines.count == 1, "\(quorum.stderr)")
        #expect(
            quorum.stderr.contains(
                "amparo: rcm.example/ts: not synced: its checkpoint of \(size + 2) events is cosigned by no witness of the policy: the trust policy's quorum is not met"
            ), "\(quorum.stderr)")
        #expect(try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout == before)
    }

    /// A peer that lies, as a proxy in front of an honest `serve` (Python's standard library,
    /// started directly, with unbuffered output): it alters one kind of answer.
    static let lyingProxy = #"""
        import http.server, sys, urllib.request
        upstream, lie = sys.argv[1], sys.argv[2]
        class Lie(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                try:
                    body = urllib.request.urlopen(upstream + self.path).read()
                except Exception as e:
                    self.send_response(502); self.end_headers(); return
                if lie == "short-tile" and self.path.startswith("/tile/0/"): body = body[:-1]
                if lie == "other-entry" and self.path.startswith("/tile/entries/"):
                    i = body.index(b'"occurred":"') + 12
                    body = body[:i] + (b"1" if body[i:i+1] != b"1" else b"2") + body[i+1:]
                if lie == "placements" and self.path.startswith("/amparo/placed/"): body = body[:body.rindex(b"-\n")] + body[body.rindex(b"-\n")+2:]
                if lie == "noisy" and self.path == "/checkpoint":
                    body = b"\x1b[2Jwiped\nsecond line\x1b]0;title\x07"
                    self.send_response(503); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body); return
                if lie == "checkpoint" and self.path == "/checkpoint":
                    lines = body.split(b"\n"); lines[1] = str(int(lines[1]) + 1).encode(); body = b"\n".join(lines)
                self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        server = http.server.HTTPServer(("127.0.0.1", 0), Lie)
        print("http://127.0.0.1:%d" % server.server_address[1], flush=True)
        server.serve_forever()
        """#

    @Test(
        "a lying peer (a tile one byte short, an entry that is not its leaf, placements that do not number the tile, a checkpoint whose signature does not hold, an answer full of terminal escapes): one line naming it, exit 2, nothing held of it"
    )
    func lyingPeer() throws {
        let n = try Self.secretariat()
        let (servers, url, node) = try Self.serving(n)
        defer { servers.stop() }
        let size = try Checkpoint(text: SignedNote(parsing: try n.run(["checkpoint"]).stdout).text).size
        for (lie, message) in [
            ("short-tile", "tile 0/000.p/\(size) holds \(32 * size - 1) bytes, not \(32 * size)"),
            ("other-entry", "entry 0 is not the leaf its tile holds"),
            ("placements", "placements of entries 0 do not number \(size)"),
            ("checkpoint", "/checkpoint is not a checkpoint signed by rcm.example/ts"),
            // What the peer answered reaches stderr on one line, its escapes written out.
            ("noisy", "/checkpoint answered 503: \\u001b[2Jwiped second line\\u001b]0;title\\u0007"),
        ] {
            let proxy = Process()
            proxy.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            proxy.arguments = ["-c", Self.lyingProxy, url, lie]
            let out = Pipe()
            proxy.standardOutput = out
            proxy.standardError = FileHandle.nullDevice
            try proxy.run()
            servers.adopt(proxy)
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(line.hasPrefix("http://127.0.0.1:"), "\(line)")
            try Self.node(n, lie, "\(lie).example/node")
            try TestSupport.write("log \(node) \(line)\nquorum none\n", to: n.dir + "/\(lie).policy")
            #expect(try Self.run(n, ["policy", "set", "--ledger", lie, "\(lie).policy"]).status == 0)
            let before = try Self.run(n, ["checkpoint", "--ledger", lie]).stdout
            let synced = try Self.run(n, ["sync", "--ledger", lie])
            #expect(synced.status == 2, "\(lie): \(synced.stdout) \(synced.stderr)")
            #expect(synced.stderrLines.count == 1 && !synced.stderr.contains("\u{1B}"), "\(lie): \(synced.stderr)")
            #expect(synced.stderr.hasPrefix("amparo: rcm.example/ts: not synced: ") && synced.stderr.contains(message), "\(lie): \(synced.stderr)")
            #expect(try Self.run(n, ["checkpoint", "--ledger", lie]).stdout == before, "\(lie)")
            #expect(try Self.run(n, ["peers", "--ledger", lie]).stdout.contains("rcm.example/ts") == false, "\(lie): nothing held of it")
            kill(proxy.processIdentifier, SIGKILL)
            proxy.waitUntilExit()
        }
    }

    @Test("serve --sync-every syncs from the policy's peers in the background")
    func backgroundSync() throws {
        let n = try Self.secretariat()
        let (servers, url, node) = try Self.serving(n)
        defer { servers.stop() }
        try TestSupport.write("log \(node) \(url)\nquorum none\n", to: n.dir + "/peer.policy")
        try Self.node(n, "m", "m.example/node")
        #expect(try Self.run(n, ["policy", "set", "--ledger", "m", "peer.policy"]).status == 0)
        _ = try servers.start(["serve", "--ledger", n.dir + "/m", "--listen", "127.0.0.1:0", "--sync-every", "1s"])
        let size = try n.run(["checkpoint"]).stdout.split(separator: "\n")[1]
        var held = ""
        for _ in 0..<100 where held != size {
            Thread.sleep(forTimeInterval: 0.1)
            held = try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        }
        #expect(held == size, "the node did not sync in 10 s")
        for (flag, value, message) in [
            ("--chunk", "255", "--chunk 255 is out of range: give 256 to 1048576 events a transaction"),
            ("--chunk", "1048577", "--chunk 1048577 is out of range"), ("--every", "0s", "--every 0s is not a duration"),
        ] {
            let before = try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout
            let wrong = try Self.run(n, ["sync", "--ledger", "m", flag, value])
            #expect(wrong.status == 2 && wrong.stderr.contains(message), "\(wrong.stderr)")
            #expect(try Self.run(n, ["checkpoint", "--ledger", "m"]).stdout == before)
        }
        let bad = try TestSupport.run(["serve", "--ledger", n.dir + "/m", "--sync-every", "soon"])
        #expect(bad.status == 2 && bad.stderr.contains("--sync-every soon is not a duration"), "\(bad.stderr)")
    }

    @Test(
        "tools/federation: four nodes serving, witnessing and syncing under a 2-of-3 policy; the equivocating node is caught by every other node in one round"
    )
    func federationCommand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        // timeout(1) bounds the run: the script stops its servers itself (SIGTERM, then SIGKILL).
        let run = try TestSupport.runExecutable(
            "/usr/bin/timeout", ["-k", "10", "240", root + "/tools/federation", "--amparo", TestSupport.productsDirectory + "/amparo"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("a case recorded on Mexico's node reaches every node in one round"), "\(run.stdout)")
        for node in ["ts", "gt", "cr"] {
            #expect(run.stdout.contains("\(node): FORK of mx.example/sre detected; evidence kept"), "\(run.stdout)")
        }
        #expect(run.stdout.contains("mx's honest checkpoint: the quorum is met"), "\(run.stdout)")
        #expect(run.stdout.contains("federation: every other node detected the equivocation within one round"), "\(run.stdout)")
    }

    // MARK: Reproduction 4

    @Test("4. the assisting State records the scope agreed before the requesting State's note arrives: pending, then settled silently")
    func pendingReference() throws {
        let n = try Self.secretariat()
        // Costa Rica's node holds the case up to the selection; Mexico's formal request note to the
        // United States is on the Secretariat's node only…
        try Self.behindByOneNote(n, "cr", "cr.example/sre")
        // …and the United States, on the node that does not hold it yet, agrees the scope in reply.
        let agree = [
            "case", "agree", "--ledger", "cr", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note",
            "US-1", "--scope", "consular_visit", "--procedures", "visit", "--key", "US.pem",
        ]
        let recorded = try Self.run(n, agree)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("pending: case MX-2015-0001 names formal request note \"NV-1\""), "\(recorded.stderr)")
        let verify = try Self.run(n, ["verify", "--ledger", "cr"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("pending references"), "\(verify.stdout)")
        #expect(verify.stdout.contains("formal request note \"NV-1\""), "\(verify.stdout)")
        let pending = try JSONParser.parse(try Self.run(n, ["verify", "--ledger", "cr", "--format", "json"]).stdout)["pending"]?.arrayValue ?? []
        #expect(pending.count == 1 && pending.first?["field"]?.stringValue == "request_note", "\(pending)")
        let steps = try JSONParser.parse(try Self.run(n, ["replay", "MX-2015-0001", "--ledger", "cr", "--format", "json"]).stdout).arrayValue ?? []
        #expect(steps.last?["pending"]?["names"]?.stringValue == "NV-1")
        // A reference that contradicts what the node holds stays an input error: a note to the
        // United States held under another reference.
        let contradicting = try n.run([
            "case", "agree", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--request-note", "NV-9", "--reply-note", "US-1", "--scope",
            "consular_visit", "--procedures", "visit", "--key", n.dir + "/US.pem",
        ])
        #expect(contradicting.status == 2, "\(contradicting.stderr)")
        #expect(contradicting.stderr.contains("holds no formal request note \"NV-9\" to US"), "\(contradicting.stderr)")
        // The note arrives: verify is clean, and says nothing of it.
        try Self.export(n, "ledger", "RCM-TS", "ts-2.bundle")
        #expect(try Self.importing(n, "cr", "ts-2.bundle").status == 0)
        let settled = try Self.run(n, ["verify", "--ledger", "cr"])
        #expect(settled.status == 0, "\(settled.stdout)")
        #expect(!settled.stdout.contains("pending"), "\(settled.stdout)")
        #expect(settled.stdout.contains("clean, no breaches"), "\(settled.stdout)")
    }

    @Test("4. a reimbursement of a claim this node does not hold yet is pending, not LIFECYCLE; a claim of another case is an input error")
    func pendingClaim() throws {
        let n = try Self.secretariat()
        try Self.behindByOneNote(n, "mxnode", "mx.example/sre")
        try n.act(
            "US",
            [
                "case", "agree", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note", "US-1", "--scope",
                "consular_visit", "--procedures", "visit",
            ])
        try n.act(
            "US",
            ["case", "claim", "--case", "MX-2015-0001", "--occurred", "2015-04-07", "--from", "MX", "--amount", "10.00", "--currency", "USD", "--purpose", "x"])
        let claim = try VerdictTests.lastEventID(n)
        let reimburse = [
            "case", "reimburse", "--ledger", "mxnode", "--case", "MX-2015-0001", "--occurred", "2015-05-01", "--claim", claim, "--amount", "10.00",
            "--currency", "USD", "--key", "MX.pem",
        ]
        // Named in another case of a node that holds it: a mistake, not a pending reference.
        _ = try VerdictTests.file(n, occurred: "2015-04-08")
        let elsewhere = try n.run([
            "case", "reimburse", "--case", "MX-2015-0002", "--occurred", "2015-05-01", "--claim", claim, "--amount", "10.00", "--currency", "USD",
            "--key", n.dir + "/MX.pem",
        ])
        #expect(elsewhere.status == 2, "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("it belongs to case MX-2015-0001"), "\(elsewhere.stderr)")
        let recorded = try Self.run(n, reimburse)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("pending: case MX-2015-0001 names reimbursement claim \(claim)"), "\(recorded.stderr)")
        let verify = try Self.run(n, ["verify", "--ledger", "mxnode", "--format", "json"])
        let report = try JSONParser.parse(verify.stdout)
        #expect(!(report["breaches"]?.arrayValue ?? []).contains { $0["rule"]?.stringValue == "LIFECYCLE" }, "\(verify.stdout)")
        #expect(report["pending"]?.arrayValue?.first?["names"]?.stringValue == claim)
        try Self.export(n, "ledger", "RCM-TS", "ts-2.bundle")
        #expect(try Self.importing(n, "mxnode", "ts-2.bundle").status == 0)
        let settled = try JSONParser.parse(try Self.run(n, ["verify", "--ledger", "mxnode", "--format", "json"]).stdout)
        #expect(settled["pending"]?.arrayValue?.isEmpty == true, "\(settled)")
        #expect(!(settled["breaches"]?.arrayValue ?? []).contains { $0["rule"]?.stringValue == "LIFECYCLE" })
    }
}
