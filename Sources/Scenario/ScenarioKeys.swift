import Crypto
import Ledger
import Synchronization

/// The scenario's signing keys. TEST-ONLY: every key is derived from a public phrase, so anyone
/// can sign as anyone with them. They exist to make the committed fixture reproducible; a real
/// node must never register them.
package enum ScenarioKeys {
    package static let phrase = "amparo scenario TEST-ONLY key, never for real use: "

    /// The test-only key of `actor` (a Member State, RCM-TS or IOM), derived once per process:
    /// the generator signs every event with one (deriving an Ed25519 key pair from its seed for
    /// each was 14 % of the demo's time).
    package static func key(_ actor: String) -> SigningKey {
        if let known = derived.withLock({ $0[actor] }) { return known }
        let seed = Array(SHA256.hash(data: Array((phrase + actor).utf8)))
        // Actor codes are valid key names and a SHA-256 digest is a valid 32-byte seed.
        guard let key = try? SigningKey(name: actor, seed: seed) else { preconditionFailure("\(actor) is not a valid key name") }
        derived.withLock { $0[actor] = key }
        return key
    }

    private static let derived = Mutex<[String: SigningKey]>([:])

    /// The ledger name the demo uses, and the test-only node key that signs its checkpoints.
    package static let ledgerName = "rcm.example/ts"
}
