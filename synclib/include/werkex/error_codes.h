/* The one list of werkex error codes, shared by the C ABI and the C++ library.
 *
 * Pure C so the mobile shims can include it; C++ uses the same enum (werkex::ErrorCode), so
 * the two can never drift apart. Codes are stable: never renumber, only append. The server
 * maps them to HTTP statuses and the CLI to exit codes (see each of those for the table). */
#ifndef WERKEX_ERROR_CODES_H
#define WERKEX_ERROR_CODES_H

typedef enum wx_error_code {
  WX_OK = 0,
  WX_INVALID_ARGUMENT = 1, /* malformed input: bad JSON, wrong type, unknown field, bad value */
  WX_NOT_FOUND = 2,        /* no such entity, blob or file */
  WX_CONFLICT = 3,         /* the write contradicts stored state: immutable field, deleted entity */
  WX_PERMISSION_DENIED = 4, /* the role or bucket may not do this */
  WX_IO = 5,                /* the file system or database failed */
  WX_CORRUPT = 6,           /* stored data or a received bundle does not have the expected shape */
  WX_CLOCK_SKEW = 7,        /* a timestamp is too far ahead of the receiver's clock */
  WX_UNAUTHENTICATED = 8,   /* missing, expired or revoked token */
  WX_UNAVAILABLE = 9,       /* transient: the network or the server is unreachable; retry */
  WX_TOO_LARGE = 10,        /* a body, batch or value exceeds a limit */
  WX_INTERNAL = 11,         /* a bug: an invariant did not hold */
  WX_RATE_LIMITED = 12,     /* transient: too many requests from this device; retry later */
  WX_CLOSED = 13            /* the handle was closed (C ABI): a bug in the caller, not transient */
} wx_error_code;

/* The highest code of this build, for tables that list them all. */
#define WX_ERROR_CODE_MAX WX_CLOSED

#endif
