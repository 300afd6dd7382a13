// Notes to supervisors about sign-offs made in their name, and their list and dispute
// endpoints (notify.hpp).
#include "notify.hpp"

#include "app.hpp"
#include "http/negotiation.hpp"
#include "werkex/clock.hpp"

namespace werkex::server {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string name_of(const DossierStore& dossiers, const std::string& person) {
  auto p = dossiers.get(person);
  return p ? str(*p, "name") : std::string();
}

// An address libcurl may put in RCPT TO as is: no spaces, brackets or line breaks.
bool plain_address(const std::string& a) {
  if (a.size() < 3 || a.find('@') == std::string::npos) return false;
  for (char c : a)
    if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == '\x7f') return false;
  return true;
}

std::string statement_lines(const json& s) {
  std::string out;
  if (s.contains("hours")) out += "Hours: " + s["hours"].dump() + "\n";
  if (!str(s, "attendance").empty()) out += "Attendance: " + str(s, "attendance") + "\n";
  if (!str(s, "assessment").empty()) out += "Assessment: " + str(s, "assessment") + "\n";
  size_t covers = s.contains("covers") && s["covers"].is_array() ? s["covers"].size() : 0;
  out += "Entries covered: " + std::to_string(covers) + "\n";
  return out;
}

}  // namespace

Result<Notification> signoff_notification(const DossierStore& dossiers,
                                          const std::string& signoff_id, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(json s, dossiers.get(signoff_id));
  if (str(s, "type") != "signoff") return make_error(WX_NOT_FOUND, signoff_id + " is no sign-off");
  Notification n;
  n.signoff = signoff_id;
  n.person = str(s, "signer");
  n.placement = str(s, "placement");
  n.created_ms = now_ms;
  if (auto signer = dossiers.get(n.person); signer && plain_address(str(*signer, "email")))
    n.email = str(*signer, "email");
  std::string bucket = str(s, "bucket");
  std::string pupil = name_of(dossiers, bucket.substr(bucket.find(':') + 1));
  const std::string day = str(s, "statement_date");
  n.subject = "werkex: a sign-off in your name for " + pupil + " (" + day + ")";
  const bool pin = str(s, "method") == "pin";
  n.body = "A sign-off was made in your name in werkex.\n\nPupil: " + pupil + "\nDay: " + day +
           "\nHow: " +
           (pin ? "one of your one-time codes, typed on the pupil's phone"
                : "your device's signature, handed to the pupil's phone") +
           "\n" + statement_lines(s) + "Sign-off: " + signoff_id +
           "\n\nIf you did not make this sign-off, dispute it in the werkex app (or POST "
           "/v1/signoffs/" +
           signoff_id +
           "/dispute with a reason): it is then marked revoked and recorded in the school's audit "
           "log.\n";
  return n;
}

Status queue_signoff_notifications(const DossierStore& dossiers, AuthStore& auth,
                                   const std::vector<std::string>& ids,
                                   const std::set<std::string>& skip, uint64_t now_ms) {
  for (const std::string& id : ids) {
    if (skip.count(id)) continue;
    WX_ASSIGN_OR_RETURN(Notification n, signoff_notification(dossiers, id, now_ms));
    WX_RETURN_IF_ERROR(auth.queue_notification(n));
  }
  return Status::ok();
}

json notification_to_json(const Notification& n) {
  auto when = [](uint64_t ms) { return ms ? json(rfc3339_utc(ms)) : json(); };
  return {{"id", n.id},
          {"signoff", n.signoff},
          {"placement", n.placement},
          {"subject", n.subject},
          {"body", n.body},
          {"created_at", when(n.created_ms)},
          {"emailed_at", when(n.sent_ms)},
          {"disputed_at", when(n.disputed_ms)}};
}

http::Response App::handle_notifications(const http::Request& req, http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return refuse(req, device.error());
  auto notes = auth_->notifications_for(device->person);
  if (!notes) return http::error_response(req, notes.error());
  json list = json::array();
  for (const Notification& n : *notes) list.push_back(notification_to_json(n));
  return http::negotiated_response(req, 200, {{"notifications", std::move(list)}});
}

http::Response App::handle_dispute(const http::Request& req, const std::string& id,
                                   http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return refuse(req, device.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  const json& b = body.value;
  if (!b.is_object() || b.size() != 1 || !b.contains("reason") || !b["reason"].is_string() ||
      b["reason"].get_ref<const std::string&>().empty() ||
      b["reason"].get_ref<const std::string&>().size() > 150)
    return http::error_response(
        req, make_error(WX_INVALID_ARGUMENT,
                        "expected exactly {\"reason\": \"<why, 1 to 150 characters>\"}"));
  const std::string reason = "disputed by the supervisor: " + b["reason"].get<std::string>();
  std::lock_guard lock(mu_);
  const uint64_t now = now_ms();
  auto s = store_->get(id);
  // Someone else's sign-off gets the same answer as none at all.
  if (!s || str(*s, "type") != "signoff" || str(*s, "signer") != device->person)
    return http::error_response(
        req, make_error(WX_NOT_FOUND, "no sign-off " + id + " was made in your name"));
  if (s->contains("revoked_at"))
    return http::error_response(
        req, make_error(WX_CONFLICT,
                        "sign-off " + id + " was revoked already: " + str(*s, "revoked_reason")));
  auto put =
      store_->put({{"id", id}, {"revoked_at", rfc3339_utc(now)}, {"revoked_reason", reason}});
  if (!put) return http::error_response(req, put.error());
  Status noted = auth_->notification_disputed(id, now);
  if (noted)
    noted = auth_->audit(now, device->person, "signoff_disputed", str(*s, "placement"),
                         "signoff " + id + ": " + reason);
  if (!noted) return http::error_response(req, noted.error());
  return http::negotiated_response(
      req, 200, {{"signoff", id}, {"state", "revoked"}, {"revoked_reason", reason}});
}

}  // namespace werkex::server
