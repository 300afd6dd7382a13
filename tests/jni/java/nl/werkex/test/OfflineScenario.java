package nl.werkex.test;

import static nl.werkex.test.Check.contains;
import static nl.werkex.test.Check.eq;
import static nl.werkex.test.Check.fails;
import static nl.werkex.test.Check.isTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import nl.werkex.Dossier;
import nl.werkex.ErrorCode;
import nl.werkex.Query;
import nl.werkex.Replica;
import nl.werkex.Subscription;
import nl.werkex.Werkex;
import nl.werkex.WerkexException;

/**
 * A pupil's phone without a server: the whole cycle through Dossier, queries, entity writes,
 * observers, replica-to-replica bundles, the error paths, and close.
 */
final class OfflineScenario {
  private static final String PUPIL = "{\"user\": \"0190b000-0000-7000-8000-00000000005e\","
      + " \"role\": \"pupil\"}";
  // Outside the BMP: survives only a correct UTF-8 conversion (not JNI's modified UTF-8).
  private static final String TITLE = "Bistro Noord \uD83C\uDF73 \"keuken\" \\ ñ";

  static void run(Path dir) throws Exception {
    eq(2, Werkex.abiVersion(), "abi version");
    isTrue(Werkex.version().matches("\\d+\\.\\d+\\.\\d+.*"), "version " + Werkex.version());

    try (Replica phone = Replica.open(dir.resolve("phone.db").toString())) {
      phone.setIdentity(PUPIL);
      List<String> heard = Collections.synchronizedList(new ArrayList<>());
      Subscription all = phone.observe(Query.all(), heard::add);
      List<String> experiences = Collections.synchronizedList(new ArrayList<>());
      Subscription exps = phone.observe(Query.all().type("experience"), experiences::add);

      String activity = cycle(phone.dossier());
      eq(TITLE, MiniJson.object(phone.get(activity)).get("title"), "title round trip");
      queries(phone, activity);
      isTrue(String.join("", heard).contains(activity), "observer heard the activity");
      eq(1, experiences.size(), "the experience observer heard one change");
      contains(experiences.get(0), "\"experience\"", "its change names the type");

      String contact = entities(phone);
      // A closed subscription hears nothing more; the other one still does.
      exps.close();
      exps.close();
      int before = heard.size();
      phone.dossier().recordExperience("{\"activity\": \"" + activity + "\", \"note\": \"2\"}");
      eq(1, experiences.size(), "closed subscription is silent");
      eq(before + 1, heard.size(), "open subscription heard the write");
      all.close();

      errors(phone, contact);
      throwingObserver(phone);
      bundles(dir, phone);
      todo(phone.dossier());
      contains(phone.labels("emotion"), "\"geergerd\":{\"en\":\"annoyed\",\"nl\":\"geërgerd\"}",
          "the labels of a choice");
      contains(phone.labels(null), "\"rule_nl\":\"Geef ruimte in het gesprek", "the rules' text");
    }
    closing(dir);
    extendedSchema(dir);
  }

  // The app's logbook: hours per placement day, with a mood of its own enum (werkex_schema.h).
  private static final String LOGBOOK = "{\"types\": {\"stage_log\": {\"bucket\": \"pupil\","
      + " \"write\": [\"pupil\"], \"fields\": {\"day\": {\"kind\": \"date\", \"required\": true},"
      + " \"hours\": {\"kind\": \"int\"}, \"mood\": {\"kind\": \"enum\", \"enum\": \"app_mood\"}}}},"
      + " \"enums\": {\"app_mood\": [\"goed\", \"zwaar\"]}, \"enum_labels\": {\"app_mood\":"
      + " {\"goed\": {\"nl\": \"goed\", \"en\": \"good\"}, \"zwaar\": {\"nl\": \"zwaar\","
      + " \"en\": \"hard\"}}}}";

  // A replica with the app's own type: written, read, counted and checked like werkex's; a
  // bad extension is refused by name and leaves no file.
  private static void extendedSchema(Path dir) throws Exception {
    contains(Werkex.schemaBuiltin(), "\"experience\"", "the built-in schema document");
    String path = dir.resolve("app.db").toString();
    try (Replica app = Replica.openWithSchema(path, "{\"durable\": false}", LOGBOOK)) {
      app.setIdentity(PUPIL);
      String id = app.put("{\"type\": \"stage_log\", \"day\": \"2026-03-02\", \"hours\": 6,"
          + " \"mood\": \"zwaar\"}");
      Map<String, Object> log = MiniJson.object(app.get(id));
      eq("stage_log", log.get("type"), "the app's type");
      eq("zwaar", log.get("mood"), "its enum value");
      eq(1L, app.count(Query.all().type("stage_log")), "counted by its type");
      contains(app.labels("app_mood"), "\"en\":\"hard\"", "the app's enum labels");
      fails(ErrorCode.INVALID_ARGUMENT,
          () -> app.put("{\"type\": \"stage_log\", \"hours\": 6}"), "a required field missing");
      fails(ErrorCode.INVALID_ARGUMENT,
          () -> app.put("{\"type\": \"stage_log\", \"day\": \"2026-03-03\", \"mood\": \"blij\"}"),
          "a value outside the app's enum");
    }
    String taken = "{\"types\": {\"experience\": {\"bucket\": \"pupil\", \"write\": [\"pupil\"],"
        + " \"fields\": {}}}}";
    WerkexException e = fails(ErrorCode.INVALID_ARGUMENT,
        () -> Replica.openWithSchema(dir.resolve("taken.db").toString(), null, taken),
        "an extension that redefines a werkex type");
    contains(e.getMessage(), "experience", "the refusal names the type");
    isTrue(!java.nio.file.Files.exists(dir.resolve("taken.db")), "nothing was created");
    fails(ErrorCode.INVALID_ARGUMENT,
        () -> Replica.openWithSchema(dir.resolve("none.db").toString(), null, null),
        "no extension at all");
  }

  // plan -> prepare -> experience -> reflection -> next step, with cycle() after each.
  private static String cycle(Dossier d) throws Exception {
    String activity = d.planActivity("{\"kind\": \"snuffelstage\", \"title\": " + quote(TITLE)
        + ", \"builds_on\": \"Ik kook graag\", \"expected_yield\": \"weten of koken"
        + " werk is\", \"use_of_yield\": \"kiezen\", \"chosen_by_pupil\": true}");
    Map<String, Object> c = MiniJson.object(d.cycle(activity));
    eq(activity, c.get("activity"), "cycle names the activity");
    eq("snuffelstage", c.get("kind"), "kind");
    eq(false, c.get("prepared"), "not prepared yet");
    d.prepare("{\"activity\": \"" + activity + "\", \"known_about_self\": \"ik ben precies\","
        + " \"learning_goals\": \"messen leren gebruiken\","
        + " \"learning_verbs\": [\"leren\", \"oefenen\"]}");
    eq(true, MiniJson.object(d.cycle(activity)).get("prepared"), "prepared");
    String experience = d.recordExperience("{\"activity\": \"" + activity
        + "\", \"note\": \"Wortels \uD83E\uDD55 gesneden\","
        + " \"emotion\": \"trots\"}");
    eq(1.0, MiniJson.object(d.cycle(activity)).get("experiences"), "one experience");
    String reflection =
        d.reflect("{\"experiences\": [\"" + experience + "\"], \"with_whom\": [\"mentor\"],"
            + " \"qualities\": [\"zorgvuldig\"], \"motives\": [\"samenwerken\"],"
            + " \"red_thread\": \"ik werk graag met mijn handen\"}");
    eq(true, MiniJson.object(d.cycle(activity)).get("reflected"), "reflected");
    d.chooseNextStep("{\"reflection\": \"" + reflection
        + "\", \"description\": \"een dag meelopen in een"
        + " bakkerij\", \"action\": \"uitproberen\", \"direction\": [\"verdiepen\"]}");
    c = MiniJson.object(d.cycle(activity));
    eq(true, c.get("next_step_chosen"), "next step chosen");
    eq(false, c.get("signed_off"), "not signed off");
    List<Object> cycles = MiniJson.array(d.cycles(null));
    eq(1, cycles.size(), "one cycle in the own dossier");
    return activity;
  }

  // The to-do list on a fixed day: a day at the garage three days away asks for its
  // preparation, and the preparation takes the item away.
  private static void todo(Dossier d) throws Exception {
    String garage = d.planActivity("{\"kind\": \"meeloopdag\", \"title\": \"Garage\","
        + " \"planned_date\": \"2026-12-04\"}");
    Map<String, Object> item = null;
    for (Object o : MiniJson.array(d.todo("2026-12-01"))) {
      Map<String, Object> i = Devices.asObject(o);
      if (garage.equals(i.get("entity"))) item = i;
    }
    isTrue(item != null, "the garage day is on the list");
    eq("prepare_activity", item.get("kind"), "kind");
    eq("2026-12-04", item.get("due"), "due on the day itself");
    eq("Bereid 'Garage' voor: het staat gepland op 2026-12-04.", item.get("text"), "Dutch text");
    isTrue(!d.todo("2026-11-20").contains(garage), "a week before it is not close yet");
    isTrue(d.todo(null).startsWith("["), "today from the replica clock");
    fails(ErrorCode.INVALID_ARGUMENT, () -> d.todo("4 december"), "not a date");
    // A refusal carries its key and the Dutch text; the feeling is taken in her own words.
    WerkexException wrong = fails(ErrorCode.INVALID_ARGUMENT,
        () -> d.recordExperience("{\"note\": \"Föhnen\", \"emotion\": \"hongerig\"}"),
        "an unknown feeling");
    eq("value_invalid", wrong.key(), "the message key");
    isTrue(wrong.messageIn("nl").startsWith("de nieuwe ervaring: veld 'Emotie': verwacht een van"),
        "the Dutch text: " + wrong.messageIn("nl"));
    isTrue(wrong.messageIn("en").startsWith("the new experience: field 'emotion'"),
        "the English text: " + wrong.messageIn("en"));
    String annoyed = d.recordExperience("{\"note\": \"Ze schreeuwde\", \"emotion\": \"geërgerd\"}");
    isTrue(annoyed.length() == 36, "a Dutch label is taken for the choice");
    d.prepare("{\"activity\": \"" + garage + "\", \"want_to_find_out\": \"wat doet een monteur\"}");
    isTrue(!d.todo("2026-12-01").contains(garage), "prepared: off the list");
  }

  private static void queries(Replica r, String activity) throws Exception {
    eq(1, MiniJson.array(r.list(Query.all().type("activity"))).size(), "one activity");
    eq(1L, r.count(Query.all().type("experience")), "one experience");
    eq(5L, r.count(Query.all()), "five entities in the cycle");
    eq(1L, r.count(Query.all().type("activity").where("kind", "snuffelstage")), "where kind");
    eq(0L, r.count(Query.all().type("activity").where("kind", "interview")), "where other kind");
    eq(1L, r.count(Query.all().type("activity").where("title", TITLE)), "where escaped title");
    eq(1L, r.count(Query.all().type("activity").where("chosen_by_pupil", true)), "where bool");
    eq(1L, r.count(Query.all().type("preparation").where("learning_verbs", "oefenen")), "set");
    eq(2, MiniJson.array(r.list(Query.all().limit(2))).size(), "limit");
    eq(1L,
        r.count(Query.all().type("activity").bucket("pupil:0190b000-0000-7000-8000-00000000005e")),
        "bucket");
    List<Object> sorted = MiniJson.array(r.list(Query.all().orderBy("id").limit(3).offset(1)));
    eq(3, sorted.size(), "offset and limit");
    eq("{\"type\":\"a\\\"b\",\"field\":\"n\",\"equals\":2.5,\"limit\":3}",
        Query.all().type("a\"b").where("n", 2.5).limit(3).toJson(), "query JSON");
    eq("{\"field\":\"x\",\"equals\":\"\\n\\u0001\"}", Query.all().where("x", "\n\u0001").toJson(),
        "control characters escaped");
    isTrue(r.dump().contains(activity), "dump holds the activity");
  }

  // put (create, update), get, delete, includeDeleted; returns the deleted contact's id.
  private static String entities(Replica r) throws Exception {
    String id = r.put("{\"type\": \"contact\", \"name\": \"Ans\"}");
    r.put("{\"id\": \"" + id + "\", \"role\": \"kok \uD83D\uDC69\u200D\uD83C\uDF73\"}");
    Map<String, Object> doc = MiniJson.object(r.get(id));
    eq("Ans", doc.get("name"), "name kept by a partial update");
    eq("kok \uD83D\uDC69\u200D\uD83C\uDF73", doc.get("role"), "role updated");
    r.delete(id);
    eq(true, MiniJson.object(r.get(id)).get("deleted"), "tombstone");
    eq(0L, r.count(Query.all().type("contact")), "deleted ones are left out");
    eq(1L, r.count(Query.all().type("contact").includeDeleted(true)), "unless asked for");
    eq("[]", r.quarantine().replaceAll("\\s", ""), "nothing quarantined offline");
    r.clearQuarantine();
    contains(r.status(), "\"pupil\"", "status names the role");
    return id;
  }

  private static void errors(Replica r, String deleted) throws Exception {
    fails(ErrorCode.INVALID_ARGUMENT, () -> r.put("{not json"), "bad JSON");
    fails(ErrorCode.INVALID_ARGUMENT,
        () -> r.put("{\"type\": \"activity\", \"kind\": \"x\"}"), "bad enum value");
    fails(ErrorCode.INVALID_ARGUMENT, () -> r.put(null), "null argument");
    fails(ErrorCode.INVALID_ARGUMENT, () -> r.get("a\u0000b"), "NUL inside text");
    fails(ErrorCode.NOT_FOUND, () -> r.get("0190b000-0000-7000-8000-0000000000ff"), "unknown id");
    fails(ErrorCode.CONFLICT,
        () -> r.put("{\"id\": \"" + deleted + "\", \"name\": \"x\"}"), "write to a deleted entity");
    fails(ErrorCode.INVALID_ARGUMENT, () -> r.exportChanges(-1, 0), "negative sequence");
    fails(ErrorCode.CORRUPT, () -> r.importChanges("{\"changes\": 5}"), "bad bundle");
    fails(ErrorCode.INVALID_ARGUMENT,
        () -> r.observe(Query.all().limit(1), s -> {}), "observer query with a limit");
  }

  // An observer that throws: the write commits and returns, the Throwable goes to the thread's
  // uncaught-exception handler.
  private static void throwingObserver(Replica r) throws Exception {
    Thread self = Thread.currentThread();
    Thread.UncaughtExceptionHandler old = self.getUncaughtExceptionHandler();
    AtomicReference<Throwable> caught = new AtomicReference<>();
    self.setUncaughtExceptionHandler((t, e) -> caught.set(e));
    try (Subscription s = r.observe(
             Query.all(), changes -> { throw new IllegalStateException("observer boom"); })) {
      String id = r.put("{\"type\": \"contact\", \"name\": \"Bo\"}");
      eq("Bo", MiniJson.object(r.get(id)).get("name"), "the write committed");
      isTrue(caught.get() instanceof IllegalStateException, "handler got the throwable");
      eq("observer boom", caught.get().getMessage(), "its message");
    } finally {
      self.setUncaughtExceptionHandler(old);
    }
  }

  // Two replicas of the same pupil trade bundles both ways and converge.
  private static void bundles(Path dir, Replica phone) throws Exception {
    try (Replica tablet =
             Replica.open(dir.resolve("tablet.db").toString(), "{\"durable\": false}")) {
      tablet.setIdentity(PUPIL);
      tablet.put("{\"type\": \"contact\", \"name\": \"Tablet contact\"}");
      String report = tablet.importChanges(phone.exportChanges(0, 0));
      eq(0, ((List<?>) MiniJson.object(report).get("rejected")).size(), "nothing rejected");
      phone.importChanges(tablet.exportChanges(0, 0));
      eq(phone.dump(), tablet.dump(), "converged dumps");
      isTrue(phone.dump().contains("Tablet contact"), "the tablet's write reached the phone");
    }
  }

  // After close every call is CLOSED, close is idempotent, views close with the replica, a
  // close racing with calls on other threads is safe, and a close from inside an observer is
  // done when the write returns.
  private static void closing(Path dir) throws Exception {
    Replica r = Replica.open(dir.resolve("closing.db").toString());
    r.setIdentity(PUPIL);
    Dossier d = r.dossier();
    int threads = 4;
    CountDownLatch started = new CountDownLatch(threads);
    List<Throwable> endings = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        started.countDown();
        try {
          while (true) r.count(Query.all());
        } catch (Throwable e) {
          endings.add(e);
        }
      });
      w.start();
      workers.add(w);
    }
    started.await();
    Thread.sleep(50);
    r.close();
    for (Thread w : workers) w.join(10_000);
    eq(threads, endings.size(), "every worker stopped");
    for (Throwable e : endings) eq(ErrorCode.CLOSED, ((nl.werkex.WerkexException) e).code(), "why");
    r.close();
    fails(ErrorCode.CLOSED, () -> r.get("x"), "get after close");
    fails(ErrorCode.CLOSED, () -> d.cycles(null), "a view after close");
    fails(ErrorCode.CLOSED, () -> d.todo(null), "the to-do list after close");
    fails(ErrorCode.CLOSED, () -> r.blobs().status(), "blobs after close");

    Replica s = Replica.open(dir.resolve("closing2.db").toString());
    s.setIdentity(PUPIL);
    AtomicReference<String> inside = new AtomicReference<>();
    Subscription sub = s.observe(Query.all(), changes -> {
      s.close();
      try {
        s.count(Query.all());
        inside.set("no error");
      } catch (nl.werkex.WerkexException e) {
        inside.set(e.code().name());
      }
    });
    String id = s.put("{\"type\": \"contact\", \"name\": \"Cas\"}");
    isTrue(id != null && !id.isEmpty(), "the write that closed returned its id");
    eq("CLOSED", inside.get(), "calls after close inside the observer");
    fails(ErrorCode.CLOSED, () -> s.count(Query.all()), "closed after the write returned");
    sub.close();
  }

  private static String quote(String s) {
    return Query.all().type(s).toJson().replaceFirst("^\\{\"type\":", "").replaceFirst("}$", "");
  }
}
