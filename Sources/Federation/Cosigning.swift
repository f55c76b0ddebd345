import AsyncHTTPClient
import Bundles
import Foundation
import Ledger
import NIOCore
import NIOHTTP1

/// A node's own checkpoints collect cosignatures: each witness its trust policy names with a URL
/// gets the latest checkpoint with a consistency proof from the size it last cosigned
/// (c2sp.org/tlog-witness), and every cosignature that verifies with that witness's key is kept
/// beside the checkpoint (`FederationStore`), so that `amparo checkpoint`, `/checkpoint` and the
/// bundles this node exports carry it.
package enum Cosigning {
    /// What one witness answered.
    package struct Outcome: Sendable {
        package let witness: String
        package let cosigned: Bool
        package let detail: String
    }

    /// The most a witness's answer may hold.
    package static let maximumAnswer = 64 << 10

    /// Submits the latest checkpoint of `log` to each witness of `policy` that has a URL, one
    /// after the other; never throws for one witness's failure (it is that witness's outcome).
    package static func collect(log: EventLog, policy: TrustPolicy, timeout: Int64 = 10) async throws -> (note: SignedNote, outcomes: [Outcome]) {
        let note = try log.checkpoint()
        let checkpoint = try Checkpoint(text: note.text)
        let store = FederationStore(log: log)
        var outcomes: [Outcome] = []
        for witness in policy.witnesses {
            guard let url = witness.url else { continue }
            do {
                let line = try await submit(note: note, checkpoint: checkpoint, witness: witness, url: url, timeout: timeout, own: true) { old in
                    try log.consistencyProof(from: old, to: checkpoint.size)
                }
                try store.addCosignature(line, name: witness.key.name, text: note.text)
                outcomes.append(Outcome(witness: witness.name, cosigned: true, detail: "cosigned \(checkpoint.size) events"))
            } catch let error as LedgerError {
                outcomes.append(Outcome(witness: witness.name, cosigned: false, detail: error.message))
            } catch {
                outcomes.append(Outcome(witness: witness.name, cosigned: false, detail: "\(url): \(error)"))
            }
        }
        return (note, outcomes)
    }

    /// Submits a peer's checkpoint, already accepted by `amparo sync`, to each witness of `policy`
    /// with a URL but the peer's own (a witness does not witness its own node's log), with a
    /// consistency proof from the mirror this node holds of the peer: the witnesses see what this
    /// node was shown, so that a peer showing another history elsewhere meets a witness that refuses
    /// it (and keeps it as evidence). The cosignatures are the peer's to collect; none is kept here.
    package static func witnessPeer(
        log: EventLog, policy: TrustPolicy, peer: VerifierKey, url: String, note: SignedNote, timeout: Int64 = 10
    ) async -> [Outcome] {
        guard let checkpoint = try? Checkpoint(text: note.text) else { return [] }
        let peers = PeerStore(log: log)
        var outcomes: [Outcome] = []
        for witness in policy.witnesses {
            guard let witnessURL = witness.url, trimmed(witnessURL) != trimmed(url), witness.key.name != peer.name + "/witness" else { continue }
            do {
                _ = try await submit(note: note, checkpoint: checkpoint, witness: witness, url: witnessURL, timeout: timeout) { old in
                    try peers.consistencyProof(peer.name, from: old, to: checkpoint.size)
                }
                outcomes.append(Outcome(witness: witness.name, cosigned: true, detail: "cosigned \(checkpoint.size) events"))
            } catch let error as LedgerError {
                outcomes.append(Outcome(witness: witness.name, cosigned: false, detail: error.message))
            } catch {
                outcomes.append(Outcome(witness: witness.name, cosigned: false, detail: "\(witnessURL): \(error)"))
            }
        }
        return outcomes
    }

    static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// One witness: `old 0` first unless a 409 tells the size it holds, then the proof from it
    /// (`proof(old)`: the consistency proof from that size to the checkpoint's).
    static func submit(
        note: SignedNote, checkpoint: Checkpoint, witness: TrustPolicy.Witness, url: String, timeout: Int64, own: Bool = false,
        proof consistency: (UInt64) throws -> [Hash32]
    ) async throws -> String {
        var old: UInt64 = 0
        for _ in 0..<2 {
            let proof = old > 0 && old < checkpoint.size ? try consistency(old) : []
            let body = "old \(old)\n" + proof.map { $0.base64 + "\n" }.joined() + "\n" + note.serialized
            let (status, answer) = try await post(url, body: body, timeout: timeout)
            switch status {
            case 200:
                // Only a line by this witness's key that verifies is kept.
                for line in answer.split(separator: "\n") where line.hasPrefix("— \(witness.key.name) ") {
                    guard let parsed = try? SignedNote(parsing: note.text + "\n" + line + "\n"), let sig = parsed.signatures.first else { continue }
                    if (try? witness.key.time(of: sig, text: note.text)) != nil { return String(line) + "\n" }
                }
                throw LedgerError(.badSignature, "\(url) answered without a cosignature that verifies with \(witness.name)'s key")
            case 409:
                guard let held = UInt64(answer.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw LedgerError(.io, "\(url) answered 409 without the size it holds")
                }
                guard held <= checkpoint.size else {
                    throw LedgerError(
                        .fork,
                        own
                            ? "\(url) holds a checkpoint of \(held) events of this log, which has \(checkpoint.size): it was shown a history this node does not hold"
                            : "\(url) already holds a newer checkpoint of \(checkpoint.origin) (\(held) events)")
                }
                guard held != old else {
                    throw LedgerError(
                        .fork, "\(url) refused the checkpoint of \(checkpoint.size) events of \(checkpoint.origin): it cosigned another tree of that size")
                }
                old = held
            default:
                throw LedgerError(.io, "\(url) answered \(status): \(answer.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        throw LedgerError(.io, "\(url) did not cosign after it named the size it holds")
    }

    /// POSTs `body` to `<prefix>/add-checkpoint`; the status and at most 64 KiB of the answer.
    static func post(_ prefix: String, body: String, timeout: Int64) async throws -> (Int, String) {
        let base = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        var request = HTTPClientRequest(url: base + "/add-checkpoint")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await Clients.current.execute(request, timeout: .seconds(timeout))
        let answer = try await response.body.collect(upTo: maximumAnswer)
        return (Int(response.status.code), String(buffer: answer))
    }
}
