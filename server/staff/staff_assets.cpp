// StaffSite's /static/ route: the embedded assets and Chart.js.
#include "staff_assets.hpp"

#include <map>

#include "staff_site.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

std::string_view asset_content_type(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

void StaffSite::register_asset_routes(http::Router& router) {
  struct Served {
    std::string_view bytes;
    std::string etag;
  };
  auto files = std::make_shared<std::map<std::string, Served, std::less<>>>();
  for (const EmbeddedAsset& a : embedded_assets())
    (*files)[std::string(a.name)] = {a.bytes, "\"" + sha256_hex(a.bytes).substr(0, 32) + "\""};
  if (!chart_js_.empty())
    (*files)["chart.js"] = {chart_js_, "\"" + sha256_hex(chart_js_).substr(0, 32) + "\""};
  router.add(http::bhttp::verb::get, "/static/{name}",
             [files](const http::Request& r, const http::RouteParams& p, http::RequestLog&) {
               auto it = files->find(p.at("name"));
               if (it == files->end())
                 return http::error_response(
                     r, make_error(WX_NOT_FOUND, "no static file " + p.at("name")));
               http::Response res{http::bhttp::status::ok, r.version()};
               res.keep_alive(r.keep_alive());
               res.set(http::bhttp::field::etag, it->second.etag);
               res.set(http::bhttp::field::cache_control, "public, max-age=3600");
               res.set("X-Content-Type-Options", "nosniff");
               if (r[http::bhttp::field::if_none_match] == it->second.etag) {
                 res.result(http::bhttp::status::not_modified);
                 return res;
               }
               res.set(http::bhttp::field::content_type, asset_content_type(it->first));
               res.body() = std::string(it->second.bytes);
               res.prepare_payload();
               return res;
             });
}

}  // namespace werkex::server
