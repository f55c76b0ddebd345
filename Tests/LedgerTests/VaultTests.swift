import Crypto
import Foundation
import TestSupport
import Testing

@testable import Ledger

/// The vault below the command line: sealing, the master key's place, and erasure that leaves
/// neither the data, nor its raw data key, nor their sealed forms in any file.
@Suite("Vault")
struct VaultTests {
    static func vault() throws -> (Vault, String) {
        let dir = try TestSupport.temporaryDirectory("vault")
        try FileManager.default.createDirectory(atPath: dir + "/L", withIntermediateDirectories: true)
        return (try Vault(ledgerPath: dir + "/L", masterKeyPath: dir + "/L.master-key"), dir)
    }

    @Test("an entry round-trips, is bound to its case, and a master key inside the ledger directory is refused")
    func roundTrip() throws {
        let (vault, dir) = try Self.vault()
        let entry = Array(#"{"names":["Ana Pérez"]}"#.utf8)
        #expect(try vault.store(entry, caseID: "MX-2015-0001") == true)
        #expect(try vault.entry("MX-2015-0001") == entry)
        #expect(try vault.entry("MX-2015-0002") == nil)
        // Moved to another case's name, the entry does not open (it is bound to its case id).
        try FileManager.default.copyItem(atPath: dir + "/L/vault/MX-2015-0001.vault", toPath: dir + "/L/vault/MX-2015-0002.vault")
        #expect(throws: LedgerError.self) { try vault.entry("MX-2015-0002") }
        #expect(throws: LedgerError.self) { try Vault(ledgerPath: dir + "/L", masterKeyPath: dir + "/L/key") }
        let other = try Vault(ledgerPath: dir + "/L", masterKeyPath: dir + "/other-key")
        #expect(throws: LedgerError.self) { try other.entry("MX-2015-0001") }
    }

    @Test("after erasure no file of the ledger directory holds the plaintext, the raw data key, or their sealed forms")
    func erasure() throws {
        let (vault, dir) = try Self.vault()
        let plaintext = Array(#"{"names":["Zyxwvuta Quixotiqua"],"documents":["Q7654321"]}"#.utf8)
        try vault.store(plaintext, caseID: "MX-2015-0001")
        let file = try #require(TestSupport.contents(dir + "/L/vault/MX-2015-0001.vault"))
        let body = Array(file.dropFirst(Vault.magic.count))
        let (master, _) = try vault.masterKey(create: false)
        let rawKey = Array(try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: body.prefix(60)), using: master, authenticating: Array("MX-2015-0001".utf8)))
        #expect(rawKey.count == 32)
        // Replacing an entry overwrites the old one first.
        try vault.store(plaintext, caseID: "MX-2015-0001")
        #expect(try vault.erase("MX-2015-0001"))
        #expect(try vault.erase("MX-2015-0001") == false)
        for path in try FileManager.default.subpathsOfDirectory(atPath: dir + "/L") {
            guard let bytes = TestSupport.contents(dir + "/L/" + path) else { continue }
            for needle in [Array("Quixotiqua".utf8), rawKey, Array(body.prefix(60)), Array(body.dropFirst(60))] {
                #expect(bytes.firstRange(of: needle) == nil, "\(path)")
            }
        }
        #expect(try vault.entry("MX-2015-0001") == nil)
    }
}
