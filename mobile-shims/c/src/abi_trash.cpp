// The C ABI over the trash (werkex_trash.h, werkex/trash.hpp).
#include "abi_internal.hpp"
#include "werkex/trash.hpp"

using namespace werkex;
using namespace werkex::abi;

extern "C" {

wx_buffer* wx_trash_list(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_trash_list",
                   [&](ReplicaCore& core) -> Result<std::string> {
                     WX_ASSIGN_OR_RETURN(auto entries, trash(*core.replica));
                     return trash_json(entries).dump();
                   });
}

bool wx_trash_restore(wx_replica* replica, const char* entity_id, wx_error* out_error) {
  return status_call(replica, out_error, "wx_trash_restore", [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(entity_id, "wx_trash_restore", "entity_id"));
    return restore(*core.replica, entity_id);
  });
}

}  // extern "C"
