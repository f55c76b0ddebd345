import Foundation
import Ledger

/// A ledger in a temporary directory with a Secretariat key and registered actor keys, made
/// through the library (fast) for unit tests.
public struct LedgerFixture {
    public let directory: String
    public let log: EventLog
    public let secretariat: SigningKey
    public var keys: [String: SigningKey] = [:]

    /// Deterministic test-only seeds: NOT for real use.
    public static func testKey(_ name: String, _ n: UInt8) -> SigningKey {
        try! SigningKey(name: name, seed: Array(repeating: n, count: 32))
    }

    public init(actors: [String] = ["MX", "CR"], mapSize: Int? = nil) throws {
        directory = try TestSupport.temporaryDirectory("ledger")
        secretariat = LedgerFixture.testKey("RCM-TS", 1)
        log = try EventLog.create(
            path: directory + "/L", name: "test.example/ts", secretariat: .privateKey(secretariat),
            nodeKeyPath: nil, mapSize: mapSize
        ).log
        for (i, actor) in actors.enumerated() {
            let key = LedgerFixture.testKey(actor, UInt8(10 + i))
            try register(key, validFrom: "2014-01-01")
            keys[actor] = key
        }
    }

    public var path: String { directory + "/L" }

    public func register(_ key: SigningKey, validFrom: String) throws {
        let draft = Draft(
            type: KeyRegistry.registeredType, occurred: .now(),
            payload: [
                "actor": .string(key.name), "public_key": .string(key.verifierKey.description), "valid_from": .string(validFrom),
            ])
        _ = try Recorder(log: log).record([.init(number: 1, draft: draft)], key: secretariat, keyFile: "secretariat")
    }

    /// A signed event by `actor` (not appended).
    public func event(
        _ actor: String, _ type: String = "case.request_filed", caseID: String? = "MX-2015-0001",
        occurred: String = "2015-04-01T10:00:00Z", payload: [String: JSONValue] = [:], id: EventID = .v7()
    ) -> SignedEvent {
        Envelope(id: id, type: type, caseID: caseID, actor: actor, occurred: Timestamp(parsing: occurred)!, payload: payload)
            .signed(by: keys[actor] ?? secretariat)
    }
}
