// Example only (not compiled on the project's machines): the werkex Java API from Kotlin in an
// Android app. One replica per app, writes from any thread, observers posting to the UI thread,
// sync on Dispatchers.IO through OkHttp, and the offline sign-off QR hand-over.
package nl.werkex.example

import android.content.Context
import android.os.Handler
import android.os.Looper
import java.io.File
import java.io.IOException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import nl.werkex.HttpClient
import nl.werkex.HttpRequest
import nl.werkex.HttpResponse
import nl.werkex.Query
import nl.werkex.Replica
import nl.werkex.Subscription
import nl.werkex.Sync
import nl.werkex.Transport
import nl.werkex.WerkexException
import okhttp3.MediaType.Companion.toMediaTypeOrNull
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import org.json.JSONArray
import org.json.JSONObject

/** werkex's HttpClient over OkHttp: blocking `execute()`, which is what the callback wants. */
class OkHttpTransportClient(private val client: OkHttpClient) : HttpClient {
    @Throws(IOException::class)  // IOException -> WerkexException(UNAVAILABLE), nothing lost
    override fun send(request: HttpRequest): HttpResponse {
        val hasBody = request.method() == "POST" || request.method() == "PUT"
        val body = if (hasBody) {
            request.body().toRequestBody(request.header("Content-Type")?.toMediaTypeOrNull())
        } else {
            null
        }
        val builder = Request.Builder().url(request.url()).method(request.method(), body)
        for (header in request.headers()) {
            // OkHttp sets these itself.
            if (header.key.equals("Content-Length", ignoreCase = true)) continue
            if (header.key.equals("Host", ignoreCase = true)) continue
            builder.addHeader(header.key, header.value)
        }
        client.newCall(builder.build()).execute().use { response ->
            val headers = response.headers.names()
                .associateWith { response.headers.values(it).joinToString(", ") }
            return HttpResponse(response.code, headers, response.body?.bytes() ?: ByteArray(0))
        }
    }
}

/** The app's one way into its dossier. Replica calls are cheap and thread-safe; sync blocks. */
class DossierRepository(context: Context) : AutoCloseable {
    private val replica = Replica.open(File(context.filesDir, "werkex.db").path)
    private val transport = Transport.of(OkHttpTransportClient(OkHttpClient()))
    private val sync = Sync(replica, transport)
    private val mainThread = Handler(Looper.getMainLooper())

    /** First start: the school's server and the one-time code from the mentor (a QR code). */
    suspend fun enroll(serverUrl: String, code: String) = withContext(Dispatchers.IO) {
        replica.setServer(serverUrl)
        sync.enroll(code)
    }

    /** A new activity in the pupil's dossier; its id. Works offline. */
    fun planActivity(title: String, expectedYield: String): String =
        replica.dossier().planActivity(
            JSONObject()  // org.json escapes for us
                .put("kind", "snuffelstage")
                .put("title", title)
                .put("expected_yield", expectedYield)
                .toString())

    /**
     * Tells the UI when activities change, whoever wrote them (this app, or a sync pulling the
     * mentor's comment). The callback runs on the writing thread with the replica locked: post,
     * never block. Close the subscription when the screen goes.
     */
    fun observeActivities(onChange: (String) -> Unit): Subscription =
        replica.observe(Query.all().type("activity")) { changes ->
            mainThread.post { onChange(changes) }
        }

    /** Push and pull, then photos if on Wi-Fi; null when offline (try again later). */
    suspend fun syncNow(onWifi: Boolean): String? = withContext(Dispatchers.IO) {
        try {
            val report = sync.run()
            replica.blobs().upload(transport, if (onWifi) "wifi" else "cellular")
            report
        } catch (e: WerkexException) {
            if (e.isTransient) null else throw e  // UNAUTHENTICATED: enroll again; show others
        }
    }

    /** Pupil's phone, both offline: the payload to show as a QR code for the supervisor. */
    fun signoffRequest(experienceId: String, hours: Double): String =
        replica.signoffs().request(
            JSONObject()
                .put("covers", JSONArray().put(experienceId))
                .put("hours", hours)
                .put("attendance", "aanwezig")
                .toString())

    /** Supervisor's phone: signs the scanned request; the answer to show as a QR code. */
    fun signScannedRequest(payload: String): String =
        replica.signoffs().signRequest(payload, null)

    /** Pupil's phone: stores the scanned signature; it syncs with the next run. */
    fun acceptSignature(payload: String): String = replica.signoffs().accept(payload)

    override fun close() {
        transport.close()
        replica.close()
    }
}
