import Foundation
import Ledger
import Zstd

/// A bundle read from a file, structurally sound (not yet checked against any key registry).
package struct ParsedBundle: Sendable {
    package let header: BundleHeader
    /// The events, in bundle order; empty when the bundle was only scanned (a streaming import
    /// reads them again in batches).
    package let events: [SignedEvent]
    /// How many events the bundle holds, and their bytes.
    package let count: Int
    package let eventBytes: Int
    /// Its key events with their index in the bundle (the registry is built from them first).
    package let keyEvents: [(index: Int, event: SignedEvent)]
    package let note: SignedNote
    /// What the bundle's content really is: Merkle root of its events and SHA-256 of every byte before the note.
    package let computedRoot: Hash32
    package let contentHash: Hash32
    /// The leaf hashes of each log the bundle carries (32 bytes each, from index 0): 0 is the
    /// origin's, k the relayed log `header.logs[k-1]`.
    package let leaves: [[UInt8]]
    /// Where each event was first recorded (``PlacementLines``).
    let placements: PlacementLines
    /// The words of the events' free text the bundle carries after its note (only when the events
    /// are kept), and how many parts there are.
    package var words: [WordsPart] = []
    package var wordsCount = 0

    /// The log (0 the origin's, k `header.logs[k-1]`) and index where event `i` (in bundle order)
    /// was first recorded.
    package func placement(_ i: Int) -> (log: Int, index: UInt64) { placements.placement(i) }

    /// The leaf hash at `index` of log `k`, if the bundle carries it.
    package func leaf(_ k: Int, _ index: UInt64) -> Hash32? {
        guard k < leaves.count, index < UInt64(leaves[k].count / 32) else { return nil }
        let at = Int(index) * 32
        return Array(leaves[k][at..<at + 32])
    }
}

/// A bundle that passed every check.
package struct VerifiedBundle: Sendable {
    package let parsed: ParsedBundle
    package let checkpoint: Checkpoint
    package let exporterKey: VerifierKey
    /// What was proven about the origin's log: "first bundle from this origin", "grew from 120 to 200 events", …
    package let growth: String
    /// The receiver's registry extended by the bundle's key events: what every event is checked against.
    package let registry: KeyRegistry
    /// What each log the bundle carries (0 the origin's, k the relayed `logs[k-1]`) is to what this
    /// ledger holds of it.
    package let placements: [Placement]
    /// The witnesses of the trust policy that cosigned the origin's checkpoint (empty without a policy).
    package var cosigners: [String] = []
    package var header: BundleHeader { parsed.header }
    package var events: [SignedEvent] { parsed.events }
    /// The forks found: one origin's log in the bundle that does not agree with what is held of it.
    package var forks: [(origin: String, evidence: ForkEvidence, held: String, withheld: UInt64, why: String)] {
        placements.compactMap { p in
            if case .fork(let evidence, let held, let branch, let why) = p.verdict { return (p.origin, evidence, held, p.checkpoint.size - branch, why) }
            return nil
        }
    }
    /// Whether event `i` of the bundle (in bundle order, with leaf hash `leaf`) is admitted: it
    /// must be the leaf its placement names (else the bundle is refused), and it is not admitted
    /// when that log is a fork's and the index lies on its other branch.
    package func admits(_ i: Int, leaf: Hash32, path: String) throws -> Bool {
        guard i < parsed.placements.count else { throw LedgerError(.corrupt, "\(path): event \(i + 1) has no placement; refused") }
        let (k, index) = parsed.placement(i)
        guard parsed.leaf(k, index) == leaf else {
            throw LedgerError(
                .corrupt,
                "\(path) line \(i + 3): the event is not the leaf \(index) of the log its placement names (\(placements[k].origin)); refused, nothing was written"
            )
        }
        if case .fork(_, _, let branch, _) = placements[k].verdict { return index < branch }
        return true
    }
}

/// Export, verification and import of signed event bundles between ledgers.
package enum Bundles {
}

/// What an import's screen sees: each admitted event, then the words of each free-text value
/// with the event it belongs to. An error it throws refuses the import whole.
package enum ScreenedItem {
    case event(SignedEvent)
    case words(WordsPart, of: Envelope)
}

/// The personal-data screen of an import (``Bundles/importBundle(path:into:bound:screen:progress:local:)``).
package typealias ImportScreen = (ScreenedItem) throws -> Void

/// An import that found a fork: what it did (the agreeing logs' events are imported, the other
/// branch is not), and the one line that says so. `code` is ``LedgerError/Code/fork``.
package struct ForkFound: Error, Sendable {
    package let result: Bundles.ImportResult
    package let message: String
    package var error: LedgerError { LedgerError(.fork, message) }
}

/// SHA-256 of the lines before the note, each with its newline.
struct ContentHasher {
    private var context = SHA256Context()
    mutating func line(_ line: [UInt8]) {
        context.update(line)
        context.update([0x0A])
    }
    mutating func finish() -> Hash32 { context.finish() }
}
