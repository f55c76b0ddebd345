import Ledger

/// A cosigner's verifier key (C2SP tlog-cosignature Ed25519): `NAME+KEYID+BASE64(0x04 ‖ key)`.
package struct CosignerKey: Sendable, Hashable {
    package let name: String
    package let publicKey: [UInt8]
    package var keyID: [UInt8] { Cosigner.keyID(name: name, publicKey: publicKey) }

    package init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
    }

    package init(parsing text: String) throws(LedgerError) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let blob = [UInt8](base64: String(parts[2])), blob.count == 33, blob[0] == Cosigner.algorithm else {
            throw LedgerError(.badKey, "not a cosigner verifier key (NAME+KEYID+BASE64 of 0x04 and 32 bytes of Ed25519): \(text.prefix(80))")
        }
        let key = CosignerKey(name: String(parts[0]), publicKey: Array(blob.dropFirst()))
        guard key.keyID.hex == parts[1].lowercased(), parts[1].count == 8 else {
            throw LedgerError(.badKey, "cosigner verifier key \(key.name): key id \(parts[1]) does not match the key (expected \(key.keyID.hex))")
        }
        self = key
    }

    /// The time of `signature` (a line of a note whose text is `text`) when it is a valid v1
    /// cosignature by this key; nil when it is not this key's; throws when it is this key's and
    /// does not verify.
    package func time(of signature: SignedNote.Signature, text: String) throws(LedgerError) -> UInt64? {
        guard signature.name == name, signature.keyID == keyID else { return nil }
        guard signature.signature.count == 8 + 64 else { throw LedgerError(.badSignature, "the cosignature by \(name) is not 8 + 64 bytes") }
        let time = Array(signature.signature.prefix(8)).bigEndianUInt64
        let key = VerifierKey(name: name, publicKey: publicKey)
        guard key.isValidSignature(Array(signature.signature.suffix(64)), for: Cosigner.message(text: text, time: time)) else {
            throw LedgerError(.badSignature, "the cosignature by \(name) does not verify")
        }
        return time
    }
}

/// A C2SP tlog-policy: the logs and witnesses a node trusts, and the quorum of cosignatures a
/// checkpoint needs. One directive a line: `log <vkey> [<url>]`, `witness <name> <vkey> [<url>]`,
/// `group <name> all|any|<k> <member>…`, `quorum <name>|none`; `#` comments and blank lines.
package struct TrustPolicy: Sendable {
    package struct Log: Sendable {
        package let key: VerifierKey
        package let url: String?
    }
    package struct Witness: Sendable {
        package let name: String
        package let key: CosignerKey
        package let url: String?
    }
    package enum Member: Sendable, Hashable {
        case witness(Int)
        case group(Int)
    }
    package struct Group: Sendable {
        package let name: String
        package let threshold: Int
        package let members: [Member]
    }

    package let logs: [Log]
    package let witnesses: [Witness]
    package let groups: [Group]
    /// The quorum; nil for `quorum none`.
    package let quorum: Member?

    /// Bounds: the file, and logs, witnesses and groups each (the spec asks for at least 32).
    package static let maximumBytes = 64 << 10
    package static let maximumEntries = 256

    package init(parsing bytes: [UInt8], path: String) throws(LedgerError) {
        func bad(_ line: Int, _ why: String) -> LedgerError { LedgerError(.usage, "\(path) line \(line): \(why)") }
        guard bytes.count <= TrustPolicy.maximumBytes else {
            throw LedgerError(.usage, "\(path) is larger than \(TrustPolicy.maximumBytes) bytes, the bound for a policy")
        }
        if let i = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F }) {
            let line = bytes[..<i].filter { $0 == 0x0A }.count + 1
            throw bad(line, "a control character (only tab and newline are allowed)")
        }
        var logs: [Log] = []
        var witnesses: [Witness] = []
        var groups: [Group] = []
        var names: [String: Member] = [:]
        var quorum: Member??
        for (n, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = n + 1
            let words = raw.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(decoding: $0, as: UTF8.self) }
            guard let directive = words.first, !directive.hasPrefix("#") else { continue }
            switch directive {
            case "log":
                guard words.count == 2 || words.count == 3 else { throw bad(line, "expected \"log <vkey> [<url>]\"") }
                let key: VerifierKey
                do { key = try VerifierKey(parsing: words[1]) } catch { throw bad(line, error.message) }
                guard !logs.contains(where: { $0.key.publicKey == key.publicKey }) else { throw bad(line, "the log \(key.name) is listed twice") }
                logs.append(Log(key: key, url: words.count == 3 ? words[2] : nil))
            case "witness":
                guard words.count == 3 || words.count == 4 else { throw bad(line, "expected \"witness <name> <vkey> [<url>]\"") }
                let key: CosignerKey
                do { key = try CosignerKey(parsing: words[2]) } catch { throw bad(line, error.message) }
                guard words[1] != "none", names[words[1]] == nil else { throw bad(line, "the name \(words[1]) is already defined") }
                guard !witnesses.contains(where: { $0.key.publicKey == key.publicKey }) else {
                    throw bad(line, "the witness key of \(words[1]) is listed twice")
                }
                names[words[1]] = .witness(witnesses.count)
                witnesses.append(Witness(name: words[1], key: key, url: words.count == 4 ? words[3] : nil))
            case "group":
                guard words.count >= 4 else { throw bad(line, "expected \"group <name> all|any|<k> <member>...\"") }
                guard words[1] != "none", names[words[1]] == nil else { throw bad(line, "the name \(words[1]) is already defined") }
                var members: [Member] = []
                for name in words.dropFirst(3) {
                    guard let member = names[name] else { throw bad(line, "\(name) is not a witness or group defined on an earlier line") }
                    guard !members.contains(member) else { throw bad(line, "\(name) is listed twice in group \(words[1])") }
                    members.append(member)
                }
                let k: Int
                switch words[2] {
                case "all": k = members.count
                case "any": k = 1
                default:
                    guard let value = Int(words[2]), String(value) == words[2], value >= 1, value <= members.count else {
                        throw bad(line, "the threshold \(words[2]) is not all, any, or a number from 1 to \(members.count)")
                    }
                    k = value
                }
                names[words[1]] = .group(groups.count)
                groups.append(Group(name: words[1], threshold: k, members: members))
            case "quorum":
                guard words.count == 2 else { throw bad(line, "expected \"quorum <name>\" or \"quorum none\"") }
                guard quorum == nil else { throw bad(line, "a second quorum line (a policy has exactly one)") }
                if words[1] == "none" {
                    quorum = .some(nil)
                } else {
                    guard let member = names[words[1]] else { throw bad(line, "\(words[1]) is not a witness or group defined on an earlier line") }
                    quorum = .some(member)
                }
            default:
                throw bad(line, "unknown directive \"\(directive.prefix(40))\" (log, witness, group, quorum)")
            }
            guard logs.count <= TrustPolicy.maximumEntries, witnesses.count <= TrustPolicy.maximumEntries, groups.count <= TrustPolicy.maximumEntries else {
                throw bad(line, "more than \(TrustPolicy.maximumEntries) logs, witnesses or groups")
            }
        }
        guard let quorum else { throw LedgerError(.usage, "\(path) has no quorum line (\"quorum <name>\" or \"quorum none\")") }
        self.logs = logs
        self.witnesses = witnesses
        self.groups = groups
        self.quorum = quorum
    }

    /// What the policy says of a checkpoint note.
    package struct Verdict: Sendable {
        /// The listed log that signed it (nil: none did).
        package let log: VerifierKey?
        /// The policy's names of the witnesses whose cosignatures verify, in policy order.
        package let cosigned: [String]
        /// Cosignatures by listed witnesses that do not verify.
        package let bad: [String]
        /// Signed by a listed log and the quorum met.
        package let accepted: Bool
    }

    package func evaluate(_ note: SignedNote) -> Verdict {
        let log = logs.first { l in (try? note.verified(by: [l.key])) != nil }?.key
        var good = Set<Int>()
        var bad: [String] = []
        for (i, w) in witnesses.enumerated() {
            for sig in note.signatures {
                do {
                    if try w.key.time(of: sig, text: note.text) != nil { good.insert(i) }
                } catch {
                    bad.append(w.name)
                }
            }
        }
        func holds(_ m: Member) -> Bool {
            switch m {
            case .witness(let i): return good.contains(i)
            case .group(let g): return groups[g].members.filter(holds).count >= groups[g].threshold
            }
        }
        let met = quorum.map(holds) ?? true
        return Verdict(log: log, cosigned: good.sorted().map { witnesses[$0].name }, bad: bad, accepted: log != nil && met)
    }
}

/// The trust policy this node applies (`amparo policy set`), kept in the ledger (database
/// `policy`), and the cosignatures its own checkpoints collected (database `cosignatures`:
/// SHA-256 of the checkpoint text → the cosignature lines, one per witness).
package struct FederationStore {
    let log: EventLog

    package init(log: EventLog) {
        self.log = log
    }

    /// The policy and its text, when one is set.
    package func policy() throws -> (policy: TrustPolicy, text: String)? {
        guard let bytes = try log.read({ try $0.get(.policy, Array("policy".utf8)) }) else { return nil }
        return (try TrustPolicy(parsing: bytes, path: "the stored policy"), String(decoding: bytes, as: UTF8.self))
    }

    /// Sets the policy (checked first: a policy that does not parse is refused, nothing stored).
    package func setPolicy(_ bytes: [UInt8], path: String) throws -> TrustPolicy {
        let policy = try TrustPolicy(parsing: bytes, path: path)
        try log.write { try $0.put(.policy, Array("policy".utf8), bytes) }
        return policy
    }

    static func key(_ text: String) -> [UInt8] {
        var digest = SHA256Context()
        digest.update(Array(text.utf8))
        return digest.finish()
    }

    /// Keeps `line`, a cosignature of the checkpoint `text` (one per cosigner name: a newer one
    /// replaces it).
    package func addCosignature(_ line: String, name: String, text: String) throws {
        try log.write { txn in
            let held = try txn.get(.cosignatures, FederationStore.key(text)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let others = held.split(separator: "\n").filter { !$0.hasPrefix("— \(name) ") }.map { $0 + "\n" }.joined()
            try txn.put(.cosignatures, FederationStore.key(text), Array((others + line).utf8))
        }
    }

    /// How far `amparo sync` imported `origin`'s entries (the entries before that index are held),
    /// when a sync of it stopped part way; nil when none did (`sync`: origin → 8-byte index).
    package func syncedThrough(_ origin: String) throws -> UInt64? {
        guard let bytes = try log.read({ try $0.get(.sync, Array(origin.utf8)) }), bytes.count == 8
        else { return nil }
        return bytes.bigEndianUInt64
    }

    /// Records how far a sync of `origin` imported.
    package func setSyncedThrough(_ origin: String, _ index: UInt64) throws {
        try log.write { try $0.put(.sync, Array(origin.utf8), [UInt8](bigEndian: index)) }
    }

    /// `note` with the cosignatures kept for its checkpoint appended.
    package func cosigned(_ note: SignedNote) throws -> String {
        guard let lines = try log.read({ try $0.get(.cosignatures, FederationStore.key(note.text)) }) else { return note.serialized }
        return note.serialized + String(decoding: lines, as: UTF8.self)
    }
}
