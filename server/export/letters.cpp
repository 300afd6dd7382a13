// Enrolment letters (letters.hpp).
#include "letters.hpp"

#include <qrencode.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "encoding.hpp"

namespace werkex::exporter {

namespace {

// A file name for a group ("" for the people in none): letters, digits and '-' kept,
// anything else '_'.
std::string file_name_for(const std::string& group) {
  if (group.empty()) return "zonder-groep";
  std::string out;
  for (unsigned char c : group) out += std::isalnum(c) || c == '-' ? char(c) : '_';
  return out;
}

std::string letter(const json& person, const std::string& group, const std::string& svg) {
  const std::string code = person.value("code", "");
  return "<section class=\"letter\">\n<h1>Welkom bij werkex, " +
         html_escape(person.value("name", "")) + "</h1>\n" +
         (group.empty() ? "" : "<p class=\"group\">Groep " + html_escape(group) + "</p>\n") +
         "<p>Met werkex houd je je loopbaandossier bij: je snuffelstages, meeloopdagen en "
         "gesprekken, ook zonder internet op je telefoon.</p>\n<ol><li>Installeer de werkex-app."
         "</li><li>Kies <em>Aanmelden</em> en scan de code hieronder, of typ hem over.</li>"
         "<li>De code werkt één keer en 14 dagen lang. Geef hem aan niemand anders.</li></ol>\n"
         "<div class=\"qr\">" +
         svg + "</div>\n<p class=\"code\">" + html_escape(code) + "</p>\n</section>\n";
}

// On paper one letter per A4 sheet; on a phone's screen (a mentor checking the codes) the
// page is as wide as the phone, with less margin, instead of a shrunken sheet.
std::string page(const std::string& group, const std::string& letters) {
  return "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>werkex — "
         "aanmeldcodes " +
         html_escape(group.empty() ? "zonder groep" : group) +
         "</title>\n<style>body{font-family:sans-serif;margin:0}"
         ".letter{page-break-after:always;padding:2cm;max-width:17cm}"
         ".qr svg{width:5cm;height:5cm}.code{font:bold 20pt monospace;letter-spacing:2pt}"
         ".group{color:#555}"
         "@media screen and (max-width:40rem){.letter{padding:1rem}}</style></head><body>\n" +
         letters + "</body></html>\n";
}

}  // namespace

Result<std::string> qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) return make_error(WX_INTERNAL, "libqrencode could not encode the code");
  const int n = qr->width, quiet = 4, size = n + 2 * quiet;
  std::string path;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (qr->data[y * n + x] & 1)
        path += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" " +
         "height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

Result<size_t> write_letters(const std::string& dir, const json& new_people) {
  std::map<std::string, std::string> by_group;  // group ("": none) → letters, in order
  for (const json& p : new_people) {
    WX_ASSIGN_OR_RETURN(std::string svg, qr_svg(p.value("code", "")));
    json groups = p.value("groups", json::array());
    if (groups.empty()) groups.push_back("");
    for (const json& g : groups) by_group[g.get<std::string>()] += letter(p, g, svg);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(WX_IO, "cannot make the folder " + dir + ": " + ec.message());
  for (const auto& [group, letters] : by_group) {
    std::string path = dir + "/" + file_name_for(group) + ".html";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << page(group, letters);
    if (!out) return make_error(WX_IO, "cannot write " + path);
    // The codes are secrets until handed out: only the owner reads the page.
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  }
  return by_group.size();
}

}  // namespace werkex::exporter
