// The portfolio's timeline (portfolio_view.hpp): one block per activity, newest first, each
// following the cycle's references: why → preparation → experiences → reflection → next
// step, and the next step's link to the activity it became.
#include <algorithm>
#include <map>

#include "dutch_text.hpp"
#include "encoding.hpp"
#include "portfolio_cycles.hpp"
#include "portfolio_view.hpp"

namespace werkex::exporter {

namespace {

std::string labelled(const std::string& label, const std::string& text) {
  if (text.empty()) return "";
  if (label.empty()) return "<p class=\"tekst\">" + html_escape(text) + "</p>\n";
  return "<p><span class=\"label\">" + html_escape(label) + "</span> <span class=\"tekst\">" +
         html_escape(text) + "</span></p>\n";
}

// The enum values of doc[key] as Dutch labels, sorted (the conversation rules' labels start
// with their number) and joined: "leren, laten zien".
std::string labels_of(const json& doc, const char* key, const std::string& enum_name) {
  std::vector<std::string> labels;
  for (const std::string& v : strings_of(doc, key)) labels.push_back(enum_label(enum_name, v));
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const std::string& l : labels) out += (out.empty() ? "" : ", ") + l;
  return out;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string link_to(const PortfolioView& view, const std::string& id, const std::string& what) {
  if (!view.entity(id)) return "";
  return "<a href=\"#e-" + html_escape(id) + "\">" + html_escape(what) + "</a>";
}

std::string badges(const PortfolioView& view, const std::string& id) {
  std::string out;
  for (const json* s : view.signoffs_covering(id)) {
    std::string state = text_of(*s, "status");
    out += "<span class=\"stempel status-" + html_escape(state) + "\">Afgetekend " +
           html_escape(dutch_date(text_of(*s, "statement_date"))) + ": " +
           html_escape(signoff_state_label(state)) + "</span>\n";
  }
  return out;
}

// One phase of the cycle: its heading, body, photos, sign-off badges and comments.
std::string phase(const PortfolioView& view, const json& e, const std::string& name,
                  const std::string& heading, const std::string& body, const ThumbnailFn& thumbs) {
  const std::string id = text_of(e, "id");
  return "<div class=\"fase fase-" + name + "\" id=\"e-" + html_escape(id) + "\">\n<h4>" +
         html_escape(heading) + "</h4>\n" + body + photos_html(view, id, thumbs) +
         badges(view, id) + comments_html(view, id) + "</div>\n";
}

std::string why_html(const PortfolioView& view, const json& a, const ThumbnailFn& thumbs) {
  std::string body = labelled("Bouwt voort op:", text_of(a, "builds_on")) +
                     labelled("Verwachte opbrengst:", text_of(a, "expected_yield")) +
                     labelled("Wat ik ermee ga doen:", text_of(a, "use_of_yield")) +
                     labelled("Sector:", text_of(a, "sector"));
  // Entities here are objects (of_type() found their type); only the field may be missing.
  auto chosen = a.find("chosen_by_pupil");
  if (chosen != a.end() && chosen->is_boolean())
    body += labelled("Gekozen door:", chosen->get<bool>() ? "mijzelf" : "school");
  std::string from = text_of(a, "from_next_step");
  if (const json* step = view.entity(from))
    body += "<p class=\"schakel\">Komt voort uit de vervolgstap " +
            link_to(view, from, text_of(*step, "description")) + "</p>\n";
  return phase(view, a, "waarom", "Waarom", body, thumbs);
}

std::string preparation_html(const PortfolioView& view, const json& p, const ThumbnailFn& th) {
  std::string body = labelled("Wat ik al weet over mezelf:", text_of(p, "known_about_self")) +
                     labelled("Wat ik al weet over het werk:", text_of(p, "known_about_work")) +
                     labelled("Wat ik wil ontdekken:", text_of(p, "want_to_find_out")) +
                     labelled("Leerdoelen:", text_of(p, "learning_goals")) +
                     labelled("Soort doelen:", labels_of(p, "learning_verbs", "learning_verb")) +
                     labelled("Zo bereid ik me voor:", text_of(p, "how_to_prepare"));
  return phase(view, p, "voorbereiding", "Voorbereiding", body, th);
}

std::string experience_html(const PortfolioView& view, const json& e, const ThumbnailFn& th) {
  std::string emotion = text_of(e, "emotion");
  std::string body =
      labelled("", text_of(e, "note")) +
      labelled("Gevoel:", emotion.empty() ? "" : enum_label("emotion", emotion)) +
      labelled("Waarom:", text_of(e, "emotion_note")) +
      labelled("Doelen in het werk:", text_of(e, "observed_goals")) +
      labelled("Hoe mensen met elkaar omgaan:", text_of(e, "observed_interaction")) +
      labelled("Hoe problemen worden opgelost:", text_of(e, "observed_problem_solving")) +
      labelled("Rolmodel:", text_of(e, "role_model"));
  return phase(view, e, "ervaring", "Ervaring, " + dutch_datetime(text_of(e, "occurred_at")), body,
               th);
}

std::string reflection_html(const PortfolioView& view, const json& r, const ThumbnailFn& th) {
  std::string with = labels_of(r, "with_whom", "reflection_partner");
  std::string leader = view.person_name(text_of(r, "held_by"));
  std::string body =
      labelled("Gesprek met:", with + (leader.empty() ? "" : " (" + leader + ")")) +
      labelled("Datum:", dutch_date(text_of(r, "held_on"))) +
      labelled("Kwaliteiten:", joined(strings_of(r, "qualities"))) +
      labelled("Motieven:", joined(strings_of(r, "motives"))) +
      labelled("Rode draad:", text_of(r, "red_thread")) +
      labelled("Samenvatting:", text_of(r, "summary")) +
      labelled("Gespreksregels:", labels_of(r, "conversation_rules", "conversation_rule"));
  return phase(view, r, "reflectie", "Reflectie", body, th);
}

std::string next_step_html(const PortfolioView& view, const json& n, const ThumbnailFn& th) {
  std::string action = text_of(n, "action");
  std::string body =
      labelled("", text_of(n, "description")) +
      labelled("Beeld van werk:", labels_of(n, "direction", "picture_direction")) +
      labelled("Ik ga:", action.empty() ? "" : enum_label("next_step_action", action)) +
      labelled("Twijfels en obstakels:", text_of(n, "obstacles")) +
      labelled("Wie kan helpen:", text_of(n, "network_plan"));
  std::string became = text_of(n, "became_activity");
  if (const json* a = view.entity(became))
    body += "<p class=\"schakel\">Werd de activiteit " +
            link_to(view, became,
                    text_of(*a, "title").empty() ? enum_label("activity_kind", text_of(*a, "kind"))
                                                 : text_of(*a, "title")) +
            "</p>\n";
  return phase(view, n, "vervolgstap", "Vervolgstap", body, th);
}

std::string cycle_html(const PortfolioView& view, const Cycle& c, const ThumbnailFn& th) {
  std::string out = "<article class=\"cyclus\">\n";
  if (c.activity) {
    std::string title = text_of(*c.activity, "title");
    std::string kind = enum_label("activity_kind", text_of(*c.activity, "kind"));
    out +=
        "<h3>" + html_escape(kind) + (title.empty() ? "" : ": " + html_escape(title)) + "</h3>\n";
    std::string planned = text_of(*c.activity, "planned_date");
    if (!planned.empty())
      out += "<p class=\"datum\">" + html_escape(dutch_date(planned)) + "</p>\n";
    out += why_html(view, *c.activity, th);
  } else {
    out += "<h3>Ervaringen buiten een activiteit</h3>\n";
  }
  for (const json* p : c.preparations) out += preparation_html(view, *p, th);
  for (const json* e : c.experiences) out += experience_html(view, *e, th);
  for (const json* r : c.reflections) {
    out += reflection_html(view, *r, th);
    for (const json* n : view.referring("next_step", "reflection", text_of(*r, "id")))
      out += next_step_html(view, *n, th);
  }
  return out + "</article>\n";
}

}  // namespace

std::string timeline_html(const PortfolioView& view, const ThumbnailFn& thumbnail_jpeg) {
  std::vector<Cycle> cycles = gather_cycles(view);
  std::string out;
  for (const Cycle& c : cycles) out += cycle_html(view, c, thumbnail_jpeg);
  if (out.empty()) out = "<p class=\"leeg\">Nog geen activiteiten.</p>\n";
  return out;
}

}  // namespace werkex::exporter
