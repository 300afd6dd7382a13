import CWerkex
import Foundation

/// Options of a sync run; nil members keep the library's defaults.
public struct SyncOptions: Encodable, Sendable {
    public enum Wire: String, Encodable, Sendable {
        case json, cbor, msgpack
    }

    public var pageLimit: Int?
    public var maxRounds: Int?
    public var wire: Wire?

    public init(pageLimit: Int? = nil, maxRounds: Int? = nil, wire: Wire? = nil) {
        self.pageLimit = pageLimit
        self.maxRounds = maxRounds
        self.wire = wire
    }

    enum CodingKeys: String, CodingKey {
        case pageLimit = "page_limit"
        case maxRounds = "max_rounds"
        case wire
    }
}

/// What a sync run did (`wx_sync_run`). Refused changes also stay in `Replica.quarantine()`;
/// revoked dossiers (and their photos) are already gone from the device.
public struct SyncReport: Codable, Equatable, Sendable {
    /// A change the server refused.
    public struct Rejection: Codable, Equatable, Sendable {
        public let entity: String
        public let field: String
        /// The error code's name ("permission_denied").
        public let code: String
        public let message: String
    }

    public let rounds: Int
    public let pushed: Int
    public let pulled: Int
    public let applied: Int
    public let rejected: [Rejection]
    /// Buckets this device lost access to.
    public let revoked: [String]
    /// Server clock minus device clock.
    public let clockOffsetMs: Int64

    enum CodingKeys: String, CodingKey {
        case rounds, pushed, pulled, applied, rejected, revoked
        case clockOffsetMs = "clock_offset_ms"
    }
}

/// Syncs a replica with the school's server through a transport: `enroll` once, then `run`
/// whenever the app likes (after writes, on a timer, when the network comes back). A failed run
/// loses nothing; run it again (`WerkexError.isTransient` says when that may help).
///
/// `enroll` and `run` block until the network work is done: call them off the main thread
/// (`runInBackground` does). Thread-safe: holds no native state of its own.
public final class Sync: Sendable {
    public let replica: Replica
    public let transport: Transport

    public init(replica: Replica, transport: Transport) {
        self.replica = replica
        self.transport = transport
    }

    /// Trades a one-time enrolment code for this device's token and identity; set the server
    /// first (`Replica.setServer`).
    public func enroll(code: String) throws {
        try check { wx_sync_enroll(replica.handle, transport.handle, code, $0) }
    }

    /// Pushes what was written here and pulls what changed elsewhere until both are done.
    /// Errors: `.unavailable` / `.rateLimited` (transient), `.unauthenticated` (enroll again),
    /// `.clockSkew`, `.notFound` (no server set).
    public func run(options: SyncOptions? = nil) throws -> SyncReport {
        let json = try options.map { try encodeJSON($0) }
        let data = try withOptionalCString(json) { json in
            try checkData { wx_sync_run(replica.handle, transport.handle, json, $0) }
        }
        return try decodeJSON(SyncReport.self, from: data, code: .internal)
    }

    /// `run` with the options and the report as JSON text.
    public func runJSON(options: String? = nil) throws -> String {
        try withOptionalCString(options) { options in
            try checkString { wx_sync_run(replica.handle, transport.handle, options, $0) }
        }
    }

    /// `run(options:)` on a dispatch queue of its own, so neither the main thread nor a
    /// cooperative thread of Swift concurrency blocks while the transport waits.
    public func runInBackground(options: SyncOptions? = nil) async throws -> SyncReport {
        try await withCheckedThrowingContinuation { continuation in
            Sync.queue.async {
                continuation.resume(with: Result { try self.run(options: options) })
            }
        }
    }

    private static let queue = DispatchQueue(label: "nl.werkex.sync", qos: .utility)
}
