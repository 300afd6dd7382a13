package nl.werkex;

import java.io.IOException;

/**
 * The app's own HTTP stack (OkHttp, HttpURLConnection, ...) as a werkex transport; see {@link
 * Transport#of(HttpClient)}.
 *
 * <p>{@link #send} sends one request and blocks until the answer is complete. Any HTTP answer,
 * 4xx and 5xx included, is an answer: return it. Throw IOException when no answer came (offline,
 * timeout, TLS): the sync then fails with {@link ErrorCode#UNAVAILABLE} and loses nothing. It
 * runs on the thread that called {@link Sync} or {@link Blobs}, one request at a time per
 * transport, without the replica's lock. Every werkex request is idempotent, so it may retry.
 */
@FunctionalInterface
public interface HttpClient {
  HttpResponse send(HttpRequest request) throws IOException;
}
