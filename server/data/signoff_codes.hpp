// Sign-off codes for a placement (the PIN form of a supervisor's sign-off, signoff_check.hpp):
// the one implementation behind `werkex-admin pin` / `pin-reset` and the counsellor's Netwerk
// page. Codes live in server.db only (AuthStore::issue_pin_codes: HMAC under a per-placement
// secret); this adds the audit line each issue needs.
//
// Invariants: a new list voids every earlier code of the placement and clears its failures
// and lock; every issue is in the audit log (action pin_issued or pin_reset, target the
// placement, actor who asked). The caller checks that the placement exists and is theirs.
// Thread-safe as AuthStore is.
#pragma once

#include <string>
#include <vector>

#include "auth_store.hpp"

namespace werkex::server {

inline constexpr int kSignoffCodesPerList = 10;

// Fresh codes for `placement`, shown once. `reset`: only for a placement that had codes
// (WX_NOT_FOUND otherwise), audited as pin_reset. A renewal on a placement with codes is a
// reset; the first issue is pin_issued.
Result<std::vector<std::string>> issue_signoff_codes(AuthStore& auth, const std::string& placement,
                                                     const std::string& actor, bool reset,
                                                     uint64_t now_ms);

}  // namespace werkex::server
