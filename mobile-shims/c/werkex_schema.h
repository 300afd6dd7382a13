/* werkex_schema.h: a replica whose schema has the app's own entity types besides werkex's
 * (werkex/schema_extension.hpp). Included by werkex.h; the conventions of
 * werkex.h hold (last parameter wx_error*, buffers freed with wx_buffer_free). */
#ifndef WERKEX_SCHEMA_H
#define WERKEX_SCHEMA_H

#include "werkex.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#endif
WX_ASSUME_NONNULL_BEGIN

/* wx_replica_open with the built-in schema extended by schema_json, an object in the form of
 * the built-in schema document (wx_schema_builtin):
 *   {"types": {"<name>": {"bucket": "pupil"|"school", "write": [roles], "fields": {...}}},
 *    "enums": {...}, "enum_labels": {...}}   ("enums" optional; each enum needs its labels)
 * It only adds: a type or enum werkex has is refused, and so is any other key. The app's
 * types are written, read, queried and observed like werkex's; a werkex server refuses them
 * in a sync (its schema is the built-in one). Open the same file with the same extension
 * every time. Errors: WX_INVALID_ARGUMENT (options, or the extension: its message names
 * what is wrong; nothing is opened or created), WX_IO, WX_CORRUPT (not a werkex database). */
WX_API wx_replica* WX_NULLABLE wx_replica_open_with_schema(const char* path,
                                                           const char* WX_NULLABLE options_json,
                                                           const char* schema_json,
                                                           wx_error* WX_NULLABLE out_error);
/* The built-in schema document (JSON): the form an extension follows, and the names it may
 * not take. */
WX_API wx_buffer* WX_NULLABLE wx_schema_builtin(wx_error* WX_NULLABLE out_error);

WX_ASSUME_NONNULL_END
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* WERKEX_SCHEMA_H */
