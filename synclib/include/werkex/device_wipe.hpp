// Remote wipe of a lost or stolen device. School IT marks the person's devices lost
// (`werkex-admin wipe PERSON_ID`); the server revokes their tokens and, when such a device
// next syncs, answers 401 with "wipe": true. SyncSession::run then wipes the device — if the
// device's setting allows it — and fails with WX_UNAUTHENTICATED saying so.
//
// The setting "wipe_on_revoke" is "on" or "off"; unset, it is on for pupils and parents
// (a minor's dossier on a personal phone) and off for staff, whose school may manage their
// devices otherwise. Changes made on the device and not yet synced are lost with the rest:
// that is the point of a wipe. A device the server never tells (it is never online again)
// keeps its data: apps keep the database and the photo folder encrypted at rest with the
// platform's file protection (README, "Encryption at rest").
#pragma once

#include "werkex/store.hpp"

namespace werkex {

class BlobStore;

inline constexpr const char* kWipeOnRevokeSetting = "wipe_on_revoke";

// Whether this device wipes itself when the server orders it.
Result<bool> wipe_on_revoke(const Replica& replica);

// Replica::wipe, then the blob files (`blobs` may be null: then the default store next to
// the replica's file, if it has one). Returns how many files were removed.
Result<size_t> wipe_device(Replica& replica, BlobStore* blobs);

}  // namespace werkex
