// issue_signoff_codes (signoff_codes.hpp).
#include "signoff_codes.hpp"

namespace werkex::server {

Result<std::vector<std::string>> issue_signoff_codes(AuthStore& auth, const std::string& placement,
                                                     const std::string& actor, bool reset,
                                                     uint64_t now_ms) {
  if (reset) {
    WX_ASSIGN_OR_RETURN(auto record, auth.pin(placement));
    if (!record) return make_error(WX_NOT_FOUND, "placement " + placement + " has no codes");
  }
  // Never the old codes again: one seen on the pupil's phone must not sign twice.
  WX_ASSIGN_OR_RETURN(auto codes, auth.issue_pin_codes(placement, kSignoffCodesPerList, now_ms));
  WX_RETURN_IF_ERROR(auth.audit(now_ms, actor, reset ? "pin_reset" : "pin_issued", placement,
                                std::to_string(codes.size()) + " new one-time codes"));
  return codes;
}

}  // namespace werkex::server
