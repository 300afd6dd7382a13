/* werkex_trash.h: the trash (prullenbak) of the C ABI: deleted dossier entries their writer
 * can restore for 30 days (werkex/trash.hpp). Included by werkex.h; the conventions of
 * werkex.h hold (last parameter wx_error*, buffers freed with wx_buffer_free). */
#ifndef WERKEX_TRASH_H
#define WERKEX_TRASH_H

#include "werkex.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#endif
WX_ASSUME_NONNULL_BEGIN

/* The deleted entries this replica may restore now, most recently deleted first: a JSON
 * array of {"id","type","bucket","deleted_at","restorable_until","summary"} (times RFC 3339
 * UTC; an entry stays restorable for 30 days after its delete). */
WX_API wx_buffer* WX_NULLABLE wx_trash_list(wx_replica* replica, wx_error* WX_NULLABLE out_error);
/* Brings a deleted entry back with all its fields; the restore syncs like any write and wins
 * over the delete on every device. WX_CONFLICT if it is not deleted or its 30 days passed,
 * WX_PERMISSION_DENIED if this replica's role may not delete it either. */
WX_API bool wx_trash_restore(wx_replica* replica, const char* entity_id,
                             wx_error* WX_NULLABLE out_error);

WX_ASSUME_NONNULL_END
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* WERKEX_TRASH_H */
