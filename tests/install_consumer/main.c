/* An app on the installed C ABI (libwerkex.so): the same as main.cpp, in C. */
#include <stdio.h>
#include <string.h>

#include "werkex.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/consumer_c.db", argv[1]);
  wx_error err;
  wx_replica* r = wx_replica_open(path, NULL, &err);
  if (!r) return fprintf(stderr, "open: %s\n", err.message), 1;
  if (!wx_replica_set_identity(r,
                               "{\"user\":\"0190a000-0000-7000-8000-000000000001\","
                               "\"role\":\"pupil\"}",
                               &err))
    return fprintf(stderr, "identity: %s\n", err.message), 1;
  wx_buffer* id = wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"Piet\"}", &err);
  if (!id) return fprintf(stderr, "put: %s\n", err.message), 1;
  wx_buffer* doc = wx_replica_get(r, id->data, &err);
  int ok = doc && strstr(doc->data, "\"name\":\"Piet\"") != NULL;
  if (doc) printf("consumer_c: %s\n", doc->data);
  wx_buffer_free(doc);
  wx_buffer_free(id);
  wx_replica_release(r);
  return ok ? 0 : 1;
}
