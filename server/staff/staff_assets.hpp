// The staff site's static assets: CSS and JS embedded into the binary at build time
// (embed_assets.cmake, from server/staff/static/), and Chart.js read from Debian's
// libjs-chart.js at start. Served under /static/{name} with their Content-Type, an ETag (the
// content's SHA-256) and `Cache-Control: public, max-age=3600`; If-None-Match gives 304.
#pragma once

#include <string_view>
#include <vector>

namespace werkex::server {

struct EmbeddedAsset {
  std::string_view name;   // "staff.css": served at /static/staff.css
  std::string_view bytes;  // the file as it was at build time
};

// Every embedded asset (generated source).
const std::vector<EmbeddedAsset>& embedded_assets();

// The Content-Type of an asset by its extension (.css, .js, .svg, .png; else octet-stream).
std::string_view asset_content_type(std::string_view name);

}  // namespace werkex::server
