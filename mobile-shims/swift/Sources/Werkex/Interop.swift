import CWerkex
import Foundation

/// The library itself: its version, and the ABI check every handle-making call runs once.
public enum WerkexLibrary {
    /// The `WX_ABI_VERSION` this binding was written against.
    public static let bindingABIVersion = 2

    /// The library's version ("0.1.0").
    public static var version: String { String(cString: wx_version()) }

    /// The ABI version the linked library was built with.
    public static var abiVersion: Int { Int(wx_abi_version()) }

    // Computed once, thread-safely (a static let is initialised lazily under a lock).
    private static let abiMismatch: WerkexError? = {
        let linked = Int(wx_abi_version())
        guard linked != bindingABIVersion else { return nil }
        return WerkexError(
            code: .internal,
            message: "libwerkex speaks ABI \(linked), this Swift binding ABI \(bindingABIVersion):"
                + " rebuild CWerkex.xcframework and the package from one werkex version")
    }()

    static func checkABI() throws {
        if let abiMismatch { throw abiMismatch }
    }
}

// MARK: - Calling the C ABI

typealias ErrorPointer = UnsafeMutablePointer<wx_error>

/// Calls a C function that reports failure by returning false.
func check(_ call: (ErrorPointer) -> Bool) throws {
    var error = wx_error()
    let ok = withUnsafeMutablePointer(to: &error) { call($0) }
    if !ok { throw WerkexError(error) }
}

/// Calls a C function that returns a handle, or NULL on failure.
func checkHandle(_ call: (ErrorPointer) -> OpaquePointer?) throws -> OpaquePointer {
    var error = wx_error()
    guard let handle = withUnsafeMutablePointer(to: &error, { call($0) }) else {
        throw WerkexError(error)
    }
    return handle
}

/// Calls a C function that returns a `wx_buffer`, lets `read` copy what it needs out of the
/// bytes, and frees the buffer whatever happens.
func checkBuffer<R>(
    _ call: (ErrorPointer) -> UnsafeMutablePointer<wx_buffer>?,
    _ read: (UnsafeRawBufferPointer) throws -> R
) throws -> R {
    var error = wx_error()
    guard let buffer = withUnsafeMutablePointer(to: &error, { call($0) }) else {
        throw WerkexError(error)
    }
    defer { wx_buffer_free(buffer) }
    return try read(UnsafeRawBufferPointer(start: buffer.pointee.data, count: buffer.pointee.size))
}

/// A buffer as text (the library's JSON and ids are UTF-8).
func checkString(_ call: (ErrorPointer) -> UnsafeMutablePointer<wx_buffer>?) throws -> String {
    try checkBuffer(call) { String(decoding: $0, as: UTF8.self) }
}

/// A buffer as bytes, for JSONDecoder.
func checkData(_ call: (ErrorPointer) -> UnsafeMutablePointer<wx_buffer>?) throws -> Data {
    try checkBuffer(call) { Data($0) }
}

/// Hands an optional string to C: a NUL-terminated copy, or NULL.
func withOptionalCString<R>(
    _ string: String?, _ body: (UnsafePointer<CChar>?) throws -> R
) rethrows -> R {
    guard let string else { return try body(nil) }
    return try string.withCString { try body($0) }
}

// MARK: - JSON

/// JSON text of an options struct or an entity. The library reads it strictly, so a shape it
/// does not know comes back as `.invalidArgument` naming what is wrong.
func encodeJSON<T: Encodable>(_ value: T, encoder: JSONEncoder? = nil) throws -> String {
    let encoder = encoder ?? plainEncoder()
    do {
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    } catch {
        throw WerkexError(code: .invalidArgument,
                          message: "cannot encode \(T.self) as JSON: \(error)")
    }
}

/// Decodes the library's JSON. For the app's own types a mismatch is `.invalidArgument`; for
/// the report structs of this package it would be a binding bug (`.internal`).
func decodeJSON<T: Decodable>(
    _ type: T.Type, from data: Data, decoder: JSONDecoder? = nil,
    code: WerkexError.Code = .invalidArgument
) throws -> T {
    do {
        return try (decoder ?? JSONDecoder()).decode(type, from: data)
    } catch {
        throw WerkexError(code: code, message: "cannot decode \(T.self) from werkex JSON: \(error)")
    }
}

/// Sorted keys, and "/" left alone: stable text that is easy to read in logs.
func plainEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}
