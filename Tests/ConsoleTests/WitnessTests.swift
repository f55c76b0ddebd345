import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing

@testable import Console

/// Issue 22, the witness: C2SP tlog-witness `POST /add-checkpoint` and tlog-cosignature v1, over
/// HTTP through the console's router, for a log the witness node knows from its bundle.
@Suite("C2SP tlog-witness (issue 22)", .serialized)
struct WitnessTests {
    struct Setup {
        let dir: String
        let witness: EventLog
        let log: EventLog
        let cosigner: Cosigner
        let console: Console
        let tsKey = LedgerFixture.testKey("RCM-TS", 1)
        let mxKey = LedgerFixture.testKey("MX", 2)

        init() throws {
            dir = try TestSupport.temporaryDirectory("witness")
            log = try EventLog.create(path: dir + "/b", name: "b.example/node", secretariat: .privateKey(tsKey)).log
            witness = try EventLog.create(path: dir + "/w", name: "w.example/node", secretariat: .verifierKey(try tsKey.renamed("RCM-TS").verifierKey)).log
            let reg = Draft(
                type: "key.registered", occurred: .now(),
                payload: ["actor": "MX", "public_key": .string(mxKey.verifierKey.description), "valid_from": "2014-01-01T00:00:00Z"])
            _ = try Recorder(log: log).record([.init(number: 1, draft: reg)], key: tsKey, keyFile: "ts")
            try Setup.grow(log, mxKey, 3, tag: "a")
            try Bundles.export(log: log, key: tsKey, keyFile: "ts", selection: .init(), out: dir + "/b.bundle")
            _ = try Bundles.importBundle(path: dir + "/b.bundle", into: witness)
            cosigner = try Witness.cosigner(for: witness, create: true).0
            var config = ConsoleConfiguration()
            config.cosigner = cosigner
            console = Console(log: witness, configuration: config)
        }

        static func grow(_ log: EventLog, _ key: SigningKey, _ count: Int, tag: String) throws {
            for i in 0..<count {
                let d = Draft(
                    type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-03-01")!.adding(seconds: Int64(i)),
                    payload: ["office": .string("\(tag) \(i)"), "email": "a@b", "telephone": "1"])
                _ = try log.append([d.envelope(actor: "MX").signed(by: key)])
            }
        }
    }

    static func body(old: UInt64, proof: [Hash32] = [], note: String) -> String {
        "old \(old)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + note
    }

    static func post(_ client: some TestClientProtocol, _ body: String) async throws -> (status: HTTPResponse.Status, type: String?, body: String) {
        try await client.execute(uri: "/add-checkpoint", method: .post, headers: [:], body: ByteBuffer(string: body)) { r in
            (r.status, r.headers[.contentType], String(buffer: r.body))
        }
    }

    /// The cosignature line's time, when it verifies for `text` under `cosigner`'s key id and key.
    static func cosignatureTime(_ line: String, text: String, cosigner: Cosigner) -> UInt64? {
        let fields = line.trimmingCharacters(in: .newlines).split(separator: " ")
        guard fields.count == 3, fields[0] == "—", fields[1] == Substring(cosigner.name), let blob = [UInt8](base64: String(fields[2])),
            blob.count == 4 + 8 + 64, Array(blob.prefix(4)) == cosigner.keyID
        else { return nil }
        let time = Array(blob[4..<12]).bigEndianUInt64
        let key = VerifierKey(name: cosigner.name, publicKey: cosigner.publicKey)
        return key.isValidSignature(Array(blob.suffix(64)), for: Cosigner.message(text: text, time: time)) ? time : nil
    }

    @Test("every status code of the spec over HTTP: 200 with a cosignature, 400, 403, 404, 409 with its size body, 422")
    func statusCodes() async throws {
        let s = try Setup()
        let note = try s.log.checkpoint()
        let size = try Checkpoint(text: note.text).size
        // Another log, unknown to the witness; a note of the known log signed by another key.
        let stranger = try Checkpoint(origin: "c.example/node", size: 1, root: Merkle.emptyRoot).signed(by: LedgerFixture.testKey("c.example/node", 9))
        let forged = try Checkpoint(text: note.text).signed(by: LedgerFixture.testKey("b.example/node", 10))
        try await Application(router: s.console.router()).test(.router) { client in
            #expect(try await Self.post(client, Self.body(old: 0, note: stranger.serialized)).status == .notFound)
            #expect(try await Self.post(client, Self.body(old: 0, note: forged.serialized)).status == .forbidden)
            #expect(try await Self.post(client, Self.body(old: size + 1, note: note.serialized)).status == .badRequest)
            for bad in [
                "old 0\n" + note.serialized, "old 01\n\n" + note.serialized, "new 0\n\n" + note.serialized, "old 0\nnot base64\n\n" + note.serialized,
                "old 0\n\nnot a note\n",
            ] {
                #expect(try await Self.post(client, bad).status == .badRequest, "\(bad.prefix(30))")
            }
            let tooMany = Self.body(old: 0, proof: Array(repeating: Merkle.emptyRoot, count: 64), note: note.serialized)
            #expect(try await Self.post(client, tooMany).status == .badRequest)
            // From nothing (old 0, no proof): cosigned.
            let first = try await Self.post(client, Self.body(old: 0, note: note.serialized))
            #expect(first.status == .ok, "\(first.body)")
            #expect(Self.cosignatureTime(first.body, text: note.text, cosigner: s.cosigner) != nil, "\(first.body)")
            // A stale old size: 409, the size cosigned in the body.
            let stale = try await Self.post(client, Self.body(old: 0, note: note.serialized))
            #expect(stale.status == .conflict)
            #expect(stale.type == "text/x.tlog.size")
            #expect(stale.body == "\(size)\n")
            // The log grows: a good proof is cosigned, a bad one is 422 and changes nothing.
            try Setup.grow(s.log, s.mxKey, 2, tag: "b")
            let grown = try s.log.checkpoint()
            let newSize = try Checkpoint(text: grown.text).size
            var proof = try s.log.consistencyProof(from: size, to: newSize)
            let good = proof
            proof[0][0] ^= 1
            #expect(try await Self.post(client, Self.body(old: size, proof: proof, note: grown.serialized)).status == .unprocessableContent)
            #expect(try Witness(log: s.witness, cosigner: s.cosigner).latest("b.example/node")?.size == size)
            #expect(try Witness(log: s.witness, cosigner: s.cosigner).conflicts("b.example/node") == 1, "the refused checkpoint is kept")
            // A body past the bound: 413, nothing read past it.
            let huge = "old 0\n" + String(repeating: "A", count: Witness.maximumBody + 1)
            #expect(try await Self.post(client, huge).status == .contentTooLarge)
            let second = try await Self.post(client, Self.body(old: size, proof: good, note: grown.serialized))
            #expect(second.status == .ok, "\(second.body)")
            #expect(try Witness(log: s.witness, cosigner: s.cosigner).latest("b.example/node")?.size == newSize)
            // A smaller tree than the one cosigned: the old size is past it (400), or stale (409).
            #expect(try await Self.post(client, Self.body(old: newSize, note: note.serialized)).status == .badRequest)
            #expect(try await Self.post(client, Self.body(old: 0, note: note.serialized)).status == .conflict)
        }
    }

    @Test("another tree of the size cosigned: 409, never cosigned, kept as fork evidence; two racing submissions: one wins, the other 409")
    func forksAndRaces() async throws {
        let s = try Setup()
        // The log's directory copied: two branches of one log, each signed by its node key.
        try FileManager.default.copyItem(atPath: s.dir + "/b", toPath: s.dir + "/b2")
        let other = try EventLog.open(path: s.dir + "/b2")
        let base = try s.log.checkpoint()
        let size = try Checkpoint(text: base.text).size
        try Setup.grow(s.log, s.mxKey, 1, tag: "one")
        try Setup.grow(other, s.mxKey, 1, tag: "two")
        let one = try s.log.checkpoint()
        let two = try other.checkpoint()
        #expect(one.text != two.text)
        try await Application(router: s.console.router()).test(.router) { client in
            #expect(try await Self.post(client, Self.body(old: 0, note: base.serialized)).status == .ok)
            // Both branches race from the size cosigned: exactly one is cosigned.
            async let a = Self.post(client, Self.body(old: size, proof: try s.log.consistencyProof(from: size, to: size + 1), note: one.serialized))
            async let b = Self.post(client, Self.body(old: size, proof: try other.consistencyProof(from: size, to: size + 1), note: two.serialized))
            let (ra, rb) = try await (a, b)
            #expect(Set([ra.status, rb.status]) == [.ok, .conflict], "\(ra.status) \(rb.status)")
            let won = ra.status == .ok ? one : two
            let lost = ra.status == .ok ? two : one
            #expect(try Witness(log: s.witness, cosigner: s.cosigner).latest("b.example/node")?.root == Checkpoint(text: won.text).root)
            // The loser, sent again from the size now cosigned: the same size with another root.
            let again = try await Self.post(client, Self.body(old: size + 1, note: lost.serialized))
            #expect(again.status == .conflict)
            #expect(again.body == "\(size + 1)\n")
            #expect(try Witness(log: s.witness, cosigner: s.cosigner).latest("b.example/node")?.root == Checkpoint(text: won.text).root)
            // Kept as evidence that checks with the log's key alone.
            let forks = try PeerStore(log: s.witness).forks()
            #expect(forks.map(\.origin) == ["b.example/node"])
            #expect(throws: Never.self) { try forks.first?.evidence.check() }
        }
    }

    @Test("with a token, add-checkpoint needs it, unless --public-log opens it with /checkpoint and the tiles")
    func access() async throws {
        let s = try Setup()
        let note = try s.log.checkpoint()
        for publicLog in [false, true] {
            var config = ConsoleConfiguration()
            config.cosigner = s.cosigner
            config.token = Array("0123456789abcdef0123".utf8)
            config.publicLog = publicLog
            let console = Console(log: s.witness, configuration: config)
            try await Application(router: console.router()).test(.router) { client in
                let r = try await Self.post(client, Self.body(old: 0, note: note.serialized))
                #expect(r.status == (publicLog ? .ok : .unauthorized), "public log \(publicLog): \(r.status)")
            }
        }
        // Without --witness there is no such route.
        try await Application(router: Console(log: s.witness, configuration: ConsoleConfiguration()).router()).test(.router) { client in
            let r = try await Self.post(client, Self.body(old: 0, note: note.serialized))
            #expect(r.status == .notFound)
        }
    }

    @Test("a cosignature checked by an independent implementation: Python's cryptography over the exact cosignature/v1 message and key id")
    func independentCheck() async throws {
        let s = try Setup()
        let note = try s.log.checkpoint()
        let line = try #require(
            try Witness(log: s.witness, cosigner: s.cosigner).addCheckpoint(Array(Self.body(old: 0, note: note.serialized).utf8), time: 1_700_000_000)
                .cosignedLine)
        let script = """
            import base64, hashlib, sys
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            vkey, text, line = open(sys.argv[1]).read().strip(), open(sys.argv[2]).read(), open(sys.argv[3]).read().strip()
            name, keyid, blob = vkey.split("+", 2)
            raw = base64.b64decode(blob)
            assert raw[0] == 4, "type byte"
            pub = raw[1:]
            assert hashlib.sha256(name.encode() + b"\\n" + b"\\x04" + pub).digest()[:4].hex() == keyid, "key id"
            dash, signer, sig = line.split(" ")
            assert dash == "\\u2014" and signer == name, "line"
            sig = base64.b64decode(sig)
            assert sig[:4].hex() == keyid, "line key id"
            t = int.from_bytes(sig[4:12], "big")
            msg = b"cosignature/v1\\ntime " + str(t).encode() + b"\\n" + text.encode()
            Ed25519PublicKey.from_public_bytes(pub).verify(sig[12:], msg)
            print("ok", t)
            """
        try TestSupport.write(script, to: s.dir + "/check.py")
        try TestSupport.write(s.cosigner.verifierKey, to: s.dir + "/w.vkey")
        try TestSupport.write(note.text, to: s.dir + "/note.txt")
        try TestSupport.write(line, to: s.dir + "/line.txt")
        let python = FileManager.default.fileExists(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let r = try TestSupport.runExecutable(python, [s.dir + "/check.py", s.dir + "/w.vkey", s.dir + "/note.txt", s.dir + "/line.txt"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "ok 1700000000\n", "\(r.stdout)")
    }
}

@Suite("C2SP tlog-policy (issue 22)")
struct PolicyTests {
    let logKey = LedgerFixture.testKey("log.example/a", 30)
    let w = (1...4).map { Cosigner(key: LedgerFixture.testKey("w\($0).example", UInt8(30 + $0))) }

    func policy(_ text: String) throws -> TrustPolicy { try TrustPolicy(parsing: Array(text.utf8), path: "policy") }

    var text: String {
        """
        # two of three witnesses
        log \(logKey.verifierKey.description) https://log.example/a
        witness W1 \(w[0].verifierKey)
        witness W2 \(w[1].verifierKey)
        \twitness W3 \(w[2].verifierKey)   
        group G 2 W1 W2 W3
        quorum G

        """
    }

    /// The log's checkpoint with the cosignature lines of `cosigners` (`bad`: one with a flipped byte).
    func note(_ cosigners: [Cosigner], bad: Cosigner? = nil, by key: SigningKey? = nil) throws -> SignedNote {
        let note = try Checkpoint(origin: "log.example/a", size: 9, root: Merkle.emptyRoot).signed(by: key ?? logKey)
        var lines = cosigners.map { $0.cosign(text: note.text, time: 1_700_000_000) }
        if let bad {
            var line = bad.cosign(text: note.text, time: 1_700_000_000)
            let blob = [UInt8](base64: String(line.dropFirst("— \(bad.name) ".count).dropLast()))!
            var flipped = blob
            flipped[20] ^= 1
            line = "— \(bad.name) \(flipped.base64)\n"
            lines.append(line)
        }
        return try SignedNote(parsing: note.serialized + lines.joined())
    }

    @Test("a group and a quorum applied: met with two of three, not met with one, an unknown witness ignored, a bad cosignature not counted")
    func quorum() throws {
        let p = try policy(text)
        #expect(p.logs.count == 1 && p.witnesses.count == 3 && p.groups.first?.threshold == 2)
        let met = p.evaluate(try note([w[0], w[1]]))
        #expect(met.accepted && met.cosigned == ["W1", "W2"])
        let one = p.evaluate(try note([w[0]]))
        #expect(!one.accepted && one.log != nil && one.cosigned == ["W1"])
        let unknown = p.evaluate(try note([w[0], w[3]]))
        #expect(!unknown.accepted && unknown.cosigned == ["W1"])
        let bad = p.evaluate(try note([w[0]], bad: w[2]))
        #expect(!bad.accepted && bad.bad == ["W3"])
        let all = p.evaluate(try note([w[0], w[1], w[2]]))
        #expect(all.accepted && all.cosigned == ["W1", "W2", "W3"])
        // Cosigned, but not by a listed log: refused.
        let stranger = p.evaluate(try note([w[0], w[1]], by: LedgerFixture.testKey("log.example/a", 99)))
        #expect(!stranger.accepted && stranger.log == nil)
        // quorum none: the log's signature alone.
        #expect(try policy("log \(logKey.verifierKey.description)\nquorum none\n").evaluate(try note([])).accepted)
        // Two levels of groups: all of (any of W1 W2) and W3.
        let nested = try policy(text.replacingOccurrences(of: "group G 2 W1 W2 W3\nquorum G", with: "group A any W1 W2\ngroup B all A W3\nquorum B"))
        #expect(nested.evaluate(try note([w[1], w[2]])).accepted)
        #expect(!nested.evaluate(try note([w[0], w[1]])).accepted)
    }

    @Test(
        "a policy that is not one is refused naming its line: no quorum, two quorums, a name not defined before, a threshold past its members, a key twice, an unknown directive, a control character"
    )
    func malformed() throws {
        let v = w[0].verifierKey
        let cases: [(String, String)] = [
            ("witness W1 \(v)\n", "has no quorum line"),
            ("witness W1 \(v)\nquorum W1\nquorum W1\n", "line 3: a second quorum line"),
            ("group G any W1\nwitness W1 \(v)\nquorum G\n", "line 1: W1 is not a witness or group defined on an earlier line"),
            ("witness W1 \(v)\ngroup G 2 W1\nquorum G\n", "line 2: the threshold 2 is not all, any, or a number from 1 to 1"),
            ("witness W1 \(v)\nwitness W2 \(v)\nquorum W1\n", "line 2: the witness key of W2 is listed twice"),
            ("witness W1 \(v)\ngroup G any W1 W1\nquorum G\n", "line 2: W1 is listed twice in group G"),
            ("witnesses W1 \(v)\nquorum none\n", "line 1: unknown directive"),
            ("witness W1 \(logKey.verifierKey.description)\nquorum W1\n", "line 1: not a cosigner verifier key"),
            ("quorum none\n\u{1B}[2J\n", "line 2: a control character"),
            ("witness none \(v)\nquorum none\n", "line 1: the name none is already defined"),
        ]
        for (text, expect) in cases {
            #expect {
                _ = try policy(text)
            } throws: { error in
                ((error as? LedgerError)?.message ?? "").contains(expect)
            }
        }
    }
}

extension Witness.Answer {
    var cosignedLine: String? { if case .cosigned(let line) = self { line } else { nil } }
}
