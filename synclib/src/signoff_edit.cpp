// Which sign-offs an edit would make stale, and the warning (signoff_edit.hpp).
#include "werkex/signoff_edit.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "signoff_util.hpp"
#include "werkex/signoff_words.hpp"

namespace werkex {

namespace so = signoff_detail;

json SignedBy::to_json() const {
  return {{"signoff", signoff},
          {"signer", signer},
          {"signer_name", signer_name},
          {"statement_date", statement_date},
          {"state", state}};
}

Result<std::vector<SignedBy>> signed_by(const EntityReader& replica, const std::string& entity_id) {
  WX_ASSIGN_OR_RETURN(json entry, replica.get(entity_id));
  Query q = Query::where("signoff", so::str(entry, "bucket"), "covers", entity_id);
  WX_ASSIGN_OR_RETURN(auto signoffs, replica.list(q));
  std::vector<SignedBy> out;
  for (const json& s : signoffs) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(replica, so::str(s, "id")));
    if (st.state != SignoffState::valid && st.state != SignoffState::pending) continue;
    SignedBy b{so::str(s, "id"), so::str(s, "signer"), "", so::str(s, "statement_date"),
               signoff_state_name(st.state)};
    if (auto person = replica.get(b.signer)) b.signer_name = so::str(*person, "name");
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(), [](const SignedBy& a, const SignedBy& b) {
    return std::tie(a.statement_date, a.signoff) < std::tie(b.statement_date, b.signoff);
  });
  return out;
}

Result<std::string> edit_warning(const EntityReader& replica, const std::string& entity_id) {
  WX_ASSIGN_OR_RETURN(auto by, signed_by(replica, entity_id));
  if (by.empty()) return std::string();
  WX_ASSIGN_OR_RETURN(json entry, replica.get(entity_id));
  std::string what = entry_type_label(so::str(entry, "type"));
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  std::string who;
  for (size_t i = 0; i < by.size(); ++i) {
    const SignedBy& b = by[i];
    who += (i == 0               ? ""
            : i + 1 == by.size() ? " en "
                                 : ", ") +
           (b.signer_name.empty() ? b.signer : b.signer_name) + " op " + b.statement_date;
  }
  const std::string article = so::str(entry, "type") == "contact" ? "Dit " : "Deze ";
  return article + what + " is afgetekend door " + who + "; na deze wijziging is de " +
         (by.size() == 1 ? "aftekening" : "aftekeningen") + " niet meer geldig.";
}

}  // namespace werkex
