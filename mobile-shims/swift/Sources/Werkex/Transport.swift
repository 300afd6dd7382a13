import CWerkex
import Foundation

/// One HTTP header, in the order werkex set it.
public struct HTTPHeader: Equatable, Sendable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One request werkex wants sent through an `HTTPClient`: method ("GET", "HEAD", "POST",
/// "PUT"), absolute URL, headers in order, and the body as bytes (blob chunks are binary).
public struct HTTPRequest: Sendable {
    public let method: String
    public let url: String
    public let headers: [HTTPHeader]
    public let body: Data

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name`, case-insensitively; nil if absent.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// The answer an `HTTPClient` got: any HTTP status (100...599; 4xx and 5xx included), headers
/// (werkex reads their names case-insensitively) and the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The app's HTTP stack, for `Transport.of(_:)`. `send` blocks until the answer is complete: it
/// runs on the thread that called the sync or blob method (never the main thread), one request
/// at a time per transport. Throw when no answer came (offline, timeout, TLS): the werkex call
/// then fails with `.unavailable` carrying the error's description and loses nothing. Every
/// werkex request is idempotent, so `send` may retry.
public protocol HTTPClient {
    func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// Options of the libcurl transport; nil members keep the library's defaults.
public struct CurlOptions: Encodable, Sendable {
    public var connectTimeoutMs: Int?
    public var timeoutMs: Int?
    public var maxAttempts: Int?
    public var backoffMs: Int?
    public var caFile: String?
    public var verifyPeer: Bool?
    public var userAgent: String?

    public init(connectTimeoutMs: Int? = nil, timeoutMs: Int? = nil, maxAttempts: Int? = nil,
                backoffMs: Int? = nil, caFile: String? = nil, verifyPeer: Bool? = nil,
                userAgent: String? = nil) {
        self.connectTimeoutMs = connectTimeoutMs
        self.timeoutMs = timeoutMs
        self.maxAttempts = maxAttempts
        self.backoffMs = backoffMs
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.userAgent = userAgent
    }

    enum CodingKeys: String, CodingKey {
        case connectTimeoutMs = "connect_timeout_ms"
        case timeoutMs = "timeout_ms"
        case maxAttempts = "max_attempts"
        case backoffMs = "backoff_ms"
        case caFile = "ca_file"
        case verifyPeer = "verify_peer"
        case userAgent = "user_agent"
    }
}

/// How `Sync` and `Blobs` reach the server: libcurl inside the library (`curl(options:)`, only
/// if the XCFramework was built with it) or the app's own HTTP stack (`of(_:)`, e.g.
/// `URLSessionHTTPClient`). Requests through one transport take turns. The native handle, and
/// the client, live as long as this object.
public final class Transport: @unchecked Sendable {  // the library serialises its use
    let handle: OpaquePointer

    private init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        wx_transport_release(handle)
    }

    /// libcurl with keep-alive and retries with backoff.
    public static func curl(options: CurlOptions? = nil) throws -> Transport {
        try WerkexLibrary.checkABI()
        let json = try options.map { try encodeJSON($0) }
        let handle = try withOptionalCString(json) { json in
            try checkHandle { wx_transport_new_curl(json, $0) }
        }
        return Transport(handle)
    }

    /// The app's HTTP stack; the transport keeps `client` until it is released.
    public static func of(_ client: any HTTPClient) throws -> Transport {
        try WerkexLibrary.checkABI()
        let context = Unmanaged.passRetained(ClientBox(client)).toOpaque()
        // The library owns `context` from here on: it calls releaseClientBox exactly once, when
        // the transport is released, or before wx_transport_new_callback returns if it fails.
        let handle = try checkHandle {
            wx_transport_new_callback(sendThroughClient, context, releaseClientBox, $0)
        }
        return Transport(handle)
    }
}

private final class ClientBox {
    let client: any HTTPClient
    init(_ client: any HTTPClient) { self.client = client }
}

/// The `wx_send_fn`: copies the request out of C, asks the client, and copies its answer into
/// the library's response. A Swift error never crosses the C frame: it becomes `false` with its
/// description in `outError`.
private func sendThroughClient(
    _ context: UnsafeMutableRawPointer?, _ request: UnsafePointer<wx_http_request>,
    _ response: OpaquePointer, _ outError: UnsafeMutablePointer<wx_error>
) -> Bool {
    guard let context else {
        writeError(outError, code: .internal, message: "callback transport without a client")
        return false
    }
    let client = Unmanaged<ClientBox>.fromOpaque(context).takeUnretainedValue().client
    let answer: HTTPResponse
    do {
        answer = try client.send(HTTPRequest(copying: request.pointee))
    } catch {
        writeError(outError, code: .unavailable, message: describe(error))
        return false
    }
    // Each setter writes outError itself when it refuses (a status outside 100...599).
    guard wx_http_response_set_status(response, Int32(clamping: answer.status), outError) else {
        return false
    }
    for (name, value) in answer.headers {
        guard wx_http_response_add_header(response, name, value, outError) else { return false }
    }
    return answer.body.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        wx_http_response_set_body(response, bytes.baseAddress, bytes.count, outError)
    }
}

private func releaseClientBox(_ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<ClientBox>.fromOpaque(context).release()
}

/// A message for a person: the error's own description where it has one (URLError's "The
/// Internet connection appears to be offline."), else its type and value.
private func describe(_ error: Error) -> String {
    if let localized = error as? LocalizedError, let text = localized.errorDescription {
        return text
    }
    let ns = error as NSError
    if ns.domain == NSURLErrorDomain { return ns.localizedDescription }
    return "\(type(of: error)): \(error)"
}

extension HTTPRequest {
    /// Copies everything: the C request is valid only during the callback.
    init(copying request: wx_http_request) {
        var headers: [HTTPHeader] = []
        if let list = request.headers {
            headers.reserveCapacity(request.header_count)
            for i in 0..<request.header_count {
                headers.append(HTTPHeader(name: String(cString: list[i].name),
                                          value: String(cString: list[i].value)))
            }
        }
        var body = Data()
        if let bytes = request.body, request.body_size > 0 {
            body = Data(bytes: bytes, count: request.body_size)
        }
        self.init(method: String(cString: request.method), url: String(cString: request.url),
                  headers: headers, body: body)
    }
}
