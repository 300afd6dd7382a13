/* Offline: messages in two languages. A refusal carries its stable key, the English text and
 * the Dutch text, so the app shows its user's language and may match the key; the schema's
 * labels give the words for the choices, which writes accept in place of the ids. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define LOTTE "0190a000-0000-7000-8000-000000000001"

void scenario_messages(void) {
  wx_error err;
  wx_replica* r = open_replica("messages.db", LOTTE, "pupil");

  /* A wrong choice on a new experience: no id she never saw, the Dutch words to use. */
  CHECK_FAILS_BUF(wx_dossier_record_experience(r, "{\"note\":\"Föhnen\",\"emotion\":\"hongerig\"}",
                                               &err),
                  WX_INVALID_ARGUMENT);
  CHECK_STREQ(err.key, "value_invalid");
  CHECK_HAS(err.message, "the new experience: field 'emotion': expected one of trots");
  CHECK_HAS(err.message_nl, "de nieuwe ervaring: veld 'Emotie': verwacht een van: trots");
  CHECK_HAS(err.message_nl, "geërgerd");
  CHECK_HASNT(err.message_nl, "geergerd");

  /* Her own words are taken as the choice. */
  char* exp = TAKE(wx_dossier_record_experience(
      r, "{\"note\":\"Ze schreeuwde\",\"emotion\":\"geërgerd\"}", &err));
  char* doc = TAKE(wx_replica_get(r, exp, &err));
  CHECK_HAS(doc, "\"emotion\":\"geergerd\"");
  free(doc);

  /* Not found, named by the id she gave. */
  CHECK_FAILS(wx_replica_delete(r, "0190a000-0000-7000-8000-00000000dead", &err), WX_NOT_FOUND);
  CHECK_STREQ(err.key, "entity_not_found");
  CHECK_HAS(err.message_nl, "er is geen onderdeel met id '0190a000-0000-7000-8000-00000000dead'");

  /* An error outside the catalogue: the code's name as key, still a Dutch sentence. */
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":", &err), WX_INVALID_ARGUMENT);
  CHECK_STREQ(err.key, "invalid_argument");
  CHECK_HAS(err.message_nl, "Ongeldige invoer (");

  /* The labels an app shows, and the conversation rules with the seed's text. */
  char* emotions = TAKE(wx_replica_labels(r, "emotion", &err));
  CHECK(json_balanced(emotions));
  CHECK_HAS(emotions, "\"geergerd\":{\"en\":\"annoyed\",\"nl\":\"geërgerd\"}");
  free(emotions);
  char* all = TAKE(wx_replica_labels(r, NULL, &err));
  CHECK_HAS(all, "\"conversation_rule\":{");
  CHECK_HAS(all, "\"rule_nl\":\"Geef ruimte in het gesprek");
  free(all);
  CHECK_FAILS_BUF(wx_replica_labels(r, "gevoel", &err), WX_NOT_FOUND);
  CHECK_STREQ(err.key, "enum_unknown");
  CHECK_HAS(err.message_nl, "keuzelijst 'gevoel'");
  free(exp);
  wx_replica_release(r);
}
