import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An `HTTPClient` over URLSession, for `Transport.of(URLSessionHTTPClient())`.
///
/// The C callback is synchronous and runs on the thread that called `Sync.run` or a `Blobs`
/// network method, so `send` starts a data task and blocks that thread on a semaphore until the
/// task completes. URLSession delivers the completion on its own delegate queue, so this cannot
/// deadlock; but it does block the caller for the whole request. Therefore never sync from the
/// main thread (the UI would freeze, and the watchdog may kill the app): use
/// `Sync.runInBackground`, or a DispatchQueue of your own. Swift concurrency's cooperative
/// threads should not block either, which is why `runInBackground` uses a dispatch queue.
public final class URLSessionHTTPClient: HTTPClient, @unchecked Sendable {  // immutable
    private let session: URLSession
    private let timeout: TimeInterval

    /// `timeout`: the request's idle timeout (URLRequest.timeoutInterval), in seconds.
    public init(session: URLSession = .shared, timeout: TimeInterval = 60) {
        self.session = session
        self.timeout = timeout
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        assert(!Thread.isMainThread, "werkex network calls block: run them off the main thread")
        guard let url = URL(string: request.url) else { throw URLError(.badURL) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                                    timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        urlRequest.httpShouldHandleCookies = false
        for header in request.headers where !URLSessionHTTPClient.managed(header.name) {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }

        let outcome = Outcome()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            if let error {
                outcome.result = .failure(error)
            } else if let http = response as? HTTPURLResponse {
                outcome.result = .success(HTTPResponse(
                    status: http.statusCode, headers: URLSessionHTTPClient.headers(of: http),
                    body: data ?? Data()))
            } else {
                outcome.result = .failure(URLError(.badServerResponse))
            }
            outcome.done.signal()
        }
        task.resume()
        outcome.done.wait()  // the semaphore also orders the write of `result` before this read
        return try (outcome.result ?? .failure(URLError(.unknown))).get()
    }

    /// Headers URLSession sets itself; passing werkex's would conflict.
    private static func managed(_ name: String) -> Bool {
        ["content-length", "host", "connection", "transfer-encoding"].contains(name.lowercased())
    }

    private static func headers(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            guard let name = key as? String else { continue }
            headers[name] = value as? String ?? "\(value)"
        }
        return headers
    }
}

/// The data task's answer, handed from URLSession's queue to the waiting thread.
private final class Outcome: @unchecked Sendable {  // `result` is written before `done` signals
    let done = DispatchSemaphore(value: 0)
    var result: Result<HTTPResponse, Error>?
}
