// The message catalogue's texts and how they are filled in (messages.hpp, messages.def).
#include "werkex/messages.hpp"

#include <array>

namespace werkex {

namespace {

struct Texts {
  const char* key;
  const char* en;
  const char* nl;
};

constexpr Texts kTexts[] = {
#define WX_MESSAGE(key, en, nl) {#key, en, nl},
#include "werkex/messages.def"
#undef WX_MESSAGE
};

const Texts& texts(Msg msg) {
  return kTexts[static_cast<size_t>(msg)];
}

const std::string* find_arg(const MessageArgs& args, std::string_view name, Language lang) {
  std::string localized = std::string(name) + "@" + language_name(lang);
  for (auto& [k, v] : args)
    if (k == localized) return &v;
  for (auto& [k, v] : args)
    if (k == name) return &v;
  return nullptr;
}

bool is_placeholder(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || c == '_' || c == ':')) return false;
  return true;
}

std::string entity_phrase(const MessageArgs& args, Language lang) {
  const std::string* type = find_arg(args, "type", lang);
  const std::string* id = find_arg(args, "id", lang);
  std::string t = type ? *type : "";
  if (!id || id->empty()) return new_type_phrase(t, lang);
  return type_word(t, lang) + " " + *id;
}

std::string render(Msg msg, const MessageArgs& args, Language lang, int depth);

// One placeholder's text; nullopt when it cannot be filled (then it stays visible).
std::optional<std::string> fill(std::string_view ph, const MessageArgs& args, Language lang,
                                int depth) {
  if (ph == "entity") return entity_phrase(args, lang);
  if (ph == "at") return find_arg(args, "type", lang) ? entity_phrase(args, lang) + ": " : "";
  size_t colon = ph.find(':');
  std::string_view filter = colon == std::string_view::npos ? "" : ph.substr(0, colon);
  std::string_view name = colon == std::string_view::npos ? ph : ph.substr(colon + 1);
  const std::string* v = find_arg(args, name, lang);
  if (!v) return std::nullopt;
  if (filter.empty()) return *v;
  if (filter == "t") return type_word(*v, lang);
  if (filter == "a") return type_with_article(*v, lang);
  if (filter == "r") return role_word(*v, lang);
  if (filter == "ar") return role_with_article(*v, lang);
  if (filter == "f") {
    const std::string* type = find_arg(args, "type", lang);
    return field_word(type ? *type : "", *v, lang);
  }
  if (filter == "m" && depth < 3) {  // a message naming itself must not recurse for ever
    auto nested = message_from_key(*v);
    if (nested) return render(*nested, args, lang, depth + 1);
  }
  return std::nullopt;
}

const char* dutch_sentence_for(ErrorCode code) {
  switch (code) {
    case WX_OK:
      return "";
    case WX_INVALID_ARGUMENT:
      return "Ongeldige invoer";
    case WX_NOT_FOUND:
      return "Niet gevonden";
    case WX_CONFLICT:
      return "Dit botst met wat er al is opgeslagen";
    case WX_PERMISSION_DENIED:
      return "Dat mag je niet";
    case WX_IO:
      return "De opslag gaf een fout";
    case WX_CORRUPT:
      return "De gegevens zijn beschadigd";
    case WX_CLOCK_SKEW:
      return "De klok van dit apparaat loopt voor";
    case WX_UNAUTHENTICATED:
      return "Je bent niet (meer) aangemeld";
    case WX_UNAVAILABLE:
      return "De server is nu niet bereikbaar; probeer het later opnieuw";
    case WX_TOO_LARGE:
      return "Te groot";
    case WX_INTERNAL:
      return "Er ging iets mis in werkex";
    case WX_RATE_LIMITED:
      return "Te veel verzoeken; probeer het zo opnieuw";
    case WX_CLOSED:
      return "Het dossier is al gesloten";
  }
  return "Er ging iets mis";
}

}  // namespace

const char* message_key(Msg msg) {
  return texts(msg).key;
}

std::optional<Msg> message_from_key(std::string_view key) {
  for (size_t i = 0; i < std::size(kTexts); ++i)
    if (key == kTexts[i].key) return static_cast<Msg>(i);
  return std::nullopt;
}

std::vector<Msg> all_messages() {
  std::vector<Msg> out;
  for (size_t i = 0; i < std::size(kTexts); ++i) out.push_back(static_cast<Msg>(i));
  return out;
}

std::string render_message(Msg msg, const MessageArgs& args, Language lang) {
  return render(msg, args, lang, 0);
}

namespace {

std::string render(Msg msg, const MessageArgs& args, Language lang, int depth) {
  std::string_view text = lang == Language::nl ? texts(msg).nl : texts(msg).en;
  std::string out;
  while (!text.empty()) {
    size_t open = text.find('{');
    size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    std::string_view ph = text.substr(open + 1, close - open - 1);
    std::optional<std::string> value;
    if (is_placeholder(ph)) value = fill(ph, args, lang, depth);
    out += text.substr(0, open);
    out += value ? *value : std::string(text.substr(open, close - open + 1));
    text.remove_prefix(close + 1);
  }
  out += text;
  return out;
}

}  // namespace

Error error_of(ErrorCode code, Msg msg, MessageArgs args) {
  std::string english = render_message(msg, args, Language::en);
  return Error(code, std::move(english), message_key(msg), std::move(args));
}

std::string localized_message(const Error& error, Language lang) {
  if (auto msg = message_from_key(error.key)) return render_message(*msg, error.args, lang);
  if (lang == Language::en) return error.message;
  std::string sentence = dutch_sentence_for(error.code);
  return error.message.empty() ? sentence : sentence + " (" + error.message + ")";
}

std::string error_key(const Error& error) {
  return error.key.empty() ? error_code_name(error.code) : error.key;
}

MessageArgs with_args(MessageArgs args, MessageArgs more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace werkex
