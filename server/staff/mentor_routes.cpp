// The mentor side's routes (issue 12): the Groep and Leerling pages and the /v1/staff/ JSON
// behind them. Each handler decodes the request, calls MentorService and encodes its answer;
// the page and role checks are StaffSite::add_page / add_json's (staff_site_pages.cpp).
//
//   GET  /groep[?id=<group>&weeks=N]              page     teacher, counsellor
//   GET  /leerling/{id}                           page     teacher, counsellor, supervisor
//   GET  /v1/staff/groups                         JSON     teacher, counsellor
//   GET  /v1/staff/groups/{id}[?weeks=N]          JSON     teacher, counsellor
//   GET  /v1/staff/pupils/{id}                    JSON     teacher, counsellor, supervisor
//   GET  /v1/staff/pupils/{id}/photos/{sha256}?size=thumb|full   image/jpeg   same roles
//   POST /v1/staff/pupils/{id}/comments {entry,text}             JSON         same roles
#include <algorithm>
#include <charconv>

#include "mentor_pages.hpp"
#include "staff_http.hpp"
#include "staff_site.hpp"

namespace werkex::server {

namespace {

const std::vector<std::string> kGroupRoles = {"teacher", "counsellor"};
const std::vector<std::string> kPupilRoles = {"teacher", "counsellor", "supervisor"};
constexpr int kDefaultInactiveWeeks = 6;

// The request's query string as key -> value (percent-decoded).
std::map<std::string, std::string> query_of(const http::Request& req) {
  std::string_view target = req.target();
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {};
  return staff_http::parse_form(target.substr(q + 1));
}

// `weeks` of the query: 1..52, default 6; anything else WX_INVALID_ARGUMENT.
Result<int> inactive_weeks(const std::map<std::string, std::string>& query) {
  auto it = query.find("weeks");
  if (it == query.end() || it->second.empty()) return kDefaultInactiveWeeks;
  int weeks = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), weeks);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || weeks < 1 || weeks > 52)
    return make_error(WX_INVALID_ARGUMENT, "weeks is a whole number from 1 to 52");
  return weeks;
}

// The Groep and Leerling pages (their views render what the JSON routes answer).
void register_mentor_pages(StaffSite& site, http::Router& router, MentorService& m) {
  const bool charts = site.has_chart_js();
  site.add_page(router, "/groep", kGroupRoles,
                [&m, charts](const StaffPrincipal& who, const http::Request& r,
                             const http::RouteParams&, http::RequestLog&) -> Result<StaffPage> {
                  auto query = query_of(r);
                  WX_ASSIGN_OR_RETURN(int weeks, inactive_weeks(query));
                  WX_ASSIGN_OR_RETURN(json groups, m.groups(who));
                  std::string id = query["id"];
                  if (id.empty() && !groups["groups"].empty())
                    id = groups["groups"][0]["id"].get<std::string>();
                  StaffPage page{who.role == "counsellor" ? "Groepen" : "Groep", "/groep", "", {}};
                  if (id.empty()) {
                    page.body_html = "<p class=\"wx-muted\">Je bent van geen groep mentor.</p>";
                    return page;
                  }
                  WX_ASSIGN_OR_RETURN(json overview, m.group(who, id, weeks, "web:/groep"));
                  page.body_html = render_group_page(groups, overview);
                  if (charts) page.scripts.push_back("/static/chart.js");
                  page.scripts.push_back("/static/groep.js");
                  return page;
                });
  site.add_page(router, "/leerling/{id}", kPupilRoles,
                [&m](const StaffPrincipal& who, const http::Request&, const http::RouteParams& p,
                     http::RequestLog&) -> Result<StaffPage> {
                  WX_ASSIGN_OR_RETURN(json timeline, m.pupil(who, p.at("id"), "web:/leerling"));
                  return StaffPage{timeline["pupil"].value("name", "Leerling"),
                                   "/groep",
                                   render_pupil_page(timeline),
                                   {"/static/leerling.js"}};
                });
}

}  // namespace

void StaffSite::register_mentor_routes(http::Router& router) {
  using V = http::bhttp::verb;
  MentorService& m = *mentor_;
  add_json(router, V::get, "/v1/staff/groups", kGroupRoles,
           [&m](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                http::RequestLog&) { return m.groups(who); });
  add_json(router, V::get, "/v1/staff/groups/{id}", kGroupRoles,
           [&m](const StaffPrincipal& who, const http::Request& r, const http::RouteParams& p,
                http::RequestLog&) -> Result<json> {
             WX_ASSIGN_OR_RETURN(int weeks, inactive_weeks(query_of(r)));
             return m.group(who, p.at("id"), weeks, "api:/v1/staff/groups");
           });
  add_json(router, V::get, "/v1/staff/pupils/{id}", kPupilRoles,
           [&m](const StaffPrincipal& who, const http::Request&, const http::RouteParams& p,
                http::RequestLog&) { return m.pupil(who, p.at("id"), "api:/v1/staff/pupils"); });
  add_json(router, V::post, "/v1/staff/pupils/{id}/comments", kPupilRoles,
           [&m](const StaffPrincipal& who, const http::Request& r, const http::RouteParams& p,
                http::RequestLog&) -> Result<json> {
             // 4000 characters of Dutch text, JSON-escaped, fit in 32 KiB.
             WX_ASSIGN_OR_RETURN(json body,
                                 staff_http::small_json_object(r, {"entry", "text"}, 32 * 1024));
             return m.comment(who, p.at("id"), body.value("entry", ""), body.value("text", ""));
           });
  router.add(V::get, "/v1/staff/pupils/{id}/photos/{sha}",
             [this](const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
               return handle_photo(r, p, l);
             });

  register_mentor_pages(*this, router, m);
}

http::Response StaffSite::handle_photo(const http::Request& r, const http::RouteParams& p,
                                       http::RequestLog& l) {
  auto who = authenticate(r, l);
  if (!who) return refuse(r, who.error());
  if (std::find(kPupilRoles.begin(), kPupilRoles.end(), who->role) == kPupilRoles.end())
    return refuse(r, make_error(WX_PERMISSION_DENIED, "niet voor deze rol"));
  const std::string size = query_of(r)["size"];
  if (size != "thumb" && size != "full" && !size.empty())
    return refuse(r, make_error(WX_INVALID_ARGUMENT, "size is thumb or full"));
  auto photo = mentor_->photo(*who, p.at("id"), p.at("sha"), size != "full", "web:/leerling");
  if (!photo) return refuse(r, photo.error());
  http::Response res{http::bhttp::status::ok, r.version()};
  res.keep_alive(r.keep_alive());
  res.set(http::bhttp::field::content_type, "image/jpeg");
  res.set(http::bhttp::field::cache_control, "private, no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::bhttp::field::etag, photo->etag);
  res.body() = std::move(photo->jpeg);
  res.prepare_payload();
  return res;
}

}  // namespace werkex::server
