#include "werkex/device_wipe.hpp"

#include <optional>

#include "werkex/blob_store.hpp"
#include "werkex/messages.hpp"

namespace werkex {

Result<bool> wipe_on_revoke(const Replica& replica) {
  WX_ASSIGN_OR_RETURN(auto set, replica.setting(kWipeOnRevokeSetting));
  if (set == "on") return true;
  if (set == "off") return false;
  if (set)
    return error_of(WX_INVALID_ARGUMENT, Msg::setting_on_off,
                    {{"setting", kWipeOnRevokeSetting}, {"value", *set}});
  const std::string& role = replica.identity().role;
  return role == "pupil" || role == "parent";
}

Result<size_t> wipe_device(Replica& replica, BlobStore* blobs) {
  std::optional<BlobStore> own;
  if (!blobs && !replica.path().empty() && replica.path() != ":memory:") {
    WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(replica));
    own.emplace(std::move(store));
    blobs = &*own;
  }
  WX_RETURN_IF_ERROR(replica.wipe());
  if (!blobs) return size_t{0};
  return blobs->remove_unreferenced();
}

}  // namespace werkex
