import AsyncHTTPClient
import Foundation
import Ledger
import NIOSSL
import Synchronization

/// The HTTP client every sync and cosigning request goes through. It verifies the peer's
/// certificate and host name (HTTPS): against the system's trust store, or, with a CA file
/// (`--ca-file`, else `$AMPARO_CA_FILE`), against the certificates in that file only.
package enum Clients {
    private static let custom = Mutex<HTTPClient?>(nil)

    /// The certificates of a PEM file (at most 1 MiB); `name` is how messages name it (e.g.
    /// "--tls-cert FILE"), `advice` what to give instead.
    package static func certificates(_ path: String, name: String, advice: String = "") throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(try FileIO.read(path, limit: 1 << 20))
        } catch let error as LedgerError {
            throw error
        } catch {
            certificates = []
        }
        guard !certificates.isEmpty else { throw LedgerError(.usage, "\(name) holds no PEM certificate\(advice)") }
        return certificates
    }

    /// Trust only the certificates in `caFile` (PEM) from now on. The client lives as long as the process.
    package static func trust(caFile: String) throws {
        let roots = try certificates(caFile, name: caFile, advice: "; give the CA certificate that signed the peers' certificates")
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(roots)
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        custom.withLock { $0 = client }
    }

    /// `--ca-file`, else `$AMPARO_CA_FILE` when set.
    package static func configure(caFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if let path = caFile ?? environment["AMPARO_CA_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) { try trust(caFile: path) }
    }

    static var current: HTTPClient { custom.withLock { $0 } ?? .shared }
}
