import Foundation
import Testing

@testable import Ledger

@Suite("C2SP signed notes, verifier keys, PKCS#8 keys")
struct SignedNoteTests {
    // The vector of shared/docs/formats.md (golang/mod sumdb/note, re-derived).
    static let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz\n-----END PRIVATE KEY-----\n"
    static let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let signatureLine = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test("the PKCS#8 key gives the vector's verifier key, and writes back the same PEM")
    func verifierKey() throws {
        let key = try SigningKey(pem: SignedNoteTests.pem, name: "PeterNeumann")
        #expect(key.verifierKey.description == SignedNoteTests.vkey)
        #expect(key.pem == SignedNoteTests.pem)
        #expect(try VerifierKey(parsing: SignedNoteTests.vkey) == key.verifierKey)
    }

    @Test("signing the vector's text gives its signature line byte for byte")
    func signature() throws {
        let key = try SigningKey(pem: SignedNoteTests.pem, name: "PeterNeumann")
        let note = try SignedNote.sign(text: SignedNoteTests.text, with: [key])
        #expect(note.serialized == SignedNoteTests.text + "\n" + SignedNoteTests.signatureLine)
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(try parsed.verified(by: [try VerifierKey(parsing: SignedNoteTests.vkey)]).count == 1)
    }

    @Test("a changed text, an unknown key only, or a bad signature by a known key fail")
    func verificationFailures() throws {
        let key = try SigningKey(pem: SignedNoteTests.pem, name: "PeterNeumann")
        let signed = try SignedNote.sign(text: SignedNoteTests.text, with: [key]).serialized
        let vkey = try VerifierKey(parsing: SignedNoteTests.vkey)
        let altered = try SignedNote(parsing: signed.replacingOccurrences(of: "cryptography", with: "cryptographY"))
        #expect(throws: LedgerError.code(.badSignature)) { try altered.verified(by: [vkey]) }
        let stranger = try SigningKey(name: "Stranger", seed: Array(repeating: 7, count: 32)).verifierKey
        #expect(throws: LedgerError.code(.badSignature)) { try SignedNote(parsing: signed).verified(by: [stranger]) }
        // Unknown signers are ignored as long as a known one verifies.
        let both = try SignedNote.sign(text: SignedNoteTests.text, with: [key, try SigningKey(name: "Stranger", seed: Array(repeating: 7, count: 32))])
        #expect(try SignedNote(parsing: both.serialized).verified(by: [vkey]) == [vkey])
    }

    @Test(
        "malformed verifier keys are refused with a reason",
        arguments: [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // wrong key id
            "PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // wrong algorithm byte
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // space in name
            "PeterNeumann", "", "PeterNeumann+c74f20a3+!!!",
        ])
    func badVerifierKeys(text: String) {
        #expect(throws: LedgerError.code(.badKey)) { try VerifierKey(parsing: text) }
    }

    @Test("malformed PEM is refused")
    func badPEM() {
        #expect(throws: LedgerError.code(.badKey)) { try SigningKey(pem: "hello", name: "X") }
        #expect(throws: LedgerError.code(.badKey)) {
            try SigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", name: "X")
        }
    }

    @Test("checkpoints round-trip and verify only under the origin's key")
    func checkpoints() throws {
        let key = try SigningKey(name: "rcm.example/ts", seed: Array(repeating: 3, count: 32))
        let cp = Checkpoint(origin: "rcm.example/ts", size: 42, root: Merkle.emptyRoot)
        let note = try cp.signed(by: key).serialized
        #expect(note.hasPrefix("rcm.example/ts\n42\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— rcm.example/ts "))
        #expect(try Checkpoint.verify(note: note, key: key.verifierKey) == cp)
        let other = try SigningKey(name: "rcm.example/ts", seed: Array(repeating: 4, count: 32))
        #expect(throws: LedgerError.self) { try Checkpoint.verify(note: note, key: other.verifierKey) }
    }

    @Test("openssl reads the private keys we write", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func opensslInterop() throws {
        let dir = NSTemporaryDirectory() + "pem-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let key = try SigningKey(generatingFor: "MX")
        try KeyFile.create(path: dir + "/mx.pem", text: key.pem)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/mx.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: LedgerError.code(.fileExists)) { try KeyFile.create(path: dir + "/mx.pem", text: "x") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["pkey", "-in", dir + "/mx.pem", "-pubout", "-outform", "DER"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let der = Array(out.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(Array(der.suffix(32)) == key.verifierKey.publicKey)
    }
}
