package nl.werkex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The native methods of libwerkex_jni and the Java code the native side calls back into.
 *
 * <p>Text crosses the boundary as UTF-8 byte arrays, never as jstring: JNI's own string
 * functions use "modified UTF-8", which mangles characters outside the BMP (emoji in a
 * reflection). Handles are the C pointers as {@code long}; the public classes guard them (see
 * {@link Handle}). Every native method that can fail throws {@link WerkexException}.
 */
final class Native {
  static {
    System.loadLibrary("werkex_jni");
    int abi = abiVersion();
    if (abi != Werkex.ABI_VERSION) {
      throw new UnsatisfiedLinkError(
          "libwerkex_jni has C ABI " + abi + ", this binding needs " + Werkex.ABI_VERSION);
    }
  }

  private Native() {}

  /** UTF-8 bytes of a string; null stays null (the C side reports a missing argument). */
  static byte[] utf8(String s) { return s == null ? null : s.getBytes(StandardCharsets.UTF_8); }

  static String text(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  // ---- Called from native code ------------------------------------------------------------

  /**
   * Runs an observer on the writing thread. A Throwable it throws goes to this thread's
   * uncaught-exception handler: the write has committed, so it is neither swallowed nor
   * rethrown into the writer.
   */
  static void dispatchChange(Observer observer, byte[] changesJson) {
    try {
      observer.onChange(text(changesJson));
    } catch (Throwable t) {
      Thread thread = Thread.currentThread();
      try {
        thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
      } catch (Throwable ignored) {
        // A handler that throws has nobody left to tell.
      }
    }
  }

  /** What an HttpClient answered (or why it could not), read field by field by the native side. */
  static final class SendResult {
    final int status;
    final byte[][] headers; // name, value, name, value, ...
    final byte[] body;
    final byte[] error; // UTF-8 message; null when an answer came

    SendResult(int status, byte[][] headers, byte[] body, byte[] error) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.error = error;
    }
  }

  /** Sends one request through the app's HttpClient; never throws. */
  static SendResult dispatchSend(
      HttpClient client, byte[] method, byte[] url, byte[][] headers, byte[] body) {
    try {
      List<Map.Entry<String, String>> list = new ArrayList<>(headers.length / 2);
      for (int i = 0; i + 1 < headers.length; i += 2) {
        list.add(new AbstractMap.SimpleImmutableEntry<>(text(headers[i]), text(headers[i + 1])));
      }
      HttpResponse response = client.send(new HttpRequest(text(method), text(url), list, body));
      if (response == null) {
        return failed("HttpClient.send returned null");
      }
      Map<String, String> h = response.headers();
      byte[][] flat = new byte[h.size() * 2][];
      int i = 0;
      for (Map.Entry<String, String> e : h.entrySet()) {
        flat[i++] = utf8(e.getKey());
        flat[i++] = utf8(e.getValue());
      }
      return new SendResult(response.status(), flat, response.bodyUnsafe(), null);
    } catch (IOException e) {
      String m = e.getMessage();
      return failed(m == null || m.isEmpty() ? e.getClass().getName() : m);
    } catch (Throwable t) {
      String m = t.getMessage();
      return failed(t.getClass().getName() + (m == null ? "" : ": " + m));
    }
  }

  private static SendResult failed(String message) {
    return new SendResult(0, null, null, utf8(message));
  }

  // ---- The C ABI ----------------------------------------------------------------------------

  static native byte[] version();

  static native int abiVersion();

  static native long replicaOpen(byte[] path, byte[] options) throws WerkexException;

  static native long replicaOpenWithSchema(byte[] path, byte[] options, byte[] schema)
      throws WerkexException;

  static native byte[] schemaBuiltin() throws WerkexException;

  static native void replicaRelease(long replica);

  /**
   * Closes the database but keeps the handle (wx_replica_close): calls of other threads that
   * wait on the network stop at their next answer. False only when called from inside a call
   * on the handle, which {@link Handle#close()} never does.
   */
  static native boolean replicaClose(long replica);

  static native byte[] replicaStatus(long replica) throws WerkexException;

  static native void replicaSetIdentity(long replica, byte[] json) throws WerkexException;

  static native void replicaSetServer(long replica, byte[] url) throws WerkexException;

  static native byte[] replicaPut(long replica, byte[] json) throws WerkexException;

  static native byte[] replicaGet(long replica, byte[] id) throws WerkexException;

  static native void replicaDelete(long replica, byte[] id) throws WerkexException;

  static native void replicaRestoreLost(long replica, byte[] id, byte[] field)
      throws WerkexException;

  static native byte[] replicaList(long replica, byte[] query) throws WerkexException;

  static native long replicaCount(long replica, byte[] query) throws WerkexException;

  static native byte[] replicaDump(long replica) throws WerkexException;
  static native byte[] replicaLabels(long replica, byte[] enumName) throws WerkexException;

  static native byte[] replicaQuarantine(long replica) throws WerkexException;

  static native void replicaClearQuarantine(long replica) throws WerkexException;

  static native byte[] replicaExport(long replica, long sinceSeq, long limit)
      throws WerkexException;

  static native byte[] replicaImport(long replica, byte[] bundle) throws WerkexException;

  static native long replicaObserve(long replica, byte[] query, Observer observer)
      throws WerkexException;

  static native void observerRelease(long observer);

  static native long transportCurl(byte[] options) throws WerkexException;

  static native long transportCallback(HttpClient client) throws WerkexException;

  static native void transportRelease(long transport);

  static native void syncEnroll(long replica, long transport, byte[] code) throws WerkexException;

  static native byte[] syncRun(long replica, long transport, byte[] options) throws WerkexException;

  static native byte[] blobAttach(
      long replica, byte[] entity, byte[] path, byte[] mime, byte[] caption) throws WerkexException;

  static native byte[] blobInfo(long replica, byte[] sha256) throws WerkexException;

  static native byte[] blobStatus(long replica) throws WerkexException;

  static native void blobSetPolicy(long replica, byte[] policy) throws WerkexException;

  static native byte[] blobUpload(long replica, long transport, byte[] network)
      throws WerkexException;

  static native byte[] blobFetch(long replica, long transport, byte[] sha256)
      throws WerkexException;

  static native long blobRetryFailed(long replica) throws WerkexException;

  // Dossier operations taking one JSON document, by number (see jni_domain.cpp).
  static final int PLAN_ACTIVITY = 0;
  static final int PREPARE = 1;
  static final int RECORD_EXPERIENCE = 2;
  static final int REFLECT = 3;
  static final int CHOOSE_NEXT_STEP = 4;
  static final int ADD_CONTACT = 5;

  static native byte[] dossierCreate(long replica, int operation, byte[] json)
      throws WerkexException;

  static native byte[] dossierComment(long replica, byte[] on, byte[] body) throws WerkexException;

  static native void dossierLinkExperience(long replica, byte[] experience, byte[] activity)
      throws WerkexException;

  static native byte[] dossierCycle(long replica, byte[] activity) throws WerkexException;

  static native byte[] dossierCycles(long replica, byte[] bucket) throws WerkexException;

  static native byte[] dossierTodo(long replica, byte[] today) throws WerkexException;

  static native byte[] trashList(long replica) throws WerkexException;

  static native void trashRestore(long replica, byte[] id) throws WerkexException;

  static native byte[] placementAsk(long replica, byte[] ask) throws WerkexException;

  static native byte[] placementRequests(long replica, boolean openOnly) throws WerkexException;

  static native byte[] placementAccept(long replica, byte[] request, byte[] answer)
      throws WerkexException;

  static native void placementDecline(long replica, byte[] request, byte[] answer)
      throws WerkexException;

  static native byte[] signoffSign(long replica, byte[] statement) throws WerkexException;

  static native byte[] signoffRequest(long replica, byte[] statement) throws WerkexException;

  static native byte[] signoffSignRequest(long replica, byte[] payload, byte[] statement)
      throws WerkexException;

  static native byte[] signoffAccept(long replica, byte[] payload) throws WerkexException;

  static native byte[] signoffSignWithPin(long replica, byte[] statement, byte[] pin)
      throws WerkexException;

  static native void signoffRevoke(long replica, byte[] id, byte[] reason) throws WerkexException;

  static native byte[] signoffStatus(long replica, byte[] id) throws WerkexException;

  static native byte[] signoffPreview(long replica, byte[] payload, byte[] statement)
      throws WerkexException;

  static native byte[] signoffSignedBy(long replica, byte[] id) throws WerkexException;

  static native byte[] signoffEditWarning(long replica, byte[] id) throws WerkexException;

  static native byte[] signoffPlacementHours(long replica, byte[] placement)
      throws WerkexException;

  static native byte[] signoffRefused(long replica) throws WerkexException;

  static native void signoffRemoveRefused(long replica, byte[] id) throws WerkexException;
}
