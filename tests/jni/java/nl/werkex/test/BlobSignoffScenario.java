package nl.werkex.test;

import static nl.werkex.test.Check.eq;
import static nl.werkex.test.Check.fails;
import static nl.werkex.test.Check.isTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import nl.werkex.ErrorCode;
import nl.werkex.Transport;
import nl.werkex.test.Devices.Device;

/**
 * A photo and a supervisor's sign-off through the binding: the pupil attaches a photo to an
 * experience and uploads it over Wi-Fi (not over mobile data under the wifi_only policy), the
 * mentor fetches it through the app's HTTP stack byte for byte, the supervisor signs the
 * experience online, and the pupil's phone finds the sign-off valid.
 */
final class BlobSignoffScenario {
  static void run(Path dir, String serverBinary) throws Exception {
    JdkHttpClient mentorHttp = new JdkHttpClient();
    try (ServerProcess server = new ServerProcess(serverBinary, dir);
         Device sem =
             new Device(dir.resolve("sem.db"), server, "Sem", Transport.curl(Devices.QUICK_CURL));
         Device mentor = new Device(
             dir.resolve("mentor.db"), server, "Mevrouw Jansen", Transport.of(mentorHttp));
         Device ans = new Device(
             dir.resolve("ans.db"), server, "Ans Bakker", Transport.curl(Devices.QUICK_CURL))) {
      eq("supervisor", MiniJson.object(ans.replica.status()).get("role"), "Ans supervises");

      // In Sem's placement: what its supervisor sees of his dossier.
      sem.sync();
      String placement = (String) ((Map<?, ?>) sem.list("placement").get(0)).get("id");
      String activity = sem.replica.dossier().planActivity(
          "{\"kind\": \"snuffelstage\", \"title\": \"Bistro Noord\", \"placement\": \""
          + placement + "\"}");
      String experience = sem.replica.dossier().recordExperience(
          "{\"activity\": \"" + activity + "\", \"note\": \"foto van de keuken\"}");
      byte[] photo = new byte[300_000];
      new Random(7).nextBytes(photo);
      Path file = dir.resolve("IMG_0001.jpg");
      Files.write(file, photo);
      Map<String, Object> blob = MiniJson.object(
          sem.replica.blobs().attach(experience, file.toString(), null, "de keuken"));
      String sha = (String) blob.get("sha256");
      eq((double) photo.length, blob.get("size"), "size");
      eq("image/jpeg", blob.get("mime"), "mime from the extension");
      eq("local_pending_upload", MiniJson.object(sem.replica.blobs().info(sha)).get("state"),
          "queued");
      eq(Arrays.asList(sha), MiniJson.object(sem.replica.get(experience)).get("photos"),
          "the experience holds the photo");

      sem.sync();
      sem.replica.blobs().setPolicy("wifi_only");
      Map<String, Object> up =
          MiniJson.object(sem.replica.blobs().upload(sem.transport, "cellular"));
      eq(0.0, up.get("uploaded"), "nothing over mobile data");
      eq(1.0, up.get("skipped_by_policy"), "held back by the policy");
      up = MiniJson.object(sem.replica.blobs().upload(sem.transport, "wifi"));
      eq(1.0, up.get("uploaded"), "uploaded over wifi");
      eq((double) photo.length, up.get("bytes"), "every byte");
      eq("uploaded", MiniJson.object(sem.replica.blobs().info(sha)).get("state"), "uploaded");
      eq("wifi_only", MiniJson.object(sem.replica.blobs().status()).get("policy"), "policy kept");
      eq(0L, sem.replica.blobs().retryFailed(), "nothing failed");

      mentor.sync();
      eq("remote_only", MiniJson.object(mentor.replica.blobs().info(sha)).get("state"),
          "the mentor knows of it");
      int before = mentorHttp.bodyBytesReceived;
      String path = mentor.replica.blobs().fetch(mentor.transport, sha);
      isTrue(Arrays.equals(photo, Files.readAllBytes(Paths.get(path))), "the bytes match");
      isTrue(mentorHttp.bodyBytesReceived - before >= photo.length,
          "they came through the app's HTTP stack");
      fails(ErrorCode.NOT_FOUND,
          ()
              -> mentor.replica.blobs().info(
                  "0000000000000000000000000000000000000000000000000000000000000000"),
          "unknown blob");

      signoff(sem, mentor, ans, experience);
    }
  }

  private static void signoff(Device sem, Device mentor, Device ans, String experience)
      throws Exception {
    ans.sync();
    // The date as the server counts days (UTC).
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    // No "date": the statement is for today, as the device's clock has it.
    String statement = "{\"covers\": [\"" + experience + "\"], \"hours\": 6.5,"
        + " \"attendance\": \"aanwezig\", \"assessment\": \"Goed gewerkt, netjes en op tijd.\"}";
    String signoff = ans.replica.signoffs().sign(statement);
    eq(today, MiniJson.object(ans.replica.get(signoff)).get("statement_date"), "dated today");
    eq("valid", state(ans, signoff), "valid where it was signed");
    ans.sync();
    sem.sync();
    mentor.sync();
    eq("valid", state(sem, signoff), "valid on the pupil's phone");
    eq("valid", state(mentor, signoff), "valid on the mentor's");
    Map<String, Object> s = MiniJson.object(sem.replica.signoffs().status(signoff));
    eq("key", s.get("method"), "signed with the device key");
    List<Object> cycles = MiniJson.array(sem.replica.dossier().cycles(null));
    eq(true, Devices.asObject(cycles.get(0)).get("signed_off"), "the cycle shows the sign-off");
    fails(ErrorCode.PERMISSION_DENIED,
        () -> sem.replica.signoffs().sign(statement), "a pupil cannot sign online");

    // Offline, by QR: the pupil's phone shows a request, the supervisor's signs it, the
    // pupil's accepts the signature; then the supervisor takes it back.
    String activity = (String) MiniJson.object(sem.replica.get(experience)).get("activity");
    String second = sem.replica.dossier().recordExperience(
        "{\"activity\": \"" + activity + "\", \"note\": \"Offline: kassa geteld\"}");
    String request = sem.replica.signoffs().request(
        "{\"covers\": [\"" + second + "\"], \"date\": \"" + today + "\"}");
    isTrue(request.startsWith("werkex-sign:v1:"), "a sign request payload");
    String preview = ans.replica.signoffs().preview(request, "{\"hours\": 7.5}");
    Map<String, Object> seen = MiniJson.object(preview);
    eq(7.5, seen.get("hours"), "the supervisor sees the hours she states");
    Check.contains(preview, "\"title\":\"Offline: kassa geteld\"", "and the entry she signs");
    String signature = ans.replica.signoffs().signRequest(
        request, "{\"hours\": 7.5, \"assessment\": \"Zelfstandig gewerkt.\"}");
    isTrue(signature.startsWith("werkex-sig:v1:"), "a signature payload");
    String qr = sem.replica.signoffs().accept(signature);
    eq("valid", state(sem, qr), "the accepted signature is valid");
    Check.contains(sem.replica.signoffs().signedBy(second), qr, "an edit would undo it");
    Check.contains(sem.replica.signoffs().editWarning(second),
        "na deze wijziging is de aftekening niet meer geldig", "the pupil is warned first");
    String placement = (String) MiniJson.object(sem.replica.get(qr)).get("placement");
    Check.contains(sem.replica.signoffs().placementHours(placement), "\"hours\":14",
        "both days count: 6.5 + 7.5");
    eq("[]", sem.replica.signoffs().refused(), "nothing refused");
    fails(ErrorCode.NOT_FOUND, () -> sem.replica.signoffs().removeRefused(qr),
        "only a refused sign-off can be removed");
    fails(ErrorCode.INVALID_ARGUMENT,
        () -> sem.replica.signoffs().accept("werkex-sig:v1:xyz"), "a garbled signature");
    sem.sync();
    ans.sync();
    ans.replica.signoffs().revoke(qr, "verkeerde dag");
    ans.sync();
    sem.sync();
    Map<String, Object> revoked = MiniJson.object(sem.replica.signoffs().status(qr));
    eq("revoked", revoked.get("state"), "revoked on the pupil's phone");
    Check.contains((String) revoked.get("reason"), "verkeerde dag", "with the reason");
  }

  private static String state(Device d, String signoff) throws Exception {
    return (String) MiniJson.object(d.replica.signoffs().status(signoff)).get("state");
  }
}
