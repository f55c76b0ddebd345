import Agreement
import ArgumentParser
import Foundation
import Ledger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger.",
        discussion: """
            Given the Secretariat's private key (PKCS#8 PEM), this is the Secretariat's own node: it \
            writes ledger.genesis naming that key as root. Given only its public verifier key \
            (RCM-TS+KEYID+BASE64, in a file or on the command line), this is a ministry's node that \
            trusts that Secretariat and receives key registrations by bundle import.
            The node key signs this ledger's checkpoints; when --node-key is not given, or names a \
            file that does not exist, a new key is written there (default DIR/node.key, mode 0600).
            """ + " " + ExitStatus.making)

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The ledger's name: its checkpoint origin, e.g. rcm.example/ts.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("The Secretariat's private key (PEM), or its public verifier key.", valueName: "FILE"))
    var secretariatKey: String

    /// `--node-key` comes with the ledger options: the node key (PEM) that signs checkpoints
    /// (default DIR/node.key, created).
    var nodeKey: String? { ledger.nodeKey }

    func run() throws {
        let secretariat = try InitCommand.readSecretariatKey(secretariatKey)
        let (log, created) = try EventLog.create(path: ledger.path, name: name, secretariat: secretariat, nodeKeyPath: nodeKey)
        print("initialised ledger \(log.name) in \(ledger.path)")
        switch secretariat {
        case .privateKey:
            print("role: Secretariat node; ledger.genesis names \(log.trustAnchor.reference) as root key")
        case .verifierKey:
            print("role: ministry node trusting \(log.trustAnchor.reference); import the Secretariat's bundle to receive key registrations")
        }
        print("node key: \(nodeKey ?? ledger.path + "/node.key")\(created ? " (created, mode 0600)" : "")")
        print("node verifier key: \(log.nodeKey)")
        print(try log.checkpoint().serialized, terminator: "")
    }

    /// The trust anchor must be named for the Secretariat: the key authority is whoever its name names.
    static func secretariatVerifier(_ key: VerifierKey) throws -> VerifierKey {
        guard key.name == Codes.secretariat else {
            throw LedgerError(.badKey, "--secretariat-key names \(key.name), not \(Codes.secretariat): give the Secretariat's key")
        }
        return key
    }

    /// A PEM private key file, a file holding a verifier key, or the verifier key itself.
    static func readSecretariatKey(_ argument: String) throws -> EventLog.SecretariatKey {
        if FileManager.default.fileExists(atPath: argument) {
            let text = String(decoding: try readInput(argument), as: UTF8.self)
            if text.contains("-----BEGIN") {
                return .privateKey(try SigningKey(pem: text, name: Codes.secretariat))
            }
            return .verifierKey(try secretariatVerifier(try VerifierKey(parsing: text)))
        }
        if argument.contains("+") {
            return .verifierKey(try secretariatVerifier(try VerifierKey(parsing: argument)))
        }
        throw LedgerError(
            .badKey, "--secretariat-key \(argument): no such file (give the Secretariat's PEM private key or its verifier key RCM-TS+KEYID+BASE64)")
    }
}
