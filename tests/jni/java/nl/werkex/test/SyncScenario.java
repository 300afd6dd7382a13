package nl.werkex.test;

import static nl.werkex.test.Check.contains;
import static nl.werkex.test.Check.eq;
import static nl.werkex.test.Check.fails;
import static nl.werkex.test.Check.isTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import nl.werkex.ErrorCode;
import nl.werkex.Query;
import nl.werkex.Subscription;
import nl.werkex.Sync;
import nl.werkex.Transport;
import nl.werkex.WerkexException;
import nl.werkex.test.Devices.Device;

/**
 * Sync against the real server: the pupil through libcurl, the mentor through the app's own
 * HTTP stack (Transport.of), a comment going back, and a client that cannot reach the server
 * failing transiently without losing anything.
 */
final class SyncScenario {
  static void run(Path dir, String serverBinary) throws Exception {
    try (ServerProcess server = new ServerProcess(serverBinary, dir);
         Device sem =
             new Device(dir.resolve("sem.db"), server, "Sem", Transport.curl(Devices.QUICK_CURL));
         Device mentor = new Device(dir.resolve("mentor.db"), server, "Mevrouw Jansen",
             Transport.of(new JdkHttpClient()))) {
      Map<String, Object> status = MiniJson.object(sem.replica.status());
      eq("pupil", status.get("role"), "enrolment set the pupil's role");
      eq(server.url(), status.get("server"), "server kept");
      eq("teacher", MiniJson.object(mentor.replica.status()).get("role"), "mentor's role");

      String activity = sem.replica.dossier().planActivity(
          "{\"kind\": \"snuffelstage\", \"title\": \"Bistro Noord \uD83C\uDF73\"}");
      String experience = sem.replica.dossier().recordExperience(
          "{\"activity\": \"" + activity + "\", \"note\": \"Ik heb de lunch voorbereid\"}");
      isTrue(Devices.number(sem.sync(), "pushed") >= 2, "the pupil pushed both");

      // Pulled changes reach an observer on the syncing thread, inside the native sync call.
      List<String> pulled = Collections.synchronizedList(new ArrayList<>());
      try (Subscription s = mentor.replica.observe(Query.all().type("experience"), pulled::add)) {
        mentor.sync();
      }
      contains(String.join("", pulled), experience, "the mentor's observer heard the pull");
      eq("Bistro Noord \uD83C\uDF73", MiniJson.object(mentor.replica.get(activity)).get("title"),
          "the mentor sees the pupil's activity");
      String body = "Goed gedaan! \uD83D\uDC4D Vraag naar de \"mise en place\".";
      String comment = mentor.replica.dossier().comment(activity, body);
      mentor.sync();

      List<String> heard = Collections.synchronizedList(new ArrayList<>());
      try (Subscription s = sem.replica.observe(Query.all().type("comment"), heard::add)) {
        sem.sync();
      }
      contains(String.join("", heard), comment, "the pupil's observer heard the comment");
      Map<String, Object> got = MiniJson.object(sem.replica.get(comment));
      eq(body, got.get("body"), "the pupil sees the comment");
      eq(activity, got.get("on"), "on the activity");

      offline(sem, mentor);
    }
  }

  // Clients that cannot reach the server: the sync fails as UNAVAILABLE (transient) with the
  // client's message, and the next sync through a working transport pushes everything.
  private static void offline(Device sem, Device mentor) throws Exception {
    String activity = (String) Devices.asObject(sem.list("activity").get(0)).get("id");
    String experience = sem.replica.dossier().recordExperience("{\"activity\": \"" + activity
        + "\", \"note\": \"Geen bereik in de trein\", \"emotion\": \"onzeker\"}");
    int[] calls = {0};
    try (Transport tunnel = Transport.of(request -> {
      calls[0]++;
      contains(request.url(), "/v1/", "a werkex URL");
      throw new IOException("the train entered a tunnel");
    })) {
      WerkexException e = fails(ErrorCode.UNAVAILABLE,
          () -> new Sync(sem.replica, tunnel).run(), "sync through a failing client");
      isTrue(e.isTransient(), "UNAVAILABLE is transient");
      contains(e.getMessage(), "the train entered a tunnel", "the client's message");
      isTrue(calls[0] >= 1, "the client was asked");
    }
    try (Transport broken =
             Transport.of(request -> { throw new IllegalStateException("bug in the app"); })) {
      WerkexException e = fails(ErrorCode.UNAVAILABLE,
          () -> new Sync(sem.replica, broken).run(), "sync through a client that has a bug");
      contains(e.getMessage(), "java.lang.IllegalStateException: bug in the app",
          "a non-IO throwable is named by its class");
    }
    try (Transport bad = Transport.of(request -> new nl.werkex.HttpResponse(42, null, null))) {
      fails(ErrorCode.UNAVAILABLE, () -> new Sync(sem.replica, bad).run(), "status out of range");
    }
    Transport closed = Transport.of(request -> null);
    closed.close();
    fails(ErrorCode.CLOSED, () -> new Sync(sem.replica, closed).run(), "a closed transport");

    isTrue(Devices.number(MiniJson.object(sem.replica.status()), "waiting_to_push") >= 1,
        "the experience waits to be pushed");
    isTrue(Devices.number(sem.sync(), "pushed") >= 1, "the later sync pushed it");
    eq(0.0, Devices.number(MiniJson.object(sem.replica.status()), "waiting_to_push"),
        "nothing left waiting");
    mentor.sync();
    eq("Geen bereik in de trein", MiniJson.object(mentor.replica.get(experience)).get("note"),
        "nothing was lost");
  }
}
