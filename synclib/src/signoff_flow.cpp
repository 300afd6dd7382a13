// The sign-off flows of a phone (signoff_flow.hpp) and the QR payload forms.
#include "werkex/signoff_flow.hpp"

#include <sodium.h>

#include <algorithm>

#include "signoff_util.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"
#include "werkex/wire_format.hpp"

namespace werkex {

namespace so = signoff_detail;

namespace {

Error bad_payload(std::string_view what, const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, std::string(what) + " payload: " + why);
}

std::string encode_payload(std::string_view prefix, const json& value) {
  std::vector<uint8_t> cbor = json::to_cbor(value);
  std::string b64(sodium_base64_encoded_len(cbor.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), cbor.data(), cbor.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(b64.size() - 1);  // the terminating NUL
  return std::string(prefix) + b64;
}

// Prefix, base64url and CBOR checked; the result is a JSON object.
Result<json> decode_payload(std::string_view prefix, std::string_view what,
                            std::string_view payload) {
  while (!payload.empty() &&
         (payload.back() == '\n' || payload.back() == '\r' || payload.back() == ' '))
    payload.remove_suffix(1);
  if (payload.substr(0, prefix.size()) != prefix)
    return bad_payload(what, "does not start with " + std::string(prefix));
  std::string_view b64 = payload.substr(prefix.size());
  if (b64.empty()) return bad_payload(what, "nothing after the prefix");
  std::vector<unsigned char> bin(b64.size());
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bin.data(), bin.size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != b64.data() + b64.size())
    return bad_payload(what, "not valid base64url (damaged or cut off?)");
  bin.resize(len);
  auto value = decode_body(std::string_view(reinterpret_cast<const char*>(bin.data()), len),
                           WireFormat::cbor);
  if (!value) return bad_payload(what, "not valid CBOR (damaged or cut off?)");
  if (!value->is_object()) return bad_payload(what, "not a CBOR map");
  return value;
}

Result<std::string> text_key(const json& obj, const char* key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string())
    return bad_payload(what, std::string("missing text \"") + key + "\"");
  return it->get<std::string>();
}

Status check_statement(const Schema& schema, const json& signoff) {
  const TypeSpec* t = schema.type("signoff");
  for (const char* k : {"hours", "attendance", "assessment"}) {
    const FieldSpec* f = t ? t->field(k) : nullptr;
    if (f && signoff.contains(k)) WX_RETURN_IF_ERROR(schema.validate_value(*f, signoff[k]));
  }
  return Status::ok();
}

}  // namespace

std::vector<std::string> SignRequest::covers() const {
  std::vector<std::string> out;
  for (const json& c : contents) out.push_back(so::str(c, "id"));
  std::sort(out.begin(), out.end());
  return out;
}

std::string encode_sign_request(const SignRequest& r) {
  return encode_payload(
      kSignRequestPrefix,
      {{"p", r.placement}, {"s", r.signer}, {"d", r.date}, {"c", r.contents}, {"b", r.bucket}});
}

Result<SignRequest> decode_sign_request(std::string_view payload) {
  constexpr std::string_view what = "sign request";
  WX_ASSIGN_OR_RETURN(json v, decode_payload(kSignRequestPrefix, what, payload));
  SignRequest r;
  WX_ASSIGN_OR_RETURN(r.placement, text_key(v, "p", what));
  WX_ASSIGN_OR_RETURN(r.signer, text_key(v, "s", what));
  WX_ASSIGN_OR_RETURN(r.date, text_key(v, "d", what));
  WX_ASSIGN_OR_RETURN(r.bucket, text_key(v, "b", what));
  if (!is_valid_entity_id(r.placement) || !is_valid_entity_id(r.signer))
    return bad_payload(what, "\"p\" and \"s\" must be entity ids");
  if (!is_valid_date(r.date)) return bad_payload(what, "\"d\" is not a date YYYY-MM-DD");
  if (r.bucket.rfind("pupil:", 0) != 0) return bad_payload(what, "\"b\" is not a pupil's dossier");
  auto c = v.find("c");
  if (c == v.end() || !c->is_array() || c->empty())
    return bad_payload(what, "missing the covered entries \"c\"");
  for (const json& e : *c) {
    if (!e.is_object() || !is_valid_entity_id(so::str(e, "id")) || so::str(e, "type").empty() ||
        !e.contains("fields") || !e["fields"].is_object())
      return bad_payload(what, "a covered entry is not {id, type, fields}");
    r.contents.push_back(e);
  }
  return r;
}

std::string encode_signature_payload(const json& signoff) {
  return encode_payload(kSignaturePrefix, signoff);
}

Result<json> decode_signature_payload(std::string_view payload) {
  constexpr std::string_view what = "signature";
  WX_ASSIGN_OR_RETURN(json v, decode_payload(kSignaturePrefix, what, payload));
  if (so::str(v, "type") != "signoff") return bad_payload(what, "not a signoff");
  for (const char* k : {"id", "bucket", "placement", "content_hash", "statement_date", "signer",
                        "method", "key_id", "signature", "signed_at"}) {
    WX_RETURN_IF_ERROR(text_key(v, k, what).status());
  }
  if (!is_valid_entity_id(so::str(v, "id"))) return bad_payload(what, "\"id\" is not an entity id");
  if (so::covers_of(v).empty()) return bad_payload(what, "missing \"covers\"");
  if (so::str(v, "method") != "key") return bad_payload(what, "method must be \"key\"");
  return v;
}

// ---- flows --------------------------------------------------------------------------------

std::string Signoffs::today() {
  return rfc3339_utc(replica_.clock().physical_millis()).substr(0, 10);
}

Result<json> Signoffs::load_covers(const std::vector<std::string>& covers, std::string& bucket) {
  if (covers.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::sign_needs_entry);
  json contents = json::array();
  for (const std::string& id : covers) {
    WX_ASSIGN_OR_RETURN(json doc, replica_.get(id));
    if (doc.value("deleted", false))
      return error_of(WX_CONFLICT, Msg::entity_deleted,
                      {{"type", so::str(doc, "type")}, {"id", id}});
    std::string b = so::str(doc, "bucket");
    if (!bucket.empty() && b != bucket) return error_of(WX_INVALID_ARGUMENT, Msg::sign_one_pupil);
    bucket = b;
    WX_ASSIGN_OR_RETURN(json c, canonical_content(replica_, id));
    contents.push_back(std::move(c));
  }
  return contents;
}

Result<std::string> Signoffs::pick_placement(const Statement& st, const std::string& pupil,
                                             const std::string& supervisor,
                                             const std::string& date) {
  if (!is_valid_date(date)) return error_of(WX_INVALID_ARGUMENT, Msg::not_a_date, {{"date", date}});
  if (!st.placement.empty()) return st.placement;
  WX_ASSIGN_OR_RETURN(auto all, replica_.list(Query::where("placement", "", "pupil", pupil)));
  std::vector<std::string> fit;
  for (const json& p : all) {
    if (!supervisor.empty() && so::str(p, "supervisor") != supervisor) continue;
    std::string start = so::str(p, "start_date"), end = so::str(p, "end_date");
    if (!is_valid_date(start) || !is_valid_date(end)) continue;
    int64_t d = so::day_number(date);
    if (d >= so::day_number(start) && d <= so::day_number(end)) fit.push_back(so::str(p, "id"));
  }
  if (fit.size() == 1) return fit.front();
  return error_of(fit.empty() ? WX_NOT_FOUND : WX_INVALID_ARGUMENT,
                  fit.empty() ? Msg::placement_none_on : Msg::placement_several_on,
                  {{"pupil", pupil}, {"date", date}});
}

json Signoffs::new_signoff(const std::string& placement, const std::vector<std::string>& covers,
                           const std::string& hash, const std::string& date,
                           const std::string& signer, const std::string& bucket,
                           const Statement& st) {
  json s = {{"id", new_uuid_v7(replica_.clock().physical_millis())},
            {"type", "signoff"},
            {"bucket", bucket},
            {"placement", placement},
            {"covers", covers},
            {"content_hash", hash},
            {"statement_date", date},
            {"signer", signer},
            {"signed_at", rfc3339_utc(replica_.clock().physical_millis())}};
  if (st.hours) {
    // Whole hours as integers, so every JSON/CBOR round trip prints them the same way.
    double h = *st.hours;
    if (h == static_cast<double>(static_cast<int64_t>(h)))
      s["hours"] = static_cast<int64_t>(h);
    else
      s["hours"] = h;
  }
  if (!st.attendance.empty()) s["attendance"] = st.attendance;
  if (!st.assessment.empty()) s["assessment"] = st.assessment;
  return s;
}

Result<std::string> Signoffs::sign(const std::vector<std::string>& covers_in,
                                   const Statement& given) {
  Statement st = given;
  if (st.date.empty()) st.date = today();
  std::vector<std::string> covers = covers_in;
  std::sort(covers.begin(), covers.end());
  covers.erase(std::unique(covers.begin(), covers.end()), covers.end());
  WX_ASSIGN_OR_RETURN(auto secret, replica_.setting("signing.secret_key"));
  WX_ASSIGN_OR_RETURN(auto key_id, replica_.setting("signing.key_id"));
  if (!secret || !key_id) return error_of(WX_PERMISSION_DENIED, Msg::no_signing_key);
  if (!is_valid_date(st.date))
    return error_of(WX_INVALID_ARGUMENT, Msg::not_a_date, {{"date", st.date}});
  std::string bucket;
  WX_ASSIGN_OR_RETURN(json contents, load_covers(covers, bucket));
  const std::string me = replica_.identity().user;
  WX_ASSIGN_OR_RETURN(std::string placement,
                      pick_placement(st, bucket.substr(bucket.find(':') + 1), me, st.date));
  json s = new_signoff(placement, covers, content_hash_of(contents), st.date, me, bucket, st);
  s["method"] = "key";
  s["key_id"] = *key_id;
  WX_ASSIGN_OR_RETURN(std::string sig, sign_message(*secret, signoff_message(s)));
  s["signature"] = sig;
  s["signed_content"] = so::signed_content_text({contents.begin(), contents.end()});
  WX_RETURN_IF_ERROR(so::check_placement(replica_, s));
  return replica_.create(s);
}

Result<std::string> Signoffs::request(const std::vector<std::string>& covers, const Statement& st) {
  SignRequest r;
  WX_ASSIGN_OR_RETURN(json contents, load_covers(covers, r.bucket));
  if (r.bucket != replica_.identity().bucket)
    return error_of(WX_PERMISSION_DENIED, Msg::sign_own_entries);
  r.date = st.date.empty() ? today() : st.date;
  if (!is_valid_date(r.date))
    return error_of(WX_INVALID_ARGUMENT, Msg::not_a_date, {{"date", r.date}});
  WX_ASSIGN_OR_RETURN(r.placement, pick_placement(st, replica_.identity().user, "", r.date));
  WX_ASSIGN_OR_RETURN(json p, replica_.get(r.placement));
  r.signer = so::str(p, "supervisor");
  if (r.signer.empty())
    return error_of(WX_NOT_FOUND, Msg::placement_no_supervisor, {{"id", r.placement}});
  for (json& c : contents) r.contents.push_back(std::move(c));
  return encode_sign_request(r);
}

Result<std::string> Signoffs::sign_request(std::string_view payload, const Statement& st) {
  WX_ASSIGN_OR_RETURN(SignRequest r, decode_sign_request(payload));
  if ((!st.date.empty() && st.date != r.date) ||
      (!st.placement.empty() && st.placement != r.placement))
    return make_error(WX_INVALID_ARGUMENT, "the request is for placement " + r.placement + " on " +
                                               r.date +
                                               "; date and placement come "
                                               "from the request");
  const std::string me = replica_.identity().user;
  if (r.signer != me)
    return error_of(WX_PERMISSION_DENIED, Msg::sign_other_signer,
                    {{"signer", r.signer}, {"me", me}});
  WX_ASSIGN_OR_RETURN(auto secret, replica_.setting("signing.secret_key"));
  WX_ASSIGN_OR_RETURN(auto key_id, replica_.setting("signing.key_id"));
  if (!secret || !key_id) return error_of(WX_PERMISSION_DENIED, Msg::no_signing_key);
  json s =
      new_signoff(r.placement, r.covers(), content_hash_of(r.contents), r.date, me, r.bucket, st);
  // Nothing is stored here, so check the statement now rather than on the pupil's phone.
  WX_RETURN_IF_ERROR(check_statement(replica_.schema(), s));
  s["method"] = "key";
  s["key_id"] = *key_id;
  // The placement may not be on this phone (offline, never synced): then the pupil's phone
  // and the server check it.
  if (replica_.get(r.placement)) WX_RETURN_IF_ERROR(so::check_placement(replica_, s));
  WX_ASSIGN_OR_RETURN(std::string sig, sign_message(*secret, signoff_message(s)));
  s["signature"] = sig;
  return encode_signature_payload(s);
}

Result<std::string> Signoffs::accept(std::string_view payload) {
  WX_ASSIGN_OR_RETURN(json s, decode_signature_payload(payload));
  const std::string id = so::str(s, "id");
  if (so::str(s, "bucket") != replica_.identity().bucket)
    return error_of(WX_PERMISSION_DENIED, Msg::sign_other_dossier,
                    {{"bucket", so::str(s, "bucket")}});
  std::vector<json> contents;
  for (const std::string& covered : so::covers_of(s)) {
    WX_ASSIGN_OR_RETURN(json c, canonical_content(replica_, covered));
    contents.push_back(std::move(c));
  }
  if (content_hash_of(contents) != so::str(s, "content_hash"))
    return error_of(WX_INVALID_ARGUMENT, Msg::sign_hash_mismatch);
  WX_ASSIGN_OR_RETURN(auto key, so::find_signing_key(replica_, so::str(s, "key_id")));
  if (key) {
    Status authority = check_signoff_authority(replica_, s);
    if (!authority)
      return make_error(WX_INVALID_ARGUMENT, "signature payload: " + authority.error().message);
  } else {
    WX_RETURN_IF_ERROR(so::check_placement(replica_, s));
  }
  // What was signed, kept beside the sign-off (outside the signed message) so a later edit
  // can be shown with its old text.
  s["signed_content"] = so::signed_content_text(contents);
  if (auto existing = replica_.get(id); existing) {
    if (signoff_message(*existing) == signoff_message(s) &&
        so::str(*existing, "signature") == so::str(s, "signature"))
      return id;  // accepted before
    return make_error(WX_CONFLICT, "another sign-off with id " + id + " is stored already");
  }
  return replica_.create(s);
}

namespace {
constexpr const char* kPinCodes = "signoff.pin_codes";
}  // namespace

Result<std::map<std::string, std::string>> unsent_pin_codes(const Replica& replica) {
  std::map<std::string, std::string> out;
  WX_ASSIGN_OR_RETURN(auto stored, replica.setting(kPinCodes));
  if (!stored) return out;
  json j = json::parse(*stored, nullptr, false);
  if (!j.is_object()) return make_error(WX_CORRUPT, "setting signoff.pin_codes is damaged");
  for (auto& [id, code] : j.items()) {
    if (!code.is_string()) return make_error(WX_CORRUPT, "setting signoff.pin_codes is damaged");
    out[id] = code.get<std::string>();
  }
  return out;
}

Status forget_pin_codes(Replica& replica, const std::vector<std::string>& signoff_ids) {
  if (signoff_ids.empty()) return Status::ok();
  WX_ASSIGN_OR_RETURN(auto codes, unsent_pin_codes(replica));
  size_t before = codes.size();
  for (const std::string& id : signoff_ids) codes.erase(id);
  if (codes.size() == before) return Status::ok();
  return replica.set_setting(kPinCodes, json(codes).dump());
}

Result<std::string> Signoffs::sign_with_pin(const std::vector<std::string>& covers_in,
                                            const Statement& st, std::string_view typed) {
  const std::string code = normalise_pin_code(typed);
  if (code.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::pin_format);
  std::vector<std::string> covers = covers_in;
  std::sort(covers.begin(), covers.end());
  covers.erase(std::unique(covers.begin(), covers.end()), covers.end());
  std::string bucket;
  WX_ASSIGN_OR_RETURN(json contents, load_covers(covers, bucket));
  if (bucket != replica_.identity().bucket)
    return error_of(WX_PERMISSION_DENIED, Msg::pin_own_entries);
  std::string date = st.date.empty() ? today() : st.date;
  if (!is_valid_date(date)) return error_of(WX_INVALID_ARGUMENT, Msg::not_a_date, {{"date", date}});
  WX_ASSIGN_OR_RETURN(std::string placement,
                      pick_placement(st, replica_.identity().user, "", date));
  WX_ASSIGN_OR_RETURN(json p, replica_.get(placement));
  std::string signer = so::str(p, "supervisor");
  if (signer.empty())
    return error_of(WX_NOT_FOUND, Msg::placement_no_supervisor, {{"id", placement}});
  json s = new_signoff(placement, covers, content_hash_of(contents), date, signer, bucket, st);
  s["method"] = "pin";
  s["signed_content"] = so::signed_content_text({contents.begin(), contents.end()});
  WX_RETURN_IF_ERROR(so::check_placement(replica_, s));
  std::string id;
  WX_RETURN_IF_ERROR(replica_.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(id, replica_.create(s));
    WX_ASSIGN_OR_RETURN(auto codes, unsent_pin_codes(replica_));
    codes[id] = code;
    return replica_.set_setting(kPinCodes, json(codes).dump());
  }));
  return id;
}

Status Signoffs::revoke(const std::string& signoff_id, const std::string& reason) {
  WX_ASSIGN_OR_RETURN(json doc, replica_.get(signoff_id));
  if (so::str(doc, "type") != "signoff")
    return error_of(WX_INVALID_ARGUMENT, Msg::not_a_signoff, {{"id", signoff_id}});
  if (doc.contains("revoked_at"))
    return error_of(WX_CONFLICT, Msg::signoff_revoked_already, {{"id", signoff_id}});
  if (reason.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::revoke_needs_reason);
  return replica_
      .put({{"id", signoff_id},
            {"revoked_at", rfc3339_utc(replica_.clock().physical_millis())},
            {"revoked_reason", reason}})
      .status();
}

}  // namespace werkex
