import Agreement
import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

extension Routes {
    // MARK: C2SP tlog-witness

    /// `POST /add-checkpoint`: status codes and bodies as c2sp.org/tlog-witness says; the 409 of a
    /// stale old size carries the size cosigned (`text/x.tlog.size`).
    static func addCheckpoint(_ request: Request, _ witness: Witness) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Witness.maximumBody)
        } catch {
            return plain(.contentTooLarge, "the request is larger than \(Witness.maximumBody) bytes\n")
        }
        let answer = try witness.addCheckpoint(Array(buffer: body), time: UInt64(max(0, Date().timeIntervalSince1970)))
        switch answer {
        case .cosigned(let lines): return plain(.ok, lines)
        case .conflict(let size, _): return plain(.conflict, "\(size)\n", type: "text/x.tlog.size")
        case .badRequest(let why): return plain(.badRequest, why + "\n")
        case .forbidden(let why): return plain(.forbidden, why + "\n")
        case .notFound(let why): return plain(.notFound, why + "\n")
        case .unprocessable(let why): return plain(.unprocessableContent, why + "\n")
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: C2SP tlog-tiles

    func checkpoint() throws -> Response {
        guard let (_, note) = try console.log.latestCheckpoint() else {
            throw HTTPError(.notFound, message: "this ledger holds no signed checkpoint yet")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache, max-age=0"],
            body: .init(byteBuffer: ByteBuffer(string: try FederationStore(log: console.log).cosigned(note))))
    }

    /// Tiles and entry bundles of the tree of the latest signed checkpoint: every one served is
    /// provable against a signed head, and never changes.
    /// `/amparo/placed/<N>[.p/<W>]`: for the entries of entry bundle N of the latest checkpoint's
    /// tree, one line each: `-` when this node first recorded it, else `<origin> <index>` where it
    /// was first recorded (what a bundle's placements say).
    func placed(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard case .entries(let n, let width)? = Tiles.parse(["entries"] + context.parameters.getCatchAll()) else {
            throw HTTPError(.notFound, message: "not an entry bundle path (N[.p/W], as c2sp.org/tlog-tiles spells it)")
        }
        let peers = PeerStore(log: console.log)
        let lines: String? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint(), n * UInt64(Tiles.fullWidth) + UInt64(width) <= size else { return nil }
            var out = ""
            for i in 0..<UInt64(width) {
                guard let raw = try console.log.rawEntry(at: n * UInt64(Tiles.fullWidth) + i + 1) else { return nil }
                let id = try SignedEvent(bytes: raw.bytes, checkCanonical: false).id
                out += try peers.placement(of: id).map { "\($0.origin) \($0.index)\n" } ?? "-\n"
            }
            return out
        }
        guard let lines else { throw HTTPError(.notFound, message: "no such entry bundle in the tree of the latest checkpoint") }
        return Self.plain(.ok, lines)
    }

    /// `/amparo/words/<N>[.p/<W>]`: the words this node holds of the free text of the entries of
    /// entry bundle N of the latest checkpoint's tree, one words part a line (RFC 8785 JSON, as a
    /// bundle carries them after its note); none for words erased here.
    func words(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard case .entries(let n, let width)? = Tiles.parse(["entries"] + context.parameters.getCatchAll()) else {
            throw HTTPError(.notFound, message: "not an entry bundle path (N[.p/W], as c2sp.org/tlog-tiles spells it)")
        }
        let lines: String? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint(), n * UInt64(Tiles.fullWidth) + UInt64(width) <= size else { return nil }
            var events: [SignedEvent] = []
            for i in 0..<UInt64(width) {
                guard let raw = try console.log.rawEntry(at: n * UInt64(Tiles.fullWidth) + i + 1) else { return nil }
                events.append(try SignedEvent(bytes: raw.bytes, checkCanonical: false))
            }
            return try console.log.wordsParts(of: events).map { String(decoding: $0.line + [0x0A], as: UTF8.self) }.joined()
        }
        guard let lines else { throw HTTPError(.notFound, message: "no such entry bundle in the tree of the latest checkpoint") }
        return Self.plain(.ok, lines, type: "application/x-ndjson")
    }

    func tile(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let segments = context.parameters.getCatchAll()
        guard let resource = Tiles.parse(segments) else { throw HTTPError(.notFound, message: "not a tile path (c2sp.org/tlog-tiles)") }
        // The checkpoint's size and the tile from one snapshot: an append meanwhile cannot make
        // the tile ask for hashes the snapshot does not hold.
        let bytes: [UInt8]? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint() else { return nil }
            return try console.log.tile(resource, size: size)
        }
        guard let bytes else { throw HTTPError(.notFound, message: "no such tile in the tree of the latest checkpoint") }
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
