import CWerkex
import Foundation

/// How a replica is opened (`wx_replica_open`); nil members keep the library's defaults.
public struct ReplicaOptions: Encodable, Sendable {
    /// false trades power-loss safety for speed (bulk imports). Default true.
    public var durable: Bool?
    /// Where photos live; default "<path>.blobs".
    public var blobDirectory: String?

    public init(durable: Bool? = nil, blobDirectory: String? = nil) {
        self.durable = durable
        self.blobDirectory = blobDirectory
    }

    enum CodingKeys: String, CodingKey {
        case durable
        case blobDirectory = "blob_dir"
    }
}

/// Who writes on a device used without a server (with a server, enrolment sets it).
public struct Identity: Encodable, Sendable {
    public var user: String
    /// "pupil", "supervisor", "teacher", ...
    public var role: String
    public var bucket: String?
    public var schoolBucket: String?

    public init(user: String, role: String, bucket: String? = nil, schoolBucket: String? = nil) {
        self.user = user
        self.role = role
        self.bucket = bucket
        self.schoolBucket = schoolBucket
    }

    enum CodingKeys: String, CodingKey {
        case user, role, bucket
        case schoolBucket = "school_bucket"
    }
}

/// The dossier store on this device: one SQLite file that syncs with the school's server
/// (`Sync`) or with another replica directly (`exportChanges` / `importChanges`). Entities,
/// query results and most reports are JSON text in the shapes of werkex.h; the generic
/// variants encode and decode the app's Codable types. An entity's JSON keys are the schema's
/// field names (snake_case): give your types CodingKeys, or pass an encoder and decoder with
/// `.convertToSnakeCase` / `.convertFromSnakeCase`.
///
/// Threading: every method may be called from any thread; the library serialises calls on one
/// replica, except that other threads may use it while a sync or blob call waits on the network.
/// Observers run on the thread that wrote (see `observe`).
///
/// Ownership: the native handle lives as long as this object. `close()` closes the database
/// early (waiting for calls in progress on other threads); every later call throws `.closed`.
/// `dossier`, `blobs` and `signoffs` are views that keep the replica alive.
public final class Replica: @unchecked Sendable {  // the handle locks internally
    let handle: OpaquePointer

    /// Opens (or creates) the replica at `path` (a SQLite file).
    /// Errors: `.invalidArgument`, `.io`, `.corrupt` (not a werkex database).
    public convenience init(path: String, options: ReplicaOptions? = nil) throws {
        try self.init(path: path, optionsJSON: options.map { try encodeJSON($0) })
    }

    /// As `init(path:options:)` with the options as JSON text (nil: defaults).
    public init(path: String, optionsJSON: String?) throws {
        try WerkexLibrary.checkABI()
        handle = try withOptionalCString(optionsJSON) { options in
            try checkHandle { wx_replica_open(path, options, $0) }
        }
    }

    /// Opens (or creates) the replica with the built-in schema extended by the app's own
    /// entity types (`wx_replica_open_with_schema`): `schemaJSON` is an object in the form of
    /// `Replica.builtinSchema()`, `{"types": {...}, "enums": {...}, "enum_labels": {...}}`. It
    /// only adds: a type or enum werkex has, or any other key, throws `.invalidArgument`
    /// naming what is wrong, and nothing is opened or created. Open the same file with the
    /// same extension every time.
    public init(path: String, optionsJSON: String?, schemaJSON: String) throws {
        try WerkexLibrary.checkABI()
        handle = try withOptionalCString(optionsJSON) { options in
            try checkHandle { wx_replica_open_with_schema(path, options, schemaJSON, $0) }
        }
    }

    /// The built-in schema document (JSON): the form an extension follows, and the names it
    /// may not take.
    public static func builtinSchema() throws -> String {
        try WerkexLibrary.checkABI()
        return try checkString { wx_schema_builtin($0) }
    }

    deinit {
        wx_replica_release(handle)
    }

    /// Closes the database. Idempotent; waits for calls in progress on other threads. Must not
    /// be called from inside one of this replica's callbacks (an observer, an HTTPClient).
    public func close() throws {
        try check { wx_replica_close(handle, $0) }
    }

    /// What the device knows of itself: user, role, server, counts, last sync (JSON).
    public func status() throws -> String {
        try checkString { wx_replica_status(handle, $0) }
    }

    public func setIdentity(_ identity: Identity) throws {
        try setIdentity(json: encodeJSON(identity))
    }

    /// `{"user", "role", "bucket"?, "school_bucket"?}`
    public func setIdentity(json: String) throws {
        try check { wx_replica_set_identity(handle, json, $0) }
    }

    /// The sync server's base URL ("https://werkex.school.nl"); http:// or https:// only.
    public func setServer(_ url: String) throws {
        try check { wx_replica_set_server(handle, url, $0) }
    }

    // MARK: Entities

    /// Creates (no "id") or updates (with "id", only the fields given) an entity; its id.
    public func put(json: String) throws -> String {
        try checkString { wx_replica_put(handle, json, $0) }
    }

    /// `put(json:)` for a Codable entity; optional members that are nil are left out.
    public func put<T: Encodable>(_ entity: T, encoder: JSONEncoder? = nil) throws -> String {
        try put(json: encodeJSON(entity, encoder: encoder))
    }

    /// Guards against `put("{...}")`, which would pick the generic variant and send a JSON
    /// string instead of an object.
    @available(*, unavailable, message: "pass JSON text as put(json:)")
    public func put(_ entity: String) throws -> String { try put(json: entity) }

    /// The entity's document; `.notFound` if this replica never saw it. A deleted entity comes
    /// back with "deleted": true.
    public func get(_ id: String) throws -> String {
        try checkString { wx_replica_get(handle, id, $0) }
    }

    public func get<T: Decodable>(_ id: String, as type: T.Type, decoder: JSONDecoder? = nil)
        throws -> T
    {
        let data = try checkData { wx_replica_get(handle, id, $0) }
        return try decodeJSON(type, from: data, decoder: decoder)
    }

    /// Deletes the entity (a tombstone that syncs like any write).
    public func delete(_ id: String) throws {
        try check { wx_replica_delete(handle, id, $0) }
    }

    /// Brings back the value of `field` that lost a concurrent write (listed in "_conflicts").
    public func restoreLost(_ id: String, field: String) throws {
        try check { wx_replica_restore_lost(handle, id, field, $0) }
    }

    // MARK: Queries

    /// The matching entities, as a JSON array of documents.
    public func list(_ query: Query = .all) throws -> String {
        let json = try query.toJSON()
        return try checkString { wx_replica_list(handle, json, $0) }
    }

    public func list<T: Decodable>(_ query: Query = .all, as type: T.Type,
                                   decoder: JSONDecoder? = nil) throws -> [T] {
        let json = try query.toJSON()
        let data = try checkData { wx_replica_list(handle, json, $0) }
        return try decodeJSON([T].self, from: data, decoder: decoder)
    }

    public func count(_ query: Query = .all) throws -> Int {
        let json = try query.toJSON()
        var count: UInt64 = 0
        try check { wx_replica_count(handle, json, &count, $0) }
        return Int(clamping: count)
    }

    /// Every entity, canonical (sorted by id, keys sorted): equal text on converged replicas.
    public func dump() throws -> String {
        try checkString { wx_replica_dump(handle, $0) }
    }

    /// The Dutch and English labels of the schema's choices, for pickers: for `enumName`
    /// ("emotion") `{"geergerd": {"nl": "geërgerd", "en": "annoyed"}, ...}`, for nil every enum.
    /// Writes accept a label in place of the id.
    public func labels(_ enumName: String? = nil) throws -> String {
        try checkString { error in
            if let name = enumName {
                return name.withCString { wx_replica_labels(handle, $0, error) }
            }
            return wx_replica_labels(handle, nil, error)
        }
    }

    /// The changes the server refused: `[{"entity","field","code","message","at"}]`.
    public func quarantine() throws -> String {
        try checkString { wx_replica_quarantine(handle, $0) }
    }

    /// Clears the quarantine once the user has seen it.
    public func clearQuarantine() throws {
        try check { wx_replica_clear_quarantine(handle, $0) }
    }

    // MARK: Sync without a server

    /// The changes after local sequence `since` as a bundle (JSON) for another replica; at most
    /// `limit` entity updates (0: all).
    public func exportChanges(since: UInt64 = 0, limit: UInt64 = 0) throws -> String {
        try checkString { wx_replica_export(handle, since, limit, $0) }
    }

    /// Merges a bundle another replica exported; returns the import report
    /// `{"from","upto","received","applied","unchanged","rejected":[...]}`.
    public func importChanges(_ bundle: String) throws -> String {
        try checkString { wx_replica_import(handle, bundle, $0) }
    }

    // MARK: Observers

    /// Calls `onChange` with `[{"entity","type","bucket","deleted"}]` for every committed change
    /// of entities matching `query` (only its type and bucket may be set) until the returned
    /// subscription is cancelled or released: keep it.
    ///
    /// `onChange` runs on the thread that wrote (a local write, an import, or a sync applying
    /// what it pulled), after the commit, with the replica's lock held: it may call back into
    /// the replica but must not wait for another thread that uses it. Post UI work to the main
    /// queue with `DispatchQueue.main.async`, never `.sync`.
    public func observe(_ query: Query = .all, _ onChange: @escaping @Sendable (String) -> Void)
        throws -> Subscription
    {
        let json = try query.toJSON()
        let context = Unmanaged.passRetained(ObserverBox(onChange)).toOpaque()
        // The library owns `context` from here on: it calls releaseObserverBox exactly once,
        // when the observer is released, or before wx_replica_observe returns if it fails.
        let observer = try checkHandle {
            wx_replica_observe(handle, json, observerCallback, context, releaseObserverBox, $0)
        }
        return Subscription(observer)
    }

    // MARK: Views

    /// The cycle of handvat 12 as operations.
    public var dossier: Dossier { Dossier(replica: self) }
    /// Photos and files.
    public var blobs: Blobs { Blobs(replica: self) }
    /// Supervisor sign-off.
    public var signoffs: Signoffs { Signoffs(replica: self) }
    /// Deleted entries this device may restore (30 days after the delete).
    public var trash: Trash { Trash(replica: self) }
    /// Placement requests: the pupil asks, the counsellor answers.
    public var placementRequests: PlacementRequests { PlacementRequests(replica: self) }
}

/// A registered observer. `cancel()` (or releasing the last reference) stops it: once that
/// returns, the callback does not run again. Thread-safe; may outlive its replica. Do not cancel
/// it from inside its own callback.
public final class Subscription: @unchecked Sendable {  // `handle` is guarded by `lock`
    private let lock = NSLock()
    private var handle: OpaquePointer?

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    public func cancel() {
        lock.lock()
        let observer = handle
        handle = nil
        lock.unlock()
        wx_observer_release(observer)  // NULL (already cancelled) is ignored
    }

    deinit {
        wx_observer_release(handle)
    }
}

/// What the C observer's context points at: a retained box around the Swift closure.
private final class ObserverBox {
    let onChange: @Sendable (String) -> Void
    init(_ onChange: @escaping @Sendable (String) -> Void) { self.onChange = onChange }
}

private func observerCallback(
    _ context: UnsafeMutableRawPointer?, _ changes: UnsafePointer<CChar>, _ size: Int
) {
    guard let context else { return }
    let box = Unmanaged<ObserverBox>.fromOpaque(context).takeUnretainedValue()
    box.onChange(String(decoding: UnsafeRawBufferPointer(start: changes, count: size),
                        as: UTF8.self))
}

private func releaseObserverBox(_ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<ObserverBox>.fromOpaque(context).release()
}
